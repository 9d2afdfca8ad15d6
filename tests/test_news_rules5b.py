"""Rules added after blind batch 5b (issue 4: event detection): each with sentences written for the test,
not taken from an article."""

from datetime import date

import pandas as pd

import loaders
from loaders.textdates import find_dates
from tests.factories import only, read_story


def actions(events: pd.DataFrame) -> list:
    return [a if isinstance(a, str) else None for a in events["diplomatic_action"]]


# ----- truce vocabulary -----------------------------------------------------------------------------

def test_breaking_a_truce_is_a_violation(tmp_path):
    ev = read_story(tmp_path, "2025-02-12", "On Monday the rebels said government troops had broken the week-old truce "
                                            "near Kindu.")
    assert "ceasefire_violated" in actions(ev)


def test_not_honouring_a_truce_is_a_violation_not_a_reaffirmation(tmp_path):
    ev = read_story(tmp_path, "2025-02-12", "A militia leader said on Tuesday that the army was not honouring the ceasefire.")
    assert actions(ev) == ["ceasefire_violated"]


def test_an_accused_breach_right_after_a_fight_is_that_fight(tmp_path):
    ev = read_story(tmp_path, "2025-02-12",
              "On Sunday, fighting between soldiers and rebels near Kindu killed at least four people, a local "
              "official said. The rebels denied losses and accused the soldiers of breaching the truce.")
    r = only(ev, diplomatic_action="ceasefire_violated")
    assert (r["event_date"], r["location"]) == (pd.Timestamp("2025-02-09"), "Kindu")


def test_still_bound_by_a_truce_is_a_reaffirmation(tmp_path):
    ev = read_story(tmp_path, "2025-02-12", "On Wednesday the movement said it remained bound by the truce despite the raid.")
    assert "ceasefire_reaffirmed" in actions(ev)


def test_an_appeal_to_respect_a_truce_is_not_a_reaffirmation(tmp_path):
    ev = read_story(tmp_path, "2025-02-12", "The regional bloc on Tuesday called on the parties to observe the ceasefire.")
    assert "ceasefire_reaffirmed" not in actions(ev)


def test_a_truce_named_as_the_start_of_a_span_is_not_news_of_it(tmp_path):
    ev = read_story(tmp_path, "2025-02-12", "Three herders were killed near Kindu on Monday, the first deaths since the "
                                            "Mai-Mai Forces (MMF) declared a truce.")
    assert "ceasefire_agreed" not in actions(ev)


# ----- talks, threats and agreements ----------------------------------------------------------------

def test_a_declaration_signed_by_two_sides_is_an_agreement(tmp_path):
    ev = read_story(tmp_path, "2025-09-20", "The process produced a charter of principles, signed by the two parties in "
                                            "Lome in June, which has not been applied.")
    r = only(ev, diplomatic_action="agreement_signed")
    assert (r["event_date"], r["date_precision"]) == (pd.Timestamp("2025-06-01"), "month")


def test_ending_months_of_talks_is_failed_talks(tmp_path):
    ev = read_story(tmp_path, "2025-09-20", "Officials said last week that the president had recalled his negotiator, "
                                            "ending months of talks with the rebels.")
    r = only(ev, diplomatic_action="talks_failed")
    assert r["date_precision"] == "week"


def test_the_next_round_being_due_schedules_talks_on_the_day_it_is_told(tmp_path):
    ev = read_story(tmp_path, "2025-09-20", "On Tuesday, gunmen attacked a checkpoint near Kindu, killing two guards. "
                                            "The next round of the Lake Region Dialogue, chaired by three envoys, is due "
                                            "in October, a diplomat said.")
    r = only(ev, diplomatic_action="talks_scheduled")
    assert r["event_date"] == pd.Timestamp("2025-09-20")


