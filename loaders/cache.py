"""The derived cache under FAULTLINE_HOME/cache/events/: parsed inputs as Parquet, so a restart skips parsing.

Two levels, each a Parquet file plus a JSON sidecar written after it (the sidecar is the commit record):
- one *part* per input file: its typed rows before the cross-file steps, its reports and problems. The
  articles one load parses are typed together and their rows stored as one *batch* Parquet file; each
  article's part is then its sidecar alone, naming its rows in the batch (a few rows per article cost
  more to write and read as a file of their own than the article costs to parse). An edited article is
  parsed again into a batch of its own; the others are still read from theirs;
- the *combined* table: the events table after de-duplication, incidents and validation, with the load
  report and the data fingerprint, keyed by the keys of every part.

A part's key is a hash of: the file's path, size and modification time (ns), the first and last
1 MiB of its bytes, the reading options (format, published, online) and the loaders' own code and
reference tables (any change to loaders/*.py or data/*.csv rebuilds everything). Hashing the whole
file would cost about a second per gigabyte on every start; size + mtime + both ends catch every
ordinary edit (an editor or a new export rewrites the file and its mtime). News parts also record the
analyst's pinned places, which change how articles are geocoded.

A restart with unchanged inputs reads the combined table only. A changed input is re-parsed alone; the
other parts are read back and the cross-file steps (duplicates, incidents, validation, order) rerun.
A cache file that fails its checksum (BLAKE2 of the Parquet bytes, kept in the sidecar) or cannot be
read is rebuilt from the inputs, with a note. Writes go to a temporary file in the same folder and
are renamed into place (atomic); nothing is written when the home is read-only.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.geocode import online_enabled, pins_snapshot
from loaders.paths import DATA_DIR, ROOT, user_home, writable_home
from loaders.pipeline import (UNRESOLVED_COLUMNS, FileReport, FilePart, LoadResult, combine, curation_file_of, expand,
                              read_path, release_free_memory, type_each)
from loaders.problems import Problem
from loaders.schema import COLUMNS, empty_events

FORMAT_VERSION = 1  # the layout of the cache files themselves
BLOCK = 1 << 20     # bytes hashed at each end of an input file
CACHE_NOTE = "the derived cache was damaged or unreadable ({why}); it was rebuilt from the input files"


def cache_dir() -> Path:
    return user_home() / "cache" / "events"


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the loaders' code and reference tables: parsing rules changed, cache rebuilt."""
    h = hashlib.blake2b(str(FORMAT_VERSION).encode(), digest_size=16)
    for path in sorted((ROOT / "loaders").glob("*.py")) + sorted(DATA_DIR.glob("*.csv")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def file_key(path: Path, options: tuple) -> str | None:
    """The cache key of one input (see the module docstring); None when the file cannot be read."""
    try:
        st = path.stat()
        h = hashlib.blake2b(digest_size=16)
        h.update(repr((str(path), st.st_size, st.st_mtime_ns, options, code_version())).encode())
        with path.open("rb") as f:
            h.update(f.read(BLOCK))
            if st.st_size > BLOCK:
                f.seek(max(BLOCK, st.st_size - BLOCK))
                h.update(f.read(BLOCK))
    except OSError:
        return None
    return h.hexdigest()


def _pins_stamp() -> str:
    """Size and modification time of the pins file, as the load's snapshot of the pins saw it (the rows
    of a part were geocoded with those pins); "" when there is none."""
    from loaders.geocode import pins_signature

    _, mtime, size = pins_signature()
    return "" if mtime is None else f"{size}:{mtime}"


# ---------------------------------------------------------------- reading and writing files

class CacheDamaged(Exception):
    """A cache file that is missing its sidecar, fails its checksum or cannot be parsed."""


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _write(stem: Path, frame: pd.DataFrame, meta: dict) -> None:
    """Parquet first, then the sidecar naming its checksum: a reader never trusts a half-written pair."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buf, compression="zstd")
    data = buf.getvalue()
    stem.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(stem.with_suffix(".parquet"), data)
    meta = {**meta, "format": FORMAT_VERSION, "bytes": len(data), "blake2b": _digest(data), "rows": len(frame)}
    _atomic_write(stem.with_suffix(".json"), json.dumps(meta).encode("utf-8"))


def _read_meta(stem: Path) -> dict | None:
    """The sidecar, or None when there is none (not cached yet); CacheDamaged when it is unreadable."""
    try:
        text = stem.with_suffix(".json").read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CacheDamaged(f"{stem.name}.json: {exc}") from exc
    try:
        meta = json.loads(text)
        if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
            raise ValueError("unexpected layout")
        return meta
    except ValueError as exc:
        raise CacheDamaged(f"{stem.name}.json: {exc}") from exc


def _read_frame(stem: Path, meta: dict) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = stem.with_suffix(".parquet")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CacheDamaged(f"{path.name}: {exc}") from exc
    if len(data) != meta.get("bytes") or _digest(data) != meta.get("blake2b"):
        raise CacheDamaged(f"{path.name}: checksum mismatch")
    try:
        table = pq.read_table(pa.BufferReader(data))
        del data
        frame = table.to_pandas(types_mapper=_string_mapper, self_destruct=True, split_blocks=True)
    except Exception as exc:  # pyarrow raises many kinds on a damaged file
        raise CacheDamaged(f"{path.name}: {type(exc).__name__}: {exc}") from exc
    if len(frame) != meta.get("rows"):
        raise CacheDamaged(f"{path.name}: row count mismatch")
    return one_chunk(_restore_dtypes(frame))


def _string_mapper(t):
    import pyarrow as pa

    return pd.StringDtype("pyarrow") if t in (pa.string(), pa.large_string()) else None


def one_chunk(frame: pd.DataFrame) -> pd.DataFrame:
    """Arrow-backed columns as one contiguous array each, column by column (never the whole table
    twice). Reading Parquet gives a chunk per 128Ki rows and concatenating the inputs a chunk per file;
    taking rows from a chunked column (every filter does) costs about twice as much: at a million events
    a filter's rows took 69 ms from 8 chunks, 36 ms from one."""
    for col in frame.columns:
        arr = getattr(frame[col].array, "_pa_array", None)
        if arr is not None and arr.num_chunks > 1:
            frame[col] = pd.Series(type(frame[col].array)(arr.combine_chunks()), index=frame.index, name=col)
    return frame


def _restore_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Parquet keeps values; give each contract column exactly its contract dtype back."""
    for col, dtype in COLUMNS.items():
        if col in frame and str(frame[col].dtype) != str(dtype):
            frame[col] = frame[col].astype(dtype)
        elif col in frame and isinstance(dtype, pd.CategoricalDtype) and frame[col].dtype != dtype:
            frame[col] = frame[col].astype(dtype)
    return frame


def _problem_dict(p: Problem) -> dict:
    return {"file": str(p.file), "line": int(p.line), "message": str(p.message), "kind": p.kind}


def _report_dict(r: FileReport) -> dict:
    return {"path": r.path, "format": r.format, "rows_read": r.rows_read, "rows_kept": r.rows_kept,
            "problems": [_problem_dict(p) for p in r.problems],
            "first_date": r.first_date.isoformat() if r.first_date is not None else None,
            "last_date": r.last_date.isoformat() if r.last_date is not None else None}


def _report(d: dict) -> FileReport:
    return FileReport(d["path"], d["format"], d["rows_read"], d["rows_kept"], [Problem(**p) for p in d["problems"]],
                      pd.Timestamp(d["first_date"]) if d["first_date"] else None,
                      pd.Timestamp(d["last_date"]) if d["last_date"] else None)


# ---------------------------------------------------------------- the cached load

@dataclasses.dataclass
class CachedLoad(LoadResult):
    """A LoadResult plus the data fingerprint and what the cache did (for the benchmark and the UI)."""

    fingerprint: str = ""
    parsed: list[str] = dataclasses.field(default_factory=list)   # inputs parsed this time
    notes: list[str] = dataclasses.field(default_factory=list)    # damaged cache files, rebuilt


def fingerprint(events: pd.DataFrame) -> str:
    """Eight hex characters naming the data: the same event_ids give the same fingerprint."""
    ids = sorted(events["event_id"].astype(str)) if len(events) else []
    return hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()[:8]


@pins_snapshot()
def load_cached(paths: Iterable[str | Path] | str | Path, *, format: str = "auto",
                published: date | str | None = None, online: bool = False,
                progress: Callable[[str], None] | None = None, curation: bool | str | Path = True) -> CachedLoad:
    """loaders.load_files through the derived cache: the same table, parsed only when an input changed.
    Like load_files, a snapshot of the analyst's pins taken at the start (geocode.pins_snapshot)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if isinstance(published, str):
        published = date.fromisoformat(published)
    online = online_enabled(online)
    say = progress or (lambda _msg: None)
    files = expand(paths)
    writable = writable_home() is not None
    folder = cache_dir()
    options = (format, published.isoformat() if published else None, online)
    keys = [file_key(p, options) for p in files]
    notes: list[str] = []
    pins = _pins_stamp()
    corrections = _stamp(curation_file_of(curation))
    combo = None
    if all(keys):
        combo = hashlib.blake2b(repr((keys, pins, corrections)).encode(), digest_size=16).hexdigest()
        stem = folder / f"events-{combo}"
        try:
            meta = _read_meta(stem)
            if meta is not None:
                say("Reading the cached events table…")
                events = _read_frame(stem, meta)
                curated = meta.get("curated", {})
                events.attrs["curated"] = curated
                return CachedLoad(events, [Problem(**p) for p in meta["problems"]],
                                  [_report(r) for r in meta["reports"]], curated=curated,
                                  unresolved=_unresolved_frame(meta.get("unresolved", [])),
                                  fingerprint=meta["fingerprint"])
        except CacheDamaged as exc:
            notes.append(CACHE_NOTE.format(why=exc))
    parts, parsed = [], []
    # The rows of a part already written to the cache are read back only when every input is read:
    # while the next (maybe large) file is parsed, they wait on disk instead of in memory.
    on_disk: dict[int, Path] = {}
    in_batch: dict[int, tuple[int, dict]] = {}  # parts whose rows lie in a batch file: (rows, where)
    batches: set[str] = set()  # the batch files this load's parts use
    untyped: list[tuple[int, Path | None]] = []  # articles parsed, their rows typed together below
    for i, (path, key) in enumerate(zip(files, keys)):
        part = None
        stem = folder / f"part-{key}" if key else None
        if stem is not None:
            try:
                meta = _read_meta(stem)
                if meta is not None and (meta["pins"] == pins or not meta["news"]):
                    part = FilePart([_report(r) for r in meta["reports"]], [Problem(**p) for p in meta["problems"]],
                                    None, [tuple(u) for u in meta.get("unresolved", [])])
                    if meta["rows"] and meta.get("batch"):
                        in_batch[i] = (meta["rows"], meta["batch"])
                        batches.add(meta["batch"]["name"])
                    elif meta["rows"]:
                        on_disk[i] = stem
            except CacheDamaged as exc:
                notes.append(CACHE_NOTE.format(why=exc))
        if part is None:
            say(f"Reading {path.name} ({i + 1} of {len(files)})…")
            part = read_path(path, format=format, published=published, online=online, defer_typing=True)
            parsed.append(str(path))
            if part.untyped:
                untyped.append((i, stem))
            elif writable and stem is not None and _store_part(stem, part) and part.rows is not None:
                part.rows = None
                on_disk[i] = stem
        parts.append(part)
    # The articles' rows typed as one frame (a frame per article costs more than reading it), then each
    # stored as its own part, as any other input's. They are typed last, when no other input is left to
    # parse, so they stay in memory: reading back a few rows per article cost more than parsing it.
    together = type_each([parts[i] for i, _ in untyped])
    if writable and not _store_batch(folder, [(stem, parts[i]) for i, stem in untyped], together, batches):
        for i, stem in untyped:
            if stem is not None:
                _store_part(stem, parts[i])
    if on_disk:
        release_free_memory()
    read_batches: dict[str, pd.DataFrame | CacheDamaged] = {}
    for i, (count, where) in in_batch.items():
        name = where["name"]
        if name not in read_batches:
            try:
                read_batches[name] = _read_frame(folder / name, _read_meta(folder / name) or {})
            except CacheDamaged as exc:  # damaged or removed since: its inputs are parsed again
                read_batches[name] = exc
                notes.append(CACHE_NOTE.format(why=exc))
        batch = read_batches[name]
        if isinstance(batch, CacheDamaged):
            on_disk[i] = None  # parsed again below, with the parts that could not be read
            continue
        rows = batch.iloc[where["start"]:where["start"] + count].reset_index(drop=True)
        rows["_report"] = (rows["_report"].to_numpy() - where["report"]).astype(np.int32)
        parts[i].rows = rows
    for i, stem in on_disk.items():
        try:
            if stem is None:
                raise CacheDamaged("noted above")
            parts[i].rows = _read_frame(stem, _read_meta(stem) or {})
        except CacheDamaged as exc:  # damaged or removed since: parse the input again
            if stem is not None:
                notes.append(CACHE_NOTE.format(why=exc))
            else:
                stem = folder / f"part-{keys[i]}"
            say(f"Reading {files[i].name} ({i + 1} of {len(files)})…")
            parts[i] = read_path(files[i], format=format, published=published, online=online)
            if str(files[i]) not in parsed:
                parsed.append(str(files[i]))
            if writable:
                _store_part(stem, parts[i])
    run = [i for i, _ in untyped]
    if together is not None and run == list(range(run[0], run[0] + len(run))):
        # Consecutive articles typed together are one part for the cross-file steps, as load_files gives
        # them (combine gives the same table either way; joining a frame per article cost more).
        parts[run[0]:run[-1] + 1] = [_joined([parts[i] for i in run], together)]
    say("Combining the inputs: duplicates, incidents, checks…")
    result = combine(parts, curation=curation)
    del parts
    fp = fingerprint(result.events)
    if writable and combo is not None:
        try:
            _write(folder / f"events-{combo}", result.events, {
                "fingerprint": fp, "problems": [_problem_dict(p) for p in result.problems],
                "reports": [_report_dict(r) for r in result.files], "curated": result.curated,
                "unresolved": [[_plain(v) for v in row] for row in result.unresolved.itertuples(index=False)]})
            _prune(folder, {f"events-{combo}"} | {f"part-{k}" for k in keys} | batches)
        except OSError:
            pass  # a full or vanished disk: the cache is only a speed-up
    problems = result.problems + [Problem(str(folder), 0, n, kind="note") for n in notes]
    return CachedLoad(one_chunk(result.events), problems, result.files, result.curated, result.unresolved,
                      fingerprint=fp, parsed=parsed, notes=notes)


def _plain(value):
    """A value JSON can hold (numpy integers from the loaders become ints)."""
    return value.item() if hasattr(value, "item") else value


def _unresolved_frame(rows: list) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=UNRESOLVED_COLUMNS)


