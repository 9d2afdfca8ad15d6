"""One event told twice in one article gives one incident (issue 4, SPEC §3): a later (or summary) mention that
refers back to an event the article tells joins that event's incident; two events of one day and country stay
two. Each article is a few sentences written for the test, not taken from a fixture."""

import pandas as pd

from tests.factories import read_story, violent

PUBLISHED = "2025-06-13"  # a Friday: "Monday" is 2025-06-09, "Tuesday" 2025-06-10


def incident_of(events: pd.DataFrame, words: str) -> str:
    """The incident of the row quoting `words` (fails when no row or several incidents quote them)."""
    rows = events[events["source_quote"].str.contains(words, regex=False)]
    assert rows["incident_id"].nunique() == 1, events[["event_date", "location", "incident_id", "source_quote"]]
    return rows["incident_id"].iloc[0]


def incident_rows(events: pd.DataFrame, words: str) -> pd.DataFrame:
    return events[events["incident_id"] == incident_of(events, words)]


def killed(rows: pd.DataFrame) -> tuple:
    """The incident's killed range over its rows (SPEC §3: lowest low, highest high)."""
    return rows["fatalities_low"].min(), rows["fatalities_high"].max()


# ----- a claim or a correction that names the act by its place, days later --------------------------------

CLAIM = ("Gunmen stormed a police station in Quetta on Monday night, killing five officers, police said.\n\n"
         "Separately, a roadside bomb wounded three soldiers near Peshawar on Tuesday, the army said.\n\n"
         "On Thursday, a militant faction claimed responsibility for the attack in Quetta in a message sent to "
         "reporters.")


def test_a_claim_days_later_of_the_attack_named_by_its_place_is_the_same_incident(tmp_path):
    events = violent(read_story(tmp_path, PUBLISHED, CLAIM))
    assert incident_of(events, "claimed responsibility") == incident_of(events, "stormed a police station")
    claim = events[events["source_quote"].str.contains("claimed responsibility")].iloc[0]
    assert claim["event_date"] == pd.Timestamp("2025-06-09")  # the attack's day, not the claim's
    assert killed(incident_rows(events, "stormed a police station")) == (5, 5)
    # the other attack of the article, elsewhere and a day later, stays its own incident
    assert incident_of(events, "roadside bomb") != incident_of(events, "stormed a police station")


CORRECTED = ("A missile struck a shopping street in Kharkiv on Tuesday, killing six people and wounding 20, the "
             "regional governor said.\n\n"
             "The same day, shelling hit a school in Kherson, killing two teachers, local officials said.\n\n"
             "Correction: An earlier version of this story said the Kherson shelling took place on Monday.")


def test_a_correction_naming_the_act_by_its_place_is_that_act(tmp_path):
    events = violent(read_story(tmp_path, PUBLISHED, CORRECTED))
    assert incident_of(events, "Correction") == incident_of(events, "shelling hit a school")
    assert killed(incident_rows(events, "shelling hit a school")) == (2, 2)


def test_two_strikes_of_one_day_in_one_country_at_two_places_stay_two_incidents(tmp_path):
    events = violent(read_story(tmp_path, PUBLISHED, CORRECTED))
    kharkiv, kherson = incident_rows(events, "shopping street"), incident_rows(events, "shelling hit a school")
    assert kharkiv["incident_id"].iloc[0] != kherson["incident_id"].iloc[0]
    assert killed(kharkiv) == (6, 6) and killed(kherson) == (2, 2)


# ----- a definite mention with no place of its own ---------------------------------------------------------

def test_the_drone_told_again_with_no_place_joins_the_strike(tmp_path):
    events = violent(read_story(tmp_path, PUBLISHED, (
        "A drone hit a crowded bus station in Sumy on Tuesday, killing five people, the regional governor said.\n\n"
        "Residents described the moment the drone struck on Tuesday morning, as passengers waited for the first "
        "buses.")))
    assert incident_of(events, "Residents described") == incident_of(events, "bus station")
    assert events["location"].eq("Sumy").all()
    assert killed(incident_rows(events, "bus station")) == (5, 5)


def test_a_mention_that_fits_two_strikes_of_the_day_joins_neither(tmp_path):
    events = violent(read_story(tmp_path, PUBLISHED, (
        "A guided bomb hit a market in Kharkiv on Tuesday, killing three people, officials said.\n\n"
        "The same day, a missile hit a fuel depot in Dnipro, killing two workers, the regional governor said.\n\n"
        "Residents described the moment the missile struck on Tuesday.")))
    market, depot = incident_of(events, "hit a market"), incident_of(events, "fuel depot")
    assert market != depot
    assert incident_of(events, "Residents described") not in (market, depot)
    assert killed(incident_rows(events, "hit a market")) == (3, 3)
    assert killed(incident_rows(events, "fuel depot")) == (2, 2)


# ----- a summary line and the toll told again ------------------------------------------------------------

def test_a_summary_line_labelled_with_the_place_joins_the_story_told_after_it(tmp_path):
    # A bare labelled line (under a "What we know" heading such lines are skipped as a summary box).
    events = violent(read_story(tmp_path, PUBLISHED, (
        "- Odesa: a drone hit a grain warehouse on Monday; no casualties reported.\n\n"
        "In Odesa, a Russian drone hit a grain warehouse in the port on Monday evening, setting it on fire, the "
        "governor said, adding that no one was hurt.")))
    assert incident_of(events, "- Odesa:") == incident_of(events, "setting it on fire")
    assert killed(incident_rows(events, "setting it on fire")) == (0, 0)