def test_a_case_to_be_raised_at_a_coming_meeting_schedules_talks(tmp_path):
    ev = read_story(tmp_path, "2025-09-20", "The ministry said on Friday that it would raise the matter at a meeting of "
                                            "the joint commission on Monday.")
    r = only(ev, diplomatic_action="talks_scheduled")
    assert r["event_date"] == pd.Timestamp("2025-09-19")


def test_heads_of_services_who_met_in_a_town_held_talks(tmp_path):
    ev = read_story(tmp_path, "2025-09-20", "The heads of the two police forces met in Lusaka on Thursday to agree on "
                                            "joint patrols.")
    r = only(ev, diplomatic_action="talks_held")
    assert r["location"] == "Lusaka"


def test_a_pledge_to_respond_if_attacked_is_a_threat(tmp_path):
    ev = read_story(tmp_path, "2025-09-20", "A rebel spokesman said on Friday that the group would respond if the "
                                            "bombardments went on.")
    assert actions(ev) == ["threat"]


# ----- acts named only as possible, denied or complained of are not events ---------------------------

def test_an_attack_only_named_in_a_condition_is_not_violence(tmp_path):
    ev = read_story(tmp_path, "2025-09-20", "The commander warned on Friday that his men would hit back hard if their "
                                            "camps were raided again.")
    assert actions(ev) == ["threat"]
    assert not (ev["event_type"] == "Battles").any()


def test_an_attack_only_threatened_or_denied_is_not_violence(tmp_path):
    for text in ("The militia threatened to attack the airport at Kindu on Friday.",
                 "The army on Friday denied that its soldiers had shelled Kindu."):
        ev = read_story(tmp_path, "2025-09-20", text)
        assert not ev["event_type"].isin(["Battles", "Explosions/Remote violence"]).any(), text


def test_firing_named_as_the_object_of_a_complaint_is_not_a_new_event(tmp_path):
    ev = read_story(tmp_path, "2025-09-20", "The foreign ministry summoned the neighbour's envoy in Lusaka on Thursday to "
                                            "protest the shelling across the border.")
    assert not ev["event_type"].isin(["Battles", "Explosions/Remote violence", "Protests"]).any()
    assert (ev["event_type"] == "Strategic developments").any()


def test_a_leader_telling_a_rally_is_not_a_protest(tmp_path):
    ev = read_story(tmp_path, "2025-09-20", "On Thursday the president told a rally in Lusaka that the country would "
                                            "never give up the island.")
    assert not (ev["event_type"] == "Protests").any()


# ----- running totals and whole wars -----------------------------------------------------------------

def test_a_war_and_its_toll_are_background(tmp_path):
    for text in ("That war killed some 40,000 people.",
                 "The 2010 accord ended a civil war that historians estimate killed tens of thousands of people.",
                 "The border has been closed since the brief war of 2008, in which several hundred people were killed."):
        ev = read_story(tmp_path, "2025-09-20", text)
        assert not ev["event_type"].isin(["Battles", "Explosions/Remote violence"]).any(), text


def test_tallies_over_a_stretch_of_time_are_not_one_event(tmp_path):
    for text in ("The ministry said on Friday that 23 rebels had been killed in the north over the past week.",
                 "Since then, U.N. figures show, attacks have killed at least 40 people.",
                 "The army says the group's raids have killed nine soldiers in the province."):
        ev = read_story(tmp_path, "2025-09-20", text)
        assert ev.empty or not ev["event_type"].isin(["Battles", "Explosions/Remote violence"]).any(), text


# ----- strategic developments that are not diplomacy -------------------------------------------------

def test_envoys_recalled_or_summoned_are_strategic_developments(tmp_path):
    for text in ("Chad recalled its ambassador to Sudan on Monday.",
                 "The foreign ministry summoned Sudan's charge d'affaires on Monday."):
        ev = read_story(tmp_path, "2025-09-17", text)
        r = only(ev, event_type="Strategic developments")
        assert r["event_date"] == pd.Timestamp("2025-09-15"), text


