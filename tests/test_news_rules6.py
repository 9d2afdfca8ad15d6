"""Rules added for toll attribution in multi-event articles (issue 4, rules round 6): each with sentences
written for the test, not taken from an article."""

import pandas as pd

from loaders.tolls import Count, place_tolls, placed_figure
from monitor.casualties import incident_tolls
from tests.factories import read_story


def killed(events: pd.DataFrame, location: str) -> tuple:
    """The killed range of the one incident reported at `location`."""
    at = events[events["location"] == location]
    assert at["incident_id"].nunique() == 1, events[["event_date", "location", "incident_id", "source_quote"]]
    inc = incident_tolls(events).set_index("incident_id").loc[at["incident_id"].iloc[0]]
    low = None if pd.isna(inc["killed_low"]) else int(inc["killed_low"])
    high = None if pd.isna(inc["killed_high"]) else int(inc["killed_high"])
    return low, high


# ----- figures told place by place in one sentence ----------------------------------------------------

def test_a_figure_just_before_a_place_is_read_with_its_kind():
    assert placed_figure("jets hit the border on Monday, killing six people in ") == ("killed", Count(6, 6), "people")
    assert placed_figure(" and wounding four in ")[0] == "injured"
    assert placed_figure(" and nine in ") == (None, Count(9, 9), "people")  # elliptic: the kind told before


def test_a_date_or_a_thing_before_a_place_is_no_figure():
    assert placed_figure("the raid on March 3 in ") is None
    assert placed_figure("a drone hit a warehouse in ") is None


def test_place_tolls_needs_two_places_with_figures():
    assert place_tolls(["fighters attacked posts in ", " and "]) is None
    split = place_tolls(["shelling killed two farmers at ", " and three at "])
    assert [t.killed for t in split] == [Count(2, 2), Count(3, 3)]


def test_each_place_gets_the_figure_told_before_it(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Warplanes bombed border districts on Wednesday, killing seven people in "
                                            "Spin Boldak and four in Khost, a provincial spokesman said.")
    assert killed(ev, "Spin Boldak") == (7, 7)
    assert killed(ev, "Khost") == (4, 4)


def test_two_groups_at_two_places_are_not_summed_on_one(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Border guards traded fire at Chaman and Torkham on Thursday. One soldier "
                                            "was killed at Chaman and two civilians died at Torkham, officials said.")
    assert killed(ev, "Chaman") == (1, 1)
    assert killed(ev, "Torkham") == (2, 2)


# ----- a second subject with an act of its own --------------------------------------------------------

def test_and_then_another_subject_acting_is_another_event(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "On Tuesday, a landmine in Zhob killed three labourers, and gunmen shot "
                                            "dead a teacher in Quetta.")
    assert killed(ev, "Zhob") == (3, 3)
    assert killed(ev, "Quetta") == (1, 1)


# ----- totals --------------------------------------------------------------------------------------------

def test_an_in_all_figure_after_two_events_is_no_events_toll(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Insurgents stormed a police post near Chaman on Thursday, killing five "
                                            "policemen. On Wednesday, a bomb in Zhob killed three soldiers. In all, "
                                            "eleven people were killed in the province this week, officials said.")
    assert killed(ev, "Chaman") == (5, 5)
    assert killed(ev, "Zhob") == (3, 3)
    assert not (ev["fatalities_low"] == 11).any()


def test_an_in_all_figure_after_one_event_is_its_toll(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Insurgents stormed a police post near Chaman on Thursday. In all, "
                                            "eleven people were killed, officials said.")
    assert killed(ev, "Chaman") == (11, 11)


# ----- a toll that names its day ------------------------------------------------------------------------

def test_a_toll_update_naming_a_day_goes_to_that_days_event(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "A car bomb went off near a bazaar in Bannu on Tuesday. On Thursday, "
                                            "militants raided a checkpoint in Lakki Marwat, killing three policemen. The "
                                            "toll from Tuesday's blast rose to 19, doctors said.")
    assert killed(ev, "Bannu") == (19, 19)
    assert killed(ev, "Lakki Marwat") == (3, 3)


def test_a_toll_naming_the_day_of_an_earlier_event_is_not_the_last_events(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Border forces fought at Torkham on Wednesday. On Thursday, mortar rounds "
                                            "landed in Chaman. Nine people died on Wednesday, local officials said.")
    assert killed(ev, "Torkham") == (9, 9)
    assert killed(ev, "Chaman") == (None, None)


