"""Rules of round 9 (issue 4: events missed and events made up in new text): summary boxes, counts kept by
monitors, the country of an event with no place of its own, talks venues, cue wordings. Every story here was
written for the test, not taken from an article."""

import importlib

import pandas as pd

from tests.factories import diplomatic, only, read_story, violent

geocode = importlib.import_module("loaders.geocode")


# ----- a summary box restates the story: its bullets are not reports of their own ---------------------------

BOXED = ("Key points\n"
         "- Drone attack kills four in Kharkiv on Monday.\n"
         "- Talks on prisoner exchanges to resume next week.\n\n"
         "A Russian drone hit a block of flats in Kharkiv on Monday night, killing four people and wounding "
         "nine, the regional governor said.\n")


def test_bullets_under_a_summary_heading_are_left_out(tmp_path):
    events = read_story(tmp_path, "2025-03-04", BOXED)
    assert not events["source_quote"].str.startswith("-").any(), events["source_quote"].tolist()
    row = only(violent(events), location="Kharkiv")
    assert row["event_date"] == pd.Timestamp("2025-03-03")
    assert row["fatalities_low"] == 4


def test_bullets_under_another_heading_are_still_read(tmp_path):
    events = read_story(tmp_path, "2025-03-04", (
        "Other attacks\n"
        "- In Sumy, a guided bomb killed two people on Monday.\n"))
    row = only(violent(events), location="Sumy")
    assert row["fatalities_low"] == 2


# ----- a monitor's count since some day is background ------------------------------------------------------

def test_a_count_recorded_since_a_day_is_no_event(tmp_path):
    events = read_story(tmp_path, "2025-05-20", (
        "Since 1 March, monitors have recorded more than 300 civilian casualties from roadside bombs and "
        "air strikes across the country, most of them in Kandahar and Helmand provinces."))
    assert violent(events).empty, events[["event_date", "location", "source_quote"]]


def test_a_dated_attack_beside_the_count_is_still_read(tmp_path):
    events = read_story(tmp_path, "2025-05-20", (
        "A roadside bomb killed three people in Kandahar on Sunday, police said. Since 1 March, monitors have "
        "documented more than 300 civilian casualties across the country."))
    row = only(violent(events), location="Kandahar")
    assert row["fatalities_low"] == 3


# ----- the country of an event that names no place it can be pinned on -----------------------------------

def test_an_unplaced_event_takes_the_country_of_the_province_its_sentence_names(tmp_path):
    events = read_story(tmp_path, "2025-02-14", (
        "Officials from Myanmar and China said on Monday that they would meet again. "
        "A military air strike on a fishing hamlet on Wednesday killed 12 people, residents said, the worst "
        "attack in Rakhine State this year."))
    row = only(violent(events), fatalities_low=12)
    assert row["iso3"] == "MMR"


def test_places_named_again_and_again_decide_the_country_of_the_story(tmp_path):
    events = read_story(tmp_path, "2025-02-14", (
        "Chinese envoys were in the region this week, and China has urged both sides to protect its projects. "
        "Troops and rebels clashed near the port of Kyaukphyu on Tuesday, residents said. "
        "Rebels killed 15 soldiers in an ambush on Wednesday, a rebel spokesman said. "
        "Kyaukphyu and the towns around it have been cut off for weeks, and food is short across Rakhine. "
        "Aid groups say more than 10,000 people have fled Rakhine towns since the start of the year."))
    ambush = only(violent(events), fatalities_low=15)
    assert ambush["iso3"] == "MMR"


def test_the_town_spelled_kyaukphyu_is_found():
    place = geocode.geocode("Kyaukphyu")
    assert place is not None and place.iso3 == "MMR" and place.admin1 == "Rakhine"


def test_a_province_is_not_named_after_a_small_town_that_lists_the_name_as_an_alternate():
    # "<name> State" with the wrong country in context: no province of that country is meant
    assert geocode.lookup("Shan State", "CHN") is None
    assert geocode.lookup("Shan State").iso3 == "MMR"
    # a province named after its capital under another spelling is still found
    place = geocode.lookup("Sweida province", "SYR")
    assert place is not None and place.feature == "province" and place.iso3 == "SYR"


# ----- talks: where they are to be held, who met ------------------------------------------------------------

