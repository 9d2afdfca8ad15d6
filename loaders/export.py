"""The events table -> CSV, with dates as YYYY-MM-DD and an optional spreadsheet-formula guard."""

from __future__ import annotations

import pandas as pd

from loaders.faultline_csv import FORMULA_START, guarded
from loaders.schema import COLUMNS, DATE_COLUMNS

TEXT_COLUMNS = [c for c, t in COLUMNS.items() if t == "string" or isinstance(t, pd.CategoricalDtype)]


def protect(value):
    """Prefix a text cell a spreadsheet would run as a formula with an apostrophe (and one that already
    looks guarded, "'=x", with another, so the Faultline loader gives back exactly what was written)."""
    if isinstance(value, str) and (value.startswith(FORMULA_START) or guarded(value)):
        return "'" + value
    return value


def _escape_guards(value):
    """Without the formula guard, only cells that would look guarded get their "'": "'=x" -> "''=x"."""
    return "'" + value if isinstance(value, str) and guarded(value) else value


def to_csv(events: pd.DataFrame, *, excel_safe: bool = False) -> str:
    """The events table as CSV text in the contract's column order."""
    out = events[list(COLUMNS)].copy()
    for col in DATE_COLUMNS:
        out[col] = out[col].dt.strftime("%Y-%m-%d")
    for col in TEXT_COLUMNS:
        if excel_safe:
            out[col] = out[col].astype("object").map(protect)
        elif out[col].astype("string").str.startswith("'").any():
            out[col] = out[col].astype("object").map(_escape_guards)
    # With "\n" line ends the csv writer leaves a cell holding a bare carriage return unquoted, and a
    # spreadsheet (or the csv module) reads it as a new row: such a table is written with "\r\n" ends,
    # which make the writer quote every cell holding either character.
    text_cells = [out[c] for c in TEXT_COLUMNS if out[c].dtype == object or isinstance(out[c].dtype, pd.StringDtype)]
    carriage_return = any(s.astype("string").str.contains("\r", regex=False).any() for s in text_cells)
    return out.to_csv(index=False, lineterminator="\r\n" if carriage_return else "\n")
