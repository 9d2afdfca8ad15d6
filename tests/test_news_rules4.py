"""Rules added after blind batch 4 (issue 4): each with a sentence written for the test, not taken from an article."""

import pandas as pd

from tests.factories import only, read_story


# ----- cue vocabulary (data/event_cues.csv) -----------------------------------------------------------

def test_diplomats_who_met_in_a_city_held_talks(tmp_path):
    ev = read_story(tmp_path, "2025-03-05", "Foreign ministers of the three neighbours met in Lusaka on Monday to discuss "
                                            "grazing rights, officials said.")
    r = only(ev, diplomatic_action="talks_held")
    assert (r["event_date"], r["location"]) == (pd.Timestamp("2025-03-03"), "Lusaka")


def test_a_meeting_that_failed_to_agree_is_failed_talks(tmp_path):
    ev = read_story(tmp_path, "2025-03-05", "The two envoys met in Nairobi on Tuesday but failed to agree on a prisoner exchange.")
    assert list(ev["diplomatic_action"]) == ["talks_failed"]


def test_mediators_who_will_meet_schedule_talks(tmp_path):
    ev = read_story(tmp_path, "2025-03-05", "Regional mediators will meet rebel leaders in Addis Ababa on Friday, a "
                                            "spokesman said on Monday.")
    r = only(ev, diplomatic_action="talks_scheduled")
    assert r["location"] == "Addis Ababa"


def test_agreeing_on_a_framework_is_an_agreement(tmp_path):
    ev = read_story(tmp_path, "2025-03-05", "The government and the former rebels agreed in Accra on Friday on a framework "
                                            "for demobilising fighters.")
    assert "agreement_signed" in set(ev["diplomatic_action"])


def test_threats_to_hunt_down_strike_again_or_keep_off_a_road(tmp_path):
    for text in ("The interior minister said on Sunday that the police would hunt down those responsible.",
                 "The general said on Sunday that his forces would strike the rebels again if they moved on the capital.",
                 "On Sunday the armed group warned drivers to stay off the main road after dark."):
        ev = read_story(tmp_path, "2025-03-05", text)
        assert list(ev["diplomatic_action"]) == ["threat"], text


def test_a_bomb_that_exploded_and_shots_fired_on_a_patrol_are_violence(tmp_path):
    ev = read_story(tmp_path, "2025-03-05", "A bomb exploded near a bus station in Kano on Friday, killing two people, police said.")
    assert only(ev, diplomatic_action=None)["event_type"] == "Explosions/Remote violence"
    ev = read_story(tmp_path, "2025-03-05", "Gunmen fired on a police patrol near Garoua on Sunday, wounding three officers.")
    assert only(ev, diplomatic_action=None)["event_type"] == "Battles"


def test_a_sit_in_is_a_protest(tmp_path):
    ev = read_story(tmp_path, "2025-03-05", "Hundreds of teachers staged a sit-in outside parliament in Lilongwe on Tuesday.")
    assert only(ev, diplomatic_action=None)["event_type"] == "Protests"


def test_a_warning_is_a_threat_only_when_it_says_what_will_be_done(tmp_path):
    ev = read_story(tmp_path, "2025-03-05", "The rebels warned on Monday that they would shell the airport if flights resumed.")
    assert list(ev["diplomatic_action"]) == ["threat"]
    ev = read_story(tmp_path, "2025-03-05", "The army warned of reprisals on Monday after the ambush.")
    assert list(ev["diplomatic_action"]) == ["threat"]
    # A warning about hardship is not a threat of force.
    ev = read_story(tmp_path, "2025-03-05", "Aid agencies have warned that the drought is emptying village wells across the north.")
    assert ev.empty or "threat" not in set(ev["diplomatic_action"])


def test_a_drone_that_dropped_explosives_is_an_air_strike(tmp_path):
    ev = read_story(tmp_path, "2025-03-05", "A drone dropped explosives on an army post near Gao on Monday, wounding four soldiers.")
    assert only(ev, diplomatic_action=None)["event_type"] == "Explosions/Remote violence"


