"""Rules of round 11 (issue 4: events missed and events made up in new text): wordings of threats, talks,
truces and acts the cue table lacked, and background told as news. Every story here was written for the
test, not taken from an article."""

import pandas as pd
import pytest

from tests.factories import diplomatic, only, read_story, violent


# ----- threats in the wordings of official statements ------------------------------------------------------

@pytest.mark.parametrize("said", [
    'The army said in a statement on Monday that it "will give a befitting reply" to the raid.',
    "The interior ministry said on Monday the country would deliver a strong response to any new incursion.",
    'The foreign minister said on Monday his government would react "at a time and place of its choosing".',
    "A government spokesman said on Monday there would be all-out war if the border posts were hit again.",
    'The ministry said on Monday that "the consequences will rest with the neighbouring government".',
    "The president said on Monday the rebels would bear full responsibility for the consequences.",
    'The general told reporters on Monday his troops would hunt the militants "wherever they hide".',
    'A senior official wrote on Monday that "revenge is inevitable".',
])
def test_a_threat_in_the_wording_of_an_official_statement(tmp_path, said):
    events = read_story(tmp_path, "2024-09-11", "Gunmen attacked a border post in the north on Sunday, officials said. " + said)
    row = only(diplomatic(events), diplomatic_action="threat")
    assert row["event_date"] == pd.Timestamp("2024-09-09")


def test_a_report_of_a_past_reply_is_no_threat(tmp_path):
    events = read_story(tmp_path, "2024-09-11", (
        "The committee said it had given a full answer to the questions of the auditors on Monday."))
    assert diplomatic(events).empty, events[["diplomatic_action", "source_quote"]]


# ----- talks: planned for a day, a committee to meet, a round ', held in <place>' ---------------------------

def test_talks_planned_for_a_day_are_scheduled_talks(tmp_path):
    events = read_story(tmp_path, "2025-02-08", (
        "The mediators said on Saturday that a fourth round of talks planned for Monday in Nairobi had been "
        "put back by a week."))
    row = only(diplomatic(events), diplomatic_action="talks_scheduled")
    assert row["location"] == "Nairobi"


def test_a_committee_that_will_meet_is_scheduled_talks(tmp_path):
    events = read_story(tmp_path, "2025-02-08", (
        "An official said on Saturday that the joint border committee would meet in Nairobi on Thursday to "
        "look into the shooting."))
    only(diplomatic(events), diplomatic_action="talks_scheduled")


def test_talks_told_as_held_in_a_place_on_a_day(tmp_path):
    events = read_story(tmp_path, "2025-02-08", (
        "The second round of talks, held in Nairobi on January 20, ended with a swap of prisoners."))
    row = only(diplomatic(events), diplomatic_action="talks_held")
    assert row["event_date"] == pd.Timestamp("2025-01-20")


# ----- truces: 'the truce of <date>', a pause in fighting agreed -------------------------------------------

def test_the_truce_of_a_date_is_the_truce_agreed_that_day(tmp_path):
    events = read_story(tmp_path, "2025-03-10", (
        "The raid was the gravest test yet of the truce of December 4, which has mostly held since."))
    row = only(diplomatic(events), diplomatic_action="ceasefire_agreed")
    assert row["event_date"] == pd.Timestamp("2024-12-04")


def test_a_pause_in_fighting_agreed_on_a_day(tmp_path):
    events = read_story(tmp_path, "2025-03-10", (
        "Aid convoys moved as a 72-hour pause in fighting, agreed on Friday after the battle for the airport, "
        "held through the weekend."))
    row = only(diplomatic(events), diplomatic_action="ceasefire_agreed")
    assert row["event_date"] == pd.Timestamp("2025-03-07")


# ----- crossings that closed on a day; a protest's leaders are not a protest --------------------------------

def test_crossings_that_closed_on_a_day_are_a_closure_and_their_protest_leaders_no_protest(tmp_path):
    events = read_story(tmp_path, "2025-03-10", (
        "Traders in Chaman staged a sit-in on Monday. Protest leaders said thousands of porters had lost their "
        "work since the crossings closed on February 20."))
    protests = events[events["event_type"] == "Protests"]
    assert list(protests["event_date"]) == [pd.Timestamp("2025-03-10")], events[["event_type", "source_quote"]]
    row = only(events, event_type="Strategic developments")
    assert row["event_date"] == pd.Timestamp("2025-02-20")


# ----- acts: a vehicle bomb rammed in, rockets that crossed, a barrage -------------------------------------

@pytest.mark.parametrize("told", [
    "On Monday, militants rammed an explosives-packed truck into the gate of the police station in Bannu.",
    "The army said two rockets had crossed from across the border on Monday and were shot at over Bannu.",
    "On Monday, a barrage of about 40 rockets and mortar rounds hit the outskirts of Bannu.",
])
def test_an_act_in_a_wording_the_cues_lacked(tmp_path, told):
    events = read_story(tmp_path, "2025-03-12", told)
    row = only(violent(events), location="Bannu")
    assert row["event_date"] == pd.Timestamp("2025-03-10")