def test_under_a_what_we_know_heading_the_summary_line_gives_no_incident_of_its_own(tmp_path):
    events = violent(read_story(tmp_path, PUBLISHED, (
        "WHAT WE KNOW\n\n"
        "- Odesa: a drone hit a grain warehouse on Monday; no casualties reported.\n\n"
        "In Odesa, a Russian drone hit a grain warehouse in the port on Monday evening, setting it on fire, the "
        "governor said, adding that no one was hurt.")))
    assert events["incident_id"].nunique() == 1
    assert killed(incident_rows(events, "setting it on fire")) == (0, 0)


RAID = ("Fighters of an armed group killed between 15 and 22 villagers in a night raid on farms around Kasindi in "
        "North Kivu province on Sunday, the army and local leaders said.\n\n"
        "- Toll: 15 dead according to the army, 22 according to local leaders.\n\n"
        "The hospital in Beni said it had received 11 people wounded in the Kasindi raid.")


def test_the_toll_line_and_the_wounded_of_the_named_raid_are_the_raid(tmp_path):
    events = violent(read_story(tmp_path, PUBLISHED, RAID))
    raid = incident_of(events, "night raid")
    assert incident_of(events, "Toll:") == raid
    assert incident_of(events, "wounded in the") == raid  # where the wounded were taken is not another attack
    rows = incident_rows(events, "night raid")
    assert killed(rows) == (15, 22)  # competing claims are one range, not added
    assert rows["injured_low"].max() == 11


def test_an_act_named_in_passing_does_not_pull_a_new_event_into_it(tmp_path):
    events = violent(read_story(tmp_path, PUBLISHED, (
        "A bomb exploded at a market in Peshawar on Sunday, killing nine people, police said.\n\n"
        "On Tuesday, security forces killed four militants in a raid near Mardan and arrested two men accused of "
        "planning the Peshawar bombing, police said.")))
    assert incident_of(events, "raid near Mardan") != incident_of(events, "exploded at a market")
    raid = events[events["source_quote"].str.contains("raid near Mardan")].iloc[0]
    assert raid["location"] == "Mardan" and raid["event_date"] == pd.Timestamp("2025-06-10")
    assert killed(incident_rows(events, "exploded at a market")) == (9, 9)


# ----- a recap of the weekend's fighting told ahead of the story ----------------------------------------

def test_a_recap_of_the_weekends_battles_with_no_place_joins_them(tmp_path):
    events = violent(read_story(tmp_path, PUBLISHED, (
        "Four days after the weekend's border battles, in which the army said 14 of its soldiers were killed, "
        "officials on both sides traded blame.\n\n"
        "On Saturday night, Afghan forces attacked Pakistani border posts along the frontier, setting off hours "
        "of fighting; the army said 14 soldiers were killed.")))
    assert len(events) == 1, events[["event_date", "location", "source_quote"]]
    row = events.iloc[0]
    assert row["event_date"] == pd.Timestamp("2025-06-07")
    assert (row["fatalities_low"], row["fatalities_high"]) == (14, 14)
    assert "weekend" in row["source_quote"] and "On Saturday night" in row["source_quote"]


# ----- one act read at a town and at the district or province around it -----------------------------------

def test_a_town_and_its_province_in_one_clause_are_one_incident_at_the_town(tmp_path):
    events = violent(read_story(tmp_path, PUBLISHED, (
        "Drones struck houses in the Spin Boldak district of Afghanistan's Kandahar province on Thursday, "
        "killing eight civilians, Afghan officials said.")))
    assert events["incident_id"].nunique() == 1
    assert events["location"].eq("Spin Boldak").all()
    assert killed(events) == (8, 8)


def test_a_district_named_first_and_a_town_in_it_are_one_incident_at_the_town(tmp_path):
    events = violent(read_story(tmp_path, PUBLISHED, (
        "In Bajaur district, a bomb planted on a motorcycle killed three people at a bus stop in Khar on Monday, "
        "police said.")))
    assert events["incident_id"].nunique() == 1
    assert events["location"].eq("Khar").all()


def test_two_towns_of_one_province_hit_the_same_day_stay_two(tmp_path):
    events = violent(read_story(tmp_path, PUBLISHED, (
        "In Bajaur district, a bomb planted on a motorcycle killed three people at a bus stop in Khar on Monday, "
        "police said.\n\n"
        "In Khyber district, a roadside bomb killed two soldiers near Landi Kotal on Monday, officials said.")))
    assert incident_of(events, "bus stop") != incident_of(events, "roadside bomb")
    assert killed(incident_rows(events, "bus stop")) == (3, 3)
    assert killed(incident_rows(events, "roadside bomb")) == (2, 2)


# ----- a lead that sums up strikes told one by one after it ----------------------------------------------

def test_a_lead_summing_up_strikes_at_several_places_is_no_event_of_its_own(tmp_path):
    events = violent(read_story(tmp_path, "2026-01-23", (
        "Military aircraft bombed several villages held by rebels in the north on Tuesday, residents said.\n\n"
        "In one village, two farmers died when a bomb hit their hut; near Lashio, four people were killed.")))
    assert events["incident_id"].nunique() == 2, events[["location", "incident_id", "source_quote"]]
    lead = incident_of(events, "Military aircraft bombed")
    village = events[events["fatalities_low"] == 2]["incident_id"]
    town = events[events["location"] == "Lashio"]["incident_id"]
    assert village.tolist() == [lead] and town.nunique() == 1 and town.iloc[0] != lead
    assert killed(events[events["incident_id"] == lead]) == (2, 2)
    assert killed(events[events["location"] == "Lashio"]) == (4, 4)
