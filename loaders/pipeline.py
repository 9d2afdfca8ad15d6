"""The steps every input goes through: read, recognise, parse, type, de-duplicate, group, validate."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.curation import curation_path
from loaders.geocode import fill_admin1, online_enabled, pins_snapshot
from loaders.incidents import assign_incidents
from loaders.problems import Problem
from loaders.schema import COLUMNS, EVENTS_SCHEMA, conform, empty_events, event_order, surely_valid

MAX_FILE_BYTES = 500 * 1024 * 1024
MAX_ZIP_MEMBERS = 50
MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024
MAX_ZIP_RATIO = 100  # unpacked : packed, per member; real CSV exports pack about 5-20:1
MIN_RATIO_CHECK = 10 * 1024 * 1024  # small members are never refused for their ratio
LARGE_LOAD = 100_000  # rows: from here a load hands freed memory back between its big steps
PENDING_INCIDENT = "inc:pending"  # stands in until assign_incidents runs on the valid rows
REVISION = "_revision"  # readers may add it: a newer revision of one event_id replaces an older one
# A reader may list place names it could not resolve in frame.attrs[UNRESOLVED_ATTR]: (name, line, countries).
UNRESOLVED_ATTR = "unresolved_places"
UNRESOLVED_COLUMNS = ["name", "file", "line", "countries"]


@dataclass
class Source:
    """One input file: where it is, its bytes, and what the caller told us about it."""

    path: Path
    data: bytes
    published: date | None = None
    online: bool = False
    _text: str | None = None
    text_problem: Problem | None = None
    # head(n) already decoded, by n: every format's recogniser asks for the head of each file
    _heads: dict[int, str] = field(default_factory=dict, repr=False, compare=False)

    def release(self) -> None:
        """Forget the bytes once a reader has parsed them (text stays if it was decoded)."""
        self.data = self.data[:65536]

    def head(self, n: int = 65536) -> str:
        """The first n bytes as text, without decoding a large file whole just to recognise it."""
        if self._text is not None:
            return self._text[:n]
        head = self._heads.get(n)
        if head is None:
            head = self._heads[n] = self.data[:n].decode("utf-8-sig", errors="replace")
        return head

    @property
    def text(self) -> str:
        """The content as text: UTF-8, or Windows-1252 with a problem noted (accented names may be off)."""
        if self._text is None:
            try:
                self._text = self.data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                line = self.data[: exc.start].count(b"\n") + 1
                self._text = self.data.decode("cp1252", errors="replace")
                self.text_problem = Problem(str(self.path), line, "not valid UTF-8; read as Windows-1252, "
                                            "check accented names", kind="note")
        return self._text


@dataclass
class Batches:
    """A reader's rows in batches, in file order: (frame, the problems met while reading it) each. For
    large files whose raw cells take far more memory than typed rows: read_path types each batch
    before the next is read. A reader returning Batches decodes the text before it returns (so an
    encoding note is known) and returns its other problems with them ([] when every one is in a batch)."""

    frames: Iterator[tuple[pd.DataFrame | None, list[Problem]]]


@dataclass
class Records:
    """A reader's rows as plain records (one dict per row, keys among the events table's columns and
    `_line`), not yet a frame, with the place names it could not resolve ((name, line, countries), as in
    UNRESOLVED_ATTR; None when it lists none itself). An article gives a few rows, and typing a few rows
    as a frame of their own costs more than reading the article: load_files types the records of many
    files as one frame (see typed_together)."""

    rows: list[dict]
    unresolved: list | None = None

    def frame(self) -> pd.DataFrame:
        """The records as a reader's frame, the unresolved names in its attrs."""
        frame = pd.DataFrame.from_records(self.rows)
        if self.unresolved is not None:
            frame.attrs[UNRESOLVED_ATTR] = self.unresolved
        return frame


# A reader turns a Source into a frame holding a subset of the events table's columns, and its problems.
Reader = Callable[[Source], tuple["pd.DataFrame | Batches | Records", list[Problem]]]


