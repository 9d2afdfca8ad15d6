"""On-demand benchmark (not part of the test run): a large ACLED-format file through the loaders,
then the diplomatic status of the busiest dyads. Prints `name value unit` lines.

    .venv/bin/python benchmarks/bench_datasets.py [--rows 1000000] [--file /tmp/acled_1m.csv]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--file", default=None, help="reuse (or write) the generated file here")
    parser.add_argument("--dyads", type=int, default=20, help="how many of the busiest dyads get a status")
    args = parser.parse_args()
    os.environ.setdefault("FAULTLINE_HOME", tempfile.mkdtemp(prefix="faultline-bench-"))
    from benchmarks.generate import acled_file

    path, written = acled_file(args.rows, args.file)
    if written:
        # The generator's own memory is not the loader's: measure the load in a fresh process.
        os.execv(sys.executable, [sys.executable, *sys.argv, "--file", str(path)])
    import loaders
    import monitor

    base = peak_mb()
    t = time.perf_counter()
    result = loaders.load_files(path)
    elapsed = time.perf_counter() - t
    print(f"load_acled_rows {len(result.events):,} rows")
    print(f"load_acled_seconds {elapsed:.2f} s")
    print(f"load_acled_peak_rss {peak_mb():.0f} MB (before loading: {base:.0f} MB)")
    events = result.events
    busiest = events["dyad"].value_counts().index[: args.dyads]
    t = time.perf_counter()
    for dyad in busiest:
        monitor.dyad_status(events, *dyad.split("-"))
    per = (time.perf_counter() - t) / max(1, len(busiest))
    print(f"dyad_status_per_dyad {1000 * per:.0f} ms (mean of the {len(busiest)} busiest of "
          f"{events['dyad'].nunique():,} dyads)")


if __name__ == "__main__":
    main()
