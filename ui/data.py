"""The events every page shows: the bundled seeds plus the analyst's inbox, loaded once per change."""

from __future__ import annotations

import hashlib
import os
import threading
import time
import weakref
from pathlib import Path

import pandas as pd
import streamlit as st

import loaders
from loaders.cache import fingerprint, load_cached
from loaders.curation import FILE_NAME as CURATION_FILE
from loaders.curation import curation_path
from loaders.geocode import pins_signature
from loaders.paths import SEEDS_DIR, user_home, writable_home
from loaders.pipeline import unresolved_summary
from loaders.problems import Problem
from ui.uploads import uploaded_names

SOURCE_COLUMNS = ["path", "file", "origin", "format", "rows read", "rows kept", "rows rejected", "duplicates",
                  "first event", "last event", "modified", "size_bytes"]
DUPLICATE_WORDS = ("the same event was loaded more than once", "replaced by a newer revision")
# Problems that did not keep a row out (the file was still read). The loaders' Problem has no severity
# yet, so it is read from the wording.
WARNING_WORDS = ("not valid UTF-8", "read anyway", "rebuilt from the input files")


def problem_kind(problem: Problem) -> str:
    """How a problem affected its file: 'duplicate' (the row is loaded from elsewhere or replaced by a
    newer revision), 'warning' (the row was still loaded), 'curation' (the analyst's corrections file:
    a suppressed event or an edit that could not be applied), 'file' (the whole file, or a summary
    without a line) or 'row rejected'."""
    message = str(problem.message)
    if Path(str(problem.file)).name == CURATION_FILE:
        return "curation"
    if any(w in message for w in DUPLICATE_WORDS):
        return "duplicate"
    if any(w in message for w in WARNING_WORDS):
        return "warning"
    return "file" if not problem.line else "row rejected"


def inbox_dir() -> Path:
    """Where the analyst drops files to load (ACLED, UCDP, GDELT exports, articles)."""
    return user_home() / "inbox"


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    try:
        return sorted(p for p in folder.rglob("*") if (p.is_file() or (p.is_symlink() and not p.exists()))
                      and not p.name.startswith("."))  # a dangling link is reported by the loaders, not hidden
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


def curation_signature() -> tuple:
    """The analyst's corrections file as part of the cache key: saving a correction reloads the data."""
    return _signature([("curation", curation_path())]) if curation_path().exists() else ()


_LOADED: dict[tuple, tuple] = {}   # key -> (events, problems, sources, fingerprint, notes, unresolved): one entry
_LOCK = threading.Lock()


def _load(signature: tuple, progress=None) -> tuple[pd.DataFrame, list, pd.DataFrame, str, list[str], pd.DataFrame]:
    """Every input together (incidents span files), with a report per file and the place names no
    gazetteer resolved, through the derived cache (loaders.cache): parsing happens only for inputs that
    changed since the cache was written. `signature` is (input files, corrections file, pins file): a
    saved correction or a new pin reloads.

    Kept in memory per process and shared by every session, like st.cache_resource but without its
    element replay (the progress box belongs to the run that loads). Not st.cache_data: that would
    unpickle a copy of a million-row table on every rerun. Nobody mutates the returned table."""
    key = (signature, str(user_home()), writable_home() is not None)
    with _LOCK:
        hit = _LOADED.get(key)
        if hit is not None:
            return hit
        _LOADED.clear()  # one table in memory, never the old one beside the new
        hit = _LOADED[key] = _load_now(signature, progress)
        return hit


def _load_now(signature: tuple, progress) -> tuple[pd.DataFrame, list, pd.DataFrame, str, list[str], pd.DataFrame]:
    """The loaders never let one broken file sink the others; a failure of the loading itself still
    leaves the pages up."""
    files, curation, _pins = signature
    origins = {s[1]: (s[0], s[2], s[3]) for s in files + curation}
    try:
        result = load_cached([Path(s[1]) for s in files], progress=progress)
    except Exception as exc:  # a loader bug must not take the whole dashboard down
        problem = Problem("(all inputs)", 0, f"loading failed ({type(exc).__name__}: {exc})")
        empty = loaders.load([])
        return empty, [problem], pd.DataFrame(columns=SOURCE_COLUMNS), fingerprint(empty), [], unresolved_summary(None)
    by_file: dict[str, list[Problem]] = {}
    for p in result.problems:  # duplicates and contract breaks are only in the overall list
        by_file.setdefault(str(p.file), []).append(p)
    rows = []
    for r in result.files:
        parent = r.path.split("!", 1)[0]  # a zip member is reported under its zip
        origin, mtime, size = origins.get(parent, ("inbox", None, None))
        kinds = [problem_kind(p) for p in by_file.get(r.path, [])]
        rejected_lines = {p.line for p, k in zip(by_file.get(r.path, []), kinds) if k == "row rejected"}
        rows.append({
            "path": r.path,
            "file": r.path,  # replaced by a display name in load_events (upload names can change)
            "origin": origin,
            "format": r.format or "not recognised",
            "rows read": r.rows_read,
            "rows kept": r.rows_kept,
            "rows rejected": len(rejected_lines),
            "duplicates": kinds.count("duplicate"),
            "first event": r.first_date if r.first_date is not None else pd.NaT,
            "last event": r.last_date if r.last_date is not None else pd.NaT,
            "modified": pd.Timestamp(mtime, unit="ns").floor("s") if mtime else pd.NaT,
            "size_bytes": size,
        })
    _remember_fingerprint(result.events, result.fingerprint)
    return (result.events, result.problems, pd.DataFrame(rows, columns=SOURCE_COLUMNS), result.fingerprint,
            result.notes, unresolved_summary(result.unresolved))


