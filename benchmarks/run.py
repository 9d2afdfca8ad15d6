"""The speed benchmark (issue 7): generated inputs at several sizes through the dashboard's own paths.

    python -m benchmarks.run --sizes 10k,100k,1m [--data /tmp/faultline-bench] [--no-pages]

Run on demand, never by pytest (tests/ is the test path). For each size it generates the inputs once
(benchmarks/generate.py; kept under --data), makes a FAULTLINE_HOME whose inbox holds them, and
measures, each phase in a fresh process so memory and caches are honest:

  cold    load from the source files (the derived cache removed first)
  warm    load again in a new process (a restart with unchanged inputs), then: a filter and the
          aggregates every page computes, the floor (a bare pandas mask over the same columns),
          the map figure's JSON size, the CSV export
  pages   every page's full script run with streamlit.testing's AppTest

and prints one table, a row per measurement and a column per size (memory is peak RSS per phase).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import parse_size, size_label  # noqa: E402

PAGES = ["pages/1_Map.py", "pages/2_Casualties.py", "pages/3_Diplomacy.py", "pages/4_Events.py",
         "pages/5_Sources.py"]
# The filter of the interactive measurements: two years of violent events (a broad, typical view).
BROAD = dict(start=date(2022, 1, 1), end=date(2023, 12, 31),
             types=("Battles", "Explosions/Remote violence", "Violence against civilians"))

# (key, label, unit, format) in the order the table prints them.
ROWS = [
    ("rows", "events loaded", "rows", "{:,.0f}"),
    ("cold_load", "cold load from the source files", "s", "{:.2f}"),
    ("cold_rss", "peak memory, cold load", "MB", "{:,.0f}"),
    ("warm_load", "warm load from the cache (restart)", "s", "{:.2f}"),
    ("table_mb", "events table in memory", "MB", "{:,.0f}"),
    ("prepare", "numeric index of the table (once per data, before any filter)", "ms", "{:,.0f}"),
    ("filter_all", "filter, no filter set", "ms", "{:,.0f}"),
    ("agg_all", "filter + every page's aggregates, no filter", "ms", "{:,.0f}"),
    ("filter_broad", "filter, 2 years x violent types", "ms", "{:,.0f}"),
    ("agg_broad", "filter + every page's aggregates, 2 years x violent", "ms", "{:,.0f}"),
    ("agg_broad_again", "the same, measured a second time", "ms", "{:,.0f}"),
    ("floor_broad", "floor: bare pandas mask, same filter", "ms", "{:,.1f}"),
    ("ratio_filter", "filter / floor", "x", "{:,.1f}"),
    ("ratio_agg", "filter + aggregates / floor", "x", "{:,.0f}"),
    ("map_json", "map figure JSON, no filter", "kB", "{:,.0f}"),
    ("map_points", "map markers sent, no filter", "", "{:,.0f}"),
    ("csv_s", "CSV export (all rows), build time", "s", "{:.2f}"),
    ("csv_mb", "CSV export size as downloaded", "MB", "{:,.1f}"),
    ("warm_rss", "peak memory, warm phase", "MB", "{:,.0f}"),
    ("page_overview", "page run: overview (first run, loads the cache)", "s", "{:.2f}"),
    ("page_map", "page run: Map", "s", "{:.2f}"),
    ("page_casualties", "page run: Casualties", "s", "{:.2f}"),
    ("page_diplomacy", "page run: Diplomacy", "s", "{:.2f}"),
    ("page_events", "page run: Events", "s", "{:.2f}"),
    ("page_sources", "page run: Sources", "s", "{:.2f}"),
    ("page_rerun", "page rerun: Map, same filters", "s", "{:.2f}"),
    ("page_overview_again", "page run: overview, a second visitor (data loaded and prepared)", "s", "{:.2f}"),
    ("pages_rss", "peak memory, pages phase", "MB", "{:,.0f}"),
]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ms(fn, repeat: int = 1) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best * 1000, out


def _input_paths() -> list[Path]:
    from ui.data import input_files

    return [p for _, p in input_files()]


def _load():
    """The dashboard's own load (the derived cache when this version has one)."""
    try:
        from loaders.cache import load_cached
    except ImportError:
        import loaders

        return loaders.load_files(_input_paths()).events
    result = load_cached(_input_paths())
    from ui.data import _remember_fingerprint

    _remember_fingerprint(result.events, result.fingerprint)  # as the app does: computed once, kept with the cache
    return result.events


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _clear_filter_caches() -> None:
    """Forget every result kept per filter, but keep what is built once per data (the numeric index of
    ui.filtered, when this version has one): a new filter in a running app starts from there."""
    try:
        from ui import filtered
    except ImportError:
        return _clear_caches()
    import streamlit as st

    st.cache_data.clear()
    for name in dir(filtered):
        fn = getattr(filtered, name)
        if name != "_index" and not name.startswith("__") and callable(fn) and callable(getattr(fn, "clear", None)):
            fn.clear()


