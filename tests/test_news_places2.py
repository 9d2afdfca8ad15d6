"""Places, round 2 (issue 4: towns found and placed right). Every story here was written for the test, about
towns that no fixture article names: towns of a territory that GeoNames files under its administering country,
a name that is a town's own in one country and an old name of a city in the other, and towns the offline
gazetteer lacks, which keep their own name (with the coarser point the article allows) instead of becoming
their province or their country."""

import importlib

import pandas as pd

from tests.factories import read_story, violent

geocode = importlib.import_module("loaders.geocode")


# ----- a territory's towns are the territory's, however GeoNames files them ----------------------------------

def test_a_town_of_the_territory_filed_under_the_administering_country_is_the_territory():
    place = geocode.lookup("Aousserd", "ESH")
    assert place is not None and place.iso3 == "ESH", place
    assert place.geo_precision == 1
    # the same town asked of the administering country is not there any more
    assert geocode.lookup("Aousserd", "MAR") is None


def test_a_town_north_of_the_border_parallel_stays_in_morocco():
    place = geocode.lookup("Tan-Tan")
    assert place is not None and place.iso3 == "MAR", place


def test_an_article_about_the_territory_places_its_town_there(tmp_path):
    events = read_story(tmp_path, "2026-02-10", (
        "Projectiles fired from east of the sand wall hit the outskirts of Aousserd on Monday, wounding three "
        "people, Moroccan authorities said. The Polisario Front said it had targeted Moroccan army positions."))
    row = violent(events).iloc[0]
    assert row["location"] == "Aousserd" and row["iso3"] == "ESH", events[["location", "iso3"]]


# ----- a town's own name before another country's old name for a larger city ---------------------------------

def test_an_old_name_of_a_city_across_the_border_does_not_take_the_town(tmp_path):
    events = read_story(tmp_path, "2025-06-03", (
        "A Russian drone hit port warehouses near Bilhorod-Dnistrovskyi on Monday night, wounding two workers, "
        "Ukrainian officials said. Russia's defence ministry said its forces had struck Ukrainian military "
        "targets in the Odesa region and shot down 40 Ukrainian drones over Russian territory."))
    rows = violent(events)
    row = rows[rows["location"].str.startswith("Bilhorod", na=False)].iloc[0]
    assert row["iso3"] == "UKR", rows[["location", "iso3", "admin1"]]


# ----- a town the gazetteer lacks keeps its own name ------------------------------------------------------------

def test_the_town_of_an_unlisted_name_in_a_named_province(tmp_path):
    events = read_story(tmp_path, "2025-04-16", (
        "Islamist fighters attacked an army base outside the town of Pulka in Nigeria's Borno State on Tuesday, "
        "killing four soldiers, military sources said."))
    row = violent(events).iloc[0]
    assert row["location"] == "Pulka", events[["location", "iso3", "geo_precision"]]
    assert row["iso3"] == "NGA"
    assert row["geo_precision"] == 3  # the province's point: the town itself is not known
    assert row["admin1"] == "Borno State"


def test_a_village_near_a_known_town_keeps_the_village_name_and_the_near_precision(tmp_path):
    events = read_story(tmp_path, "2025-08-21", (
        "Al-Shabaab militants overran the village of Runirgod, about 40 km from Dhusamareb in central Somalia, "
        "on Wednesday, killing six clan militiamen, local elders said."))
    row = violent(events).iloc[0]
    assert row["location"] == "Runirgod", events[["location", "iso3", "geo_precision"]]
    assert row["iso3"] == "SOM"
    assert row["geo_precision"] == 2


def test_an_unlisted_town_with_no_province_keeps_its_name_at_country_precision(tmp_path):
    events = read_story(tmp_path, "2025-08-21", (
        "Somali forces said they killed 11 al-Shabaab fighters near Budbud on Wednesday. The operation was "
        "backed by drone strikes, Somalia's information ministry said."))
    row = violent(events).iloc[0]
    assert row["location"] == "Budbud", events[["location", "iso3", "geo_precision"]]
    assert row["iso3"] == "SOM" and row["geo_precision"] == 4
    assert pd.isna(row["latitude"])  # no point is invented for it


def test_a_clause_opening_on_an_unlisted_town(tmp_path):
    events = read_story(tmp_path, "2025-03-02", (
        "In Ngoshe, in Nigeria's Borno State, gunmen killed three farmers in their fields on Saturday, "
        "officials said."))
    rows = violent(events)
    assert "Ngoshe" in set(rows["location"]), rows[["location", "iso3", "source_quote"]]
    assert set(rows.loc[rows["location"] == "Ngoshe", "iso3"]) == {"NGA"}