_FINGERPRINTS: dict[int, tuple] = {}  # id(table) -> (weak reference, fingerprint) of loaded tables


def _remember_fingerprint(events: pd.DataFrame, fp: str) -> None:
    for k in [k for k, (ref, _) in _FINGERPRINTS.items() if ref() is None]:
        del _FINGERPRINTS[k]
    _FINGERPRINTS[id(events)] = (weakref.ref(events), fp)


def _display_path(path: Path) -> str:
    """Seeds relative to the seeds folder, inbox files relative to the inbox (the origin column says
    which); otherwise as given."""
    for base, label in ((SEEDS_DIR, ""), (inbox_dir(), "")):
        try:
            return label + str(path.relative_to(base))
        except ValueError:
            continue
    return str(path)


def display_file(path: str, names: dict[str, str] | None = None) -> str:
    """A file as the analyst knows it: its path inside the seeds folder or the inbox, an upload by the name
    it was uploaded under (with the name it is stored as), a zip member as 'archive.zip › member'."""
    names = uploaded_names(inbox_dir()) if names is None else names
    outer, _, member = str(path).partition("!")
    saved = Path(outer).name
    upload = saved in names and Path(outer).parent == inbox_dir()
    shown = names[saved] if upload else _display_path(Path(outer))
    if member:
        shown += f" › {member}"
    return f"{shown} (upload, stored as {saved})" if upload else shown


def file_origin(path: str, origin: str, names: dict[str, str]) -> str:
    outer = Path(str(path).partition("!")[0])
    return "upload" if origin == "inbox" and outer.name in names and outer.parent == inbox_dir() else origin


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
    if read_only_flag():
        pass  # FAULTLINE_READ_ONLY=1: read what is there, create nothing
    elif home is not None:
        try:
            inbox_dir().mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
    box = st.empty()
    status = []

    def progress(message: str) -> None:  # only called when something is actually read: a cache hit shows nothing
        if not status:
            status.append(box.status("Loading events…", expanded=False))
        status[0].update(label=message)

    t0 = time.perf_counter()
    signature = (_signature(input_files()), curation_signature(), pins_signature())
    events, problems, sources, _fp, notes, _ = _load(signature, progress)
    _remember(events, signature)
    if status:
        for note in notes:
            status[0].warning(note.capitalize() + ".", icon=":material/build:")
        status[0].update(label=f"Loaded {len(events):,} reports in {time.perf_counter() - t0:.1f} s",
                         state="complete")
        if not notes:
            box.empty()
    if len(sources):
        names = uploaded_names(inbox_dir())
        sources = sources.assign(
            file=[display_file(p, names) for p in sources["path"]],
            origin=[file_origin(p, o, names) for p, o in zip(sources["path"], sources["origin"])])
    return events, problems, sources


# The input files each loaded events table was read from, so that what is derived from it (the status of
# every pair) can be cached under the same key as the table itself without hashing a million rows.
_KEYS: dict[int, tuple[weakref.ref, str]] = {}
_KEYS_LOCK = threading.Lock()


def _remember(events: pd.DataFrame, signature: tuple) -> None:
    key = hashlib.sha256(repr(signature).encode("utf-8")).hexdigest()[:16]
    with _KEYS_LOCK:
        for k in [k for k, (ref, _) in _KEYS.items() if ref() is None]:
            del _KEYS[k]
        _KEYS[id(events)] = (weakref.ref(events), key)


def events_key(events: pd.DataFrame) -> str | None:
    """A key naming the input files (paths, times, sizes) this events table was loaded from, for tables
    load_events returned; None for any other table (a filtered copy, a test's own frame)."""
    with _KEYS_LOCK:
        ref, key = _KEYS.get(id(events), (None, None))
    return key if ref is not None and ref() is events else None


def unresolved_places() -> pd.DataFrame:
    """Place names the loaders met but could not resolve (name, mentions, files, where, countries), from
    the same cached load as the events; file paths shown as the analyst knows them."""
    table = _load((_signature(input_files()), curation_signature(), pins_signature()))[5].copy()
    if len(table):
        names = uploaded_names(inbox_dir())
        table["where"] = [_display_where(w, names) for w in table["where"]]
    return table


def _display_where(where: str, names: dict[str, str]) -> str:
    parts = []
    for item in str(where).split("; "):
        path, sep, lines = item.rpartition(" (line")
        parts.append(f"{display_file(path, names)}{sep}{lines}" if sep else item)
    return "; ".join(parts)


def reload_inputs() -> None:
    """Forget the events in memory so the next page run looks at the input files again (the derived
    cache on disk still spares parsing the ones that did not change)."""
    with _LOCK:
        _LOADED.clear()


def read_only_flag() -> bool:
    """FAULTLINE_READ_ONLY=1 marks a deployment where nothing may be written (no uploads)."""
    return os.environ.get("FAULTLINE_READ_ONLY", "") == "1"


def data_key(events: pd.DataFrame) -> str:
    """A cache key for what is derived from this table: the inputs it was loaded from, the analyst's
    corrections and pins (a corrected field keeps every event_id, so the fingerprint alone would serve
    stale rows); for any other table, its fingerprint."""
    return events_key(events) or data_fingerprint(events)


def data_fingerprint(events: pd.DataFrame) -> str:
    """Eight hex characters naming the data: the same event_ids give the same fingerprint.
    The loaded table's is computed once by the loader (sorting a million ids takes a second)."""
    known = _FINGERPRINTS.get(id(events))
    if known is not None and known[0]() is events:
        return known[1]
    return fingerprint(events)

