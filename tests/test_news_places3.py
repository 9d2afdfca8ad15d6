"""Places, round 3 (issue 4: which place an event happened at). Every story here was written for the test, about
towns that no fixture article names: a list of places struck in one act (one row per place, the toll where it is
told), an act on one country's posts told in a story about the other, and the venue of talks named as a modifier
or as where the delegations went."""

import pandas as pd
import pytest

from tests.factories import diplomatic, read_story, violent


# ----- "strikes hit A, B and C": one row per place, the toll where it belongs -------------------------------------

@pytest.mark.parametrize("text, places, iso3", [
    ("Air strikes hit Kidal, Tessalit and Aguelhok in northern Mali on Friday, the army said.",
     {"Kidal", "Tessalit", "Aguelhok"}, "MLI"),
    ("Russian drones struck Kharkiv, Poltava, Sumy and Chernihiv overnight into Friday, regional governors said.",
     {"Kharkiv", "Poltava", "Sumy", "Chernihiv"}, "UKR"),
    ("Fighting broke out on Friday around Kadugli, Dilling or El Obeid, residents said, as the army and the "
     "paramilitaries traded fire.", {"Kadugli", "Dilling", "El Obeid"}, "SDN"),
])
def test_every_place_of_a_list_gets_its_row(tmp_path, text, places, iso3):
    rows = violent(read_story(tmp_path, "2025-05-10", text))
    assert set(rows["location"]) == places, rows[["location", "iso3", "source_quote"]]
    assert set(rows["iso3"]) == {iso3}


def test_the_toll_of_a_list_stays_with_the_place_it_is_told_of_and_that_place_is_one_row(tmp_path):
    rows = violent(read_story(tmp_path, "2025-05-10", (
        "Russian missiles struck Kharkiv, Sumy and Poltava on Friday, killing 11 people in Sumy, Ukrainian "
        "officials said.")))
    assert sorted(rows["location"]) == ["Kharkiv", "Poltava", "Sumy"], rows[["location", "fatalities_low"]]
    tolls = dict(zip(rows["location"], rows["fatalities_low"]))
    assert tolls["Sumy"] == 11
    assert pd.isna(tolls["Kharkiv"]) and pd.isna(tolls["Poltava"])


@pytest.mark.parametrize("text", [
    # a town and the country it lies in: no list of places
    "Gunmen attacked a checkpoint in Kidal, Mali, on Friday, killing two soldiers, the army said.",
    # a town and the speaker after a comma: no list either
    "Gunmen attacked a checkpoint in Kidal on Friday, Malian officials and residents said.",
])
def test_a_comma_after_a_place_is_no_list_without_its_and(tmp_path, text):
    rows = violent(read_story(tmp_path, "2025-05-10", text))
    assert list(rows["location"]) == ["Kidal"], rows[["location", "iso3"]]


# ----- an act on one country's posts happened in that country, whoever the story is about -------------------------

@pytest.mark.parametrize("text, iso3", [
    ("Malian officials said on Friday that Mali's army was on alert along the frontier. Malian troops and "
     "allied fighters attacked Nigerien border posts on Thursday night, killing four guards, Mali's junta said. "
     "Malian state television showed Malian soldiers returning to Malian bases.", "NER"),
    ("Tajikistan's president met his security chiefs on Friday. On Thursday night, Tajik troops fired on Kyrgyz "
     "border positions, killing two guards, the Tajik border service said, blaming Kyrgyz provocations. Tajik "
     "officials said Tajikistan wanted calm.", "KGZ"),
])
def test_an_act_on_a_countrys_posts_is_placed_in_that_country(tmp_path, text, iso3):
    rows = violent(read_story(tmp_path, "2025-05-10", text))
    rows = rows[rows["location"].isna()]
    assert not rows.empty and set(rows["iso3"]) == {iso3}, rows[["location", "iso3", "source_quote"]]


# ----- the venue of talks named as a modifier or as where the delegations went -------------------------------------

@pytest.mark.parametrize("text, action, place, iso3", [
    ("The Abu Dhabi round of talks between Armenia and Azerbaijan ended on Friday without an agreement, both "
     "sides said.", "talks_failed", "Abu Dhabi", "ARE"),
    ("A delegation led by Armenia's deputy prime minister left Yerevan for Abu Dhabi on Saturday to hold talks "
     "with an Azerbaijani delegation.", "talks_held", "Abu Dhabi", "ARE"),
    ("The Abu Dhabi talks that produced the truce on May 2 had followed a week of fighting between Armenia and "
     "Azerbaijan.", "ceasefire_agreed", "Abu Dhabi", "ARE"),
    ("Sudanese army and RSF delegations flew to Jeddah on Friday to hold talks on a humanitarian truce, Saudi "
     "officials said.", "talks_held", "Jeddah", "SAU"),
])
def test_the_venue_of_talks_named_before_the_word_or_as_the_delegations_destination(tmp_path, text, action, place, iso3):
    rows = diplomatic(read_story(tmp_path, "2025-05-10", text))
    rows = rows[rows["diplomatic_action"] == action]
    assert list(rows["location"]) == [place] and list(rows["iso3"]) == [iso3], rows[["diplomatic_action", "location"]]


