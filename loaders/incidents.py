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

    Reports are compared only within their (parties, kind) group, and within it only with the anchors
    indexed under one of their place keys: linear in the number of reports, not quadratic. The rule is
    the one `same_incident` states; it is applied here to integer codes and plain lists built group by
    group (a million reports as one dict each would take a gigabyte, and pandas Timestamps are slow).
    """
    if events.empty:
        return events.assign(incident_id=pd.Series([], dtype="string"))
    out = events  # the caller's frame is filled in place: at a million rows a copy costs a gigabyte
    head = _head_codes(events)
    ds_codes, ds_names = pd.factorize(events["dataset"])
    closed = np.array([d in CURATED for d in ds_names] + [False])[ds_codes]  # code -1 (missing): open
    # Only groups where a report could meet one from another source need the careful pass; a group
    # holding rows of a single curated dataset is one incident per row.
    stats = pd.DataFrame({"head": head, "ds": ds_codes, "closed": closed}).groupby("head", sort=False).agg(
        lo=("ds", "min"), hi=("ds", "max"), closed=("closed", "all"))
    quiet_heads = stats.index[(stats["lo"] == stats["hi"]) & stats["closed"]].to_numpy()
    del stats, ds_codes, closed
    anchor = np.arange(len(events))  # the row whose event_id names each row's incident
    rows = np.flatnonzero(~np.isin(head, quiet_heads))
    if len(rows):
        anchor[rows] = _anchors(events, rows, head[rows])
    del head
    firsts, which = np.unique(anchor, return_inverse=True)
    del anchor
    names = np.array([incident_id_for(e) for e in events["event_id"].take(firsts).tolist()], dtype=object)
    out["incident_id"] = pd.array(names[which.ravel()], dtype="string")
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


def _micros(values) -> np.ndarray:
    return np.asarray(values).astype("datetime64[us]").astype("int64")


def _anchors(events: pd.DataFrame, rows: np.ndarray, head: np.ndarray) -> np.ndarray:
    """For the rows at positions `rows` (their group codes in `head`): the position of the report that
    anchors each one's incident (itself when it starts one), by the rule of same_incident."""
    dates = events["event_date"].take(rows).reset_index(drop=True)
    if dates.isna().any():
        raise ValueError("assign_incidents needs an event_date on every row")
    # The order reports are met in: event_date, then event_id (the table's own order) ...
    order = pd.DataFrame({"d": dates, "e": events["event_id"].take(rows).reset_index(drop=True)}).sort_values(
        ["d", "e"], kind="stable").index.to_numpy()
    day = _micros(dates)[order]
    del dates
    # ... and, keeping that order, group by group.
    by_group = np.argsort(head[order], kind="stable")
    order, day = order[by_group], day[by_group]
    cuts = np.flatnonzero(np.diff(head[order])) + 1
    del by_group
    pick = rows[order]  # positions in events, group after group, each in the order its reports are met
    column: dict[str, np.ndarray] = {}
    prec_codes, precs = pd.factorize(events["date_precision"].take(pick))
    width = len(precs) + 1
    pairs, pair_of = np.unique(day * width + (prec_codes + 1), return_inverse=True)
    # Each (day, precision) pair's period end, by the rule's own _period_end, once per pair.
    pair_end = np.array([_period_end(pd.Timestamp(np.datetime64(int(k // width), "us")),
                                     precs[k % width - 1] if k % width else None)
                         .to_datetime64().astype("datetime64[us]").astype("int64") for k in pairs.tolist()],
                        dtype="int64")
    column["day"], column["end"], column["prec"] = day, pair_end[pair_of.ravel()], prec_codes
    column["coarse"] = np.array([p in COARSE for p in precs] + [False])[prec_codes]
    del pairs, pair_of, pair_end
    ds_codes, ds_names = pd.factorize(events["dataset"].take(pick))
    column["ds"], column["closed"] = ds_codes, np.array([d in CURATED for d in ds_names] + [False])[ds_codes]
    loc_codes, locs = pd.factorize(events["location"].take(pick))
    column["loc"] = np.where(np.array([isinstance(v, str) for v in locs] + [False])[loc_codes], loc_codes, -1)
    column["lat"] = events["latitude"].take(pick).to_numpy(dtype="float64", na_value=np.nan)
    column["lon"] = events["longitude"].take(pick).to_numpy(dtype="float64", na_value=np.nan)
    action = events["diplomatic_action"].take(pick)
    column["violent"] = ~np.array([isinstance(v, str) for v in action], dtype=bool) & ~events["event_type"].take(
        pick).astype(str).isin(_UNREST).to_numpy()
    del action
    anchor = np.arange(len(pick))
    starts = np.concatenate([[0], cuts])
    stops = np.concatenate([cuts, [len(pick)]])
    for start, stop in zip(starts.tolist(), stops.tolist()):
        if stop - start > 1:  # a report alone in its group anchors its own incident
            anchor[start:stop] = start + _group_anchors(**{k: v[start:stop].tolist() for k, v in column.items()})
    result = np.empty(len(rows), dtype="int64")
    result[order] = pick[anchor]
    return result


WINDOW_US = 40 * 86_400_000_000  # anchors further back than this are never looked at
GAP_US = int(pd.Timedelta(MAX_GAP) / pd.Timedelta(microseconds=1))


def _group_anchors(day, end, prec, coarse, ds, closed, loc, lat, lon, violent) -> np.ndarray:
    """The anchoring pass over one (parties, kind) group, in the order its reports are met: for each
    report, the index of its anchor in the group. The columns are plain lists (fast to index); `loc`
    holds place-name codes (-1: none)."""

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
        return max(day[a], day[b]) - min(end[a], end[b]) <= GAP_US

    # Place keys (see _place_keys): a name code (int), a grid cell (y, x), or None for nowhere.
    index: dict = {}
    anchor = list(range(len(day)))
    for i in range(len(day)):
        cell = None
        keys = [loc[i]] if loc[i] >= 0 else []
        if lat[i] == lat[i]:
            y, x = cell = int(lat[i] // CELL), int(lon[i] // CELL)
            keys += [(y + dy, x + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        if not keys:
            keys.append(None)
        match = None
        for key in keys:
            for j in reversed(index.get(key, ())):
                if day[i] - day[j] > WINDOW_US:
                    break
                if same(j, i):
                    match = j if match is None or j < match else match
                    break
        if match is None:
            own = [loc[i]] if loc[i] >= 0 else []
            if cell is not None:
                own.append(cell)
            for key in own or [None]:
                index.setdefault(key, []).append(i)
        else:
            anchor[i] = match
    return np.asarray(anchor, dtype="int64")
