"""ACLED CSV exports -> the events table (SPEC §5)."""

from __future__ import annotations

import pandas as pd

from loaders.actors import dyad_with_victims, resolve_actor
from loaders.news import diplomatic_reading, truce_end
from loaders.pipeline import REVISION, Source
from loaders.problems import Problem
from loaders.schema import EVENT_TYPES, SUB_EVENT_TYPES
from loaders.tabular import (coordinate_checks, first_row, iso3_from_names, iso3_from_numeric, not_a_count, numbers,
                              parse_dates, read_table, reject, unique_parts)

COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
           "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
           "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
           "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
           "fatalities", "tags", "timestamp"]
OLDER_EXTRA = {"data_id", "event_id_no_cnty", "iso3"}
REQUIRED = {"event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "country", "latitude",
            "longitude", "fatalities"}
EXPECTED = "an ACLED export: a header row with event_id_cnty, event_date, event_type, ... (31 columns)"
# The columns Faultline maps; the rest of an export is never held in memory.
USED = ["event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
        "iso", "iso3", "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source",
        "notes", "fatalities", "timestamp"]
TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
GEO_PRECISION = {"1": 1, "2": 2, "3": 3}


DELIMITERS = (",", ";", "\t")  # spreadsheets in many locales save "CSV" with semicolons


def _delimiter(source: Source) -> str | None:
    head = source.head()
    for d in DELIMITERS:
        if REQUIRED <= {h.strip().lower() for h in first_row(head, d)}:
            return d
    return None


def diagnose(source: Source) -> str | None:
    """For a file that is nearly an ACLED export: which identifying columns it lacks."""
    for d in DELIMITERS:
        names = {h.strip().lower() for h in first_row(source.head(), d)}
        if {"event_id_cnty", "event_date"} <= names:
            return f"it looks like an ACLED export but lacks the column(s) {', '.join(sorted(REQUIRED - names))}"
    return None


def recognise(source: Source) -> bool:
    """A header holding ACLED's identifying columns (comma-, semicolon- or tab-separated)."""
    return _delimiter(source) is not None


def read(source: Source) -> tuple[pd.DataFrame, list[Problem]]:
    """Read, check and map an ACLED export; bad rows are reported with their line and left out."""
    path = str(source.path)
    delimiter = _delimiter(source) or ","
    header = [h.strip().lower() for h in first_row(source.head(), delimiter)]
    unknown = [h for h in header if h not in COLUMNS and h not in OLDER_EXTRA]
    problems: list[Problem] = []
    if delimiter != ",":
        problems.append(Problem(path, 1, f"fields are separated by {delimiter!r}, not commas; read anyway", kind="note"))
    if unknown:
        problems.append(Problem(path, 1, f"columns not in ACLED's export layout, ignored: {', '.join(unknown)}",
                                kind="note"))
    raw, read_problems = read_table(path, source, header, delimiter=delimiter, usecols=USED)
    problems += read_problems
    for col in USED:
        if col not in raw:
            raw[col] = ""
    raw, p = _checked(raw, path)
    problems += p
    # The text of parsed cells is no longer needed; at a million rows it is worth dropping early.
    raw = raw.drop(columns=["event_date", "latitude", "longitude", "fatalities", "timestamp"])
    return to_events(raw), problems


def _checked(raw: pd.DataFrame, path: str) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    raw = raw.assign(_date=parse_dates(raw["event_date"]), _lat=numbers(raw["latitude"]),
                     _lon=numbers(raw["longitude"]), _fat=numbers(raw["fatalities"]),
                     _ts=numbers(raw["timestamp"]))
    checks = [
        (raw["event_id_cnty"].str.strip() == "", lambda r: "empty event_id_cnty"),
        (raw["_date"].isna(), lambda r: f"unreadable event_date {r['event_date']!r} (expected YYYY-MM-DD)"),
        (~raw["event_type"].isin(EVENT_TYPES), lambda r: f"unknown event_type {r['event_type']!r}"),
        (~raw["sub_event_type"].isin(SUB_EVENT_TYPES), lambda r: f"unknown sub_event_type {r['sub_event_type']!r}"),
        *coordinate_checks(raw, "latitude", "longitude"),
        (not_a_count(raw["fatalities"], raw["_fat"]), lambda r: f"fatalities {r['fatalities']!r} is not a whole number"),
    ]
    for bad, why in checks:
        raw, p = reject(raw, bad.reindex(raw.index, fill_value=False), path, why)
        problems += p
    return raw, problems


