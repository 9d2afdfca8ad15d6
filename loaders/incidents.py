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
    anchors that could match it: linear in the number of reports, not quadratic. The rule is the one
    `same_incident` states; it is applied here to integer codes and plain lists built once per column
    (a million reports as one dict each would take a gigabyte, and pandas Timestamps are slow).
    """
    if events.empty:
        return events.assign(incident_id=pd.Series([], dtype="string"))
    out = events  # the caller's frame is filled in place: at a million rows a copy costs a gigabyte
    head = _head_codes(events)
    ds_codes, ds_names = pd.factorize(events["dataset"])
    curated = np.array([d in CURATED for d in ds_names] + [False])[ds_codes]  # code -1 (missing): not curated
    # Only groups of (parties, kind) where a report could meet one from another source need the
    # careful pass; a group holding rows of a single curated dataset is one incident per row.
    groups = pd.DataFrame({"head": head, "ds": ds_codes, "closed": curated}).groupby("head", sort=False)
    stats = groups.agg(lo=("ds", "min"), hi=("ds", "max"), closed=("closed", "all"))
    quiet_heads = stats.index[(stats["lo"] == stats["hi"]) & stats["closed"]].to_numpy()
    busy = ~np.isin(head, quiet_heads)
    del groups, stats
    ids = np.empty(len(events), dtype=object)
    quiet = np.flatnonzero(~busy)
    if len(quiet):
        ids[quiet] = [incident_id_for(e) for e in events["event_id"].take(quiet).tolist()]
    rows = np.flatnonzero(busy)
    if len(rows):
        ids[rows] = _assign_careful(events, rows, head[rows])
    out["incident_id"] = pd.array(ids, dtype="string")
    return out


def _head_codes(events: pd.DataFrame) -> np.ndarray:
    """One integer per row for (_party, _kind): rows with different codes are never one incident."""
    dyad, dyads = pd.factorize(events["dyad"])
    iso, isos = pd.factorize(events["iso3"])
    # _party: the dyad when it is text, else the country when it is text, else none.
    dyad_text = np.array([isinstance(v, str) for v in dyads] + [False])[dyad]
    iso_text = np.array([isinstance(v, str) for v in isos] + [False])[iso]
    n_dyads, n_isos = len(dyads), len(isos)
    party = np.where(dyad_text, dyad, np.where(iso_text, n_dyads + iso, n_dyads + n_isos)).astype("int64")
    # _kind: dip:<action> when the action is text, else unrest (protests, riots), else violent.
    action, actions = pd.factorize(events["diplomatic_action"])
    action_text = np.array([isinstance(v, str) for v in actions] + [False])[action]
    unrest = events["event_type"].astype(str).isin(_UNREST).to_numpy()
    n_actions = len(actions)
    kind = np.where(action_text, action, np.where(unrest, n_actions, n_actions + 1)).astype("int64")
    return party * (n_actions + 2) + kind


DAY_US = 86_400_000_000  # microseconds


def _micros(values: pd.Series) -> np.ndarray:
    return values.to_numpy().astype("datetime64[us]").astype("int64")


def _assign_careful(events: pd.DataFrame, rows: np.ndarray, head: np.ndarray) -> np.ndarray:
    """Anchor-by-anchor grouping of the rows that may merge (positions `rows`, their head codes):
    the incident id of each, in the order of `rows`."""
    dates = events["event_date"].take(rows).reset_index(drop=True)
    if dates.isna().any():
        raise ValueError("assign_incidents needs an event_date on every row")
    # The order the reports are met: event_date, then event_id (as the table's own order).
    order = pd.DataFrame({"d": dates, "e": events["event_id"].take(rows).reset_index(drop=True)}).sort_values(
        ["d", "e"], kind="stable").index.to_numpy()
    pick = rows[order]
    event_id = events["event_id"].take(pick).tolist()
    day = _micros(dates)[order]
    prec_codes, precs = pd.factorize(events["date_precision"].take(pick))
    # Each (day, precision) pair's period end, computed once per pair by the rule's own _period_end.
    width = len(precs) + 1
    pairs, pair_codes = np.unique(day * width + (prec_codes + 1), return_inverse=True)
    pair_end = np.array([_period_end(pd.Timestamp(np.datetime64(int(k // width), "us")),
                                     precs[k % width - 1] if k % width else None)
                         .to_datetime64().astype("datetime64[us]").astype("int64") for k in pairs.tolist()],
                        dtype="int64")
    end = pair_end[pair_codes.ravel()].tolist()
    coarse_of = np.array([p in COARSE for p in precs] + [False])
    coarse = coarse_of[prec_codes].tolist()
    prec = prec_codes.tolist()
    ds_codes, ds_names = pd.factorize(events["dataset"].take(pick))
    closed = np.array([d in CURATED for d in ds_names] + [False])[ds_codes].tolist()
    ds = ds_codes.tolist()
    loc_codes, locs = pd.factorize(events["location"].take(pick))
    is_text = np.array([isinstance(v, str) for v in locs] + [False])
    loc = np.where(is_text[loc_codes], loc_codes, -1).tolist()
    lat = events["latitude"].take(pick).to_numpy(dtype="float64", na_value=np.nan).tolist()
    lon = events["longitude"].take(pick).to_numpy(dtype="float64", na_value=np.nan).tolist()
    action = events["diplomatic_action"].take(pick).astype(object).to_numpy()
    violent = ((~np.array([isinstance(v, str) for v in action], dtype=bool))
               & ~events["event_type"].take(pick).astype(str).isin(_UNREST).to_numpy()).tolist()
    del action
    heads = head[order].tolist()
    day = day.tolist()
    window = int(pd.Timedelta(days=40) / pd.Timedelta(microseconds=1))
    gap_max = int(pd.Timedelta(MAX_GAP) / pd.Timedelta(microseconds=1))

    def same(a: int, b: int) -> bool:
        """same_incident(anchor a, report b) for two reports of one (parties, kind)."""
        if ds[a] == ds[b] and closed[a]:
            return False
        if coarse[a] != coarse[b]:
            return False
        if coarse[a] and (day[a] != day[b] or prec[a] != prec[b]):
            return False
        if loc[a] >= 0 and loc[a] == loc[b]:
            pass
        elif lat[a] == lat[a] and lat[b] == lat[b]:
            if not distance_km(lat[a], lon[a], lat[b], lon[b]) <= MAX_KM:
                return False
        elif loc[a] >= 0 or loc[b] >= 0 or violent[a]:
            return False
        return max(day[a], day[b]) - min(end[a], end[b]) <= gap_max

    index: dict[tuple, list[int]] = {}
    incident = np.empty(len(pick), dtype=object)
    for i in range(len(pick)):
        h, y, x = heads[i], None, None
        keys = []
        if loc[i] >= 0:
            keys.append((h, loc[i]))
        if lat[i] == lat[i]:
            y, x = int(lat[i] // CELL), int(lon[i] // CELL)
            keys += [(h, y + dy, x + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        if not keys:
            keys.append((h,))
        match = None
        for key in keys:
            for j in reversed(index.get(key, ())):
                if day[i] - day[j] > window:
                    break
                if same(j, i):
                    match = j if match is None or j < match else match
                    break
        if match is None:
            own = [(h, loc[i])] if loc[i] >= 0 else []
            if y is not None:
                own.append((h, y, x))
            for key in own or [(h,)]:
                index.setdefault(key, []).append(i)
            incident[i] = incident_id_for(event_id[i])
        else:
            incident[i] = incident[match]
    result = np.empty(len(pick), dtype=object)
    result[order] = incident
    return result
