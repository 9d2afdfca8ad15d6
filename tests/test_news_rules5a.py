"""Casualty rules added after blind batch 5a (issue 4): each with a sentence written for the test, not taken
from an article."""


import pandas as pd
import pytest

from loaders.tolls import Count, extract_toll
from monitor.casualties import incident_tolls
from tests.factories import read_story


def incident_of(events: pd.DataFrame, location: str) -> pd.Series:
    """The toll of the one incident placed at `location`."""
    ids = set(events.loc[events["location"] == location, "incident_id"])
    assert len(ids) == 1, events[["location", "incident_id", "source_quote"]]
    tolls = incident_tolls(events).set_index("incident_id")
    return tolls.loc[ids.pop()]


# ----- one person named by a determiner (loaders/tolls.py, data/victim_groups.csv) --------------------

@pytest.mark.parametrize("sentence, killed, injured", [
    ("A roadside bomb hit a bus, killing the driver and wounding six passengers.", Count(1, 1), Count(6, 6)),
    ("The mortar round killed a farmer and his daughter.", Count(2, 2), None),
    ("Her husband was killed when the shell landed.", Count(1, 1), None),
    ("A drone dropped a grenade on a tractor, lightly wounding its driver.", None, Count(1, 1)),
])
def test_a_determiner_before_a_singular_victim_is_one_person(sentence, killed, injured):
    toll = extract_toll(sentence)
    assert (toll.killed, toll.injured) == (killed, injured)


def test_a_determiner_before_a_plural_or_a_non_victim_word_is_no_figure():
    assert extract_toll("The militants were killed in the raid.").killed is None
    assert extract_toll("Troops killed the leader of the cell.").killed is None


# ----- injury words ------------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, killed, injured", [
    ("Gunmen raided the market, killing four people and hurting seven others.", Count(4, 4), Count(7, 7)),
    ("Eight people were hospitalised after the blast.", None, Count(8, 8)),
    ("At least 12 people died and dozens more were wounded.", Count(12, None), Count(24, 99)),
    ("The patrol boat sank, killing all five crew members.", Count(5, 5), None),
])
def test_injury_verbs_more_of_the_same_and_all_of_them(sentence, killed, injured):
    toll = extract_toll(sentence)
    assert (toll.killed, toll.injured) == (killed, injured)


def test_those_of_the_injured_taken_to_hospital_are_not_counted_twice():
    toll = extract_toll("Thirty people were wounded, eleven of whom were hospitalised.")
    assert toll.injured == Count(30, 30)


# ----- one source telling its toll again (loaders/news.py) -----------------------------------------------

def test_a_revised_toll_of_the_same_source_supersedes_the_first(tmp_path):
    ev = read_story(tmp_path, "2025-06-04",
              "Artillery shells hit the market in Kherson on Tuesday, killing at least three people, the governor "
              "said on Wednesday. By evening he raised the toll to nine. Fourteen people were injured.")
    inc = incident_of(ev, "Kherson")
    assert (inc["killed_low"], inc["killed_high"], inc["killed_open"]) == (9, 9, False)
    assert (inc["injured_low"], inc["injured_high"]) == (14, 14)


def test_nobody_hurt_told_after_a_strike_is_its_toll(tmp_path):
    ev = read_story(tmp_path, "2025-06-04",
              "Drones hit a fuel depot in Kherson on Tuesday, starting a fire, the regional administration said. "
              "Nobody was hurt.")
    inc = incident_of(ev, "Kherson")
    assert (inc["killed_low"], inc["killed_high"], inc["injured_low"], inc["injured_high"]) == (0, 0, 0, 0)


# ----- more ways of telling a toll (loaders/tolls.py, data/number_words.csv, data/casualty_words.csv) -----