def test_talks_told_in_a_city_stay_there_when_the_delegation_left_another(tmp_path):
    rows = diplomatic(read_story(tmp_path, "2025-05-10", (
        "Armenian and Azerbaijani officials held talks in Tbilisi on Saturday, a day after the Azerbaijani "
        "delegation flew to Batumi for a stopover, Georgian officials said.")))
    assert set(rows["location"]) == {"Tbilisi"}, rows[["diplomatic_action", "location"]]


# ----- where the speaker stood is not where the act happened -------------------------------------------------------

@pytest.mark.parametrize("text, iso3, not_at", [
    ("Speaking to reporters in Nairobi on Friday, Somalia's defence minister said troops had repelled an "
     "al-Shabaab attack on a base, killing 20 fighters.", "SOM", "Nairobi"),
    ("Somalia's president, speaking in Villa Somalia in Mogadishu on Friday, condemned the attack on a village "
     "near Jowhar that killed 12 people.", "SOM", "Mogadishu"),
    ("Speaking at a news conference in Geneva on Friday, Yemen's foreign minister said Houthi drones had struck "
     "an oil terminal on the coast, wounding four workers.", "YEM", "Geneva"),
])
def test_the_speakers_city_is_not_the_acts_place(tmp_path, text, iso3, not_at):
    rows = violent(read_story(tmp_path, "2025-05-10", text))
    assert not rows.empty and set(rows["iso3"]) == {iso3}, rows[["location", "iso3", "source_quote"]]
    assert not_at not in set(rows["location"].dropna())


def test_a_threat_stays_where_it_was_spoken(tmp_path):
    rows = diplomatic(read_story(tmp_path, "2025-05-10", (
        "Speaking to reporters in Nairobi on Friday, Somalia's president warned that al-Shabaab would be crushed.")))
    assert list(rows["location"]) == ["Nairobi"], rows[["diplomatic_action", "location"]]


@pytest.mark.parametrize("role", ["general staff", "army command", "government", "authorities"])
def test_a_body_based_in_a_capital_says_where_it_speaks_from_not_where_the_act_was(tmp_path, role):
    rows = violent(read_story(tmp_path, "2025-05-10", (
        f"The {role} in Khartoum said on Friday its drones had hit a fuel depot near El Fasher overnight, "
        "killing three fighters.")))
    assert not rows.empty and "Khartoum" not in set(rows["location"].dropna()), rows[["location", "iso3"]]
    assert set(rows["iso3"]) == {"SDN"}


def test_the_city_a_deal_was_signed_in_is_not_where_the_fighting_of_the_same_sentence_was(tmp_path):
    events = read_story(tmp_path, "2025-05-10", (
        "The foreign ministers of Armenia and Azerbaijan signed a peace agreement in Tbilisi on Friday, even as "
        "shelling killed two soldiers near Tavush, officials said."))
    rows = violent(events)
    assert not rows.empty and "Tbilisi" not in set(rows["location"].dropna()), rows[["location", "iso3"]]
    assert set(diplomatic(events)["location"]) == {"Tbilisi"}


# ----- a province's own name before another country's town that has it only as another name -----------------------

@pytest.mark.parametrize("text, iso3", [
    ("Attackers threw a grenade at a Ukrainian cultural centre in Baranya on Friday, injuring two people, "
     "Hungarian police said. Ukraine's foreign ministry protested to Hungary.", "HUN"),
])
def test_a_province_of_a_story_country_before_a_namesake_town_of_the_other(tmp_path, text, iso3):
    rows = violent(read_story(tmp_path, "2025-05-10", text))
    assert not rows.empty and set(rows["iso3"]) == {iso3}, rows[["location", "iso3", "admin1"]]


@pytest.mark.parametrize("text, places", [
    ("Russian drones struck several towns, including Kupiansk and Izium, on Friday, Ukrainian officials said.",
     {"Kupiansk", "Izium"}),
    ("Fighting spread to border districts such as Kalaikhum on Friday, Tajik officials said, blaming Afghan "
     "militants.", {"Kalaikhum"}),
])
def test_places_named_as_members_of_a_kind_of_place_are_read(tmp_path, text, places):
    rows = violent(read_story(tmp_path, "2025-05-10", text))
    assert places <= set(rows["location"].dropna()), rows[["location", "iso3"]]