# ----- places joined by "and" --------------------------------------------------------------------------

def test_a_place_joined_by_and_to_a_placed_one_is_placed_too(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Rocket fire hit villages in Khost and Paktika on Wednesday, officials said.")
    assert {"Khost", "Paktika"} <= set(ev["location"].dropna())


# ----- the act a toll names -----------------------------------------------------------------------------

def test_a_toll_naming_a_blast_goes_to_the_blast_not_the_later_clash(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "A bomb went off outside a mosque in Jalalabad on Thursday. Hours later, "
                                            "border troops clashed at Torkham. The explosion killed four worshippers, "
                                            "police said.")
    assert killed(ev, "Jalalabad") == (4, 4)
    assert killed(ev, "Torkham") == (None, None)


# ----- the attackers' dead add to their victims --------------------------------------------------------

def test_the_attackers_dead_add_to_the_dead_they_caused(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Gunmen on motorbikes attacked a police post in Kurram on Thursday, killing "
                                            "two policemen. Security forces shot dead three of the assailants in the "
                                            "gunfight that followed, the provincial police chief said.")
    assert killed(ev, "Kurram") == (5, 5)


def test_a_strikers_claim_about_the_struck_stays_a_competing_claim(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Air strikes hit a village in Paktika on Wednesday, killing nine civilians, "
                                            "local elders said. The military said the raid had killed 14 militants.")
    assert killed(ev, "Paktika") == (9, 14)


# ----- tolls of a past month or year ----------------------------------------------------------------------

def test_a_toll_dated_to_a_past_month_is_not_merged_into_a_placeless_event(tmp_path):
    ev = read_story(tmp_path, "2026-02-24", "On Sunday, gunmen fired on a bus outside an unnamed hamlet, a transport "
                                            "official said. In March 2024, raiders shot dead dozens of herders around "
                                            "the same hamlet.")
    past = ev[ev["event_date"] == pd.Timestamp("2024-03-01")]
    assert len(past) == 1 and past.iloc[0]["date_precision"] == "month"
    assert (int(past.iloc[0]["fatalities_low"]), int(past.iloc[0]["fatalities_high"])) == (24, 99)
    sunday = ev[ev["event_date"] == pd.Timestamp("2026-02-22")]
    assert sunday["fatalities_low"].isna().all()


def test_an_undated_toll_after_a_recalled_massacre_is_the_massacres(tmp_path):
    ev = read_story(tmp_path, "2026-02-24", "On Sunday, gunmen fired on a bus outside an unnamed hamlet, a transport "
                                            "official said. The hamlet was the scene of one of the worst massacres of "
                                            "the war in March 2024. A rights group said 120 people had died.")
    row = ev[ev["fatalities_low"] == 120]
    assert len(row) == 1
    assert (row.iloc[0]["event_date"], row.iloc[0]["date_precision"]) == (pd.Timestamp("2024-03-01"), "month")


def test_an_aside_without_commas_does_not_hide_the_figure():
    from loaders.tolls import extract_toll
    assert extract_toll("six people including a priest were killed").killed == Count(6, 6)
    assert extract_toll("three guards including an officer were wounded").injured == Count(3, 3)


# ----- running counts, pronouns, unit names, areas ---------------------------------------------------------

def test_a_count_of_this_year_in_the_perfect_is_no_events_toll(tmp_path):
    ev = read_story(tmp_path, "2025-10-03", "On Thursday, a mine went off on a road near Quetta, damaging a truck. "
                                            "Troops have killed more than 300 insurgents in the province this year, "
                                            "officials said.")
    assert ev["fatalities_low"].isna().all()


def test_killed_him_counts_one():
    from loaders.tolls import extract_toll
    assert extract_toll("gunmen took a shopkeeper from his house and killed him, police said").killed == Count(1, 1)
    assert extract_toll("killing her brother").killed == Count(1, 1)


def test_a_victim_word_after_a_three_word_unit_name_is_read():
    from loaders.tolls import extract_toll
    toll = extract_toll("six Border Security Force jawans were killed")
    assert toll.killed == Count(6, 6) and "security forces" in toll.killed_groups
    # but not a victim word three ordinary words on ("a statement that its fighters had killed" is no toll of 1)
    assert extract_toll("in a statement that its fighters had killed 11 soldiers").killed == Count(11, 11)


def test_the_area_of_a_district_places_the_area():
    from loaders.news import _drop_qualifiers, _find_places
    text = "Gunmen raided a farm in the Chaman area of Killa Abdullah district on Monday."
    names = [m.place.name for m in _drop_qualifiers(_find_places(text, {"PAK"}), text)]
    assert names == ["Chaman"]


# ----- a toll at a place the gazetteer lacks ----------------------------------------------------------------

def test_a_claim_at_an_unknown_place_of_its_own_is_not_the_last_events_toll(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Militants attacked a border post at Chaman on Wednesday, killing two "
                                            "soldiers. The army said on Thursday it had killed nine militants in a "
                                            "sweep near Qorvatzabad.")
    assert killed(ev, "Chaman") == (2, 2)
    assert (ev["fatalities_low"] == 9).sum() == 1


def test_an_unknown_place_named_with_the_event_before_keeps_the_toll_there(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Jets bombed a hamlet near Qorvatzabad on Wednesday, killing six people, "
                                            "villagers said. The army said on Thursday that its strike near "
                                            "Qorvatzabad had killed 15 fighters.")
    tolls = incident_tolls(ev)
    assert len(tolls[tolls["killed_low"].notna()]) == 1
    assert (int(tolls["killed_low"].min()), int(tolls["killed_high"].max())) == (6, 15)


# ----- the place a toll belongs to: town over its province, city over its district ------------------------------

def test_a_town_in_the_state_of_a_province_keeps_the_toll(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Gunmen opened fire at a market in Chaman, in the southwestern province of "
                                            "Balochistan, on Thursday and shot dead three traders, police said.")
    assert list(ev["location"].dropna().unique()) == ["Chaman"]
    assert killed(ev, "Chaman") == (3, 3)


def test_a_district_of_the_city_a_sentence_opens_on_is_that_city(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "In Quetta, a grenade hit the Satellite Town district on Friday, killing a "
                                            "shopkeeper, police said.")
    assert list(ev["location"].dropna().unique()) == ["Quetta"]


# ----- dates are not figures; a bomb that went off is an event ------------------------------------------------

def test_a_year_before_a_figure_word_is_not_a_toll():
    from loaders.tolls import extract_toll
    assert extract_toll("In May 2021 one of the group's gunmen killed a judge").killed == Count(1, 1)  # the judge
    assert extract_toll("In June 2022 one of its gunmen killed the mayor").killed == Count(1, 1)  # the mayor, not 2022


def test_a_bomb_that_went_off_with_words_between_is_an_explosion(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "In Quetta, a bomb hidden in a parked motorcycle went off on Thursday "
                                            "morning. Officials gave no casualty figures.")
    r = ev[ev["location"] == "Quetta"]
    assert len(r) == 1 and r.iloc[0]["event_type"] == "Explosions/Remote violence"


# ----- news toll or background toll --------------------------------------------------------------------------

def test_a_simple_past_toll_after_a_recalled_year_counts_the_news_event(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Militants stormed a checkpoint in Zhob on Monday. The district has been a "
                                            "stronghold of the group since 2019, when its fighters overran the town. "
                                            "Five soldiers were killed, the army said.")
    assert killed(ev, "Zhob") == (5, 5)
    assert not (ev[ev["date_precision"] == "year"]["fatalities_low"] == 5).any()


def test_a_past_perfect_toll_after_a_recalled_month_stays_with_it(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Militants stormed a checkpoint in Zhob on Monday. The town was the scene "
                                            "of a massacre in June 2023. Rights groups said 40 villagers had been killed.")
    row = ev[ev["fatalities_low"] == 40]
    assert len(row) == 1 and row.iloc[0]["date_precision"] == "month"
    assert killed(ev, "Zhob") == (None, None)


def test_the_toll_of_a_list_of_places_stays_with_the_first(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Air strikes hit Khost and Paktika provinces on Wednesday, killing at "
                                            "least 14 people, officials said.")
    assert killed(ev, "Khost") == (14, None)
    assert killed(ev, "Paktika") == (None, None)


def test_an_in_all_figure_for_one_named_act_stays_its_toll(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "On Wednesday, a bomb in Zhob wounded three soldiers. Insurgents stormed a "
                                            "police post near Chaman on Thursday. In all, nine people died in the raid "
                                            "on the post, officials said.")
    assert killed(ev, "Chaman") == (9, 9)


def test_a_total_toll_update_of_one_event_is_kept(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "On Wednesday, a bomb in Zhob killed two soldiers. Insurgents stormed a "
                                            "police post near Chaman on Thursday, killing four policemen. Two wounded "
                                            "policemen later died, bringing the total toll from the raid to six.")
    assert killed(ev, "Chaman")[1] == 6


# ----- more ways to tell a death ----------------------------------------------------------------------------

def test_passive_shot_dead_and_hacked_to_death_are_deaths():
    from loaders.tolls import extract_toll
    assert extract_toll("two guards were shot dead at the gate").killed == Count(2, 2)
    assert extract_toll("four herders were hacked to death overnight").killed == Count(4, 4)


def test_an_official_named_in_apposition_is_one_dead():
    from loaders.tolls import extract_toll
    assert extract_toll("the town's mayor, Ana Ruiz, was shot dead outside her office").killed == Count(1, 1)
    assert extract_toll("a district governor was killed in the blast").killed == Count(1, 1)


def test_the_speaker_after_a_list_of_victims_is_not_one_of_them():
    from loaders.tolls import extract_toll
    toll = extract_toll("the shelling wounded three men, the regional governor said")
    assert toll.injured == Count(3, 3)


def test_people_treated_for_injuries_or_in_hospital_are_injured():
    from loaders.tolls import extract_toll
    assert extract_toll("paramedics treated five people for injuries").injured == Count(5, 5)
    assert extract_toll("scores of pilgrims were treated in hospital").injured == Count(40, 99)
    assert extract_toll("the clinic treated 3 delegations").injured is None


def test_no_one_killed_or_injured_is_zero_of_both():
    from loaders.tolls import extract_toll
    toll = extract_toll("the mayor said no one was killed or injured")
    assert (toll.killed, toll.injured) == (Count(0, 0), Count(0, 0))


def test_a_second_group_with_their_counts_with_the_first():
    from loaders.tolls import extract_toll
    assert extract_toll("more than 30 patients and their relatives were killed").killed == Count(31, None)
    assert extract_toll("killing the driver and his son, two residents said").killed == Count(2, 2)


def test_a_toll_during_the_recalled_takeover_is_the_takeovers(tmp_path):
    ev = read_story(tmp_path, "2025-12-05", "On Monday, gunmen shot dead two aid workers in Zhob. Fighting has spread "
                                            "since rebels seized Quetta in late October. More than 200 patients were "
                                            "killed at the city's main hospital during the takeover, doctors said.")
    assert killed(ev, "Zhob") == (2, 2)
    row = ev[ev["fatalities_low"] == 201]
    assert len(row) == 1 and row.iloc[0]["date_precision"] == "month"


def test_a_gazetteer_town_keeps_the_articles_spelling_without_diacritics():
    from loaders.news import _find_places
    text = "Shells landed in Baniyas on Monday."
    names = [m.place.name for m in _find_places(text, {"SYR"}) if m.place.feature != "country"]
    assert names == ["Baniyas"]


def test_bodies_found_after_a_relative_clause_are_an_event(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "The bodies of three shepherds who had been abducted last week were found "
                                            "near Zhob on Thursday, police said.")
    assert killed(ev, "Zhob") == (3, 3)


def test_a_day_that_marks_years_since_an_act_dates_the_act_back(tmp_path):
    ev = read_story(tmp_path, "2025-06-23", "Friday marked three years since the killing of 12 miners at a pit near "
                                            "Quetta, the worst attack on the mines in a decade.")
    row = ev[ev["fatalities_low"] == 12]
    assert len(row) == 1
    assert (row.iloc[0]["event_date"], row.iloc[0]["date_precision"]) == (pd.Timestamp("2022-06-01"), "month")


def test_a_toll_at_an_unknown_hospital_stays_with_the_event(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Militants attacked a post at Chaman on Wednesday, killing two soldiers. "
                                            "Four wounded soldiers died later at Qorvat Memorial Hospital, officials said.")
    tolls = incident_tolls(ev)
    assert len(tolls[tolls["killed_low"].notna()]) == 1