@pytest.mark.parametrize("sentence, killed, injured", [
    ("Three people were seriously injured when the wall collapsed.", None, Count(3, 3)),
    ("Eleven Somalis were killed near the border post.", Count(11, 11), None),
    ("Nine people sustained injuries in the crush.", None, Count(9, 9)),
    ("Five people suffered minor injuries.", None, Count(5, 5)),
    ("Six of the passengers were taken to a nearby hospital.", None, Count(6, 6)),
    ("The raid claimed 17 lives, the mayor said.", Count(17, 17), None),
    ("Four more bodies were pulled from the river on Monday.", Count(4, 4), None),
    ("The number of dead has risen to 52.", Count(52, 52), None),
    ("Eight members of the security forces were killed in the ambush.", Count(8, 8), None),
    ("Two were critically wounded.", None, Count(2, 2)),
    ("Twenty people were confirmed dead by Monday.", Count(20, 20), None),
    ("A handful were wounded by shrapnel.", None, Count(2, 5)),
    ("The blast killed two dozen people and wounded half a dozen.", Count(24, 24), Count(6, 6)),
    ("Nearly three hundred people were killed.", Count(240, 300), None),
    ("Several dozen fighters were killed.", Count(36, 108), None),
])
def test_wire_phrasings_of_the_dead_and_injured(sentence, killed, injured):
    toll = extract_toll(sentence)
    assert (toll.killed, toll.injured) == (killed, injured)



@pytest.mark.parametrize("sentence, killed, injured", [
    ("Medics at the district clinic said they had received 9 wounded and three bodies.", Count(3, 3), Count(9, 9)),
    ("Volunteers pulled four bodies from the collapsed mosque.", Count(4, 4), None),
    ("The field hospital treated 25 injured people overnight.", None, Count(25, 25)),
])
def test_bodies_and_wounded_counted_where_they_were_received(sentence, killed, injured):
    toll = extract_toll(sentence)
    assert (toll.killed, toll.injured) == (killed, injured)


def test_a_visit_received_is_not_an_injury():
    assert extract_toll("The governor received three delegations of elders.").injured is None


# ----- the same voice speaking again adds its other groups (loaders/news.py) ------------------------------

def test_a_pronoun_source_adds_the_other_groups_of_the_same_account(tmp_path):
    ev = read_story(tmp_path, "2025-06-04",
              "Troops beat back an assault on a garrison in Kherson on Monday, killing 14 of the attackers, the army said. "
              "Three soldiers were killed and five wounded in the fighting, it added.")
    inc = incident_of(ev, "Kherson")
    assert (inc["killed_low"], inc["killed_high"]) == (17, 17)
    assert (inc["injured_low"], inc["injured_high"]) == (5, 5)


# ----- lists, "another", totals (loaders/tolls.py) ----------------------------------------------------

@pytest.mark.parametrize("sentence, killed, injured", [
    ("Two guards and a driver were wounded in the raid.", None, Count(3, 3)),
    ("The rocket killed a farmer and his three sons.", Count(4, 4), None),
    ("The sniper killed one man and wounded another.", Count(1, 1), Count(1, 1)),
    ("One person was killed and another hurt.", Count(1, 1), Count(1, 1)),
    ("The second blast killed another 14 people.", Count(14, 14), None),
    ("The blast killed the bomber and two guards.", Count(3, 3), None),
    ("Soldiers shot dead the three gunmen.", Count(3, 3), None),
    ("The fighting killed a total of 23 people.", Count(23, 23), None),
    ("An air strike killed a family of six.", Count(6, 6), None),
    ("Two more of the wounded died on Friday, bringing the toll to 19.", Count(19, 19), None),
])
def test_lists_one_more_person_and_stated_totals(sentence, killed, injured):
    toll = extract_toll(sentence)
    assert (toll.killed, toll.injured) == (killed, injured)


# ----- one account of one incident across sentences (loaders/news.py) ------------------------------------

