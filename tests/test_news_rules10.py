"""Casualty rules of round 10 (issue 4): which event a figure belongs to and what it counts. Each test uses
sentences or short articles written for it, not taken from a test article."""

import pandas as pd
import pytest

from loaders.tolls import Count, extract_toll
from monitor.casualties import incident_tolls
from tests.factories import read_story, violent


def toll_at(events: pd.DataFrame, location: str | None) -> pd.Series:
    """The toll of the one incident placed at `location` (None: the incident with no place)."""
    rows = violent(events)
    rows = rows[rows["location"].isna()] if location is None else rows[rows["location"] == location]
    ids = set(rows["incident_id"])
    assert len(ids) == 1, events[["location", "incident_id", "fatalities_low", "source_quote"]]
    return incident_tolls(events).set_index("incident_id").loc[ids.pop()]


# ----- one victim named by a word the victim table lacked (data/victim_groups.csv) ----------------------

@pytest.mark.parametrize("sentence, killed, injured", [
    ("The army said a reservist was killed when his patrol came under fire.", Count(1, 1), None),
    ("A conscript died of his wounds in hospital.", Count(1, 1), None),
    ("Five prisoners died when guards opened fire during the escape attempt.", Count(5, 5), None),
    ("Twelve inmates and two guards were injured in the riot.", None, Count(14, 14)),
    ("The shell killed an infant and two paramedics.", Count(3, 3), None),
    ("Gunmen shot dead a sentry outside the depot.", Count(1, 1), None),
])
def test_victim_words_of_soldiers_prisoners_and_rescuers_count(sentence, killed, injured):
    toll = extract_toll(sentence)
    assert (toll.killed, toll.injured) == (killed, injured)


def test_prisoners_and_guards_are_different_groups_that_add_up():
    toll = extract_toll("Nine detainees and a prison guard were killed in the clashes.")
    assert toll.killed == Count(10, 10)
    assert "detainees" in toll.killed_groups
    assert toll.civilians is None  # prisoners are not counted as civilians


# ----- zero tolls: "no one was killed" where the text says so (SPEC §4: no one, nobody, no casualties = 0..0) ----

@pytest.mark.parametrize("sentence, killed, injured", [
    ("No one on board was hurt, the operator said.", Count(0, 0), Count(0, 0)),
    ("Nobody inside the school was killed.", Count(0, 0), None),
    ("None of the passengers aboard the bus were injured.", None, Count(0, 0)),
    ("The governor said there was no loss of life.", Count(0, 0), None),
    ("No lives were lost, the police chief said.", Count(0, 0), None),
])
def test_no_one_with_where_the_spared_were_is_zero(sentence, killed, injured):
    toll = extract_toll(sentence)
    assert (toll.killed, toll.injured) == (killed, injured)


def test_no_one_seriously_hurt_is_not_zero():
    assert extract_toll("No one at the checkpoint was seriously hurt.").injured is None


def test_a_zero_toll_after_an_attack_read_with_no_place_is_that_attacks(tmp_path):
    events = read_story(tmp_path, "2025-06-10", (
        "Rebels said on Monday they had launched a missile at a container ship far off the coast late on Sunday. "
        "A shipping monitor said the crew had reported a blast close to the vessel. "
        "No one on board was hurt, it said."))
    toll = toll_at(events, None)
    assert (toll["killed_low"], toll["killed_high"], toll["injured_low"], toll["injured_high"]) == (0, 0, 0, 0)


# ----- a revised total over the first figure ------------------------------------------------------------

@pytest.mark.parametrize("sentence, killed, injured", [
    # the total now, not the bodies found since the first count
    ("The number of miners killed in the collapse has risen to 40, the company said, after rescuers found "
     "12 bodies in a flooded shaft.", Count(40, 40), None),
    ("Health officials later revised the toll to 14.", Count(14, 14), None),
    ("The ministry updated its figure to 22 dead.", Count(22, 22), None),
    ("Police corrected the count down to 7.", Count(7, 7), None),
    ("The number of pupils injured rose to 35, the school said.", None, Count(35, 35)),
    ("The agency revised the toll of the wounded up to 60.", None, Count(60, 60)),
])
def test_a_revised_total_is_the_toll(sentence, killed, injured):
    toll = extract_toll(sentence)
    assert (toll.killed, toll.injured) == (killed, injured)


def test_a_revised_total_in_a_later_sentence_joins_the_event(tmp_path):
    events = read_story(tmp_path, "2025-06-10", (
        "A truck bomb killed nine people at a checkpoint in Kirkuk on Monday, police said. "
        "Health officials later revised the toll to 14."))
    toll = toll_at(events, "Kirkuk")
    assert (toll["killed_low"], toll["killed_high"]) == (9, 14)  # the first report and the revision: one incident
    assert 14 in set(events["fatalities_low"].dropna())


# ----- a toll of one incident told with a list of places (SPEC §2-§4: the toll where it belongs, once) -----

def test_most_of_them_in_a_list_of_places_keeps_the_toll_off_each_place(tmp_path):
    events = read_story(tmp_path, "2025-06-12", (
        "Russian strikes on Tuesday night killed 12 people and wounded 40 in Ukraine, most of them in the towns "
        "of Izium and Chuhuiv, the regional governor said."))
    rows = violent(events)
    placed = rows[rows["location"].notna()]
    assert set(placed["location"]) == {"Izium", "Chuhuiv"}
    assert placed["fatalities_low"].isna().all() and placed["injured_low"].isna().all()
    toll = toll_at(events, None)
    assert (toll["killed_low"], toll["killed_high"], toll["injured_low"], toll["injured_high"]) == (12, 12, 40, 40)


