"""The events every page shows: the bundled seeds plus the analyst's inbox, loaded once per change."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd
import streamlit as st

import loaders
from loaders.paths import SEEDS_DIR, user_home, writable_home
from loaders.problems import Problem

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


@st.cache_data(show_spinner="Loading events…", max_entries=4)
def _load(signature: tuple) -> tuple[pd.DataFrame, list, pd.DataFrame]:
    """Every input together (incidents span files), with a report per file. The loaders never let
    one broken file sink the others; a failure of the loading itself still leaves the pages up."""
    origins = {s[1]: (s[0], s[2], s[3]) for s in signature}
    try:
        result = loaders.load_files([Path(s[1]) for s in signature])
    except Exception as exc:  # a loader bug must not take the whole dashboard down
        problem = Problem("(all inputs)", 0, f"loading failed ({type(exc).__name__}: {exc})")
        return loaders.load([]), [problem], pd.DataFrame(columns=SOURCE_COLUMNS)
    rows = []
    for r in result.files:
        parent = r.path.split("!", 1)[0]  # a zip member is reported under its zip
        origin, mtime, size = origins.get(parent, ("inbox", None, None))
        rows.append({
            "file": _display_path(Path(r.path)),
            "origin": origin,
            "format": r.format or "not recognised",
            "rows": r.rows_kept,
            "problems": len(r.problems),
            "size_kb": round((size or 0) / 1024, 1),
            "modified": pd.Timestamp(mtime, unit="ns").floor("s") if mtime else pd.NaT,
        })
    return result.events, result.problems, pd.DataFrame(rows, columns=SOURCE_COLUMNS)


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