def test_wars_fought_over_decades_are_history_not_an_event(tmp_path):
    events = read_story(tmp_path, "2025-03-12", (
        "The two neighbours have fought two wars since independence in 1962, both over the disputed valley."))
    assert violent(events).empty, events[["event_date", "location", "source_quote"]]


def test_a_party_found_to_have_broken_a_truce_is_no_breach(tmp_path):
    events = read_story(tmp_path, "2025-03-12", (
        "Under the deal agreed on Monday, monitors will make sure the truce is kept and that a side found to "
        "have violated it is named."))
    assert not (events["diplomatic_action"] == "ceasefire_violated").any(), events[["diplomatic_action", "source_quote"]]


# ----- 'in all' after another count does not make a toll a sum --------------------------------------------

def test_in_all_after_a_count_of_people_saved_leaves_the_toll(tmp_path):
    events = read_story(tmp_path, "2025-03-12", (
        "On Monday, gunmen stormed a school in Bannu and held pupils hostage. On Tuesday, a suicide bomber "
        "blew himself up at a checkpoint near Tank. The army said troops killed all four gunmen at the "
        "school and freed the pupils and teachers, about 300 people in all."))
    rows = violent(events)
    assert rows["fatalities_low"].max() == 4, rows[["location", "fatalities_low", "source_quote"]]


# ----- '<month> of that year': the year the text last named ------------------------------------------------

def test_a_month_of_that_year_takes_the_year_last_named(tmp_path):
    events = read_story(tmp_path, "2025-06-16", (
        "In October last year, rebels shelled the port of Kismayo, killing two people. In March of that year, "
        "a drone strike hit a market in Kismayo, killing five."))
    row = only(violent(events), fatalities_low=5)
    assert row["event_date"] == pd.Timestamp("2024-03-01")


# ----- running totals: over months or years of war, since a month, a monitor's count between two days ------

@pytest.mark.parametrize("told", [
    "More than 2,000 people were killed in the north during nearly two years of fighting between the army and the rebels.",
    "The health minister told parliament in March that more than 900 people had been killed since January.",
    "The UN mission recorded at least 60 civilians killed and 300 injured between 3 and 9 May, most of them in Kidal.",
])
def test_a_running_total_is_no_event(tmp_path, told):
    events = read_story(tmp_path, "2025-05-20", told)
    assert violent(events).empty, events[["event_date", "location", "fatalities_low", "source_quote"]]


def test_the_toll_of_one_nights_strikes_since_they_began_is_still_read(tmp_path):
    events = read_story(tmp_path, "2025-05-20", (
        "Air strikes hit the camp of Kidal late on Monday. Rescuers said at least 30 people had been killed "
        "since the strikes began late on Monday."))
    rows = violent(events)
    assert rows["fatalities_low"].max() == 30, rows[["location", "fatalities_low", "source_quote"]]


def test_rebels_who_entered_a_town_fought_there(tmp_path):
    events = read_story(tmp_path, "2025-05-20", (
        "The rebels entered Kidal, in northern Mali, in mid-April, meeting little resistance after the army "
        "pulled out."))
    row = only(violent(events))
    assert row["event_date"] == pd.Timestamp("2025-04-01")


def test_a_delegation_that_entered_a_hall_is_no_fight(tmp_path):
    events = read_story(tmp_path, "2025-05-20", (
        "The ministers entered Parliament on Monday to applause from members."))
    assert violent(events).empty, events[["event_type", "source_quote"]]


# ----- weapons found: a strategic development, not an attack -----------------------------------------------

def test_rocket_launchers_found_are_a_strategic_development(tmp_path):
    events = read_story(tmp_path, "2025-05-20", (
        "The army said on Monday it had discovered two rocket launchers in an orchard near Tyre and had "
        "arrested a suspect."))
    row = only(events, event_type="Strategic developments")
    assert row["event_date"] == pd.Timestamp("2025-05-19")
    assert violent(events).empty


# ----- "It had been extended": a truce only when the sentence before named one ------------------------------

def test_it_extended_right_after_a_truce_is_the_truce_extended(tmp_path):
    events = read_story(tmp_path, "2025-05-20", (
        "A three-day truce between the army and the rebels in Kidal, agreed on Tuesday, was due to end on Friday. "
        "It had been extended on Thursday at the request of the mediators."))
    row = only(diplomatic(events), diplomatic_action="ceasefire_reaffirmed")
    assert row["event_date"] == pd.Timestamp("2025-05-15")


def test_it_extended_after_anything_else_is_no_truce(tmp_path):
    events = read_story(tmp_path, "2025-05-20", (
        "Rebels shelled the airport of Kidal on Tuesday, killing two guards. The deadline for the vote count "
        "was due on Friday. It had been extended on Thursday at the request of the parties."))
    assert diplomatic(events).empty, events[["diplomatic_action", "source_quote"]]