@dataclass
class Format:
    """A registered input format: how to recognise it and how to read it."""

    name: str
    recognise: Callable[[Source], bool]
    read: Reader
    expected: str  # said to the user when a file is forced into this format but does not fit
    diagnose: Callable[[Source], str | None] | None = None  # why a file that nearly fits does not


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> None:
    """Add a format; recognition tries formats in registration order."""
    FORMATS[fmt.name] = fmt


@dataclass
class FileReport:
    """What happened to one input file."""

    path: str
    format: str | None
    rows_read: int = 0
    rows_kept: int = 0
    problems: list[Problem] = field(default_factory=list)
    first_date: pd.Timestamp | None = None
    last_date: pd.Timestamp | None = None


@dataclass
class LoadResult:
    """The events table, every problem met, and a report per file."""

    events: pd.DataFrame
    problems: list[Problem]
    files: list[FileReport]
    curated: dict[str, str] = field(default_factory=dict)  # event_id -> what the analyst's curation did
    # One row per mention of a place name no gazetteer layer resolved: name, file, line, countries.
    unresolved: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=UNRESOLVED_COLUMNS))


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the files inside folders named (sorted, hidden files skipped)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            # A link to nothing is listed too: it is reported as unreadable, never skipped in silence.
            out.extend(sorted(q for q in p.rglob("*") if (q.is_file() or (q.is_symlink() and not q.exists()))
                              and not q.name.startswith(".")))
        else:
            out.append(p)
    return out


def _open(path: Path, published, online) -> tuple[list[Source], list[Problem]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return [], [Problem(str(path), 0, f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}", kind="file")]
        data = path.read_bytes()
    except OSError as exc:
        return [], [Problem(str(path), 0, f"cannot read file: {exc.strerror or exc}", kind="file")]
    if data[:4] != b"PK\x03\x04":
        return [_source(path, data, published, online)], []
    return _unzip(path, data, published, online)


def _source(path: Path, data: bytes, published, online) -> Source:
    """A Source; UTF-16 text (what spreadsheets save as "Unicode text") is turned into UTF-8 first."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return Source(path, data, published, online)
        return Source(path, data, published, online,
                      text_problem=Problem(str(path), 0, "UTF-16 text; read as such", kind="note"))
    return Source(path, data, published, online)


def _unzip(path: Path, data: bytes, published, online) -> tuple[list[Source], list[Problem]]:
    """A zip's members, bounded in number and size so a zip bomb cannot exhaust memory."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in zf.infolist() if not m.is_dir()]
    except zipfile.BadZipFile as exc:
        return [], [Problem(str(path), 0, f"damaged zip file: {exc}", kind="file")]
    if refusal := zip_refusal(members):
        return [], [Problem(str(path), 0, refusal, kind="file")]
    sources, problems = [], []
    for m in members:
        # The member's name is only a label: nothing is ever written to disk under it.
        label = Path(f"{path}!{member_label(m.filename)}")
        if bomb_member(m):
            problems.append(Problem(str(label), 0, f"not unpacked: its compression ratio is above {MAX_ZIP_RATIO}:1 "
                                    "(a zip bomb, or data no real export looks like)", kind="file"))
            continue
        try:
            with zf.open(m) as fh:
                data = fh.read(m.file_size + 1)  # never more than the header declares, whatever it holds
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError, NotImplementedError) as exc:
            problems.append(Problem(str(label), 0, f"cannot unpack: {exc}", kind="file"))
            continue
        if len(data) > m.file_size:
            problems.append(Problem(str(label), 0, "not unpacked: it holds more than its zip header declares",
                                    kind="file"))
        elif data[:4] == b"PK\x03\x04":
            problems.append(Problem(str(label), 0, "a zip inside a zip is not opened: unzip it and load its files",
                                    kind="file"))
        else:
            sources.append(_source(label, data, published, online))
    return sources, problems


def zip_refusal(members: list[zipfile.ZipInfo]) -> str | None:
    """Why a zip is not opened at all (too many files, too large unpacked), or None."""
    if len(members) > MAX_ZIP_MEMBERS:
        return f"zip holds {len(members)} files; the limit is {MAX_ZIP_MEMBERS}"
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        return f"zip would unpack to more than the size limit ({MAX_UNZIPPED_BYTES:,} bytes)"
    return None


def bomb_member(m: zipfile.ZipInfo) -> bool:
    """A member packed beyond any real export's ratio."""
    return m.file_size > MIN_RATIO_CHECK and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1)


