"""Dataset licences on a public deployment: the datasets whose raw rows are not offered for download.

ACLED's terms (and a deployer's own caution about others) may not allow passing raw rows on. The
setting FAULTLINE_NO_RAW_DOWNLOAD (environment, else st.secrets), e.g. "acled,ucdp", names the
datasets whose rows the CSV download leaves out; the pages still show and count them.
"""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from loaders.schema import DATASETS
from ui.text import DATASET_NAMES

SETTING = "FAULTLINE_NO_RAW_DOWNLOAD"


def _setting():
    if os.environ.get(SETTING) is not None:
        return os.environ[SETTING]
    try:
        return st.secrets.get(SETTING)  # raises when no secrets.toml exists at all
    except Exception:
        return None


def no_raw_download() -> tuple[frozenset[str], list[str]]:
    """(datasets whose raw rows are not downloadable, names in the setting that are no dataset)."""
    value = _setting()
    items = value if isinstance(value, (list, tuple)) else str(value or "").split(",")
    names = [str(i).strip().lower() for i in items if str(i).strip()]
    return frozenset(n for n in names if n in DATASETS), [n for n in names if n not in DATASETS]


def downloadable(events: pd.DataFrame, blocked: frozenset[str]) -> pd.DataFrame:
    """The rows that may be downloaded here."""
    if not blocked or events.empty:
        return events
    return events[~events["dataset"].astype(str).isin(blocked)]


def licence_note(shown: pd.DataFrame, blocked: frozenset[str], unknown: list[str]) -> str | None:
    """One sentence on what the download leaves out and why, or None when it leaves nothing out."""
    parts = []
    held = shown["dataset"].astype(str).value_counts() if len(shown) else pd.Series(dtype=int)
    held = {d: int(n) for d, n in held.items() if d in blocked and n}
    if held:
        what = ", ".join(f"{n:,} {DATASET_NAMES.get(d, d)}" for d, n in sorted(held.items()))
        names = ", ".join(DATASET_NAMES.get(d, d) for d in sorted(blocked))
        everything = sum(held.values()) == len(shown)
        parts.append(f"{'The download is off here' if everything else 'The download leaves out ' + what + ' row(s)'}: "
                     f"this deployment does not offer raw rows of {names} for download, as their licence "
                     f"does not allow passing them on ({SETTING}). "
                     f"{'All ' + what + ' row(s) shown are of that kind; they' if everything else 'They'} "
                     "are still shown and counted on every page.")
    if unknown:
        parts.append(f"{SETTING} names {', '.join(repr(u) for u in unknown)}, which is no dataset "
                     f"(known: {', '.join(DATASETS)}).")
    return " ".join(parts) or None
