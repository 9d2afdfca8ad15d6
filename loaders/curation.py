"""The analyst's corrections (FAULTLINE_HOME/curation.csv), applied on every load.

One line per edit, keyed by event_id; the file is only ever appended to, so every correction and
who made it stays on record, and a later line about the same field wins:

    event_id,action,field,value,note,author,edited_at
    news:1a2b3c4d5e6f,fix,fatalities_high,7,second source gives seven,ana,2025-11-09T10:12:00
    news:0f9e8d7c6b5a,suppress,,,same clash as the wire copy,ana,2025-11-09T10:13:00
    manual:4e5f6a7b8c9d,add,event_date,2025-11-07,,ana,2025-11-09T10:15:00
    manual:4e5f6a7b8c9d,add,event_type,Battles,,ana,2025-11-09T10:15:00

Actions: fix (set one field; an empty value clears it), suppress (keep the event out; listed as a
note so nothing vanishes silently), restore (undo a suppress), add (a missing event, one line per
field, all lines sharing a `manual:` id made from their content when first saved).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from loaders.paths import user_home
from loaders.problems import Problem
from loaders.schema import COLUMNS, EVENTS_SCHEMA, conform

FILE_NAME = "curation.csv"
HEADER = ["event_id", "action", "field", "value", "note", "author", "edited_at"]
ACTIONS = ("fix", "suppress", "restore", "add")
# Set by the loaders, never by hand: ids are the key, incidents are recomputed after curation.
NOT_EDITABLE = ("event_id", "incident_id", "dataset")
EDITABLE = [c for c in COLUMNS if c not in NOT_EDITABLE]
# An added event needs these; the rest may stay empty.
ADD_REQUIRED = ("event_date", "event_type")
ADD_DEFAULTS = {"date_precision": "day", "geocoder": "none", "dataset": "manual", "confidence": 1.0}


@dataclass(frozen=True)
class Edit:
    """One line of curation.csv (line = physical line, header = 1)."""

    line: int
    event_id: str
    action: str
    field: str = ""
    value: str = ""
    note: str = ""
    author: str = ""
    edited_at: str = ""


@dataclass
class Curation:
    """What curation did to one load: the rows it added, and per event_id what changed."""

    added: int = 0
    suppressed: int = 0
    fixed: int = 0
    marks: dict[str, str] = field(default_factory=dict)  # event_id -> "fixed location (note)"
    added_lines: list[int] = field(default_factory=list)  # the first line of each added event, in order


def curation_path() -> Path:
    """Where the analyst's corrections live: FAULTLINE_HOME/curation.csv."""
    return user_home() / FILE_NAME


def read_edits(path: Path) -> tuple[list[Edit], list[Problem]]:
    """The edits of a curation file; a line that cannot be an edit is a problem naming it."""
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        return [], [Problem(str(path), 0, f"cannot read the corrections file: {exc.strerror or exc}", kind="file")]
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return [], []
    header = [h.strip().lower() for h in rows[0]]
    missing = [h for h in ("event_id", "action") if h not in header]
    if missing:
        return [], [Problem(str(path), 1, f"the header lacks {', '.join(missing)}: expected {','.join(HEADER)}",
                            kind="file")]
    edits, problems = [], []
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        rec = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
        edit = Edit(n, rec.get("event_id", ""), rec.get("action", "").lower(), rec.get("field", ""),
                    rec.get("value", ""), rec.get("note", ""), rec.get("author", ""), rec.get("edited_at", ""))
        why = _line_problem(edit)
        if why:
            problems.append(Problem(str(path), n, f"{why}; this edit was not applied"))
        else:
            edits.append(edit)
    return edits, problems


def _line_problem(edit: Edit) -> str | None:
    if not edit.event_id:
        return "no event_id"
    if edit.action not in ACTIONS:
        return f"unknown action {edit.action!r} (expected {', '.join(ACTIONS)})"
    if edit.action in ("fix", "add") and edit.field not in EDITABLE:
        return (f"field {edit.field!r} cannot be edited" if edit.field in NOT_EDITABLE
                else f"unknown field {edit.field!r}")
    return None