def member_label(name: str) -> str:
    """A zip member's name as a one-part label: no folders (either slash), no control characters."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    return base if base not in ("", ".", "..") else "(unnamed member)"


def recognise(source: Source) -> str | None:
    """The first registered format whose signature fits the content."""
    if not source.data.strip():
        return None
    for fmt in FORMATS.values():
        if fmt.recognise(source):
            return fmt.name
    return None


def _read_one(source: Source, forced: str | None) -> tuple[str | None, pd.DataFrame | None, list[Problem]]:
    name = forced or recognise(source)
    if name is None:
        what = "empty file" if not source.data.strip() else "format not recognised"
        hints = [h for f in FORMATS.values() if f.diagnose and source.data.strip() and (h := f.diagnose(source))]
        if hints:
            return None, None, [Problem(str(source.path), 0, f"{what}: {'; '.join(hints)}", kind="file")]
        expected = "; ".join(f"{f.name}: {f.expected}" for f in FORMATS.values())
        return None, None, [Problem(str(source.path), 0, f"{what}: expected one of — {expected}", kind="file")]
    fmt = FORMATS[name]
    if forced and not fmt.recognise(source):
        return name, None, [Problem(str(source.path), 0, f"not a {name} file: expected {fmt.expected}", kind="file")]
    try:
        frame, problems = fmt.read(source)
    except Exception as exc:  # one broken file never sinks the others
        return name, None, [Problem(str(source.path), 0, f"could not be read as {name} "
                                    f"({type(exc).__name__}: {exc}); the other files were still loaded", kind="file")]
    if source.text_problem:
        problems = [source.text_problem, *problems]
    return name, frame, problems


def _typed_rows(frame: pd.DataFrame, path: str, lines: pd.Series | None) -> tuple[pd.DataFrame, list[int], list[Problem]]:
    """Give a reader's frame the contract's dtypes; rows that cannot be typed are reported, not kept."""
    try:
        return conform(frame), list(range(len(frame))), []
    except (ValueError, TypeError, OverflowError):
        pass
    keep, problems = [], []
    for i in range(len(frame)):
        try:
            conform(frame.iloc[[i]])
            keep.append(i)
        except (ValueError, TypeError, OverflowError) as exc:
            line = int(lines.iloc[i]) if lines is not None else 0
            problems.append(Problem(path, line, f"row does not fit the events table: {exc}"))
    return conform(frame.iloc[keep]), keep, problems


def _drop_invalid(events: pd.DataFrame, origin: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate every row; a row that breaks the contract is reported and left out, the rest kept."""
    import pandera.errors

    if surely_valid(events):  # every check the schema holds, asked directly (schema.py); else pandera's report
        return events, []
    try:
        return EVENTS_SCHEMA.validate(events, lazy=True, inplace=True), []
    except pandera.errors.SchemaErrors as err:
        cases = err.failure_cases
    bad_rows = cases["index"].dropna().astype(int).unique()
    problems = []
    for idx in bad_rows:
        why = cases[cases["index"] == idx]
        detail = "; ".join(f"{c}: {chk}" for c, chk in zip(why["column"], why["check"]))
        problems.append(Problem(origin.loc[idx, "file"], int(origin.loc[idx, "line"]),
                                f"row breaks the events table ({detail})"))
    kept = events.drop(index=bad_rows)
    return EVENTS_SCHEMA.validate(kept), problems