# ----- places (loaders/news.py) ---------------------------------------------------------------------------

def test_a_town_near_a_city_is_the_place_the_city_only_says_where(tmp_path):
    ev = read_story(tmp_path, "2025-03-04", "Rebels attacked an army post in Mubi, a town near Yola, on Sunday, killing five "
                                            "soldiers, the Nigerian army said.")
    r = only(ev, diplomatic_action=None)
    assert (r["location"], r["iso3"], r["fatalities_low"]) == ("Mubi", "NGA", 5)


def test_a_country_named_after_a_direction_places_the_event_there(tmp_path):
    ev = read_story(tmp_path, "2025-03-05", "A drone hit a pickup in the border region of northern Syria on "
                                            "Tuesday, killing two men, officials said. Turkish officials gave no comment. "
                                            "Turkey has struck the area before, Turkish media said.")
    assert only(ev, diplomatic_action=None)["iso3"] == "SYR"


def test_a_name_shared_by_two_countries_is_the_larger_place_when_the_story_is_between_several(tmp_path):
    ev = read_story(tmp_path, "2025-11-20", "Palestinian gunmen fired on Israeli soldiers in Rafah on Wednesday, wounding two, "
                                            "the army said. Palestinian officials denied it. Israeli officials said talks with "
                                            "Egyptian mediators would go on.")
    r = only(ev, diplomatic_action=None)
    assert (r["location"], r["iso3"]) == ("Rafah", "PSE")


def test_placeless_violence_in_a_story_between_two_countries_takes_the_dateline_country(tmp_path):
    ev = read_story(tmp_path, "2025-11-04", "KINSHASA (Wire) — Gunmen on the far bank of the river fired on a Congolese patrol "
                                            "boat late Sunday, wounding two sailors, the navy said. Rwanda denied any role. "
                                            "Rwandan officials said Rwandan troops were not involved in the Rwandan border area.")
    assert only(ev, diplomatic_action=None)["iso3"] == "COD"


# ----- follow-up tolls: one event, several sentences ---------------------------------------------------

def test_the_attackers_dead_told_next_add_to_the_soldiers(tmp_path):
    ev = read_story(tmp_path, "2025-06-03", "Insurgents ambushed a patrol in the hills on Sunday, killing three soldiers. "
                                            "Troops who returned fire killed four of the attackers.")
    r = only(ev, diplomatic_action=None)
    assert (r["event_date"], r["fatalities_low"], r["fatalities_high"]) == (pd.Timestamp("2025-06-01"), 7, 7)


def test_the_injured_told_next_join_the_toll(tmp_path):
    ev = read_story(tmp_path, "2025-06-03", "Gunmen attacked a checkpoint on Sunday, killing two police officers, the police "
                                            "said. Five officers were wounded, the police added.")
    r = only(ev, diplomatic_action=None)
    assert (r["fatalities_low"], r["injured_low"], r["injured_high"]) == (2, 5, 5)


def test_the_other_side_s_claim_told_next_becomes_a_range_not_a_second_event(tmp_path):
    ev = read_story(tmp_path, "2025-06-03", "Rebels ambushed a convoy in the hills on Sunday, killing three soldiers, the army "
                                            "said. The rebels said in a statement on Monday that they had killed 20 soldiers.")
    r = only(ev, diplomatic_action=None)
    assert (r["event_date"], r["fatalities_low"], r["fatalities_high"]) == (pd.Timestamp("2025-06-01"), 3, 20)
    assert "army" in r["claimed_by"] and "rebels" in r["claimed_by"]


def test_a_claim_of_the_attack_dated_by_its_statement_joins_the_attack(tmp_path):
    ev = read_story(tmp_path, "2025-06-02", "A car bomb killed six people near a market in Mogadishu on Saturday, police said. "
                                            "Ambulances took the wounded to hospital. Shops stayed shut. "
                                            "The militants claimed the attack in a statement on Sunday, saying they had killed "
                                            "15 soldiers.")
    violent = ev[ev["diplomatic_action"].isna()]
    assert violent["incident_id"].nunique() == 1 and len(violent) == 2
    assert set(violent["event_date"]) == {pd.Timestamp("2025-05-31")}


