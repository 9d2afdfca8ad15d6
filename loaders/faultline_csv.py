"""Faultline's own CSV (the download and the CLI output) -> the events table, unchanged in meaning."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from loaders.problems import Problem
from loaders.schema import COLUMNS, DATE_COLUMNS, INT_COLUMNS

# Text cells that start like a formula were written with a leading apostrophe (SPEC §7).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like(header: list[str]) -> bool:
    """A Faultline CSV has exactly the events table's columns."""
    return [h.strip() for h in header] == list(COLUMNS)


def recognise(source) -> bool:
    """The first line is exactly the events table's header."""
    first = source.head().lstrip("\ufeff").split("\n", 1)[0].strip("\r")
    try:
        return looks_like(next(csv.reader(io.StringIO(first))))
    except (StopIteration, csv.Error):
        return False


def guarded(value: str) -> bool:
    """Apostrophes, then a formula start ("'=cmd", "''+x"): a cell the export prefixed with one more "'"."""
    return value.startswith("'") and value.lstrip("'").startswith(FORMULA_START)


def unprotect(value: str) -> str:
    """Undo the spreadsheet guard: "'=cmd" -> "=cmd", "''=cmd" -> "'=cmd" (the export prefixes one "'"
    to "=cmd" and to "'=cmd" alike, so every text loads back exactly)."""
    return value[1:] if guarded(value) else value


def load_faultline(path: Path, text: str) -> tuple[list[dict], list[Problem]]:
    """Rows of a Faultline CSV, each checked on its own so one bad row never sinks the file."""
    records: list[dict] = []
    problems: list[Problem] = []
    for batch, batch_problems in faultline_batches(path, text, None):
        records += batch
        problems += batch_problems
    return records, problems


def faultline_batches(path: Path, text: str, size: int | None) -> Iterator[tuple[list[dict], list[Problem]]]:
    """The rows of a Faultline CSV and the problems met, `size` records at a time (None: all at once),
    in file order: a re-imported export of a million rows is never held as a million dicts."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    problems: list[Problem] = []
    records: list[dict] = []
    header = next(reader, None)
    if header is None or not looks_like(header):
        yield [], [Problem(str(path), 1, "not a Faultline CSV: expected the 34 events-table columns", kind="file")]
        return
    header = [h.strip() for h in header]
    text_cols = {c for c, t in COLUMNS.items() if t == "string"}
    start = reader.line_num + 1
    while True:
        if size is not None and len(records) >= size:
            yield records, problems
            records, problems = [], []
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(str(path), start, f"unreadable row ({exc})"))
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1  # the record's first physical line
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(str(path), line, f"expected {len(header)} fields, found {len(row)}"))
            continue
        rec: dict = {"_line": line}
        try:
            for col, cell in zip(header, row):
                cell = unprotect(cell) if col in text_cols else cell
                kind = COLUMNS[col]
                if cell == "":
                    rec[col] = None
                elif col in DATE_COLUMNS:
                    rec[col] = pd.Timestamp(cell)
                elif col in INT_COLUMNS:
                    rec[col] = int(cell)
                elif kind == "float64":
                    rec[col] = float(cell)
                elif isinstance(kind, pd.CategoricalDtype) and cell not in kind.categories:
                    raise ValueError(f"{cell!r} is not one of {', '.join(kind.categories)}")
                else:
                    rec[col] = cell
        except (ValueError, OverflowError) as exc:
            problems.append(Problem(str(path), line, f"column {col}: {exc}"))
            continue
        records.append(rec)
    yield records, problems