@dataclass
class FilePart:
    """What one input path yields before the cross-file steps: its reports (a zip has one per member),
    its problems in order, its typed rows with `_line`, `_revision` and `_report` (the index of the
    row's report in `reports`), and the place names it used that no gazetteer knows (name, file, line,
    countries). The derived cache stores one part per input file."""

    reports: list[FileReport]
    problems: list[Problem]
    rows: pd.DataFrame | None
    unresolved: list = field(default_factory=list)
    # Records read but not typed yet (read_path(..., defer_typing=True)); typed_together types them.
    untyped: list[Untyped] = field(default_factory=list)


@dataclass
class Untyped:
    """One source's records waiting to be typed: its report's index in the part's reports, and the
    position in the part's problems where the rows that cannot be typed would be reported."""

    rows: list[dict]
    report: int
    at: int


PART_COLUMNS = ("_line", REVISION, "_report")


def read_path(path: str | Path, *, format: str = "auto", published: date | None = None,
              online: bool = False, defer_typing: bool = False) -> FilePart:
    """Open, recognise, read and type one input file (or each member of a zip).

    `defer_typing`: the rows of a reader that returns plain Records (articles) are left untyped in
    `FilePart.untyped`, for typed_together to type with other files' rows as one frame."""
    path = Path(path)
    reports, problems, frames, unresolved = [], [], [], []
    untyped: list[Untyped] = []
    sources, opened = _open(path, published, online)
    problems.extend(opened)
    if opened and not sources:
        reports.append(FileReport(str(path), None, problems=list(opened)))
    for source in sources:
        name, frame, probs = _read_one(source, None if format == "auto" else format)
        report = FileReport(str(source.path), name)
        reports.append(report)
        read_problems, type_problems, typed_frames, found, rows = list(probs), [], [], [], 0
        if isinstance(frame, Records) and defer_typing:
            found.extend((n, str(source.path), line, c) for n, line, c in frame.unresolved or [])
            report.problems = read_problems
            problems.extend(read_problems)
            report.rows_read = (sum(1 for p in read_problems if p.kind == "rejected" and p.line > 0)
                                + sum(p.rows for p in read_problems) + len(frame.rows))
            unresolved.extend(found)
            if frame.rows:
                untyped.append(Untyped(frame.rows, len(reports) - 1, len(problems)))
                frames.append(untyped[-1])  # its place among the file's frames, typed later
            continue
        if isinstance(frame, Records):
            frame = frame.frame()
        batches = frame.frames if isinstance(frame, Batches) else [(frame, [])]
        try:
            for batch, batch_problems in batches:
                read_problems.extend(batch_problems)
                # Taken off the frame before any column is read: pandas deep-copies a frame's attrs into
                # every column and copy it hands out (34 columns to type, each a copy of the list).
                listed = batch.attrs.pop(UNRESOLVED_ATTR, None) if batch is not None else None
                if listed is not None:
                    found.extend((n, str(source.path), line, c) for n, line, c in listed)
                if batch is None or batch.empty:
                    continue
                typed, more, row_count, names = _typed_batch(batch, str(source.path), len(reports) - 1,
                                                             own_names=listed is None)
                type_problems.extend(more)
                found.extend(names)
                rows += row_count
                typed_frames.append(typed)
        except Exception as exc:  # a batch reader failing part-way: the file is not loaded, as in _read_one
            if not isinstance(frame, Batches):
                raise
            read_problems = [Problem(str(source.path), 0, f"could not be read as {name} ({type(exc).__name__}: "
                                     f"{exc}); the other files were still loaded", kind="file")]
            type_problems, typed_frames, found, rows = [], [], [], 0
        report.problems = read_problems + type_problems
        problems.extend(report.problems)
        report.rows_read = (sum(1 for p in read_problems if p.kind == "rejected" and p.line > 0)
                            + sum(p.rows for p in read_problems) + rows)
        unresolved.extend(found)
        frames.extend(typed_frames)
    part = FilePart(reports, problems, None, unresolved)
    if untyped and len(untyped) == len(frames):
        part.untyped = untyped
        return part
    frames = [_type_alone(part, f) if isinstance(f, Untyped) else f for f in frames]  # a zip of both kinds
    if frames:
        part.rows = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    return part