def _dyads(key1: pd.Series, key2: pd.Series, actor2: pd.Series, kind1: pd.Series) -> pd.Series:
    """Dyad per row, computed once per distinct combination of actors."""
    combos = pd.DataFrame({"k1": key1, "k2": key2, "n2": actor2.astype(object), "t1": kind1}).astype(object)
    memo: dict[tuple, str | None] = {}
    keys = list(zip(combos["k1"], combos["k2"], combos["n2"], combos["t1"]))
    for k in set(keys):
        memo[k] = dyad_with_victims(*k)
    return pd.Series([memo[k] for k in keys], index=key1.index, dtype=object)


def to_events(raw: pd.DataFrame) -> pd.DataFrame:
    """ACLED columns -> events-table columns."""
    name1, key1, kind1 = unique_parts(raw["actor1"], resolve_actor, 3)
    name2, key2, _ = unique_parts(raw["actor2"], resolve_actor, 3)
    iso3 = iso3_from_numeric(raw["iso"]) if "iso" in raw else pd.Series(None, index=raw.index)
    if "iso3" in raw:
        iso3 = iso3.fillna(raw["iso3"].where(raw["iso3"].str.len() == 3))
    iso3 = iso3.fillna(iso3_from_names(raw["country"]))
    strategic = raw["event_type"] == "Strategic developments"
    action, mediators = (p.reindex(raw.index) for p in unique_parts(raw.loc[strategic, "notes"], diplomatic_reading, 2))
    # ACLED codes signed deals as Agreement; when the notes name no clearer action, that is what it is.
    action = action.where(action.notna() | ~(strategic & (raw["sub_event_type"] == "Agreement")), "agreement_signed")
    fat = raw["_fat"].astype("Int64")
    out = pd.DataFrame({
        "event_id": "acled:" + raw["event_id_cnty"].str.strip(),
        "event_date": raw["_date"],
        "date_precision": raw["time_precision"].str.strip().map(TIME_PRECISION).fillna("day"),
        "event_type": raw["event_type"],
        "sub_event_type": raw["sub_event_type"],
        "diplomatic_action": action,
        "mediators": mediators,
        "actor1": name1,
        "actor2": name2,
        "dyad": _dyads(key1, key2, raw["actor2"], kind1),
        "country": raw["country"],
        "iso3": iso3,
        "admin1": raw["admin1"],
        "location": raw["location"],
        "latitude": raw["_lat"],
        "longitude": raw["_lon"],
        "geo_precision": raw["geo_precision"].str.strip().map(GEO_PRECISION),
        "geocoder": "source",
        "fatalities_low": fat, "fatalities_best": fat, "fatalities_high": fat,
        "dataset": "acled",
        "source_name": raw["source"].where(raw["source"].str.strip() != "", "ACLED"),
        "source_quote": raw["notes"],
        "confidence": 1.0,
        "_line": raw["_line"],
        REVISION: raw["_ts"].fillna(0),
    })
    out.loc[out["latitude"].isna(), "geocoder"] = "none"
    agreed = out["diplomatic_action"] == "ceasefire_agreed"
    out["date_end"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[us]")
    idx = out.index[agreed.fillna(False).astype(bool)]
    if len(idx):
        quotes, starts = out.loc[idx, "source_quote"].tolist(), out.loc[idx, "event_date"].tolist()
        out.loc[idx, "date_end"] = pd.to_datetime([truce_end(q, d) for q, d in zip(quotes, starts)])
    return out.reset_index(drop=True)
