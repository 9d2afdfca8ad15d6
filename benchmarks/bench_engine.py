"""On-demand benchmark (not part of the test run): the Map, Casualties and Events pages' queries on 1M and
10M generated events, through the pandas path (the whole table in memory) and the DuckDB path
(monitor.query over Parquet). Each measurement runs in a fresh process, so its peak RSS is its own.

    .venv/bin/python benchmarks/bench_engine.py [--sizes 1000000,10000000] [--dir /tmp] [--pandas-max 1000000]
                                                [--memory-limit 1.5GB] [--threads 2]

Prints `size engine step seconds` lines and a summary table. Two filter sets: `all` (no filter: the
worst case, every row counts) and `slice` (the busiest country over one year, what an analyst looks at).
The DuckDB worker starts from an empty index folder: its `index` step is the once-per-data-version build
(monitor.query.ParquetEvents.ensure_index), and the page queries after it use the index.

The three pages headless (Streamlit AppTest), one process, all rows then the slice per page:

    .venv/bin/python benchmarks/bench_engine.py --worker apptest EVENTS.parquet '{"country": "IND", ...}' \
        [--home DIR]

With `--home` an existing FAULTLINE_HOME: a second run reuses the index the first one built there (warm);
without, a fresh folder (cold: the first page builds the index).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAP_LIMIT = 20_000
PAGE = 500


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(out: dict, name: str, func):
    """Wall-clock seconds under `name`, CPU seconds (all threads) under `name`_cpu: on a shared machine
    the wall time includes waiting for a core, the CPU time does not."""
    t, c = time.perf_counter(), cpu_seconds()
    value = func()
    out[name] = round(time.perf_counter() - t, 3)
    out[name + "_cpu"] = round(cpu_seconds() - c, 3)
    return value


def filter_sets(spec: dict):
    from monitor import Filters

    return {"all": Filters(), "slice": Filters(start=date.fromisoformat(spec["start"]), end=date.fromisoformat(spec["end"]),
                                               countries=(spec["country"],))}


def worker_pandas(path: str, spec: dict) -> dict:
    import pandas as pd

    from monitor import active_dyads, actor_options, apply_filters, counted_incidents, incident_tolls, total
    from ui.data import data_fingerprint
    from ui.figures import _deadliest, density_bins

    out: dict = {"baseline_mb": round(rss_mb())}
    events = timed(out, "load", lambda: pd.read_parquet(path))
    out["rows"] = len(events)

    def sidebar():
        return (data_fingerprint(events), actor_options(events), active_dyads(events),
                sorted(events["iso3"].dropna().unique()))
    timed(out, "sidebar", sidebar)
    for name, f in filter_sets(spec).items():
        def map_query():
            shown = apply_filters(events, f)
            placed = shown[shown["latitude"].notna() & shown["longitude"].notna()]
            tolls = incident_tolls(shown)
            if len(placed) > MAP_LIMIT:
                return _deadliest(placed, tolls, MAP_LIMIT), density_bins(placed)
            return placed, None

        def casualties_query():
            counted = counted_incidents(incident_tolls(apply_filters(events, f)), include_gdelt=False)
            return total(counted, "killed"), total(counted, "injured"), len(counted)

        def events_query():
            shown = apply_filters(events, f)
            page = shown.sort_values(["event_date", "event_id"], ascending=[False, True]).head(PAGE)
            return len(shown), shown["incident_id"].nunique(), page

        timed(out, f"map_{name}", map_query)
        killed = timed(out, f"casualties_{name}", casualties_query)
        out[f"killed_{name}"] = str(killed[0])
        timed(out, f"events_{name}", events_query)
    out["peak_mb"] = round(peak_mb())
    return out


def worker_duckdb(path: str, spec: dict, threads: int, memory_limit: str | None) -> dict:
    import tempfile

    from monitor.query import ParquetEvents

    out: dict = {"baseline_mb": round(rss_mb())}
    tmp = tempfile.mkdtemp(prefix="faultline-duckdb-")
    # a fresh index folder: the first step builds this data version's index (once per change of the files)
    store = timed(out, "load", lambda: ParquetEvents(path, threads=threads, memory_limit=memory_limit,
                                                     temp_directory=tmp, index=Path(tmp) / "index"))
    timed(out, "index", store.ensure_index)
    facets = timed(out, "sidebar", store.facets)
    out["rows"] = facets.rows
    for name, f in filter_sets(spec).items():
        timed(out, f"map_{name}", lambda: store.map_data(f, limit=MAP_LIMIT))
        summary = timed(out, f"casualties_{name}", lambda: store.casualties(f, include_gdelt=False))
        out[f"killed_{name}"] = str(summary.killed)
        timed(out, f"events_{name}", lambda: (store.count(f), store.page(f, 0, PAGE)))
    csv = Path(tmp) / "export.csv"
    timed(out, "export_slice", lambda: store.export_csv(filter_sets(spec)["slice"], csv))
    out["export_slice_mb"] = round(csv.stat().st_size / 2**20, 1)
    csv.unlink()
    out["peak_mb"] = round(peak_mb())
    return out


def worker_apptest(path: str, spec: dict, threads: int, memory_limit: str | None) -> dict:
    """The three pages headless (Streamlit AppTest) on the DuckDB path: a cold first run (facets, no
    filter), then the same page opened from a link with the slice's filters."""
    import tempfile

    os.environ.update({"FAULTLINE_PARQUET": path, "FAULTLINE_ENGINE": "duckdb",
                       "FAULTLINE_HOME": spec.get("home") or tempfile.mkdtemp(prefix="faultline-apptest-"),
                       "FAULTLINE_DUCKDB_THREADS": str(threads)})
    if memory_limit:
        os.environ["FAULTLINE_DUCKDB_MEMORY"] = memory_limit
    from streamlit.testing.v1 import AppTest

    out: dict = {"baseline_mb": round(rss_mb())}
    link = {"country": spec["country"], "start": spec["start"], "end": spec["end"]}
    for page in ("1_Map.py", "2_Casualties.py", "4_Events.py"):
        name = page.split("_", 1)[1].removesuffix(".py").lower()
        for label, params in (("all", {}), ("slice", link)):
            at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=900)
            for k, v in params.items():
                at.query_params[k] = v
            timed(out, f"page_{name}_{label}", at.run)
            if at.exception:
                raise SystemExit(f"{page}: {[e.value for e in at.exception]}")
    out["peak_mb"] = round(peak_mb())
    return out


