"""The events every page shows: the bundled seeds plus the analyst's inbox, loaded once per change."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd
import streamlit as st

import loaders
from loaders.paths import SEEDS_DIR, user_home, writable_home

SOURCE_COLUMNS = ["file", "origin", "format", "rows", "problems", "size_kb", "modified"]


def inbox_dir() -> Path:
    """Where the analyst drops files to load (ACLED, UCDP, GDELT exports, articles)."""
    return user_home() / "inbox"


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    try:
        return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    except OSError:
        return []  # an unreadable inbox is reported as empty, never a crash


def input_files() -> list[tuple[str, Path]]:
    """(origin, path) of every input: "seed" for bundled articles, "inbox" for the analyst's."""
    return [("seed", p) for p in _files(SEEDS_DIR)] + [("inbox", p) for p in _files(inbox_dir())]


def _signature(files: list[tuple[str, Path]]) -> tuple:
    """Paths, modification times and sizes: any new, changed or removed file changes it."""
    sig = []
    for origin, path in files:
        try:
            st_ = path.stat()
            sig.append((origin, str(path), st_.st_mtime_ns, st_.st_size))
        except OSError:
            sig.append((origin, str(path), None, None))
    return tuple(sig)


def _detect(path: Path) -> str:
    try:
        text = path.read_bytes()[:200_000].decode("utf-8-sig", errors="replace")
    except OSError:
        return "unreadable"
    return loaders.detect_format(path, text) or "not recognised"


@st.cache_data(show_spinner="Loading events…", max_entries=4)
def _load(signature: tuple) -> tuple[pd.DataFrame, list, pd.DataFrame]:
    """Load every file together (incidents span files) and each alone (rows and problems per file)."""
    paths = [Path(p) for _, p, _, _ in signature]
    events, problems = loaders.load_report(paths)
    rows = []
    for origin, path_s, mtime, size in signature:
        path = Path(path_s)
        got, probs = loaders.load_report([path])
        rows.append({
            "file": _display_path(path),
            "origin": origin,
            "format": _detect(path),
            "rows": len(got),
            "problems": len(probs),
            "size_kb": round((size or 0) / 1024, 1),
            "modified": pd.Timestamp(mtime, unit="ns").floor("s") if mtime else pd.NaT,
        })
    return events, problems, pd.DataFrame(rows, columns=SOURCE_COLUMNS)


def _display_path(path: Path) -> str:
    """Seeds relative to the project; inbox files relative to the inbox; otherwise as given."""
    for base, label in ((SEEDS_DIR.parent, ""), (inbox_dir(), "inbox/")):
        try:
            return label + str(path.relative_to(base))
        except ValueError:
            continue
    return str(path)


def load_events() -> tuple[pd.DataFrame, list, pd.DataFrame]:
    """(events, problems, per-file source summary), reloaded whenever an input file changes.

    On a read-only deployment (FAULTLINE_HOME cannot be written) nothing is created and the
    app says once that it runs from the shipped data.
    """
    home = writable_home()
    if home is None:
        st.info(f"Read-only deployment: the app runs from the shipped data only. The analyst folder "
                f"({user_home()}) cannot be written, so no inbox, cache or corrections are kept.",
                icon=":material/lock:")
    else:
        try:
            inbox_dir().mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
    return _load(_signature(input_files()))


def data_fingerprint(events: pd.DataFrame) -> str:
    """Eight hex characters naming the data: the same event_ids give the same fingerprint."""
    ids = sorted(events["event_id"].astype(str)) if len(events) else []
    return hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()[:8]


def online_enabled() -> bool:
    """Online geocoding is opt-in (FAULTLINE_ONLINE=1); the dashboard itself loads offline."""
    return os.environ.get("FAULTLINE_ONLINE", "") == "1"