def _stamp(path: Path | None) -> str:
    """Size and modification time of a side file (the analyst's corrections) for the combined key."""
    if path is None:
        return "off"
    try:
        st = path.stat()
        return f"{path}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        return f"{path}:absent"


def _store_part(stem: Path, part: FilePart, batch: dict | None = None) -> bool:
    """Write one input's part; False when writing it failed (the cache is only a speed-up). With
    `batch` ({"name", "start", "report"}), its rows are already stored in that batch file, from row `start`
    (their `_report` counted from `report` there): only the sidecar is written."""
    rows = part.rows if part.rows is not None else empty_events().iloc[:0]
    meta = {"reports": [_report_dict(r) for r in part.reports], "problems": [_problem_dict(p) for p in part.problems],
            "news": any(r.format in ("news", "html", "feed") for r in part.reports), "pins": _pins_stamp(),
            "unresolved": [[_plain(v) for v in u] for u in part.unresolved]}
    try:
        if batch is None:
            _write(stem, rows, meta)
        else:
            stem.with_suffix(".parquet").unlink(missing_ok=True)  # rows of an earlier layout, if any
            meta = {**meta, "format": FORMAT_VERSION, "rows": len(rows), "batch": batch}
            _atomic_write(stem.with_suffix(".json"), json.dumps(meta).encode("utf-8"))
    except OSError:
        return False
    return True


