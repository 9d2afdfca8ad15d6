"""Which engine the Map, Casualties and Events pages run on.

By default every page holds the events table in memory (pandas): right up to about a million reports.
Beyond that, the pages can query Parquet files of the events table with DuckDB instead (monitor.query),
so that only what a page draws is ever in memory:

- `FAULTLINE_PARQUET`: the Parquet files (a glob, a folder, or paths separated by the OS path separator);
  code that builds a Parquet cache can instead pass its paths to `large_store(paths)`.
- `FAULTLINE_ENGINE`: `pandas` (never DuckDB), `duckdb` (always, when there are Parquet files) or `auto`
  (the default: DuckDB when the files hold more than `FAULTLINE_ENGINE_ROWS` rows, default 2,000,000).
- `FAULTLINE_DUCKDB_INDEX`: where the per-data-version index lives (monitor.query.ParquetEvents.ensure_index;
  default FAULTLINE_HOME/cache/duckdb), or `off`. `python -m monitor.query index PATH...` builds it ahead.

Without Parquet files nothing changes: the pages run on the loaded events as before.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from monitor.query import Facets, ParquetEvents, resolve_parquet

ENGINE_ENV, PARQUET_ENV, ROWS_ENV = "FAULTLINE_ENGINE", "FAULTLINE_PARQUET", "FAULTLINE_ENGINE_ROWS"
INDEX_ENV = "FAULTLINE_DUCKDB_INDEX"
AUTO_ROWS = 2_000_000


def engine_setting() -> str:
    value = os.environ.get(ENGINE_ENV, "auto").strip().lower() or "auto"
    return value if value in ("pandas", "duckdb", "auto") else "auto"


def parquet_paths() -> list[str]:
    """The Parquet files named by FAULTLINE_PARQUET (none when it is unset)."""
    spec = os.environ.get(PARQUET_ENV, "").strip()
    return resolve_parquet([p for p in spec.split(os.pathsep) if p]) if spec else []


def parquet_rows(paths: list[str]) -> int:
    """Rows in the files, from their footers (no data is read)."""
    import pyarrow.parquet as pq

    total = 0
    for p in paths:
        try:
            total += pq.ParquetFile(p).metadata.num_rows
        except Exception:  # an unreadable file: DuckDB will say which when queried
            continue
    return total


def _signature(paths: list[str]) -> tuple:
    sig = []
    for p in paths:
        try:
            s = Path(p).stat()
            sig.append((p, s.st_mtime_ns, s.st_size))
        except OSError:
            sig.append((p, None, None))
    return tuple(sig)


def use_duckdb(paths: list[str]) -> bool:
    setting = engine_setting()
    if not paths or setting == "pandas":
        return False
    if setting == "duckdb":
        return True
    try:
        threshold = int(os.environ.get(ROWS_ENV, AUTO_ROWS))
    except ValueError:
        threshold = AUTO_ROWS
    return parquet_rows(paths) > threshold


@st.cache_resource(max_entries=2, show_spinner=False)
def _store(signature: tuple) -> ParquetEvents:
    threads = int(os.environ.get("FAULTLINE_DUCKDB_THREADS", "0") or 0) or None
    limit = os.environ.get("FAULTLINE_DUCKDB_MEMORY") or None
    return ParquetEvents([s[0] for s in signature], threads=threads, memory_limit=limit, index=index_setting())


def index_setting() -> bool | Path:
    """FAULTLINE_DUCKDB_INDEX: a folder for the per-data-version index, `0`/`off` for none; by default
    FAULTLINE_HOME/cache/duckdb (or the system's temporary folder on a read-only deployment)."""
    value = os.environ.get(INDEX_ENV, "").strip()
    if value.lower() in ("0", "off", "false", "no"):
        return False
    return Path(value) if value else True


def large_store(paths: list[str] | None = None) -> ParquetEvents | None:
    """The DuckDB store the pages should use, or None for the default in-memory path."""
    paths = resolve_parquet(paths) if paths else parquet_paths()
    if not use_duckdb(paths):
        return None
    return _store(_signature(paths))


@st.cache_data(max_entries=2, show_spinner="Reading the data's facets…")
def _facets(signature: tuple) -> Facets:
    return _store(signature).facets()


def store_facets(store: ParquetEvents) -> Facets:
    """The sidebar's options for the store's data, computed once per change of the files."""
    return _facets(_signature(store.files))


def store_signature(store: ParquetEvents) -> tuple:
    return _signature(store.files)