def check_value(row: pd.DataFrame, field: str, value: str) -> tuple[pd.DataFrame | None, str | None]:
    """The one-row frame with `field` set to `value`, validated against the events table; or why not."""
    candidate = row.copy()
    dtype = COLUMNS[field]
    if isinstance(dtype, pd.CategoricalDtype) and value and value not in dtype.categories:
        return None, f"{field} must be one of {', '.join(dtype.categories)}; got {value!r}"
    raw = {c: candidate[c].astype(object).iloc[0] for c in candidate.columns}
    raw[field] = value if value != "" else None
    try:
        typed = conform(pd.DataFrame([raw]))
    except (ValueError, TypeError) as exc:
        return None, f"{field}: {value!r} is not a valid value ({exc})"
    import pandera.errors

    try:
        EVENTS_SCHEMA.validate(typed.assign(incident_id=typed["incident_id"].fillna("inc:check")), lazy=True)
    except pandera.errors.SchemaErrors as err:
        checks = "; ".join(f"{c}: {chk}" for c, chk in zip(err.failure_cases["column"], err.failure_cases["check"]))
        return None, f"{field}={value!r} breaks the events table ({checks})"
    return typed, None


def apply(events: pd.DataFrame, path: Path | None = None) -> tuple[pd.DataFrame, list[Problem], Curation]:
    """The events with the analyst's fixes, suppressions and additions; problems for what could not be
    applied and a note for each suppressed event."""
    path = path or curation_path()
    edits, problems = read_edits(path)
    result = Curation()
    if not edits:
        return events, problems, result
    file = str(path)
    ids = pd.Index(events["event_id"].astype(str))
    position = {eid: i for i, eid in enumerate(ids)} if ids.is_unique else {eid: i for i, eid in
                                                                          reversed(list(enumerate(ids)))}
    suppressed: dict[str, Edit] = {}
    unknown: list[int] = []
    fixes: dict[int, dict[str, pd.DataFrame]] = {}
    adds: dict[str, list[Edit]] = {}
    rows: dict[int, pd.DataFrame] = {}
    for e in edits:
        if e.action == "add":
            adds.setdefault(e.event_id, []).append(e)
            continue
        if e.event_id not in position:
            unknown.append(e.line)
            continue
        i = position[e.event_id]
        if e.action == "suppress":
            suppressed[e.event_id] = e
        elif e.action == "restore":
            suppressed.pop(e.event_id, None)
        else:
            row = rows.get(i)
            if row is None:
                row = events.iloc[[i]].reset_index(drop=True)
            typed, why = check_value(row, e.field, e.value)
            if why:
                problems.append(Problem(file, e.line, f"{e.event_id}: {why}; this fix was not applied"))
                continue
            rows[i] = typed
            fixes.setdefault(i, {})[e.field] = e
    if rows:
        events = events.copy()
        for i, typed in rows.items():
            for field in fixes[i]:
                col = events.columns.get_loc(field)
                events.iloc[i, col] = typed[field].iloc[0]
            changed = ", ".join(fixes[i])
            notes = "; ".join(dict.fromkeys(e.note for e in fixes[i].values() if e.note))
            result.marks[ids[i]] = f"fixed {changed}" + (f" ({notes})" if notes else "")
            result.fixed += 1
    if suppressed:
        keep = ~events["event_id"].astype(str).isin(suppressed)
        events = events[keep]
        for eid, e in suppressed.items():
            by = f" by {e.author}" if e.author else ""
            problems.append(Problem(file, e.line, f"{eid} suppressed{by}" + (f" on {e.edited_at[:10]}" if e.edited_at else "")
                                    + (f": {e.note}" if e.note else "") + " — kept out of the table; "
                                    "add a 'restore' line to bring it back", kind="note"))
        result.suppressed = len(suppressed)
    added: list[pd.DataFrame] = []
    for eid, lines in adds.items():
        row, why = added_row(eid, lines)
        if why:
            problems.append(Problem(file, lines[0].line, f"{eid}: {why}; this event was not added"))
            continue
        if eid in position:
            problems.append(Problem(file, lines[0].line, f"{eid}: an event with this id is already loaded; "
                                    "not added twice"))
            continue
        added.append(row)
        result.added_lines.append(lines[0].line)
        notes = "; ".join(dict.fromkeys(e.note for e in lines if e.note))
        result.marks[eid] = "added by the analyst" + (f" ({notes})" if notes else "")
    if added:
        # New rows get index labels after the existing ones, which keep theirs (callers align on them).
        result.added = len(added)
        new = pd.concat(added, ignore_index=True)
        start = int(events.index.max()) + 1 if len(events) else 0
        new.index = pd.RangeIndex(start, start + len(new))
        for col in events.columns.difference(new.columns):
            new[col] = pd.Series(0, index=new.index, dtype=events[col].dtype)  # e.g. the loaders' revision
        new = new[events.columns].astype(events.dtypes.to_dict()) if len(events.columns) else new
        events = pd.concat([events, new]) if len(events) else new
    if unknown:
        lines = ", ".join(map(str, unknown[:10])) + (" …" if len(unknown) > 10 else "")
        problems.append(Problem(file, 0, f"{len(unknown)} edit(s) name events that are not loaded now (lines {lines}); "
                                "they are kept in the file and apply again when those inputs are loaded", kind="note"))
    return events, problems, result


