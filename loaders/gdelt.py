"""GDELT 2.0 events exports (tab-separated, 61 columns, no header; plain or zipped) -> the events table.

GDELT is machine-coded from news and noisy: its rows are media signal (confidence < 1), its pins are
where articles placed an action, and its re-emissions of one event share an incident.
"""

from __future__ import annotations

import csv
import functools
import math
from urllib.parse import urlparse

import pandas as pd

from loaders.actors import dyad_of
from loaders.paths import DATA_DIR
from loaders.pipeline import Source
from loaders.problems import Problem
from loaders.tabular import coordinate_checks, iso3_from_fips, numbers, parse_dates, read_table, reject

COLUMNS = ["GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
           "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
           "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
           "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
           "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
           "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
           "NumMentions", "NumSources", "NumArticles", "AvgTone",
           "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
           "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
           "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
           "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
           "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
           "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
           "DATEADDED", "SOURCEURL"]
EXPECTED = "a GDELT 2.0 events export: 61 tab-separated columns, no header (GlobalEventID, Day, ...)"
GEO_PRECISION = {"1": 4, "2": 3, "5": 3, "3": 1, "4": 1}
MAX_CONFIDENCE = 0.6  # machine-coded media signal never reaches the trust of a curated dataset


ADM2_POSITIONS = (39, 47, 55)  # GDELT 2.0 added an ADM2 code to each of the three geographies


def _gdelt1_row(row: list[str]) -> list[str] | None:
    """A 58-field GDELT 1.0 row -> the 61-field layout (empty ADM2 codes)."""
    if len(row) != 58:
        return None
    row = list(row)
    for pos in ADM2_POSITIONS:
        row.insert(pos, "")
    return row


def _signature(line: str) -> bool:
    fields = line.rstrip("\r").split("\t")
    return len(fields) in (58, 61) and fields[0].strip().isdigit()


def recognise(source: Source) -> bool:
    """Tab-separated rows of 61 (GDELT 1.0: 58) fields starting with a numeric GlobalEventID, within any of
    the first five rows: a broken row is reported by its line (a bad Day too), not a reason to refuse
    the file."""
    lines = [line for line in source.head().split("\n")[:20] if line.strip()][:5]
    return any(_signature(line) for line in lines)


@functools.lru_cache(maxsize=1)
def cameo_table() -> pd.DataFrame:
    """CAMEO event codes (strings: leading zeros matter) -> event type and diplomatic action."""
    return pd.read_csv(DATA_DIR / "cameo_codes.csv", dtype=str, keep_default_na=False)


def map_cameo(codes: pd.Series) -> pd.DataFrame:
    """Longest matching CAMEO prefix per code; NaN where the code is outside conflict and diplomacy."""
    table = cameo_table().set_index("code")
    prefixes = sorted(table.index, key=len, reverse=True)
    out = pd.DataFrame(index=codes.index, columns=["event_type", "sub_event_type", "diplomatic_action"], dtype=object)
    for code in codes.dropna().unique():
        hit = next((p for p in prefixes if code.startswith(p)), None)
        if hit is not None:
            row = table.loc[hit]
            out.loc[codes == code] = [row["event_type"], row["sub_event_type"], row["diplomatic_action"] or None]
    return out


