"""The events table -> CSV, with dates as YYYY-MM-DD and an optional spreadsheet-formula guard."""

from __future__ import annotations

import pandas as pd

from loaders.faultline_csv import FORMULA_START
from loaders.schema import COLUMNS, DATE_COLUMNS

TEXT_COLUMNS = [c for c, t in COLUMNS.items() if t == "string" or isinstance(t, pd.CategoricalDtype)]


def protect(value):
    """Prefix a text cell a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(events: pd.DataFrame, *, excel_safe: bool = False) -> str:
    """The events table as CSV text in the contract's column order."""
    out = events[list(COLUMNS)].copy()
    for col in DATE_COLUMNS:
        out[col] = out[col].dt.strftime("%Y-%m-%d")
    if excel_safe:
        for col in TEXT_COLUMNS:
            text = out[col].astype("string")
            risky = text.str.startswith(FORMULA_START).fillna(False)
            if risky.any():  # only these cells change; the rest keep their value (and NA stays empty)
                out[col] = text.where(~risky, "'" + text)
    return out.to_csv(index=False, lineterminator="\n")
