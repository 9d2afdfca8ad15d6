"""UCDP GED CSV (yearly and Candidate releases, with or without a header row) -> the events table."""

from __future__ import annotations

import csv
import io
import itertools

import pandas as pd

from loaders.actors import dyad_with_victims, resolve_actor
from loaders.pipeline import Source
from loaders.problems import Problem
from loaders.tabular import (coordinate_checks, first_row, iso3_from_names, not_a_count, numbers, parse_dates,
                              read_table, reject, unique_parts)

COLUMNS = ["id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
           "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
           "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
           "source_article", "source_office", "source_date", "source_headline", "source_original", "where_prec",
           "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
           "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec", "date_start",
           "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
           "gwnoa", "gwnob"]
EXPECTED = "a UCDP GED file: 49 comma-separated columns (id, relid, year, ... best, high, low, gwnoa, gwnob)"
DATE_PREC = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
WHERE_PREC = {"1": 1, "2": 2, "3": 2, "4": 3, "5": 3, "6": 4, "7": 4}
VIOLENCE = {"1": ("Battles", "Armed clash"), "2": ("Battles", "Armed clash"),
            "3": ("Violence against civilians", "Attack")}


def _has_header(row: list[str]) -> bool:
    return [c.strip().lower() for c in row[:3]] == ["id", "relid", "year"]


DELIMITERS = (",", ";", "\t")  # spreadsheets in many locales save "CSV" with semicolons


def _fits(row: list[str]) -> bool:
    if _has_header(row):
        return {"date_start", "best", "type_of_violence"} <= {c.strip().lower() for c in row}
    return len(row) == len(COLUMNS) and row[0].strip().isdigit() and row[5].strip() in VIOLENCE


def _first_rows(text: str, delimiter: str, n: int = 5) -> list[list[str]]:
    try:
        return list(itertools.islice(csv.reader(io.StringIO(text.lstrip("\ufeff")[:200_000]), delimiter=delimiter), n))
    except csv.Error:
        return []


def _delimiter(source: Source) -> str | None:
    """The delimiter under which the header fits, or (no header) one of the first five rows does:
    a broken first row is reported by its line, not a reason to refuse the file."""
    head = source.head()
    for d in DELIMITERS:
        row = first_row(head, d)
        if _has_header(row):
            if _fits(row):
                return d
            continue
        if any(_fits(r) for r in _first_rows(head, d) if r and not _has_header(r)):
            return d
    return None


def recognise(source: Source) -> bool:
    """GED's header, or (Candidate files) a first row of 49 fields starting with a numeric id."""
    return _delimiter(source) is not None


def diagnose(source: Source) -> str | None:
    """For a file that starts like GED (id, relid, year) but lacks the columns Faultline needs."""
    for d in DELIMITERS:
        row = first_row(source.head(), d)
        if _has_header(row):
            names = {c.strip().lower() for c in row}
            missing = [c for c in ("date_start", "best", "type_of_violence") if c not in names]
            return f"it looks like a UCDP GED file but lacks the column(s) {', '.join(missing)}"
    return None


