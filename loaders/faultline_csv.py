"""Faultline's own CSV (the download and the CLI output) -> the events table, unchanged in meaning."""

from __future__ import annotations

import csv
import io
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


def unprotect(value: str) -> str:
    """Undo the spreadsheet guard: "'=cmd" -> "=cmd"."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:]
    return value


def load_faultline(path: Path, text: str) -> tuple[list[dict], list[Problem]]:
    """Rows of a Faultline CSV, each checked on its own so one bad row never sinks the file."""
    reader = csv.reader(io.StringIO(text))
    problems: list[Problem] = []
    records: list[dict] = []
    header = next(reader, None)
    if header is None or not looks_like(header):
        return [], [Problem(str(path), 1, "not a Faultline CSV: expected the 34 events-table columns")]
    text_cols = {c for c, t in COLUMNS.items() if t == "string"}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(str(path), line, f"expected {len(header)} fields, found {len(row)}"))
            continue
        rec: dict = {}
        try:
            for col, cell in zip(header, row):
                cell = unprotect(cell) if col in text_cols else cell
                if cell == "":
                    rec[col] = None
                elif col in DATE_COLUMNS:
                    rec[col] = pd.Timestamp(cell)
                elif col in INT_COLUMNS:
                    rec[col] = int(cell)
                elif COLUMNS[col] == "float64":
                    rec[col] = float(cell)
                else:
                    rec[col] = cell
        except ValueError as exc:
            problems.append(Problem(str(path), line, f"column {col}: {exc}"))
            continue
        records.append(rec)
    return records, problems