def test_a_spanish_name_with_its_joining_words_is_read_whole(tmp_path):
    # "<Town> del <Name>" is not the city named by its first word, hundreds of kilometres away
    events = read_story(tmp_path, "2025-09-14", (
        "Dissident guerrillas ambushed a police patrol in Cartagena del Chairá in southern Colombia on "
        "Saturday, killing two officers, the police said."))
    row = violent(events).iloc[0]
    assert row["location"] == "Cartagena del Chairá", violent(events)[["location", "admin1"]]
    assert row["admin1"] == "Caquetá"


def test_an_unlisted_name_with_a_joining_word_is_kept_whole(tmp_path):
    events = read_story(tmp_path, "2025-09-14", (
        "Dissident guerrillas ambushed a navy patrol in the El Carmen del Darién district of Colombia on "
        "Saturday, killing two marines, the navy said."))
    row = violent(events).iloc[0]
    assert row["iso3"] == "COL" and row["location"] == "El Carmen del Darién", violent(events)[["location"]]


def test_a_speakers_whereabouts_and_a_sea_are_not_the_place(tmp_path):
    events = read_story(tmp_path, "2025-05-12", (
        "Gunmen killed five traders on a road in Somalia's Hiiraan region on Sunday, an elder in Mataban said. "
        "Separately, the navy said pirates had seized a fishing dhow in the Somali Sea."))
    locations = set(violent(events)["location"].dropna())
    assert "Mataban" not in locations and "Somali Sea" not in locations, locations


def test_a_known_town_is_not_renamed_after_an_unlisted_one(tmp_path):
    events = read_story(tmp_path, "2025-07-08", (
        "Militants killed three policemen in Baidoa on Monday, while a roadside bomb near the village of Galcad "
        "wounded two soldiers on the same day, officials said."))
    rows = violent(events)
    assert "Baidoa" in set(rows["location"]), rows[["location", "source_quote"]]
    baidoa = rows[rows["location"] == "Baidoa"].iloc[0]
    assert baidoa["geo_precision"] == 1
    assert pd.notna(baidoa["latitude"])


# ----- a district after a possessive of several words; a DR Congo "territory" ---------------------------------

def test_a_district_after_a_two_word_possessive_is_found(tmp_path):
    events = read_story(tmp_path, "2025-10-07", (
        "Security forces killed nine militants in an operation in Khyber Pakhtunkhwa's Hangu district on Monday, "
        "the military said."))
    row = violent(events).iloc[0]
    assert row["location"] == "Hangu" and row["geo_precision"] == 2, violent(events)[["location", "geo_precision"]]


def test_a_territory_is_its_seat_at_district_precision(tmp_path):
    events = read_story(tmp_path, "2025-10-07", (
        "Rebels killed seven villagers in an attack in North Kivu's Rutshuru territory on Monday, local officials "
        "said."))
    row = violent(events).iloc[0]
    assert row["location"] == "Rutshuru", violent(events)[["location", "geo_precision"]]
    assert row["geo_precision"] == 2  # the territory, pinned at its seat: not the seat town itself


# ----- a country's own orthography; a county after its town ---------------------------------------------------

def test_somali_spellings_meet_the_official_orthography(tmp_path):
    # GeoNames writes Somali towns in the official orthography (C for the ʿayn, X for the ḥ); the press does not
    for name, admin1 in (("El Bur", "Galguduud"), ("Harardhere", "Mudug")):
        place = geocode.lookup(name, "SOM")
        assert place is not None and place.iso3 == "SOM" and place.admin1 == admin1, (name, place)
    events = read_story(tmp_path, "2025-07-01", (
        "Al-Shabaab fighters attacked a government base in El Bur in central Somalia on Monday, killing five "
        "soldiers, a military officer said."))
    row = violent(events).iloc[0]
    assert row["location"] == "El Bur" and row["geo_precision"] == 1, violent(events)[["location", "admin1"]]
    assert row["admin1"] == "Galguduud"


def test_a_county_after_its_town_only_says_where_the_town_is(tmp_path):
    events = read_story(tmp_path, "2025-07-01", (
        "Three police reservists were killed when their vehicle hit a roadside bomb near Dadaab, in Kenya's "
        "Garissa county, on Monday, police said."))
    rows = violent(events)
    assert list(rows["location"]) == ["Dadaab"], rows[["location", "geo_precision"]]