def read(source: Source) -> tuple[pd.DataFrame, list[Problem]]:
    """Read, check and map a GED file; bad rows are reported with their line and left out."""
    path = str(source.path)
    delimiter = _delimiter(source) or ","
    row = first_row(source.head(), delimiter)
    header = _has_header(row)
    problems: list[Problem] = []
    if delimiter != ",":
        problems.append(Problem(path, 1, f"fields are separated by {delimiter!r}, not commas; read anyway", kind="note"))
    if header:
        names = [c.strip().lower() for c in row]
        missing = [c for c in ("id", "date_start", "best", "low", "high", "type_of_violence") if c not in names]
        if missing:
            return pd.DataFrame(), [Problem(path, 1, f"not a GED file: missing {', '.join(missing)}", kind="file")]
    else:
        names = COLUMNS
    raw, read_problems = read_table(path, source, names, header=header, delimiter=delimiter)
    problems += read_problems
    for col in COLUMNS:
        if col not in raw:
            raw[col] = ""
    raw = raw.assign(_start=parse_dates(raw["date_start"].str[:10]), _end=parse_dates(raw["date_end"].str[:10]),
                     _lat=numbers(raw["latitude"]), _lon=numbers(raw["longitude"]), _best=numbers(raw["best"]),
                     _low=numbers(raw["low"]), _high=numbers(raw["high"]), _civ=numbers(raw["deaths_civilians"]))
    checks = [
        (raw["id"].str.strip() == "", lambda r: "empty id"),
        (raw["_start"].isna(), lambda r: f"unreadable date_start {r['date_start']!r}"),
        (~raw["type_of_violence"].str.strip().isin(VIOLENCE), lambda r: f"type_of_violence {r['type_of_violence']!r} is not 1, 2 or 3"),
        *coordinate_checks(raw, "latitude", "longitude"),
        (not_a_count(raw["best"], raw["_best"], required=True) | not_a_count(raw["low"], raw["_low"], required=True)
         | not_a_count(raw["high"], raw["_high"], required=True),
         lambda r: f"best/low/high deaths not whole numbers ({r['best']!r}, {r['low']!r}, {r['high']!r})"),
        (not_a_count(raw["deaths_civilians"], raw["_civ"]),
         lambda r: f"deaths_civilians {r['deaths_civilians']!r} is not a whole number"),
        ((raw["_low"] > raw["_best"]) | (raw["_best"] > raw["_high"]),
         lambda r: f"deaths not ordered low <= best <= high ({r['low']}, {r['best']}, {r['high']})"),
    ]
    for bad, why in checks:
        raw, p = reject(raw, bad.reindex(raw.index, fill_value=False), path, why)
        problems += p
    return to_events(raw), problems


def _publishers(article: str) -> str:
    """GED's source_article ("Outlet,2025-11-07,Headline;Outlet2,...") -> "UCDP GED: Outlet; Outlet2"."""
    names = [part.split(",")[0].strip() for part in str(article).split(";") if part.strip()]
    names = list(dict.fromkeys(n for n in names if n))
    return "UCDP GED: " + "; ".join(names[:5]) if names else "UCDP GED"


def map_publishers(articles: pd.Series) -> pd.Series:
    """Publisher names of each row's source_article."""
    from loaders.tabular import map_unique

    return map_unique(articles, _publishers)


def to_events(raw: pd.DataFrame) -> pd.DataFrame:
    """GED columns -> events-table columns."""
    name_a, key_a, kind_a = unique_parts(raw["side_a"], resolve_actor, 3)
    name_b, key_b, _ = unique_parts(raw["side_b"], resolve_actor, 3)
    violence = raw["type_of_violence"].str.strip().map(VIOLENCE)
    end = raw["_end"].where(raw["_end"] > raw["_start"])
    # A place named in where_coordinates ("<name> town") is the best label GED gives.
    location = raw["where_coordinates"].str.replace(r"\s+(town|village|city|district|province|area)$", "",
                                                      regex=True).str.strip()
    out = pd.DataFrame({
        "event_id": "ucdp:" + raw["id"].str.strip(),
        "event_date": raw["_start"],
        "date_end": end,
        "date_precision": raw["date_prec"].str.strip().map(DATE_PREC).fillna("day"),
        "event_type": violence.map(lambda t: t[0]),
        "sub_event_type": violence.map(lambda t: t[1]),
        "actor1": name_a,
        "actor2": name_b,
        "dyad": [dyad_with_victims(x, y, n, k) for x, y, n, k in zip(key_a, key_b, raw["side_b"], kind_a)],
        "country": raw["country"].str.replace(r"\s*\(.*\)$", "", regex=True),
        "iso3": iso3_from_names(raw["country"].str.replace(r"\s*\(.*\)$", "", regex=True)),
        "admin1": raw["adm_1"].str.replace(r"\s+(province|region|state)$", "", regex=True, case=False),
        "location": location.where(location != ""),
        "latitude": raw["_lat"],
        "longitude": raw["_lon"],
        "geo_precision": raw["where_prec"].str.strip().map(WHERE_PREC),
        "geocoder": "source",
        "fatalities_low": raw["_low"].astype("Int64"),
        "fatalities_best": raw["_best"].astype("Int64"),
        "fatalities_high": raw["_high"].astype("Int64"),
        "fatalities_civilians": raw["_civ"].astype("Int64"),
        "dataset": "ucdp",
        "source_name": map_publishers(raw["source_article"]),
        "source_quote": raw["source_headline"].where(raw["source_headline"].str.strip() != "", raw["where_description"]),
        "confidence": 1.0,
        "_line": raw["_line"],
    })
    out.loc[out["latitude"].isna(), "geocoder"] = "none"
    return out.reset_index(drop=True)
