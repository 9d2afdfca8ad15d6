"""Every input -> the events table (SPEC §2). The package face: load, load_report, geocode."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import pandas as pd

from loaders.faultline_csv import load_faultline, looks_like
from loaders.geocode import Place, geocode, online_enabled, pin_place
from loaders.incidents import assign_incidents
from loaders.news import load_news
from loaders.problems import Problem
from loaders.schema import conform, empty_events, sort_events, validate

__all__ = ["FORMATS", "Place", "Problem", "detect_format", "geocode", "load", "load_report", "pin_place"]

NEWS_SUFFIXES = {".txt", ".md", ".markdown"}
MAX_FILE_BYTES = 200 * 1024 * 1024

Reader = Callable[[Path, str, "date | None", bool], tuple[list[dict], list[Problem]]]

# format name -> reader(path, text, published, online) -> (records, problems)
FORMATS: dict[str, Reader] = {
    "news": load_news,
    "faultline": lambda path, text, published, online: load_faultline(path, text),
}


def detect_format(path: Path, text: str) -> str | None:
    """Recognise the format from the content; None when nothing fits."""
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    try:
        header = next(csv.reader(io.StringIO(first)))
    except (StopIteration, csv.Error):
        header = []
    if looks_like(header):
        return "faultline"
    if "\x00" in text[:4096]:
        return None
    if _is_grid(text):
        return None  # a delimited table this build has no reader for
    words = re.findall(r"[^\W\d_]{2,}", text[:5000])
    if len(words) >= 5 and re.search(r"[.!?]", text[:5000]):
        return "news"
    return None


def _is_grid(text: str) -> bool:
    """Several lines with the same number (>= 3) of commas or tabs: a table, not prose."""
    lines = [line for line in text.splitlines()[:6] if line.strip()]
    if len(lines) < 2:
        return False
    return any(len({line.count(d) for line in lines}) == 1 and lines[0].count(d) >= 3 for d in (",", "\t", ";", "|"))


def _read_text(path: Path) -> tuple[str | None, Problem | None]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, Problem(str(path), 0, f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")
        raw = path.read_bytes()
    except OSError as exc:
        return None, Problem(str(path), 0, f"cannot read file: {exc.strerror or exc}")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        # Keep going with a lossless-enough fallback, but say so.
        text = raw.decode("cp1252", errors="replace")
        line = raw[: exc.start].count(b"\n") + 1
        return text, Problem(str(path), line, "not valid UTF-8; read as Windows-1252, check accented names")


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and not q.name.startswith(".")))
        else:
            out.append(p)
    return out


def load_report(paths: Iterable[str | Path] | str | Path, *, format: str = "auto",
                published: date | str | None = None, online: bool = False) -> tuple[pd.DataFrame, list[Problem]]:
    """Load files into the events table and list every file or row that was rejected, and why."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if isinstance(published, str):
        published = date.fromisoformat(published)
    if format != "auto" and format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose one of auto, {', '.join(FORMATS)}")
    records: list[dict] = []
    problems: list[Problem] = []
    for path in _expand(paths):
        text, problem = _read_text(path)
        if problem:
            problems.append(problem)
        if text is None:
            continue
        fmt = format if format != "auto" else detect_format(path, text)
        if fmt is None:
            problems.append(Problem(str(path), 0, "format not recognised: expected a news article "
                                    "(.txt/.md prose) or a Faultline events CSV"))
            continue
        got, probs = FORMATS[fmt](path, text, published, online_enabled(online))
        records.extend(got)
        problems.extend(probs)
    if not records:
        return empty_events(), problems
    events = conform(pd.DataFrame.from_records(records))
    dup = events["event_id"].duplicated(keep="first")
    if dup.any():
        # The same report twice (one article copied into two files, one CSV loaded twice): keep the first, say so.
        for event_id in events.loc[dup, "event_id"].unique():
            problems.append(Problem("(all inputs)", 0, f"event {event_id} was loaded more than once; kept the first copy"))
        events = events[~dup].reset_index(drop=True)
    has_incident = events["incident_id"].notna().all()
    events = sort_events(events if has_incident else assign_incidents(events))
    return validate(events), problems


def load(paths: Iterable[str | Path] | str | Path, *, format: str = "auto",
         published: date | str | None = None, online: bool = False) -> pd.DataFrame:
    """Load files into the events table (problems are dropped: use load_report to see them)."""
    return load_report(paths, format=format, published=published, online=online)[0]
