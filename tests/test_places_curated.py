"""The curated gazetteer (data/places.csv) checked against GeoNames, so a mistyped coordinate fails.

* A row citing a GeoNames id has that place's coordinates and country.
* Every row that is not a whole country lies in the province it names (reverse lookup over GeoNames
  places), or, for districts, provinces and crossings whose published point sits near a boundary, within
  50 km of a GeoNames place of that province.
* A row whose name GeoNames also knows in the same country lies near it (25 km for points, 60 km for
  districts, 250 km for provinces).
* The Afghanistan–Pakistan frontier: crossings and border districts on both sides resolve offline.
"""

from __future__ import annotations

import pandas as pd
import pytest

import importlib

geocode = importlib.import_module("loaders.geocode")
from loaders.geocode import PLACES_CSV, admin1_at, distance_km, geonames_hits, geonames_index, normalise

NEAR_KM = {"town": 25, "capital": 25, "crossing": 25, "district": 60, "province": 250}


@pytest.fixture(scope="module")
def places() -> pd.DataFrame:
    df = pd.read_csv(PLACES_CSV, dtype=str, keep_default_na=False)
    df["lat"] = df["latitude"].astype(float)
    df["lon"] = df["longitude"].astype(float)
    return df


@pytest.fixture(scope="module")
def by_id() -> pd.DataFrame:
    return geonames_index().drop_duplicates("geonameid").set_index("geonameid")


def test_rows_citing_geonames_have_its_coordinates_and_country(places, by_id):
    cited = places[places["source"].str.startswith("geonames:") & (places["feature"] != "country")]
    assert len(cited) > 150
    wrong = []
    for r in cited.itertuples():
        gid = int(r.source.split(":")[1])
        if gid not in by_id.index:
            wrong.append((r.name, "id not in GeoNames cities500"))
            continue
        g = by_id.loc[gid]
        km = distance_km(r.lat, r.lon, g["latitude"], g["longitude"])
        if km > 1 or g["iso3"] != r.iso3:
            wrong.append((r.name, f"{km:.1f} km from geonames:{gid}, GeoNames country {g['iso3']}"))
    assert not wrong, wrong


def test_every_place_lies_in_the_province_it_names(places, by_id):
    wrong = []
    for r in places[places["feature"] != "country"].itertuples():
        if admin1_at(r.lat, r.lon, r.iso3) == r.admin1:
            continue
        same = by_id[(by_id["iso3"] == r.iso3) & (by_id["admin1"] == r.admin1)]
        near = min((distance_km(r.lat, r.lon, a, b) for a, b in zip(same["latitude"], same["longitude"])),
                   default=float("inf"))
        if r.feature in ("town", "capital") or near > 50:
            wrong.append((r.name, r.iso3, r.admin1, admin1_at(r.lat, r.lon, r.iso3), f"{near:.0f} km"))
    assert not wrong, wrong


# GeoNames places that share a curated row's name but are another place, each checked by hand:
# (curated name, iso3) -> geonameids not to compare with.
OTHER_PLACE_OF_THE_SAME_NAME = {
    # Chahar Burjak District lies in southern Nimroz (cited page: 30.2696, 62.1517); GeoNames lists "Chahar
    # Burjak" as an alternate name of Chahār Burj, a town of Herat province 440 km north.
    ("Chahar Burjak", "AFG"): {1145866},
}


def test_rows_lie_near_the_geonames_place_of_the_same_name(places):
    wrong = []
    for r in places[places["feature"] != "country"].itertuples():
        names = [r.name] + [n for n in r.alternate_names.split(";") if n]
        best = None
        other = OTHER_PLACE_OF_THE_SAME_NAME.get((r.name, r.iso3), set())
        for n in names:
            hits = geonames_hits(normalise(n))
            hits = hits[(hits["iso3"] == r.iso3) & ~hits["geonameid"].isin(other)]
            for a, b in zip(hits["latitude"], hits["longitude"]):
                km = distance_km(r.lat, r.lon, a, b)
                best = km if best is None else min(best, km)
        if best is not None and best > NEAR_KM[r.feature]:
            wrong.append((r.name, r.feature, f"{best:.0f} km"))
    assert not wrong, wrong


def test_a_typo_in_a_coordinate_would_be_caught(places, by_id):
    """The checks above are not vacuous: a swapped digit moves a row out of its province."""
    r = places[places["name"] == "Spin Boldak"].iloc[0]
    assert admin1_at(r.lat + 1.0, r.lon + 1.0, "AFG") != r.admin1  # 31.0 -> 32.0: Zabul/Paktika, not Kandahar


FRONTIER = [
    # (phrase, iso3 it must resolve to, feature) - crossings, then districts and agencies on both sides.
    ("Torkham", "PAK", "crossing"), ("Torkham", "AFG", "crossing"), ("Spin Boldak", "AFG", None),
    ("Chaman", "PAK", None), ("Angoor Adda", "PAK", "crossing"),
    ("Kurram", "PAK", "district"), ("Bajaur", "PAK", "district"), ("Khyber District", "PAK", "district"),
    ("Mohmand", "PAK", "district"), ("North Waziristan", "PAK", "district"), ("South Waziristan", "PAK", "district"),
    ("Zhob", "PAK", None), ("Qila Abdullah", "PAK", None), ("Killa Abdullah", "PAK", None), ("Nushki", "PAK", None),
    ("Chagai District", "PAK", "district"), ("Landi Kotal", "PAK", None), ("Jamrud", "PAK", None),
    ("Parachinar", "PAK", None), ("Miranshah", "PAK", None), ("Wana", "PAK", None),
    ("Achin", "AFG", "district"), ("Bati Kot", "AFG", "district"), ("Mohmand Dara", "AFG", "district"),
    ("Goshta", "AFG", "district"), ("Pachir wa Agam", "AFG", "district"),
    ("Asmar", "AFG", "district"), ("Sar Kani", "AFG", "district"), ("Naray", "AFG", "district"),
    ("Dangam", "AFG", "district"), ("Chawkay", "AFG", "district"),
    ("Urgun", "AFG", None), ("Gayan", "AFG", "district"), ("Ziruk", "AFG", "district"), ("Gomal", "AFG", "district"),
    ("Spera", "AFG", "district"), ("Tere Zayi", "AFG", "district"),
    ("Chamkani", "AFG", "district"), ("Zurmat", "AFG", "district"), ("Sayed Karam", "AFG", "district"),
    ("Dishu", "AFG", "district"), ("Khan Neshin", "AFG", "district"), ("Garmsir", "AFG", "district"),
    ("Zaranj", "AFG", None), ("Arghistan", "AFG", "district"),
    # Added from cited pages (data/SOURCES.md): districts on the Afghan side and Arandu on the Pakistani side.
    ("Qalandar", "AFG", "district"), ("Zazai Maidan", "AFG", "district"), ("Jaji Maidan", "AFG", "district"),
    ("Jaji", "AFG", "district"), ("Aryob", "AFG", "district"), ("Dand Aw Patan", "AFG", "district"),
    ("Dand Patan", "AFG", "district"), ("Shorabak", "AFG", "district"), ("Chahar Burjak", "AFG", "district"),
    ("Chahar Burjak district", "AFG", "district"), ("Arandu", "PAK", None), ("Arandu border", "PAK", None),
]


@pytest.mark.parametrize("phrase, iso3, feature", FRONTIER)
def test_frontier_places_resolve_offline(phrase, iso3, feature):
    p = geocode.lookup(phrase, iso3)
    assert p is not None and p.iso3 == iso3 and p.geocoder == "places", p
    if feature:
        assert p.feature == feature
    assert p.admin1