def test_one_sources_groups_told_in_two_sentences_add_up(tmp_path):
    ev = read_story(tmp_path, "2025-06-04",
              "Police said four officers were killed in fighting in Kherson on Tuesday. Police said 12 gunmen were "
              "killed in Kherson on Tuesday.")
    inc = incident_of(ev, "Kherson")
    assert (inc["killed_low"], inc["killed_high"]) == (16, 16)


def test_two_sources_for_the_same_group_stay_a_range(tmp_path):
    ev = read_story(tmp_path, "2025-06-04",
              "Gunmen ambushed a patrol in Kherson on Tuesday, killing four soldiers, the army said. The rebels said "
              "they had killed 25 soldiers.")
    inc = incident_of(ev, "Kherson")
    assert (inc["killed_low"], inc["killed_high"]) == (4, 25)


def test_a_second_group_joined_without_a_figure_is_one_count():
    toll = extract_toll("The army said more than 200 fighters and allied militiamen were killed.")
    assert toll.killed == Count(201, None)
    # a figure or a verb after "and" starts a figure of its own
    toll = extract_toll("The raid killed 3 soldiers and two civilians and wounded 8 others.")
    assert (toll.killed, toll.injured) == (Count(5, 5), Count(8, 8))


# ----- nobody hurt, said in more ways (loaders/tolls.py) -------------------------------------------------

@pytest.mark.parametrize("sentence, killed, injured", [
    ("No injuries were reported after the shelling.", None, Count(0, 0)),
    ("The mine exploded without causing casualties.", Count(0, 0), Count(0, 0)),
    ("Officials said there were no deaths or injuries.", Count(0, 0), Count(0, 0)),
    ("None of the passengers were injured.", None, Count(0, 0)),
    ("None of them was hurt.", Count(0, 0), Count(0, 0)),
])
def test_nobody_hurt_in_more_words(sentence, killed, injured):
    toll = extract_toll(sentence)
    assert (toll.killed, toll.injured) == (killed, injured)


@pytest.mark.parametrize("sentence", [
    "No one was seriously hurt in the crash.",  # some were, lightly
    "The command said no civilians were harmed in the strike.",  # one group spared says nothing of the rest
])
def test_a_partial_denial_is_no_zero_toll(sentence):
    toll = extract_toll(sentence)
    assert (toll.killed, toll.injured) == (None, None)


@pytest.mark.parametrize("words, low, high", [
    ("just over 20", 21, None), ("well over 100", 101, None), ("30 or so", 30, 30), ("just under 50", 40, 50),
])
def test_more_hedged_figures(words, low, high):
    from loaders.tolls import parse_quantity
    assert parse_quantity(words) == Count(low, high)


# ----- a toll told by the officials of the province the event lies in (loaders/news.py) ----------------

def test_a_toll_from_the_province_of_the_event_is_that_events_toll(tmp_path):
    ev = read_story(tmp_path, "2025-06-04",
              "A bomb went off at a bus stop in Spin Boldak on Tuesday. Officials in Kandahar province said six "
              "people were killed and nine wounded.")
    assert set(ev["location"]) == {"Spin Boldak"}
    inc = incident_of(ev, "Spin Boldak")
    assert (inc["killed_low"], inc["killed_high"], inc["injured_low"], inc["injured_high"]) == (6, 6, 9, 9)


def test_an_injury_count_two_sentences_after_its_event_is_its_toll(tmp_path):
    ev = read_story(tmp_path, "2025-06-04",
              "A grenade was thrown at a tea stall in Kherson on Tuesday. The attacker escaped on a motorbike. "
              "Five people were hurt, police said.")
    inc = incident_of(ev, "Kherson")
    assert (inc["injured_low"], inc["injured_high"]) == (5, 5)
    assert ev["location"].notna().all()


def test_casualties_alone_stay_in_the_casualty_text_without_figures(tmp_path):
    assert extract_toll("The barrage caused 30 casualties.").texts == ["30 casualties"]
    ev = read_story(tmp_path, "2025-06-04", "Artillery shelled a market in Kherson on Tuesday, causing 30 casualties, "
                                            "officials said.")
    r = ev[ev["location"] == "Kherson"].iloc[0]
    assert r["casualty_text"] == "30 casualties"
    assert pd.isna(r["fatalities_low"]) and pd.isna(r["injured_low"])


