"""Round 7 of the news loader's speed: the geocoder's shortcuts against the computations they replace (the
spelling hash of one key, a country's code, the edit distance given up past its limit, and the GeoNames
reading they feed)."""

from __future__ import annotations

import importlib
import math
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

geocode = importlib.import_module("loaders.geocode")  # (the package exports a function of that name)


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