def _type_alone(part: FilePart, untyped: Untyped) -> pd.DataFrame:
    """One source's records typed on their own, exactly as read_path types a reader's frame: the rows
    that cannot be typed are reported in the source's report and in the part's problems, in order."""
    report = part.reports[untyped.report]
    typed, more, count, _ = _typed_batch(pd.DataFrame.from_records(untyped.rows), report.path, untyped.report,
                                         own_names=False)
    report.problems.extend(more)
    part.problems[untyped.at:untyped.at] = more
    report.rows_read += count - len(untyped.rows)
    return typed


def typed_together(parts: list[FilePart]) -> list[FilePart]:
    """The parts with their untyped records typed: each run of consecutive parts that hold only untyped
    records becomes one part, its rows typed as one frame (34 columns typed once for a folder of articles,
    not once per article). Reports, problems, place names and rows keep their order, so combine() gives
    the same table either way. When a row of the run does not fit the events table, each part of the run
    is typed on its own instead, so the row is reported with its file and line and the other files kept."""
    out: list[FilePart] = []
    run: list[FilePart] = []
    for part in [*parts, None]:
        if part is not None and part.untyped and part.rows is None:
            run.append(part)
            continue
        if run:
            out.extend(_typed_run(run))
            run = []
        if part is not None:
            out.append(part)
    return out


def type_each(parts: list[FilePart]) -> pd.DataFrame | None:
    """Type the untyped records of several parts as one frame, then give each part its own rows, as
    read_path would have typed them file by file (the derived cache keeps one part per input file). When
    a row does not fit, each part is typed on its own, as in typed_together.

    Returns the frame typed at once (the parts' rows one after another, `_report` counted over all their
    reports), or None when the parts were typed one by one."""
    typed = _typed_run(parts) if parts else parts
    if typed is parts:  # typed one by one (a row that does not fit, or nothing to type)
        return None
    rows, start, offset = typed[0].rows, 0, 0
    for part in parts:
        count = sum(len(u.rows) for u in part.untyped)
        own = rows.iloc[start:start + count].reset_index(drop=True)
        own["_report"] = (own["_report"].to_numpy() - offset).astype(np.int32)
        part.rows, part.untyped = own, []
        start, offset = start + count, offset + len(part.reports)
    return rows


def _typed_run(run: list[FilePart]) -> list[FilePart]:
    records: list[dict] = []
    report_of: list[int] = []
    merged = FilePart([], [], None, [])
    for part in run:
        for u in part.untyped:
            records.extend(u.rows)
            report_of.extend([len(merged.reports) + u.report] * len(u.rows))
        merged.reports.extend(part.reports)
        merged.problems.extend(part.problems)
        merged.unresolved.extend(part.unresolved)
    frame = pd.DataFrame.from_records(records)
    lines, revision = _pop_meta(frame)
    try:
        typed = conform(frame)
    except (ValueError, TypeError, OverflowError):
        for part in run:
            typed_frames = [_type_alone(part, u) for u in part.untyped]
            part.untyped = []
            part.rows = typed_frames[0] if len(typed_frames) == 1 else pd.concat(typed_frames, ignore_index=True)
        return run
    _put_meta(typed, lines.fillna(0), revision, np.array(report_of, dtype=np.int32))  # a record may lack _line
    merged.rows = typed
    return [merged]


def _typed_batch(frame: pd.DataFrame, path: str, report: int, *,
                 own_names: bool) -> tuple[pd.DataFrame, list[Problem], int, list]:
    """One reader frame typed to the contract, with `_line`, `_revision` and `_report`: the typed rows, the
    rows that could not be typed (problems), the rows it counts as read, and (`own_names`: the reader
    listed none itself) the place names of rows without coordinates."""
    lines, revision = _pop_meta(frame)
    typed, keep, type_problems = _typed_rows(frame, path, lines)
    # a reader that lists its own (news) is not second-guessed
    names = _unresolved_of(typed, path, lines.iloc[keep]) if own_names else []
    count = len(frame) + sum(1 for p in type_problems if p.kind == "rejected" and p.line > 0)
    _put_meta(typed, lines.iloc[keep], revision.iloc[keep], np.int32(report))
    return typed, type_problems, count, names