def test_airspace_closed_emergency_extended_and_villagers_detained(tmp_path):
    for text, sub in (("Chad closed its airspace to Sudanese aircraft on Monday.", "Other"),
                      ("Parliament voted on Monday to extend the state of emergency in the east.", "Other"),
                      ("Soldiers detained four fishermen near Kindu on Monday, officials said.", "Arrests")):
        ev = read_story(tmp_path, "2025-09-17", text)
        r = only(ev, event_type="Strategic developments")
        assert (r["event_date"], r["sub_event_type"]) == (pd.Timestamp("2025-09-15"), sub), text


def test_a_downed_drone_is_a_disrupted_weapon(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "A military drone was shot down near Kindu on Monday, the army said.")
    r = only(ev, event_type="Strategic developments")
    assert r["sub_event_type"] == "Disrupted weapons use"


def test_a_launch_then_told_intercepted_is_one_disrupted_event(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "On Monday the rebels fired two rockets at Kindu. The army said both rockets "
                                            "were intercepted and nobody was hurt.")
    assert len(ev) == 1
    assert ev.iloc[0]["sub_event_type"] == "Disrupted weapons use"


def test_stone_throwing_is_a_riot(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "On Monday, youths threw stones at police vehicles in Kindu.")
    assert list(ev["event_type"]) == ["Riots"]


# ----- dates -----------------------------------------------------------------------------------------

def test_a_date_in_brackets_says_which_day_the_words_before_it_mean():
    found = find_dates("Two days before the vote (May 3), the army shelled the town.", date(2025, 5, 10))
    assert [(d.text, d.day) for d in found] == [("May 3", date(2025, 5, 3))]


def test_a_weekday_of_last_week():
    found = find_dates("The post was overrun on Friday last week, the army said.", date(2025, 4, 23))
    assert [(d.day, d.precision) for d in found] == [(date(2025, 4, 18), "day")]


# ----- names, launches and acts told as the past ------------------------------------------------------

def test_a_cue_word_inside_a_name_is_not_a_cue(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "On Monday, sirens sounded along the Dead Sea coast and in Amman, officials said.")
    assert ev.empty or not ev["event_type"].isin(["Battles", "Explosions/Remote violence"]).any()


def test_a_missile_fired_at_a_city_is_remote_violence(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "On Monday the rebels fired a cruise missile at Kindu, damaging a warehouse.")
    r = only(ev, event_type="Explosions/Remote violence")
    assert r["location"] == "Kindu"


def test_people_killed_in_an_earlier_strike_or_mourned_are_not_a_new_event(tmp_path):
    for text in ("The governor said on Monday that one of those killed in an earlier strike was a teacher.",
                 "Hundreds attended a funeral in Kindu on Monday for four guards killed in the raid."):
        ev = read_story(tmp_path, "2025-09-17", text)
        assert ev.empty or not ev["event_type"].isin(["Battles", "Explosions/Remote violence"]).any(), text


def test_an_earlier_act_with_its_own_date_is_still_an_event(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "The previous deadliest raid in Kindu took place in March 2021, when 12 people "
                                            "were killed.")
    r = only(ev, event_type="Battles")
    assert (r["event_date"], r["date_precision"]) == (pd.Timestamp("2021-03-01"), "month")


def test_a_port_city_is_found_under_its_usual_english_spelling():
    place = loaders.geocode("Hodeidah", "YEM")
    assert place is not None and place.iso3 == "YEM" and place.geo_precision == 1


# ----- projectiles, demonyms, claims, destinations, vague recaps --------------------------------------

def test_projectiles_that_struck_a_town_are_shelling_there(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "Projectiles fired from across the river struck the outskirts of Kindu on "
                                            "Monday, wounding three people, officials said.")
    r = only(ev, event_type="Explosions/Remote violence")
    assert (r["location"], r["injured_low"]) == ("Kindu", 3)


def test_the_plural_demonym_names_the_country():
    from loaders.news import country_words
    assert country_words()["sahrawis"] == "ESH"