def test_the_wounded_many_of_them_at_places_join_the_dead_told_before(tmp_path):
    events = read_story(tmp_path, "2025-06-12", (
        "Russian strikes overnight killed 12 people across Ukraine's Kharkiv region, the governor said on Wednesday. "
        "He said 40 people had been wounded, many of them in the towns of Izium and Chuhuiv."))
    toll = toll_at(events, "Kharkiv")  # the region the strikes were told across
    assert (toll["killed_low"], toll["injured_low"]) == (12, 40)
    towns = violent(events)[lambda r: r["location"].isin(["Izium", "Chuhuiv"])]
    assert len(towns) == 2 and towns["injured_low"].isna().all()


def test_all_of_them_at_a_place_puts_the_whole_toll_there(tmp_path):
    events = read_story(tmp_path, "2025-06-12", (
        "An air strike on Tuesday killed five people in Ukraine's east, all of them at a fuel depot in Izium, the "
        "governor said."))
    assert toll_at(events, "Izium")["killed_low"] == 5


def test_a_breakdown_by_place_between_dashes_gives_each_place_its_own_figure(tmp_path):
    events = read_story(tmp_path, "2025-06-12", (
        "On 10 June, shelling of the Ukrainian towns of Izium and Chuhuiv killed eleven civilians - seven in Izium and four "
        "in Chuhuiv - according to the regional administration."))
    assert (toll_at(events, "Izium")["killed_low"], toll_at(events, "Chuhuiv")["killed_low"]) == (7, 4)


# ----- a wider place named only as where the scene lies is not where the toll is --------------------------

def _mention(text: str, name: str, precision: int, iso3: str = "THA"):
    from loaders.geocode import Place
    from loaders.news import Mention
    start = text.index(name)
    return Mention(start, start + len(name), name, "place",
                   Place(name, 0.0, 0.0, iso3, None, precision, "places"), locative=True)


@pytest.mark.parametrize("text, inner, outer, expected", [
    ("shells hit a school in Khok Muang, in Surin province's Kap Choeng district, killing two", "Khok Muang", "Surin", True),
    ("troops fired in the Tirah sector of Khyber district, killing one", "Tirah", "Khyber", True),
    ("shells hit Khok Muang and Surin, killing two", "Khok Muang", "Surin", False),  # two scenes
    ("shells hit Surin, in Khok Muang, killing two", "Surin", "Khok Muang", False),  # the wider named first
])
def test_a_wider_place_said_to_hold_the_one_before_qualifies_it(text, inner, outer, expected):
    from loaders.news import _qualifies
    precision = {"Khok Muang": 1, "Tirah": 2, "Surin": 3, "Khyber": 3}
    a = _mention(text, inner, precision[inner])
    b = _mention(text, outer, precision[outer])
    assert _qualifies(text, a, b) is expected


# ----- the attackers' dead after a toll that names no group --------------------------------------------------

def test_the_attackers_dead_add_to_a_toll_of_the_attack(tmp_path):
    events = read_story(tmp_path, "2025-10-01", (
        "The death toll from Tuesday's suicide attack on a police station in Bannu rose to 10 on Wednesday after two "
        "of the wounded died in hospital, the provincial health minister said. Thirty-two people were injured in the "
        "attack, he said. The military's media wing said all four attackers were killed by soldiers before they "
        "could enter the main building."))
    toll = toll_at(events, "Bannu")
    assert (toll["killed_low"], toll["killed_high"], toll["injured_low"]) == (14, 14, 32)


def test_a_second_figure_of_people_after_a_toll_is_no_attacker_count(tmp_path):
    events = read_story(tmp_path, "2025-10-01", (
        "The death toll from Tuesday's suicide attack on a police station in Bannu rose to 10 on Wednesday, the "
        "provincial health minister said. Police said four people were killed."))
    toll = toll_at(events, "Bannu")
    assert toll["killed_high"] == 10  # the same dead told again, not more of them


# ----- a singular victim told with a short relative clause ---------------------------------------------------

@pytest.mark.parametrize("sentence, killed, injured", [
    ("A relative who tried to help them was wounded.", None, Count(1, 1)),
    ("A neighbour who ran to help was injured.", None, Count(1, 1)),
    ("A soldier who returned fire was killed.", Count(1, 1), None),
    ("Two men who tried to flee were shot dead.", Count(2, 2), None),
])
def test_a_victim_with_a_relative_clause_counts(sentence, killed, injured):
    toll = extract_toll(sentence)
    assert (toll.killed, toll.injured) == (killed, injured)


def test_the_wounded_relative_joins_the_killing_told_before(tmp_path):
    events = read_story(tmp_path, "2025-01-22", (
        "Gunmen shot dead a farmer and his son in a village of Maguindanao province on Monday evening, police said. "
        "A neighbour who ran to help was wounded."))
    tolls = incident_tolls(violent(events))
    assert len(tolls) == 1 and (tolls.iloc[0]["killed_low"], tolls.iloc[0]["injured_low"]) == (2, 1)