def test_a_new_scene_is_a_new_event_not_a_follow_up(tmp_path):
    ev = read_story(tmp_path, "2025-06-03", "A bomb exploded near a bank in Lima on Sunday, hurting no one, police said. "
                                            "In the mountain province of the south, police found the bodies of three farmers.")
    violent = ev[ev["diplomatic_action"].isna()]
    assert violent["incident_id"].nunique() == 2
    assert violent["fatalities_low"].tolist() == [0, 3]


def test_a_breach_named_after_an_act_is_where_and_when_the_act_was(tmp_path):
    ev = read_story(tmp_path, "2025-06-04", "Shelling hit a market in Kharkiv on Tuesday, killing three civilians. "
                                            "Officials called the shelling a violation of the truce agreed in May.")
    r = only(ev, diplomatic_action="ceasefire_violated")
    assert (r["event_date"], r["location"]) == (pd.Timestamp("2025-06-03"), "Kharkiv")


# ----- background, dates, clauses -------------------------------------------------------------------------

def test_long_past_and_time_since_are_background(tmp_path):
    ev = read_story(tmp_path, "2025-06-04", "Talks brokered by Norway stalled years ago and no new round is planned.")
    assert ev.empty or "talks_stalled" not in set(ev["diplomatic_action"])
    ev = read_story(tmp_path, "2025-06-04", "Less than three weeks after the rebels declared a ceasefire, troops shelled their "
                                            "positions near Goma on Monday, killing four fighters.")
    assert "ceasefire_agreed" not in set(ev["diplomatic_action"].dropna())
    assert len(ev[ev["diplomatic_action"].isna()]) == 1
    ev = read_story(tmp_path, "2025-06-04", "A decade after militants overran the town, hundreds of residents rallied in Mosul "
                                            "on Monday to demand compensation.")
    assert list(ev["event_type"]) == ["Protests"]


def test_a_threat_and_an_announced_meeting_are_dated_when_they_were_made(tmp_path):
    ev = read_story(tmp_path, "2025-06-05", "In a video released on Tuesday, the rebels threatened to attack polling stations "
                                            "from Friday until the vote on Sunday.")
    assert only(ev, diplomatic_action="threat")["event_date"] == pd.Timestamp("2025-06-03")
    ev = read_story(tmp_path, "2025-06-05", "Envoys of both sides are due to meet in Geneva on Saturday, a UN official said on "
                                            "Wednesday.")
    assert only(ev, diplomatic_action="talks_scheduled")["event_date"] == pd.Timestamp("2025-06-04")


def test_two_events_joined_by_and_a_name_are_two_rows(tmp_path):
    ev = read_story(tmp_path, "2025-09-24", "In the war in June, air strikes killed 300 people in Lebanon, and Hezbollah rockets "
                                            "killed 12 people in Israel.")
    violent = ev[ev["diplomatic_action"].isna()].sort_values("iso3")
    assert violent[["iso3", "fatalities_low"]].values.tolist() == [["ISR", 12], ["LBN", 300]]


def test_an_event_dated_only_earlier_takes_the_publication_date(tmp_path):
    ev = read_story(tmp_path, "2025-06-05", "Gunmen earlier killed three herders near Maiduguri, residents said.")
    r = only(ev, diplomatic_action=None)
    assert (r["event_date"], r["date_precision"]) == (pd.Timestamp("2025-06-05"), "week")


def test_two_voices_of_one_army_count_one_account_that_adds_up(tmp_path):
    ev = read_story(tmp_path, "2025-06-03", "Militants stormed a base on Sunday, killing nine soldiers, a military officer said. "
                                            "An army spokesman said 14 attackers had been killed.")
    r = only(ev, diplomatic_action=None)
    assert (r["fatalities_low"], r["fatalities_high"]) == (23, 23)