def _joined(run: list[FilePart], rows: pd.DataFrame) -> FilePart:
    """Parts typed together (type_each) as one part holding the frame they were typed as."""
    out = FilePart([], [], rows, [])
    for part in run:
        out.reports.extend(part.reports)
        out.problems.extend(part.problems)
        out.unresolved.extend(part.unresolved)
    return out


def stored_rows(stem: Path) -> pd.DataFrame | None:
    """The rows a part holds as stored (its own Parquet file or its slice of a batch), `_report` counted
    in the part; None when nothing is stored under `stem`. CacheDamaged when they cannot be read."""
    meta = _read_meta(stem)
    if meta is None:
        return None
    where = meta.get("batch")
    if not where:
        return _read_frame(stem, meta)
    folder = stem.parent
    batch = _read_frame(folder / where["name"], _read_meta(folder / where["name"]) or {})
    rows = batch.iloc[where["start"]:where["start"] + meta["rows"]].reset_index(drop=True)
    rows["_report"] = (rows["_report"].to_numpy() - where["report"]).astype(np.int32)
    return rows


def _store_batch(folder: Path, members: list[tuple[Path | None, FilePart]], together: pd.DataFrame | None,
                 batches: set[str]) -> bool:
    """The rows of the articles a load typed together, as one Parquet file (a batch), and each article's
    sidecar naming its rows there: one Parquet file a load instead of one an article, which cost more to
    write and read back than the article did to parse. Each article keeps its own key, so an edited one
    is parsed again alone (into a batch of its own) and the others are still read from this one.
    False when there is no such frame or writing it failed (then each part is written on its own)."""
    if together is None or not members or any(stem is None for stem, _ in members):
        return False
    name = "batch-" + hashlib.blake2b(repr([stem.name for stem, _ in members]).encode(), digest_size=16).hexdigest()
    try:
        _write(folder / name, together, {"members": len(members)})
    except OSError:
        return False
    start = report = 0
    for stem, part in members:
        count = len(part.rows) if part.rows is not None else 0
        _store_part(stem, part, {"name": name, "start": start, "report": report})
        start, report = start + count, report + len(part.reports)
    batches.add(name)
    return True


def _prune(folder: Path, keep: set[str]) -> None:
    """Drop cache files of inputs that are gone or changed (and stray temporary files)."""
    import time

    for path in folder.iterdir():
        if path.name.startswith("."):  # another process's temporary file: only once it is stale
            try:
                stale = path.name.endswith(".tmp") and time.time() - path.stat().st_mtime > 3600
            except OSError:
                stale = False
            stem = "" if stale else None
        else:
            stem = path.name.split(".")[0]
        if stem is not None and stem not in keep:
            try:
                path.unlink()
            except OSError:
                pass
