"""Round 7 of the news loader's speed: the geocoder's shortcuts against the computations they replace (the
spelling hash of one key, a country's code, the edit distance given up past its limit, and the GeoNames
reading they feed), and the events table's quick check against pandera's validation."""

from __future__ import annotations

import importlib
import math
import random

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import schema

geocode = importlib.import_module("loaders.geocode")  # (the package exports a function of that name)
ROOT = Path(__file__).resolve().parent.parent


def _keys(n: int = 400) -> list[str]:
    """Spellings of the gazetteer (curated names and GeoNames rows), and misspellings of them."""
    rng = random.Random(7)
    curated = sorted(set(geocode.curated_places()["key"].astype(str)))
    arrs = geocode._index_arrays()
    rows = [geocode._row_key(arrs, int(r)) for r in rng.sample(range(len(arrs["place"])), n)]
    keys = rng.sample(curated, min(n, len(curated))) + rows
    out = list(keys)
    for key in keys[: n // 2]:
        if len(key) > 3:
            i = rng.randrange(len(key) - 1)
            out += [key[:i] + key[i + 1:], key[:i] + key[i + 1] + key[i] + key[i + 2:], key[:i] + "a" + key[i:]]
    return out


def test_hash_of_one_spelling_is_the_arrays_hash():
    for key in _keys(100) + ["", "é", "Ḩalab", "k\u212a", "ő ű", "x" * 300]:
        assert geocode._hash64_one(key) == geocode._hash64([key])[0]
        assert geocode._hash64_one(key).dtype == np.uint64


def test_country_code_is_its_first_position_in_the_arrays():
    arrs = geocode._index_arrays()
    cats = arrs["iso_cats"]
    for iso3 in list(cats) + ["XXX", "afg", "", "AF"]:
        found = np.flatnonzero(cats == iso3)
        assert geocode._iso_code(arrs, iso3) == (int(found[0]) if len(found) else None)


def _check_within(a: str, b: str) -> None:
    full = geocode._edit_ratio(a, b)
    for limit in (0.0, 0.1, 0.25, 0.4, 0.5, 1.0):
        within = geocode._edit_ratio_within(a, b, limit)
        if full <= limit:
            assert within == full, (a, b, limit)
        else:
            assert within == math.inf, (a, b, limit)


@given(st.text(alphabet="abcdeiklmnorsuyz -'", max_size=14), st.text(alphabet="abcdeiklmnorsuyz -'", max_size=14))
@settings(max_examples=400, deadline=None)
def test_bounded_edit_ratio_on_generated_spellings(a, b):
    _check_within(a, b)


def test_bounded_edit_ratio_on_gazetteer_spellings():
    keys = _keys(150)
    rng = random.Random(3)
    for a in keys:
        _check_within(a, rng.choice(keys))
        _check_within(a, a[::-1])
        _check_within(a, a[1:] + "h")


def _from_geonames_as_before(key, country):
    """_from_geonames with the computations it had before round 7 (full edit distance, the country's code
    found by comparing every country)."""
    arrs = geocode._index_arrays()

    def code_by_scan(_arrs, iso3):
        found = np.flatnonzero(arrs["iso_cats"] == iso3)
        return int(found[0]) if len(found) else None

    saved = geocode._iso_code, geocode._edit_ratio_within
    try:
        geocode._iso_code = code_by_scan
        geocode._edit_ratio_within = lambda a, b, _limit: geocode._edit_ratio(a, b)
        return geocode._from_geonames(key, country)
    finally:
        geocode._iso_code, geocode._edit_ratio_within = saved


def test_geonames_readings_are_the_same():
    countries = [None, "AFG", "PAK", "IND", "UKR", "RUS", "SYR", "SDN", "COD", "MMR", "XXX"]
    rng = random.Random(11)
    fuzzy = 0
    for key in _keys(150):
        for country in rng.sample(countries, 3):
            got = geocode._from_geonames(key, country)
            assert got == _from_geonames_as_before(key, country), (key, country)
            fuzzy += got is not None and got.name and geocode.normalise(got.name) != key
    assert fuzzy > 10


# --- The events table checked without pandera where it surely holds ---------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"


def _valid_frame() -> pd.DataFrame:
    import loaders

    events = loaders.load([FIXTURES / "datasets" / "acled_afpak_2025.csv", ROOT / "seeds"])
    assert len(events) > 20
    return events


def _broken(events: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Frames that each break one part of the contract."""
    out = {}

    def put(name, change):
        df = events.copy()
        out[name] = change(df) if callable(change) else df
    put("negative toll", lambda df: df.assign(fatalities_low=df["fatalities_low"].fillna(0) - 1))
    put("latitude 95", lambda df: df.assign(latitude=df["latitude"].where(df.index != df.index[3], 95.0)))
    put("longitude -181", lambda df: df.assign(longitude=df["longitude"].where(df.index != df.index[0], -181.0)))
    put("latitude alone", lambda df: df.assign(longitude=df["longitude"].where(df.index != df.index[1], np.nan)))
    put("low above high", lambda df: df.assign(fatalities_low=pd.array([5] * len(df), dtype="Int64"),
                                               fatalities_high=pd.array([4] * len(df), dtype="Int64")))
    put("low above best", lambda df: df.assign(fatalities_low=pd.array([5] * len(df), dtype="Int64"),
                                               fatalities_best=pd.array([4] * len(df), dtype="Int64"),
                                               fatalities_high=pd.array([9] * len(df), dtype="Int64")))
    for iso in ("af", "AFGH", "AFG\n", "A1G", "ÄFG"):
        put(f"iso3 {iso!r}", lambda df, iso=iso: df.assign(iso3=pd.array([iso] * len(df), dtype=df["iso3"].dtype)))
    put("duplicate id", lambda df: df.assign(event_id=pd.array(["x"] * len(df), dtype=df["event_id"].dtype)))
    put("missing id", lambda df: df.assign(event_id=df["event_id"].where(df.index != df.index[2], None)))
    put("incident id", lambda df: df.assign(incident_id=pd.array(["x:1"] * len(df), dtype=df["incident_id"].dtype)))
    put("precision 5", lambda df: df.assign(geo_precision=pd.array([5] * len(df), dtype="Int8")))
    put("confidence 1.5", lambda df: df.assign(confidence=1.5))
    put("confidence missing", lambda df: df.assign(confidence=df["confidence"].where(df.index != df.index[0], np.nan)))
    put("confidence inf", lambda df: df.assign(confidence=np.inf))
    put("missing date", lambda df: df.assign(event_date=df["event_date"].where(df.index != df.index[0], pd.NaT)))
    put("extra column", lambda df: df.assign(extra=1))
    put("missing column", lambda df: df.drop(columns=["dyad"]))
    put("columns reordered", lambda df: df[list(df.columns[::-1])])
    put("object text", lambda df: df.assign(actor1=df["actor1"].astype(object)))
    put("float tolls", lambda df: df.assign(injured_low=df["injured_low"].astype("float64")))
    put("other categories", lambda df: df.assign(event_type=df["event_type"].astype(str).astype("category")))
    put("missing kind", lambda df: df.assign(event_type=df["event_type"].where(df.index != df.index[0], None)))
    put("nanosecond dates", lambda df: df.assign(event_date=df["event_date"].astype("datetime64[ns]")))
    return out


def test_a_valid_table_is_known_valid_without_pandera():
    events = _valid_frame()
    assert schema.surely_valid(events)
    schema.EVENTS_SCHEMA.validate(events)


def test_surely_valid_only_where_pandera_agrees():
    """Each broken frame: surely_valid is True only where pandera validates it (then the frame is kept as it is);
    where it is False, pandera runs and reports as before."""
    import pandera.errors

    events = _valid_frame()
    refused = 0
    for name, df in _broken(events).items():
        try:
            schema.EVENTS_SCHEMA.validate(df.copy(), lazy=True)
            passes = True
        except (pandera.errors.SchemaErrors, pandera.errors.SchemaError):
            passes = False
        quick = schema.surely_valid(df)
        assert not quick or passes, name
        refused += not quick
    assert refused >= 25


def test_a_load_with_broken_rows_reports_them_as_pandera_does():
    """The rows breaking the contract in the bad fixture are reported with pandera's messages (the quick check
    refuses the frame; pandera reads it as before)."""
    import loaders

    result = loaders.load_files([FIXTURES / "bad" / "faultline_contract_breaks.csv"])
    messages = [p.message for p in result.problems if "breaks the events table" in p.message]
    assert messages and all("(" in m for m in messages)