def read(source: Source) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and map a GDELT events export; rows of other CAMEO families are counted, not loaded."""
    path = str(source.path)
    raw, problems = read_table(path, source, COLUMNS, delimiter="\t", header=False, quoting=csv.QUOTE_NONE,
                               fix_row=_gdelt1_row)
    raw = raw.assign(_day=parse_dates(raw["Day"], "%Y%m%d"), _lat=numbers(raw["ActionGeo_Lat"]),
                     _lon=numbers(raw["ActionGeo_Long"]), _added=parse_dates(raw["DATEADDED"].str[:8], "%Y%m%d"))
    checks = [
        (~raw["GlobalEventID"].str.strip().str.isdigit(), lambda r: f"GlobalEventID {r['GlobalEventID']!r} is not a number"),
        (raw["_day"].isna(), lambda r: f"unreadable Day {r['Day']!r} (expected YYYYMMDD)"),
        *coordinate_checks(raw, "ActionGeo_Lat", "ActionGeo_Long"),
    ]
    for bad, why in checks:
        raw, p = reject(raw, bad.reindex(raw.index, fill_value=False), path, why)
        problems += p
    codes = map_cameo(raw["EventCode"].str.strip())
    outside = codes["event_type"].isna()
    if outside.any():
        lines = raw.loc[outside, "_line"].astype(int).tolist()
        shown = ", ".join(map(str, lines[:10])) + (" ..." if len(lines) > 10 else "")
        problems.append(Problem(path, 0, f"{len(lines)} row(s) with CAMEO codes outside conflict and diplomacy "
                                f"(statements, visits, aid...) were not loaded as events: lines {shown}", kind="note",
                                rows=len(lines)))
    raw, codes = raw[~outside], codes[~outside]
    return to_events(raw, codes), problems


def _confidence(sources: pd.Series, articles: pd.Series) -> pd.Series:
    """More independent sources, more trust, up to MAX_CONFIDENCE: 1 source 0.3, 2 0.4, 4+ 0.6."""
    n = sources.fillna(1).clip(lower=1)
    a = articles.fillna(1).clip(lower=1)
    score = 0.2 + 0.1 * n.map(lambda v: math.log2(v) + 1) + 0.02 * a.map(math.log2)
    return score.clip(upper=MAX_CONFIDENCE).round(2)


def to_events(raw: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """GDELT columns -> events-table columns."""
    c1 = raw["Actor1CountryCode"].str.strip().where(lambda s: s.str.len() == 3)
    c2 = raw["Actor2CountryCode"].str.strip().where(lambda s: s.str.len() == 3)
    iso3 = iso3_from_fips(raw["ActionGeo_CountryCode"])
    full = raw["ActionGeo_FullName"].str.strip()
    parts = full.str.split(",")
    geo_type = raw["ActionGeo_Type"].str.strip()
    admin1 = parts.map(lambda p: p[-2].strip() if isinstance(p, list) and len(p) >= 3 else None)
    admin1 = admin1.where(geo_type.isin(["3", "4"]), parts.map(lambda p: p[0].strip() if isinstance(p, list) else None)
                          .where(geo_type.isin(["2", "5"])))
    location = parts.map(lambda p: p[0].strip() if isinstance(p, list) and p[0].strip() else None)
    url = raw["SOURCEURL"].str.strip()
    out = pd.DataFrame({
        "event_id": "gdelt:" + raw["GlobalEventID"].str.strip(),
        "event_date": raw["_day"],
        "date_precision": "day",
        "event_type": codes["event_type"],
        "sub_event_type": codes["sub_event_type"],
        "diplomatic_action": codes["diplomatic_action"],
        "actor1": raw["Actor1Name"].str.strip().str.title().where(raw["Actor1Name"].str.strip() != ""),
        "actor2": raw["Actor2Name"].str.strip().str.title().where(raw["Actor2Name"].str.strip() != ""),
        "dyad": [dyad_of(a if isinstance(a, str) else None, b if isinstance(b, str) else None) for a, b in zip(c1, c2)],
        "country": full.where(geo_type == "1").fillna(parts.map(lambda p: p[-1].strip() if isinstance(p, list) else None)),
        "iso3": iso3,
        "admin1": admin1,
        "location": location,
        "latitude": raw["_lat"],
        "longitude": raw["_lon"],
        "geo_precision": geo_type.map(GEO_PRECISION),
        "geocoder": "source",
        "dataset": "gdelt",
        "source_name": url.map(lambda u: urlparse(u).netloc or "GDELT" if u else "GDELT"),
        "source_url": url.where(url != ""),
        "published": raw["_added"],
        "casualty_text": None,
        "source_quote": None,
        "confidence": _confidence(numbers(raw["NumSources"]), numbers(raw["NumArticles"])),
        "_line": raw["_line"],
    })
    out.loc[out["latitude"].isna(), "geocoder"] = "none"
    return out.reset_index(drop=True)
