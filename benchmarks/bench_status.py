"""On-demand benchmark (not part of the test run): the diplomatic status of every dyad over a large
ACLED-format file (benchmarks/generate.py). Prints `name value unit` lines.

    .venv/bin/python benchmarks/bench_status.py [--rows 1000000] [--file /tmp/acled_1m.csv] [--check 20]

What is one-time and what is per page run:
- prepare_statuses(events): one moment per incident of each dyad, sorted, and one run of the state machine
  over each dyad's history. One-time per loaded events table and dataset filter: the overview keeps it with
  st.cache_resource keyed on the input files' paths, times and sizes (ui.data.events_key) and the dataset
  filter; a GDELT switch adds one machine run on first use.
- all_dyad_statuses(table, as_of, include_gdelt=...): every dyad's status from that table. This is the
  per-page cost (the overview also keeps its result per date and GDELT choice); the target is < 200 ms.
Wall time is what a user waits; CPU time (this process only) is steadier on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(fn, repeat: int = 1):
    """(result, median wall seconds, median CPU seconds) over repeat runs."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return result, statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--file", default=None, help="reuse (or write) the generated ACLED file here")
    parser.add_argument("--dyads", type=int, default=10, help="busiest dyads timed with dyad_status")
    parser.add_argument("--check", type=int, default=10,
                        help="dyads (busiest and random) whose fast status is compared with dyad_status")
    args = parser.parse_args()
    os.environ.setdefault("FAULTLINE_HOME", tempfile.mkdtemp(prefix="faultline-bench-"))
    from benchmarks.generate import acled_file

    path = acled_file(args.rows, args.file)[0]
    import random

    import loaders
    import monitor

    t = time.perf_counter()
    events = loaders.load_files(path).events
    print(f"load_rows {len(events):,} rows ({time.perf_counter() - t:.1f} s to load)")
    dated = events["event_date"].sort_values()
    as_of = dated.iloc[int(len(dated) * 0.9)].date()  # a status date inside the data

    table, wall, cpu = timed(lambda: monitor.prepare_statuses(events, include_gdelt=False))
    print(f"prepare_statuses_one_time {wall:.2f} s wall, {cpu:.2f} s CPU ({table.rows:,} rows with a dyad, "
          f"{len(table.moments):,} incidents)")
    result, wall, cpu = timed(lambda: monitor.all_dyad_statuses(table), repeat=5)
    print(f"all_dyad_statuses {1000 * wall:.0f} ms wall, {1000 * cpu:.0f} ms CPU (median of 5; each dyad "
          f"as of its latest report)")
    _, wall, cpu = timed(lambda: monitor.all_dyad_statuses(table, as_of), repeat=5)
    print(f"all_dyad_statuses_as_of_{as_of} {1000 * wall:.0f} ms wall, {1000 * cpu:.0f} ms CPU (median of 5)")
    print(f"dyads {len(result):,}")

    busiest = list(events["dyad"].value_counts().index[: args.dyads])
    _, wall, cpu = timed(lambda: [monitor.dyad_status(events, *d.split("-")) for d in busiest])
    print(f"dyad_status_per_dyad {1000 * wall / len(busiest):.0f} ms wall, {1000 * cpu / len(busiest):.0f} ms CPU "
          f"(mean of the {len(busiest)} busiest; every dyad this way: ~{cpu / len(busiest) * len(result):.0f} s CPU)")

    random.seed(1)
    sample = busiest[: args.check // 2] + random.sample(sorted(result), args.check - args.check // 2)
    fast_as_of = monitor.all_dyad_statuses(table, as_of, dyads=sample)
    same = all(result[d] == monitor.dyad_status(events, *d.split("-"))
               and fast_as_of[d] == monitor.dyad_status(events, *d.split("-"), as_of=as_of) for d in sample)
    print(f"same_as_dyad_status {same} ({len(sample)} dyads, latest and as of {as_of})")


if __name__ == "__main__":
    main()
