"""Showing untrusted text safely, and small formatting helpers shared by pages and figures."""

from __future__ import annotations

import html
import re

import pandas as pd

from monitor import Range

# Every ASCII punctuation mark CommonMark lets a backslash escape, plus ':' (Streamlit's
# :color[...] and :emoji: directives) and '$' (LaTeX).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])")


def md(text) -> str:
    """Untrusted text made inert for st.markdown / st.caption: no markup, links, HTML or LaTeX."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    flat = " ".join(str(text).split())  # newlines would start new markdown blocks
    return _MD_SPECIAL.sub(r"\\\1", flat)


def code(text) -> str:
    """Untrusted text as an inline code span for st.markdown / st.caption (a file path): nothing inside a code
    span is markup, so it is shown as it is, not backslash-escaped as md() would leave it; only a backtick,
    which would end the span, is replaced."""
    flat = " ".join(str(text).split())
    return "`" + flat.replace("`", "'") + "`"


def hover(text) -> str:
    """Untrusted text for plotly hover labels (a pseudo-HTML subset): escaped, never markup."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return html.escape(" ".join(str(text).split()), quote=False)


def short(text, limit: int = 160) -> str:
    s = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else " ".join(str(text).split())
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def day(value) -> str:
    """A date as '7 Nov 2025' (empty when unknown)."""
    if value is None or pd.isna(value):
        return ""
    d = pd.Timestamp(value)
    return f"{d.day} {d:%b %Y}"


def when(value, precision) -> str:
    """A date with its precision in words: '7 Nov 2025', 'week of 8 Nov 2025', 'Oct 2025'."""
    if value is None or pd.isna(value):
        return "date unknown"
    d = pd.Timestamp(value)
    p = str(precision) if precision is not None and not pd.isna(precision) else "day"
    if p == "month":
        return f"{d:%b %Y} (month only)"
    if p == "year":
        return f"{d:%Y} (year only)"
    if p == "week":
        return f"week of {day(d)}"
    return day(d)


def toll_range(low, high, is_open, best=None) -> Range | None:
    """The Range of one incident's killed/injured columns (None when no figure is stated)."""
    if low is None or pd.isna(low):
        return None
    hi = None if bool(is_open) or high is None or pd.isna(high) else int(high)
    b = None if best is None or pd.isna(best) else int(best)
    return Range(int(low), hi, b)


def toll_ranges(tolls: pd.DataFrame, kind: str = "killed") -> list[Range | None]:
    """toll_range of every row of an incident_tolls frame, read from numpy arrays (the map writes
    thousands of them; pd.isna per value costs more than the rest)."""
    def floats(col: str):
        return tolls[col].astype("Float64").to_numpy(dtype=float, na_value=float("nan"))

    low, high = floats(f"{kind}_low"), floats(f"{kind}_high")
    best = floats(f"{kind}_best") if f"{kind}_best" in tolls else [float("nan")] * len(tolls)
    is_open = tolls[f"{kind}_open"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return [None if lo != lo else Range(int(lo), None if op or hi != hi else int(hi), None if b != b else int(b))
            for lo, hi, op, b in zip(low.tolist(), high.tolist(), is_open.tolist(), list(best))]


def toll_text(low, high, is_open, noun: str = "killed", best=None) -> str:
    r = toll_range(low, high, is_open, best)
    return f"{r} {noun}" if r is not None else f"{noun}: not stated"


PRECISION_WORDS = {
    1: "exact (the town itself)",
    2: "near the town, or a district",
    3: "approximate (province centroid)",
    4: "approximate (country centroid)",
}


def precision_words(value) -> str:
    if value is None or pd.isna(value):
        return "no place"
    return PRECISION_WORDS.get(int(value), f"precision {value}")


DATASET_NAMES = {"acled": "ACLED", "ucdp": "UCDP GED", "gdelt": "GDELT", "news": "news", "manual": "analyst"}


def confidence_words(value) -> str:
    """0.4642 -> '0.46'; unknown -> 'unknown'."""
    if value is None or pd.isna(value):
        return "unknown"
    return f"{round(float(value), 2):g}"


def is_signal(dataset) -> bool:
    """GDELT rows are machine-coded media signal, never verified events."""
    return str(dataset) == "gdelt"


def report_kind(dataset, confidence, *, short: bool = False) -> str:
    """What kind of evidence one row is, in words: 'media signal (GDELT), confidence 0.4'
    (short, for a table cell: 'GDELT media signal (0.4)')."""
    d = str(dataset)
    if short:
        return {"gdelt": f"GDELT media signal ({confidence_words(confidence)})",
                "acled": "ACLED (curated)", "ucdp": "UCDP GED (curated)",
                "news": f"news, machine-read ({confidence_words(confidence)})",
                "manual": "added by the analyst"}.get(d, d)
    if d == "gdelt":
        return f"media signal (GDELT), confidence {confidence_words(confidence)}"
    if d in ("acled", "ucdp"):
        return f"curated dataset ({DATASET_NAMES[d]})"
    if d == "news":
        return f"news report, machine-read (confidence {confidence_words(confidence)})"
    if d == "manual":
        return "added by the analyst"
    return d