@pytest.mark.parametrize("sentence, killed", [
    ("Eleven soldiers embraced martyrdom in the exchange of fire.", Count(11, 11)),
    ("The statement mourned the martyrdom of two policemen.", Count(2, 2)),
    ("Troops neutralised 40+ militants.", Count(40, None)),
    ("Over 30 Taliban and allied militants were killed.", Count(31, None)),
])
def test_military_statement_phrasings(sentence, killed):
    assert extract_toll(sentence).killed == killed


# ----- who speaks (data/source_kinds.csv, loaders/news.py) ---------------------------------------------

def test_medical_and_rescue_voices_are_one_source_each_and_countries_keep_sources_apart():
    from loaders.news import _same_source
    assert _same_source("hospital officials", "doctors at the district hospital")
    assert _same_source("the civil defence", "rescuers")
    assert not _same_source("hospital officials", "the army")
    assert not _same_source("Lebanese health ministry", "Israeli health ministry")


@pytest.mark.parametrize("sentence, killed, civilians, injured", [
    ("At least 8 civilians, including 3 children, died.", Count(8, None), 8, None),
    ("The number of wounded rose to 60.", None, None, Count(60, 60)),
    ("The injury toll climbed to 45.", None, None, Count(45, 45)),
    ("Three soldiers died and a fourth was wounded.", Count(3, 3), None, Count(1, 1)),
])
def test_subsets_injured_totals_and_ordinals(sentence, killed, civilians, injured):
    toll = extract_toll(sentence)
    assert (toll.killed, toll.civilians, toll.injured) == (killed, civilians, injured)


def test_the_statement_speaking_again_adds_its_other_group(tmp_path):
    ev = read_story(tmp_path, "2025-06-04",
              "Five policemen were killed when gunmen attacked a checkpoint in Kherson on Tuesday, the interior "
              "ministry announced. The statement said officers had shot dead eight of the attackers.")
    inc = incident_of(ev, "Kherson")
    assert (inc["killed_low"], inc["killed_high"]) == (13, 13)


def test_a_dateline_with_an_accented_city_is_not_a_date_of_the_story(tmp_path):
    ev = read_story(tmp_path, "2025-06-05",
              "BOGOTÁ, June 5 (Wire) — Rebels ambushed a patrol near Kherson on Tuesday, killing two soldiers, "
              "the army said.")
    assert list(ev["event_date"]) == [pd.Timestamp("2025-06-03")]


@pytest.mark.parametrize("sentence, text", [
    ("Nine people were killed or wounded in the shelling.", "Nine people were killed or wounded"),
    ("The mine killed or injured 14 villagers.", "killed or injured 14 villagers"),
])
def test_killed_or_wounded_is_a_mixed_count_kept_in_words(sentence, text):
    toll = extract_toll(sentence)
    assert (toll.killed, toll.injured, toll.texts) == (None, None, [text])


@pytest.mark.parametrize("sentence", [
    "Drones killed the Taliban fighters sheltering in the valley.",  # a movement's name, not one person
    "The siege killed the civilian population slowly.",  # a word qualifying a whole
])
def test_a_determiner_before_a_group_name_or_a_qualifier_is_no_figure(sentence):
    assert extract_toll(sentence).killed is None


def test_unattributed_tolls_of_two_groups_in_two_sentences_stay_apart(tmp_path):
    # no source is read for either sentence: they may be two sides' claims, so they are not added
    ev = read_story(tmp_path, "2025-06-04",
              "Four soldiers were killed in fighting in Kherson on Tuesday. Thirty militants were killed in "
              "Kherson on Tuesday.")
    inc = incident_of(ev, "Kherson")
    assert (inc["killed_low"], inc["killed_high"]) == (4, 30)