def _pop_meta(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Take a reader frame's `_line` and `_revision` columns out of it (0 where the reader gave none)."""
    lines = frame.pop("_line") if "_line" in frame else pd.Series(0, index=frame.index)
    revision = frame.pop(REVISION) if REVISION in frame else pd.Series(0, index=frame.index)
    return lines, revision


def _put_meta(typed: pd.DataFrame, lines: pd.Series, revision: pd.Series, report) -> None:
    """Give typed rows their `_line`, `_revision` and `_report` (one index, or one per row) back."""
    typed["_line"] = lines.to_numpy().astype("int64")
    typed[REVISION] = pd.to_numeric(revision, errors="coerce").fillna(0).to_numpy()
    typed["_report"] = report


@pins_snapshot()
def load_files(paths: Iterable[str | Path] | str | Path, *, format: str = "auto",
               published: date | str | None = None, online: bool = False,
               curation: bool | str | Path = True) -> LoadResult:
    """Load inputs into one events table, with every problem and a report per file.

    The analyst's corrections (FAULTLINE_HOME/curation.csv; `curation` may name another file, or
    False to leave them out) are applied after reading and before incidents are formed. The analyst's
    pinned places are read once, at the start: a load is a snapshot of them (geocode.pins_snapshot)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if isinstance(published, str):
        published = date.fromisoformat(published)
    if format != "auto" and format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose one of auto, {', '.join(FORMATS)}")
    online = online_enabled(online)
    parts = [read_path(p, format=format, published=published, online=online, defer_typing=True)
             for p in expand(paths)]
    return combine(typed_together(parts), curation=curation)


def curation_file_of(curation: bool | str | Path) -> Path | None:
    """The corrections file a load applies (None when corrections are left out)."""
    return None if curation is False else (curation_path() if curation is True else Path(curation))


def combine(parts: list[FilePart], curation: bool | str | Path = True) -> LoadResult:
    """The steps that span files: one row per event, the analyst's corrections, provinces, validation,
    incidents, the contract's order."""
    frames, origins, reports, problems, unresolved = [], [], [], [], []
    for part in parts:
        offset = len(reports)
        reports.extend(part.reports)
        problems.extend(part.problems)
        unresolved.extend(tuple(u) for u in part.unresolved)
        if part.rows is None or part.rows.empty:
            continue
        rows, part.rows = part.rows, None  # the part is used up here: its columns are moved, not copied
        local = rows.pop("_report").to_numpy().astype("int64")
        files = np.array([r.path for r in part.reports], dtype=object)
        origins.append(pd.DataFrame({"file": files[local], "line": rows.pop("_line").to_numpy(),
                                     "report": local + offset}))
        if REVISION not in rows:
            rows[REVISION] = 0
        frames.append(rows)
    from loaders.geocode import NOTES

    problems.extend(NOTES)  # caches rebuilt, pins left out: said once, with this load
    NOTES.clear()
    unresolved_table = pd.DataFrame(unresolved, columns=UNRESOLVED_COLUMNS)
    curation_file = curation_file_of(curation)
    curated: dict[str, str] = {}
    if curation_file is not None and curation_file.exists():
        frames.append(empty_events().assign(**{REVISION: pd.Series([], dtype="float64")}))
        origins.append(pd.DataFrame({"file": pd.Series([], dtype=object), "line": pd.Series([], dtype="int64"),
                                     "report": pd.Series([], dtype="int64")}))
    if not frames:
        return LoadResult(empty_events(), problems, reports, unresolved=unresolved_table)
    events = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    origin = origins[0] if len(origins) == 1 else pd.concat(origins, ignore_index=True)
    del frames, origins
    events, origin, dup_problems = _one_row_per_event(events, origin)
    problems.extend(dup_problems)
    by_path = {r.path: r for r in reports}
    for p in dup_problems:
        if p.file in by_path:
            by_path[p.file].problems.append(p)
    if curation_file is not None and curation_file.exists():
        events, origin = _curate(events, origin, curation_file, reports, problems, curated)
    origin["file"] = origin["file"].astype("category")
    if events.empty:
        return LoadResult(empty_events(), problems, reports, curated, unresolved_table)
    events = fill_admin1(events)  # a province for every located row that lacks one (news, GDELT, ...)
    if REVISION in events:
        del events[REVISION]
    if list(events.columns) != list(COLUMNS):
        events = events[list(COLUMNS)]
    # Rows that break the contract are left out before incidents are formed, so a broken row never
    # anchors an incident (nor trips the grouping); incident ids still to make get a placeholder.
    pending = events["incident_id"].isna()
    if pending.any():
        events["incident_id"] = events["incident_id"].fillna(PENDING_INCIDENT)
    events, invalid = _drop_invalid(events, origin)
    problems.extend(invalid)
    if pending.any():
        events = assign_incidents(events)
    order = event_order(events)
    report_of = origin.loc[events.index[order], "report"].to_numpy()
    if len(events) >= LARGE_LOAD:
        release_free_memory()  # what the incident grouping freed, before the table is taken in order
    events = _take_columnwise(events, order)
    for idx in np.unique(report_of):
        mask = report_of == idx
        r = reports[int(idx)]
        r.rows_kept = int(mask.sum())
        dates = events["event_date"].to_numpy()[mask]
        r.first_date, r.last_date = pd.Timestamp(dates.min()), pd.Timestamp(dates.max())
    curated = {k: v for k, v in curated.items() if k in set(events["event_id"])} if curated else {}
    events.attrs["curated"] = curated  # travels with the table into caches and pages
    return LoadResult(events, problems, reports, curated, unresolved_table)


def _curate(events: pd.DataFrame, origin: pd.DataFrame, path: Path, reports: list[FileReport],
            problems: list[Problem], marks: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the analyst's corrections; the corrections file gets its own report (rows = events added)."""
    from loaders import curation

    events, cur_problems, result = curation.apply(events, path)
    marks.update(result.marks)
    report = FileReport(str(path), "curation", rows_read=result.added, problems=list(cur_problems))
    reports.append(report)
    problems.extend(cur_problems)
    kept = origin.loc[origin.index.intersection(events.index)]
    added = events.index.difference(origin.index)
    extra = pd.DataFrame({"file": str(path), "line": result.added_lines[:len(added)] + [0] * (len(added) - len(result.added_lines)),
                          "report": len(reports) - 1}, index=added)
    origin = pd.concat([kept.astype({"file": object}), extra]) if len(added) else kept
    return events, origin.loc[events.index]


def _unresolved_of(typed: pd.DataFrame, path: str, lines: pd.Series) -> list[tuple]:
    """Dataset rows that name a place but carry no coordinates: the name is unresolved too."""
    if "location" not in typed:
        return []
    miss = typed["location"].notna() & typed["latitude"].isna()
    if not miss.any():
        return []
    iso = typed["iso3"].astype("string").fillna("") if "iso3" in typed else pd.Series("", index=typed.index)
    return [(str(n), path, int(line), str(c)) for n, line, c
            in zip(typed.loc[miss, "location"], lines.to_numpy()[miss.to_numpy()], iso[miss])]


def unresolved_summary(unresolved: pd.DataFrame) -> pd.DataFrame:
    """One row per unresolved name: how often it was met, in which files (and lines), the countries
    of the articles that use it (a hint for pinning it)."""
    cols = ["name", "mentions", "files", "where", "countries"]
    if unresolved is None or unresolved.empty:
        return pd.DataFrame(columns=cols)
    from loaders.geocode import normalise

    df = unresolved.assign(key=unresolved["name"].map(normalise))
    rows = []
    for _, g in df.groupby("key", sort=False):
        files = list(dict.fromkeys(g["file"]))
        where = "; ".join(f"{f} (line{'s' if len(ls) > 1 else ''} {', '.join(map(str, ls))})"
                          for f, ls in ((f, sorted(set(g.loc[g['file'] == f, 'line']))) for f in files))
        countries = sorted({c for cs in g["countries"] for c in str(cs).split(";") if c})
        rows.append({"name": g["name"].mode().iloc[0], "mentions": len(g), "files": len(files), "where": where,
                     "countries": ";".join(countries)})
    return pd.DataFrame(rows, columns=cols).sort_values(["mentions", "name"], ascending=[False, True],
                                                        kind="stable").reset_index(drop=True)


def release_free_memory() -> None:
    """Hand freed memory back to the system: glibc's malloc and Arrow's pool both keep freed pages for
    reuse, and after parsing a large file (millions of short-lived strings) that is hundreds of MB a
    process's peak would count again. Called between the big steps of a large load; a no-op where
    there is nothing to trim (not glibc)."""
    import ctypes

    import pyarrow as pa

    try:
        pa.default_memory_pool().release_unused()
    except (AttributeError, NotImplementedError):
        pass
    try:
        ctypes.CDLL(None).malloc_trim(0)  # the C library the interpreter runs on
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        pass


def _take_columnwise(events: pd.DataFrame, order: np.ndarray) -> pd.DataFrame:
    """Reorder a large table one column at a time, so it never sits in memory twice."""
    out = {}
    for col in list(events.columns):
        out[col] = events[col].take(order).reset_index(drop=True)
        del events[col]
    return pd.DataFrame(out, copy=False)  # the taken columns are new: no second copy of the table


def _one_row_per_event(events: pd.DataFrame, origin: pd.DataFrame):
    """One row per event_id: a newer revision replaces an older one; an exact repeat is kept once.
    Either way the dropped row is named in the problems, never lost silently."""
    dup = events["event_id"].duplicated(keep=False)
    if not dup.any():
        return events, origin, []
    order = (events.assign(_rev=events[REVISION], _pos=range(len(events)))
             .sort_values(["event_id", "_rev", "_pos"], ascending=[True, False, True], kind="stable"))
    drop = order.index[order["event_id"].duplicated(keep="first")]
    winners = order.drop(index=drop).set_index("event_id")
    dropped = order.loc[drop]
    # Read column-wise once, not cell by cell: a folder loaded twice drops as many rows as it has.
    newer = winners.loc[dropped["event_id"], "_rev"].to_numpy() > dropped["_rev"].to_numpy()
    problems = []
    for file, line, eid, is_newer in zip(origin.loc[drop, "file"].tolist(), origin.loc[drop, "line"].tolist(),
                                         dropped["event_id"].tolist(), newer.tolist()):
        why = ("replaced by a newer revision of the same event" if is_newer
               else "the same event was loaded more than once; kept the first copy")
        problems.append(Problem(file, int(line), f"{eid}: {why}", kind="duplicate"))
    return events.drop(index=drop), origin.drop(index=drop), problems


def looks_like_prose(source: Source) -> bool:
    """Sentences, not a grid of delimiters or binary."""
    import csv

    head = source.data[:8192]
    if b"\x00" in head:
        return False
    text = source.head(5000)
    lines = [line for line in text.splitlines()[:6] if line.strip()]
    sentence = re.compile(r"[^\W\d_]{2,}[.!?][\"'”’)\]]*(?:\s|$)")
    if lines and not sentence.search(lines[0]):  # a header row or a record, not a sentence
        for d in (",", "\t", ";", "|"):
            try:
                widths = [len(r) for r in csv.reader(lines, delimiter=d)]
            except csv.Error:
                continue
            if len(widths) >= 2 and len(set(widths)) == 1 and widths[0] >= 4:
                return False  # records of one width (quoted delimiters respected): a table
            if widths and widths[0] >= 10:
                return False  # a header or record of ten fields or more: a table, even alone
    words = re.finditer(r"[^\W\d_]{2,}", text)
    return sum(1 for _ in itertools.islice(words, 5)) >= 5 and bool(sentence.search(text))  # five are enough
