"""The one incident rule (SPEC §3): which reports describe the same real-world event."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import numpy as np
import pandas as pd

from loaders.geocode import distance_km

MAX_KM = 10.0
MAX_GAP = timedelta(days=1)
COARSE = ("month", "year")


def _period_end(day: pd.Timestamp, precision: str) -> pd.Timestamp:
    if precision == "week":
        return day + pd.Timedelta(days=6)
    if precision == "month":
        return day + pd.offsets.MonthEnd(0)
    if precision == "year":
        return day + pd.offsets.YearEnd(0)
    return day


_UNREST = ("Protests", "Riots")


def _kind(row) -> str:
    """violent | unrest | dip:<action>: a protest is never the same event as a strike nearby."""
    if isinstance(row["diplomatic_action"], str):
        return f"dip:{row['diplomatic_action']}"
    return "unrest" if str(row.get("event_type")) in _UNREST else "violent"


def _same_place(a, b) -> bool:
    if isinstance(a["location"], str) and isinstance(b["location"], str) and a["location"] == b["location"]:
        return True
    if pd.notna(a["latitude"]) and pd.notna(b["latitude"]):
        return distance_km(a["latitude"], a["longitude"], b["latitude"], b["longitude"]) <= MAX_KM
    # Two statements with no place at all (a ceasefire reaffirmed by a spokesman) can be one event.
    return not isinstance(a["location"], str) and not isinstance(b["location"], str) and _kind(a) != "violent"


def _dates_close(a, b) -> bool:
    a_start, b_start = a["event_date"], b["event_date"]
    a_end, b_end = _period_end(a_start, a["date_precision"]), _period_end(b_start, b["date_precision"])
    gap = max(a_start, b_start) - min(a_end, b_end)
    return gap <= pd.Timedelta(MAX_GAP)


def _party(row) -> str | None:
    if isinstance(row["dyad"], str):
        return f"dyad:{row['dyad']}"
    if isinstance(row["iso3"], str):
        return f"iso:{row['iso3']}"
    return None


CURATED = ("acled", "ucdp")


def same_incident(a, b) -> bool:
    """Two reports are one incident: same parties, compatible kind, same place, dates a day apart.

    Two rows of one curated dataset are never merged: ACLED and UCDP already code each real event
    once, so two of their rows on one day in one town are two events.
    """
    if a["dataset"] == b["dataset"] and a["dataset"] in CURATED:
        return False
    if _party(a) != _party(b) or _kind(a) != _kind(b):
        return False
    if (a["date_precision"] in COARSE) != (b["date_precision"] in COARSE):
        return False
    if a["date_precision"] in COARSE and (a["event_date"], a["date_precision"]) != (b["event_date"], b["date_precision"]):
        return False
    return _same_place(a, b) and _dates_close(a, b)


def incident_id_for(event_id: str) -> str:
    """`inc:` + short hash of the incident's first event_id."""
    return "inc:" + hashlib.sha1(event_id.encode()).hexdigest()[:12]


CELL = 0.1  # degrees; with its neighbours, a cell covers everything within MAX_KM


def _place_keys(row, spread: int) -> list[tuple]:
    """Index keys for a report's place: its name, and its grid cell with `spread` cells around it."""
    keys = []
    if isinstance(row["location"], str):
        keys.append(("name", row["location"]))
    if pd.notna(row["latitude"]):
        y, x = int(row["latitude"] // CELL), int(row["longitude"] // CELL)
        keys += [("cell", y + dy, x + dx) for dy in range(-spread, spread + 1) for dx in range(-spread, spread + 1)]
    return keys or [("nowhere",)]


def assign_incidents(events: pd.DataFrame) -> pd.DataFrame:
    """Set incident_id on every row; each incident is anchored on its earliest report, no chains.

    Anchors are indexed by (parties, kind, place key), so each report is compared only with the
    anchors that could match it: linear in the number of reports, not quadratic.
    """
    if events.empty:
        return events.assign(incident_id=pd.Series([], dtype="string"))
    out = events  # the caller's frame is filled in place: at a million rows a copy costs a gigabyte
    out["incident_id"] = pd.array([incident_id_for(e) for e in events["event_id"]], dtype="string")
    # Only groups of (parties, kind) where a report could meet one from another source need the
    # careful pass; a group holding rows of a single curated dataset is one incident per row.
    party = events["dyad"].astype(object).where(events["dyad"].notna(), "iso:" + events["iso3"].astype(object).fillna(""))
    kind = events["diplomatic_action"].astype(object).fillna(
        pd.Series("violent", index=events.index).where(~events["event_type"].astype(str).isin(_UNREST), "unrest"))
    group = party.astype(str) + "|" + kind.astype(str)
    ds = events["dataset"].astype(str)
    frame = pd.DataFrame({"g": group, "ds": ds, "open": ~ds.isin(CURATED)})
    stats = frame.groupby("g").agg(n=("ds", "nunique"), open=("open", "any"))
    busy = group.map((stats["n"] > 1) | stats["open"]).astype(bool)
    if busy.any():
        out.loc[busy, "incident_id"] = _assign_careful(events[busy])
    return out


def _assign_careful(events: pd.DataFrame) -> pd.Series:
    """Anchor-by-anchor grouping for the rows that may merge."""
    df = events.sort_values(["event_date", "event_id"], kind="stable")
    cols = ["event_id", "event_date", "date_precision", "diplomatic_action", "event_type", "dyad", "iso3", "location",
            "latitude", "longitude", "dataset"]
    records = df[cols].to_dict("records")
    index: dict[tuple, list[int]] = {}
    incident = np.empty(len(records), dtype=object)
    window = pd.Timedelta(days=40)
    for i, row in enumerate(records):
        head = (_party(row), _kind(row))
        match = None
        for key in _place_keys(row, spread=1):
            for j in reversed(index.get(head + key, ())):
                anchor = records[j]
                if row["event_date"] - anchor["event_date"] > window:
                    break
                if same_incident(anchor, row):
                    match = j if match is None or j < match else match
                    break
        if match is None:
            for key in _place_keys(row, spread=0):
                index.setdefault(head + key, []).append(i)
            incident[i] = incident_id_for(row["event_id"])
        else:
            incident[i] = incident[match]
    return pd.Series(pd.array(incident, dtype="string"), index=df.index).loc[events.index]