def slice_spec(path: str) -> dict:
    """The busiest country and the busiest year in it: a realistic analyst's view."""
    import duckdb

    con = duckdb.connect()
    country, year = con.execute("""SELECT iso3, year(event_date) AS y FROM read_parquet($p) WHERE iso3 IS NOT NULL
                                   GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1""", {"p": path}).fetchone()
    return {"country": country, "start": f"{year}-01-01", "end": f"{year}-12-31"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--dir", default="/tmp")
    parser.add_argument("--pandas-max", type=int, default=1_000_000, help="largest size run through pandas")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="1.5GB", help="DuckDB's memory_limit (spills to disk beyond)")
    parser.add_argument("--home", default="", help="FAULTLINE_HOME for the apptest worker: an existing one "
                        "reuses the DuckDB index built there by an earlier run (warm); default a fresh folder (cold)")
    parser.add_argument("--worker", nargs=3, metavar=("ENGINE", "PATH", "SPEC"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        engine, path, spec = args.worker
        spec = json.loads(spec)
        if args.home:
            spec["home"] = args.home
        if engine == "pandas":
            result = worker_pandas(path, spec)
        elif engine == "apptest":
            result = worker_apptest(path, spec, args.threads, args.memory_limit or None)
        else:
            result = worker_duckdb(path, spec, args.threads, args.memory_limit or None)
        print("RESULT " + json.dumps(result))
        return
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        path = Path(args.dir) / f"faultline_events_{size}.parquet"
        if not path.exists():
            t = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "events-parquet", str(size),
                            str(path)], check=True)
            print(f"generate {size:,} rows: {time.perf_counter() - t:.0f} s, {path.stat().st_size / 2**20:.0f} MiB")
        spec = slice_spec(str(path))
        for engine in ("pandas", "duckdb"):
            if engine == "pandas" and size > args.pandas_max:
                continue
            cmd = [sys.executable, __file__, "--threads", str(args.threads), "--memory-limit", args.memory_limit,
                   "--worker", engine, str(path), json.dumps(spec)]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
            if line is None:
                print(proc.stdout, proc.stderr, file=sys.stderr)
                raise SystemExit(f"{engine} at {size:,} failed")
            result = json.loads(line[7:])
            rows.append((size, engine, result))
            for key, value in result.items():
                print(f"{size} {engine} {key} {value}")
            sys.stdout.flush()
    print(f"\nslice = {spec['country']} {spec['start']}..{spec['end']} (of the largest file); times in seconds, memory in MB")
    keys = ["load", "index", "sidebar", "map_all", "casualties_all", "events_all", "map_slice", "casualties_slice",
            "events_slice", "export_slice", "peak_mb"]
    print("| rows | engine | " + " | ".join(keys) + " |")
    print("|---|---|" + "---|" * len(keys))
    for size, engine, r in rows:
        cells = [f"{r[k]} ({r[k + '_cpu']} cpu)" if k + "_cpu" in r else str(r.get(k, "")) for k in keys]
        print(f"| {size:,} | {engine} | " + " | ".join(cells) + " |")
    print("(wall seconds, with the CPU seconds of all the process's threads in brackets)")


if __name__ == "__main__":
    main()
