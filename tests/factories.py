"""Build small events tables for tests from a few fields per row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import loaders
from loaders.incidents import assign_incidents
from loaders.schema import conform, sort_events, validate


def make_events(rows: list[dict], *, incidents: bool = True) -> pd.DataFrame:
    """Rows with defaults for every unnamed column, incident ids assigned, validated."""
    records = []
    for i, r in enumerate(rows):
        rec = {
            "event_id": r.get("event_id", f"test:{i:03d}"),
            "event_date": pd.Timestamp(r["date"]),
            "date_precision": r.get("precision", "day"),
            "event_type": r.get("type", "Strategic developments" if r.get("action") else "Battles"),
            "sub_event_type": r.get("sub") or ("Other" if r.get("action") else "Armed clash"),
            "diplomatic_action": r.get("action"),
            "dyad": r.get("dyad", "AFG-PAK"),
            "location": r.get("location"),
            "latitude": r.get("lat"),
            "longitude": r.get("lon"),
            "iso3": r.get("iso3"),
            "date_end": pd.Timestamp(r["date_end"]) if r.get("date_end") else None,
            "geocoder": "places" if r.get("lat") is not None else "none",
            "fatalities_low": r.get("killed", (None, None))[0] if isinstance(r.get("killed"), tuple) else r.get("killed"),
            "fatalities_best": r.get("killed", (None, None))[0] if isinstance(r.get("killed"), tuple) else r.get("killed"),
            "fatalities_high": r.get("killed", (None, None))[1] if isinstance(r.get("killed"), tuple) else r.get("killed"),
            "claimed_by": r.get("claimed_by"),
            "casualty_text": r.get("casualty_text"),
            "dataset": r.get("dataset", "manual"),
            "source_name": r.get("source", "test fixture"),
            "actor1": r.get("actor1"),
            "actor2": r.get("actor2"),
            "mediators": r.get("mediators"),
            "confidence": 1.0,
            "incident_id": r.get("incident_id"),
        }
        records.append(rec)
    df = conform(pd.DataFrame(records))
    if incidents:
        df = assign_incidents(df)
    return validate(sort_events(df))


def read_story(tmp_path: Path, published: str, text: str) -> pd.DataFrame:
    """The events of a short article written for a test, published on `published` (YYYY-MM-DD)."""
    f = tmp_path / "story.txt"
    f.write_text(f"Published: {published}\n\n{text}\n", encoding="utf-8")
    return loaders.load(f)


def only(events: pd.DataFrame, **where) -> pd.Series:
    """The one row whose columns equal `where` (None: the column is empty); fails showing the rows otherwise."""
    out = events
    for col, value in where.items():
        out = out[out[col].isna()] if value is None else out[out[col] == value]
    assert len(out) == 1, events[["event_date", "event_type", "diplomatic_action", "location", "source_quote"]]
    return out.iloc[0]


def diplomatic(events: pd.DataFrame) -> pd.DataFrame:
    """The rows that report a diplomatic act (talks, truces, threats)."""
    return events[events["diplomatic_action"].notna()]


def violent(events: pd.DataFrame) -> pd.DataFrame:
    """The rows that report violence: no diplomatic act and not another strategic development (an arrest, a
    deployment)."""
    return events[events["diplomatic_action"].isna() & (events["event_type"] != "Strategic developments")]
