"""The events table -> CSV, with dates as YYYY-MM-DD and an optional spreadsheet-formula guard."""

from __future__ import annotations

import pandas as pd

from loaders.faultline_csv import FORMULA_START
from loaders.schema import COLUMNS, DATE_COLUMNS

TEXT_COLUMNS = [c for c, t in COLUMNS.items() if t == "string" or isinstance(t, pd.CategoricalDtype)]


def to_csv(events: pd.DataFrame, *, excel_safe: bool = False) -> str:
    """The events table as CSV text in the contract's column order. With `excel_safe`, a text cell a
    spreadsheet would run as a formula gets a leading apostrophe; either way a cell that already looks
    guarded ("'=x") gets one more, so the Faultline loader gives back exactly what was written."""
    out = events[list(COLUMNS)].copy()
    for col in DATE_COLUMNS:
        out[col] = out[col].dt.strftime("%Y-%m-%d")
    carriage_return = False
    for col in TEXT_COLUMNS:
        text = out[col].astype("string")
        # Vectorised: only the cells that need a guard change; the rest keep their value (NA stays empty).
        looks_guarded = text.str.startswith("'").fillna(False)
        if looks_guarded.any():
            looks_guarded &= text.str.lstrip("'").str.startswith(FORMULA_START).fillna(False)
        risky = (text.str.startswith(FORMULA_START).fillna(False) | looks_guarded) if excel_safe else looks_guarded
        if risky.any():
            out[col] = text.where(~risky, "'" + text)
        carriage_return = carriage_return or bool(text.str.contains("\r", regex=False).fillna(False).any())
    # With "\n" line ends the csv writer leaves a cell holding a bare carriage return unquoted, and a
    # spreadsheet (or the csv module) reads it as a new row: such a table is written with "\r\n" ends,
    # which make the writer quote every cell holding either character.
    return out.to_csv(index=False, lineterminator="\r\n" if carriage_return else "\n")