def test_talks_expected_to_be_held_in_a_city_are_scheduled_there(tmp_path):
    events = read_story(tmp_path, "2025-02-14", (
        "Envoys of the army and of an armed group from northern Shan State are expected to hold a new round of "
        "talks in Kunming later this month, people close to the negotiations said."))
    row = only(diplomatic(events), diplomatic_action="talks_scheduled")
    assert row["location"] == "Kunming"


def test_a_committee_meeting_in_a_city_is_talks_held_and_a_pullback_agreed_after_it_is_a_truce_there(tmp_path):
    events = read_story(tmp_path, "2025-02-14", (
        "Members of the two sides' joint ceasefire committees, along with foreign monitors, met in Cotabato City "
        "on Wednesday to look into the clash, officials said. The two sides agreed to pull back their troops from "
        "the hills while the inquiry goes on, according to a statement issued after the meeting."))
    held = only(diplomatic(events), diplomatic_action="talks_held")
    assert held["event_date"] == pd.Timestamp("2025-02-12")
    truce = diplomatic(events)[diplomatic(events)["diplomatic_action"].isin(
        ["ceasefire_agreed", "ceasefire_reaffirmed"])]
    assert len(truce) == 1 and truce.iloc[0]["location"] == held["location"]


# ----- cue wordings -------------------------------------------------------------------------------------------

def test_troops_that_came_under_fire_fought_a_battle(tmp_path):
    events = read_story(tmp_path, "2025-02-14", (
        "An army patrol came under heavy fire near the town of Jalalabad early on Thursday, the army said."))
    row = only(violent(events))
    assert row["event_type"] == "Battles"
    assert row["event_date"] == pd.Timestamp("2025-02-13")


def test_an_accusation_of_a_violation_after_an_attack_is_placed_where_the_attack_was(tmp_path):
    events = read_story(tmp_path, "2025-10-29", (
        "The army said a soldier was killed on Tuesday when gunmen opened fire on troops in Khan Younis. "
        "The prime minister's office then ordered new strikes, accusing the group of a \"flagrant breach\" "
        "of the ceasefire."))
    row = only(diplomatic(events), diplomatic_action="ceasefire_violated")
    assert row["location"] == "Khan Younis"
    assert row["event_date"] == pd.Timestamp("2025-10-28")


# ----- a dateline with a country and the filing day; an undated opening told again with its day -----------

LEDE = ("MARAWI, Philippines, Jan 24 (Test Wire) - Three soldiers were killed and five wounded when gunmen attacked "
        "an army convoy in the province of Lanao del Sur, the army said.\n\n"
        "The convoy came under fire near the town of Butig before dawn on Wednesday, a brigade spokesman said.\n")


def test_a_dateline_with_a_country_and_a_day_is_not_read_as_the_event_day(tmp_path):
    events = read_story(tmp_path, "2025-01-24", LEDE)
    assert not events["source_quote"].str.contains("Test Wire").any()
    assert not (events["event_date"] == pd.Timestamp("2025-01-24")).any(), events[["event_date", "source_quote"]]


def test_an_undated_opening_act_takes_the_day_and_town_of_its_retelling(tmp_path):
    events = read_story(tmp_path, "2025-01-24", LEDE)
    lede = only(violent(events), fatalities_low=3)
    assert lede["event_date"] == pd.Timestamp("2025-01-22")
    assert lede["injured_low"] == 5
    retold = violent(events)[violent(events)["source_quote"].str.contains("came under fire")]
    assert len(retold) == 1 and retold.iloc[0]["incident_id"] == lede["incident_id"]


# ----- the second figure of a running total -----------------------------------------------------------------

def test_the_wounded_figure_after_a_running_total_is_part_of_it(tmp_path):
    events = read_story(tmp_path, "2025-07-25", (
        "The health ministry says 21 people have now been killed in the province since the fighting began on "
        "Tuesday. At least 60 people have been wounded, it says."))
    assert violent(events).empty, events[["event_date", "injured_low", "source_quote"]]


def test_a_wounded_figure_after_a_single_attack_is_still_read(tmp_path):
    events = read_story(tmp_path, "2025-07-25", (
        "A rocket hit a market in Sisaket on Thursday, killing four people, officials said. At least 12 people "
        "have been wounded, they said."))
    assert violent(events)["fatalities_low"].max() == 4
    assert violent(events)["injured_low"].max() == 12