def added_row(event_id: str, lines: list[Edit]) -> tuple[pd.DataFrame | None, str | None]:
    """A full events-table row from the lines of one 'add' (the last value of a field wins)."""
    values = {e.field: e.value for e in lines}
    missing = [f for f in ADD_REQUIRED if not values.get(f)]
    if missing:
        return None, f"an added event needs {', '.join(missing)}"
    author = next((e.author for e in lines if e.author), "")
    raw: dict = {c: None for c in COLUMNS}
    raw.update(ADD_DEFAULTS)
    raw["source_name"] = f"analyst ({author})" if author else "analyst"
    if values.get("latitude") and values.get("longitude"):
        raw["geocoder"] = "user"
    raw.update({k: v for k, v in values.items() if v != ""})
    raw["event_id"] = event_id
    for name, value in raw.items():
        dtype = COLUMNS[name]
        if isinstance(dtype, pd.CategoricalDtype) and value is not None and value not in dtype.categories:
            return None, f"{name} must be one of {', '.join(dtype.categories)}; got {value!r}"
    try:
        row = conform(pd.DataFrame([raw]))
    except (ValueError, TypeError) as exc:
        return None, f"a value is not valid ({exc})"
    import pandera.errors

    try:
        EVENTS_SCHEMA.validate(row.assign(incident_id="inc:check"), lazy=True)
    except pandera.errors.SchemaErrors as err:
        checks = "; ".join(f"{c}: {chk}" for c, chk in zip(err.failure_cases["column"], err.failure_cases["check"]))
        return None, f"the event breaks the events table ({checks})"
    return row, None


def new_event_id(values: dict[str, str], author: str, when: str) -> str:
    """A stable id for an added event: made from its content and the moment it was saved."""
    text = "|".join(f"{k}={values[k]}" for k in sorted(values)) + f"|{author}|{when}"
    return "manual:" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def append_edits(edits: list[dict], path: Path | None = None) -> Path:
    """Add lines to the corrections file; existing lines are never rewritten (append-only, one write)."""
    path = path or curation_path()
    now = datetime.now().isoformat(timespec="seconds")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for e in edits:
        writer.writerow([str(e.get(h, "") if e.get(h) is not None else "") if h != "edited_at" else e.get(h) or now
                         for h in HEADER])
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # create with the header only if nobody else has created it meanwhile
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(",".join(HEADER) + "\n")
    except FileExistsError:
        pass
    with open(path, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size:
            fh.seek(-1, os.SEEK_END)
        ends_cleanly = size == 0 or fh.read(1) == b"\n"
    with open(path, "a", encoding="utf-8", newline="") as fh:
        fh.write(("" if ends_cleanly else "\n") + buf.getvalue())
        fh.flush()
        os.fsync(fh.fileno())
    return path


def marks(path: Path | None = None) -> dict[str, str]:
    """event_id -> what the analyst did to it, from the file alone (the table's 'curated' column)."""
    edits, _ = read_edits(path or curation_path())
    out: dict[str, list[str]] = {}
    for e in edits:
        what = {"fix": f"fixed {e.field}", "suppress": "suppressed", "restore": "restored", "add": "added"}[e.action]
        if what not in out.setdefault(e.event_id, []):
            out[e.event_id].append(what)
    return {k: ", ".join(v) for k, v in out.items()}


def suppressed_ids(path: Path | None = None) -> list[str]:
    """The event_ids the file keeps out now (suppressed and not restored since), in file order."""
    edits, _ = read_edits(path or curation_path())
    out: dict[str, None] = {}
    for e in edits:
        if e.action == "suppress":
            out[e.event_id] = None
        elif e.action == "restore":
            out.pop(e.event_id, None)
    return list(out)