def _aggregates(events, filters) -> None:
    """What the pages compute from the filtered rows (overview, casualties, map, events, sources),
    through the shared per-filter path when this version has one (ui.filtered), caches cleared."""
    from ui.figures import map_view
    from ui.tables import events_table, not_geocoded, unplaced

    try:
        from ui import filtered
    except ImportError:
        from monitor import apply_filters
        from ui.tables import counted, headline_numbers

        shown = apply_filters(events, filters)
        headline_numbers(shown, filters)
        counted(shown, filters)
        map_view(shown)
        head = shown.sort_values(["event_date", "event_id"], ascending=[False, True]).head(500)
    else:
        shown = filtered.shown_rows(events, filters)
        filtered.headline(events, filters)
        filtered.counted(events, filters)
        if hasattr(filtered, "map_view_for"):  # what the Map page calls
            filtered.map_view_for(events, filters)
        else:
            map_view(shown, tolls=filtered.tolls(events, filters))
        head = filtered.newest(shown, 500)
    try:  # what the Events page passes: the reports of the listed incidents, through the index
        from ui.filtered import incident_reports
    except ImportError:
        events_table(head, events)
    else:
        events_table(head, incident_reports(events, head))
    unplaced(shown.head(500))
    not_geocoded(events.head(500))


def _markers(trace) -> int:
    """Positions a map trace sends (legend-only entries hold a single None)."""
    lat = getattr(trace, "lat", None)
    return 0 if lat is None else sum(1 for v in lat if v is not None and v == v)


def phase_cold() -> dict:
    t = time.perf_counter()
    events = _load()
    return {"rows": len(events), "cold_load": time.perf_counter() - t, "cold_rss": peak_mb()}


def phase_warm() -> dict:
    import pandas as pd

    from monitor import Filters, apply_filters
    from ui.figures import map_view

    out: dict = {}
    t = time.perf_counter()
    events = _load()
    out["warm_load"] = time.perf_counter() - t
    out["table_mb"] = events.memory_usage(deep=True).sum() / 2**20
    everything, broad = Filters(), Filters(**BROAD)
    _clear_caches()
    out["filter_all"], _ = _ms(lambda: apply_filters(events, everything), 3)
    out["filter_broad"], _ = _ms(lambda: apply_filters(events, broad), 3)
    _clear_caches()
    try:
        from ui.filtered import event_index
    except ImportError:
        pass
    else:
        out["prepare"], _ = _ms(lambda: event_index(events))
    _clear_filter_caches()
    out["agg_all"], _ = _ms(lambda: _aggregates(events, everything))
    _clear_filter_caches()
    out["agg_broad"], _ = _ms(lambda: _aggregates(events, broad))
    _clear_filter_caches()
    out["agg_broad_again"], _ = _ms(lambda: _aggregates(events, broad))  # a second, equally new filter
    start, end = pd.Timestamp(BROAD["start"]), pd.Timestamp(BROAD["end"])
    types = list(BROAD["types"])

    def floor():
        d = events["event_date"]
        return events[((d >= start) & (d <= end) & events["event_type"].isin(types)).to_numpy(dtype=bool)]

    out["floor_broad"], _ = _ms(floor, 3)
    out["ratio_filter"] = out["filter_broad"] / out["floor_broad"]
    out["ratio_agg"] = out["agg_broad"] / out["floor_broad"]
    try:  # the Map page's own call (cached per data and filters)
        from ui.filtered import map_view_for
    except ImportError:
        view = map_view(events)
    else:
        view = map_view_for(events, everything)
    out["map_json"] = len(view.figure.to_json().encode()) / 1000 if view.figure is not None else 0
    out["map_points"] = sum(_markers(tr) for tr in view.figure.data) if view.figure is not None else 0
    t = time.perf_counter()
    try:
        from ui.tables import download_payload
    except ImportError:
        from ui.tables import filtered_csv

        data = filtered_csv(events, everything).encode("utf-8")
    else:
        data = download_payload(events, everything).data
    out["csv_s"] = time.perf_counter() - t
    out["csv_mb"] = len(data) / 2**20
    del data
    out["warm_rss"] = peak_mb()
    return out


