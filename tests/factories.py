"""Build small events tables for tests from a few fields per row."""

from __future__ import annotations

import pandas as pd

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