def test_a_conflict_that_has_killed_many_told_at_length_is_background(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "The district had been calm through the first months of the long dispute "
                                            "between the two farming communities of the plateau, a conflict which began in May 2023 "
                                            "and has killed more than 300 people.")
    assert ev.empty or not ev["event_type"].isin(["Battles", "Explosions/Remote violence"]).any()


def test_a_group_described_by_its_country_claiming_the_attack_gives_that_attacks_toll(tmp_path):
    ev = read_story(tmp_path, "2025-09-17",
              "Gunmen attacked a Congolese army post near Kindu on Monday, killing six soldiers, the army said. "
              "A militia based across the border in Uganda claimed the attack and said its men had killed 15 soldiers.")
    assert set(ev["location"].dropna()) == {"Kindu"}
    assert set(ev["event_date"]) == {pd.Timestamp("2025-09-15")}


def test_where_the_wounded_were_flown_is_not_where_the_fight_was(tmp_path):
    ev = read_story(tmp_path, "2025-09-17",
              "Troops clashed with rebels near Kindu on Monday, killing four of them, an army spokesman said. "
              "One soldier was wounded and flown to Kinshasa, he said.")
    assert "Kinshasa" not in set(ev["location"].dropna())
    r = only(ev, location="Kindu")
    assert (r["fatalities_low"], r["injured_low"]) == (4, 1)


def test_an_undated_lead_about_talks_is_the_dated_report_of_them(tmp_path):
    ev = read_story(tmp_path, "2025-09-17",
              "The latest round of talks in Lusaka between the government and the rebels has ended without a deal, "
              "both sides said. A rebel spokesman said on Monday that the talks had failed over prisoner releases.")
    r = only(ev, diplomatic_action="talks_failed")
    assert r["event_date"] == pd.Timestamp("2025-09-15")


def test_consultations_to_be_held_are_scheduled_talks(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "The U.N. envoy will hold consultations with rebel leaders in Lusaka next "
                                            "week, his office said on Tuesday.")
    assert actions(ev) == ["talks_scheduled"]


# ----- dated background, named agreements, places that only qualify ---------------------------------

def test_declaring_the_end_of_a_truce_since_a_dated_month_is_dated_background(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "The town has been shelled often since the rebels declared the end of the "
                                            "2012 truce in March 2021, residents say.")
    r = only(ev, diplomatic_action="ceasefire_ended")
    assert (r["event_date"], r["date_precision"]) == (pd.Timestamp("2021-03-01"), "month")


def test_an_agreement_named_by_its_date_is_referred_to_not_reported(tmp_path):
    for text in ("The 2019 accord signed in Lome ended a decade of fighting.",
                 "The June 2024 treaty, signed in Lusaka, fixed the frontier."):
        ev = read_story(tmp_path, "2025-09-17", text)
        assert "agreement_signed" not in actions(ev), text


def test_a_month_and_year_without_a_preposition_is_a_month():
    found = find_dates("The June 2024 treaty fixed the frontier.", date(2025, 9, 17))
    assert [(d.day, d.precision) for d in found] == [(date(2024, 6, 1), "month")]


def test_a_measure_counted_from_an_undated_decision_is_background(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "Gunmen killed four people in Kindu on Monday, police said, days after the "
                                            "governor extended a state of emergency in the province.")
    assert not (ev["event_type"] == "Strategic developments").any()
    assert len(ev) == 1


def test_an_act_counted_from_but_dated_is_kept_as_background(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "The raids come two months after rebels seized the river town of Kindu at "
                                            "the end of June.")
    r = only(ev, location="Kindu")
    assert (r["event_date"], r["date_precision"]) == (pd.Timestamp("2025-06-01"), "month")