def phase_pages() -> dict:
    from streamlit.testing.v1 import AppTest

    out: dict = {}
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=1800)
    t = time.perf_counter()
    at.run()
    out["page_overview"] = time.perf_counter() - t
    errors = [str(e.value)[:200] for e in at.exception]
    for page in PAGES:
        at.switch_page(page)
        t = time.perf_counter()
        at.run()
        out["page_" + page.split("_", 1)[1].removesuffix(".py").lower()] = time.perf_counter() - t
        errors += [f"{page}: {str(e.value)[:200]}" for e in at.exception]
    at.switch_page(PAGES[0])
    at.run()
    t = time.perf_counter()
    at.run()
    out["page_rerun"] = time.perf_counter() - t
    # A second visitor: a new session on the same server process, where the data is loaded and prepared.
    other = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=1800)
    t = time.perf_counter()
    other.run()
    out["page_overview_again"] = time.perf_counter() - t
    errors += [f"second session: {str(e.value)[:200]}" for e in other.exception]
    out["pages_rss"] = peak_mb()
    if errors:
        out["errors"] = errors
    return out


def _home(data: Path, n: int) -> Path:
    """The size's generated inputs (made once) and a FAULTLINE_HOME whose inbox links to them."""
    folder = data / size_label(n)
    if not (folder / "inbox" / "other.csv").exists():
        subprocess.run([sys.executable, "-m", "benchmarks.generate", size_label(n), str(folder)], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    home = folder / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for src in (folder / "inbox").iterdir():
        dst = inbox / src.name
        if not dst.exists():
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
    return home


def _phase(name: str, home: Path) -> dict:
    env = {**os.environ, "FAULTLINE_HOME": str(home)}
    env.pop("FAULTLINE_READ_ONLY", None)
    env.pop("FAULTLINE_ONLINE", None)
    proc = subprocess.run([sys.executable, "-m", "benchmarks.run", "--phase", name], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        return {"errors": [f"{name} phase failed (exit {proc.returncode})"]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _cache_dirs(home: Path) -> list[Path]:
    return [home / "cache"]


def table(results: dict[str, dict]) -> str:
    sizes = list(results)
    lines = ["| measurement | unit | " + " | ".join(sizes) + " |", "|---|---|" + "---:|" * len(sizes)]
    for key, label, unit, fmt in ROWS:
        cells = [fmt.format(results[s][key]) if isinstance(results[s].get(key), (int, float)) else "–" for s in sizes]
        lines.append(f"| {label} | {unit} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--data", default="/tmp/faultline-bench", help="where generated inputs are kept")
    parser.add_argument("--no-pages", action="store_true", help="skip the AppTest page runs")
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        import warnings

        warnings.simplefilter("ignore")
        print(json.dumps({"cold": phase_cold, "warm": phase_warm, "pages": phase_pages}[args.phase]()))
        return
    results: dict[str, dict] = {}
    for size in args.sizes.split(","):
        n = parse_size(size)
        home = _home(Path(args.data), n)
        for folder in _cache_dirs(home):
            shutil.rmtree(folder, ignore_errors=True)
        res: dict = {}
        for phase in ("cold", "warm") + (() if args.no_pages else ("pages",)):
            print(f"[{size_label(n)}] {phase} ...", file=sys.stderr, flush=True)
            out = _phase(phase, home)
            errors = out.pop("errors", [])
            res.update(out)
            res.setdefault("errors", []).extend(errors)
        results[size_label(n)] = res
        for key, label, unit, fmt in ROWS:
            if isinstance(res.get(key), (int, float)):
                print(f"{size_label(n)} {key} {fmt.format(res[key])} {unit}", file=sys.stderr)
    print(table(results))
    for size, res in results.items():
        for err in res.get("errors", []):
            print(f"{size}: {err}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