def test_a_town_given_as_part_of_a_larger_place_is_the_place():
    from loaders.news import _drop_qualifiers, _find_places
    text = "A shell landed in the Spin Boldak sector of Kandahar on Monday."
    places = [p for p in _find_places(text, {"AFG"}) if p.locative]
    assert {p.place.name for p in places} >= {"Spin Boldak", "Kandahar"}
    assert [p.place.name for p in _drop_qualifiers(places, text)] == ["Spin Boldak"]


def test_a_region_that_begins_an_armed_groups_name_is_not_a_place(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "Troops killed three members of the Maniema Liberation Army near a river on "
                                            "Monday, the army said.")
    assert "Maniema" not in set(ev["location"].dropna())


def test_where_a_spokesman_speaks_from_is_not_the_event_place(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "Congolese troops killed six rebels in a raid on a camp on Monday. A military "
                                            "spokesman in Kinshasa said two soldiers were wounded.")
    assert "Kinshasa" not in set(ev["location"].dropna())


def test_the_strike_named_again_is_not_placed_with_an_earlier_one(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "The strike on Kindu was the deadliest this year, coming a week after a "
                                            "missile hit a market in Goma on September 3, killing 12 people.")
    assert set(ev["location"].dropna()) == {"Goma"}


# ----- more diplomacy vocabulary ----------------------------------------------------------------------

def test_a_count_of_downed_drones_is_not_one_disrupted_strike(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "The air force said on Tuesday it had downed 35 drones launched overnight.")
    assert not (ev["sub_event_type"] == "Disrupted weapons use").any()


def test_a_meeting_expected_at_a_place_is_scheduled(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "Officials said a border meeting between local commanders was expected at "
                                            "Chaman on Thursday.")
    assert actions(ev) == ["talks_scheduled"]


def test_recommitting_to_a_truce_reaffirms_it(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "The two armies agreed in May 2023 to recommit to the old truce along the river, "
                                            "officials recalled.")
    r = only(ev, diplomatic_action="ceasefire_reaffirmed")
    assert (r["event_date"], r["date_precision"]) == (pd.Timestamp("2023-05-01"), "month")


def test_a_truce_named_in_a_breach_with_its_own_date_is_also_dated(tmp_path):
    ev = read_story(tmp_path, "2025-09-17", "The rebels said on Tuesday that the shelling was a breach of the truce, which "
                                            "they declared on June 3 after mediation.")
    r = only(ev, diplomatic_action="ceasefire_agreed")
    assert r["event_date"] == pd.Timestamp("2025-06-03")
    assert "ceasefire_violated" in actions(ev)


def test_a_day_after_an_event_dates_that_event_the_day_before():
    found = find_dates("A drone struck a car in Tyre on Thursday, killing two men, a day after envoys of both "
                       "countries held talks.", date(2025, 12, 5))
    assert [(d.text, d.day) for d in found] == [("on Thursday", date(2025, 12, 4)), ("a day after", date(2025, 12, 3))]


def test_talks_a_day_before_a_dated_strike_are_dated_the_day_before(tmp_path):
    ev = read_story(tmp_path, "2025-12-05", "A drone struck a car in Tyre on Thursday, killing two men, a day after envoys "
                                            "of both countries held direct talks.")
    r = only(ev, diplomatic_action="talks_held")
    assert r["event_date"] == pd.Timestamp("2025-12-03")


def test_a_spell_of_fighting_behind_a_truce_is_background(tmp_path):
    ev = read_story(tmp_path, "2025-08-21", "The two armies agreed to a 48-hour truce on Wednesday following three days of "
                                            "air strikes and border clashes.")
    assert actions(ev) == ["ceasefire_agreed"]


def test_a_district_of_a_province_is_the_district():
    from loaders.news import _drop_qualifiers, _find_places
    text = "Jets struck villages in the Spin Boldak district of Kandahar on Monday."
    places = [p for p in _find_places(text, {"AFG"}) if p.locative]
    kept = [p.place.name for p in _drop_qualifiers(places, text)]
    assert "Kandahar" not in kept and kept
