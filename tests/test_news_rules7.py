"""Rules added for toll attribution (issue 4, rules round 7): each with sentences written for the test, not
taken from an article."""

import pandas as pd
import pytest

from loaders.tolls import Count, extract_toll
from monitor.casualties import incident_tolls
from tests.factories import read_story


def tolls_of(events: pd.DataFrame) -> pd.DataFrame:
    return incident_tolls(events)


# ----- lists of victims ------------------------------------------------------------------------------

def test_a_plain_plural_and_a_singular_victim_of_one_list_add_up():
    # a capitalised plural the victim table lacks is read as people; in a list it is a part, not a total
    assert extract_toll("Near the river, seven Rebels and a policeman of the rural guard died.").killed == Count(8, 8)


def test_n_of_them_stays_a_subset_of_the_figure_before():
    assert extract_toll("A rocket hit a school, killing 14 people, six of them children.").killed == Count(14, 14)


def test_an_official_of_a_named_place_and_others_are_one_list():
    toll = extract_toll("A bomber killed the mayor of Eastfield district and three other people at the town hall.")
    assert toll.killed == Count(4, 4)


def test_a_figure_before_an_active_killing_verb_is_the_killer():
    # "one of its gunmen killed the judge": one dead (the judge), not the gunman as well
    assert extract_toll("In 2019 one of its gunmen killed the judge outside a court.").killed == Count(1, 1)
    # a reduced passive is still read
    assert extract_toll("Four guards killed in the ambush were buried on Friday.").killed == Count(4, 4)


# ----- each side's own losses ------------------------------------------------------------------------

def test_own_losses_are_marked():
    assert extract_toll("The army said it lost 12 soldiers.").own
    assert extract_toll("The rebels said five of their fighters died.").own
    assert not extract_toll("The army said it killed 40 rebels.").own


def test_two_sides_own_losses_add_up(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Troops and rebels fought near Ostrava on Tuesday. The army said it lost "
                                            "12 soldiers, while the rebels said five of their fighters died.")
    t = tolls_of(ev)
    assert (t["killed_low"].max(), t["killed_high"].max()) == (17, 17)


def test_one_sides_claim_of_the_others_dead_still_competes(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Troops and rebels fought near Ostrava on Tuesday. The army said it killed "
                                            "40 rebels, while the rebels said five of their fighters died.")
    t = tolls_of(ev)
    assert t["killed_high"].max() == 40  # a claim of the other side's dead is no part of a sum with one's own


# ----- a breakdown in apposition; dead told "also" --------------------------------------------------

def test_an_appositive_breakdown_that_adds_up_is_not_counted_again():
    toll = extract_toll("Shells hit a farmhouse, killing seven children, three boys and four girls, and their father.")
    assert toll.killed == Count(8, 8)
    # parts that do not add up to the figure are a list, read as before
    assert extract_toll("The raid killed 12 people, including five children, and wounded 30.").killed == Count(12, 12)


def test_an_appositive_breakdown_before_the_verb_keeps_the_next_victim_of_the_list():
    """The subject told first, then its breakdown, then one more victim: the closing comma of the breakdown
    once stayed and cut the list, leaving only the last victim."""
    assert extract_toll("Eight pupils, five girls and three boys, and a teacher were killed when the roof fell "
                        "in.").killed == Count(9, 9)
    assert extract_toll("Five labourers, two men and three women, were wounded by the blast.").injured == Count(5, 5)


@pytest.mark.parametrize("sentence, killed, injured", [
    # a subject of three or four victims told before the verb
    ("Four nurses, two guards and a driver were killed when the clinic was shelled.", 7, None),
    ("Three soldiers, two policemen, a driver and a child were wounded in the blast.", None, 7),
    # an object of three told after the verb, with the wounded after it
    ("Militants killed 12 soldiers, 3 policemen and 2 civilians and wounded 40 people.", 17, 40),
    ("The drone strike killed four children, two women and an old man in the market.", 7, None),
    # not a list: a year before a subject of two, a speaker after an object of two
    ("In 2023, three soldiers and a policeman were killed.", 4, None),
    ("The attack killed two soldiers and a civilian, a police officer said.", 3, None),
])
def test_a_list_of_three_victims_or_more_adds_up(sentence, killed, injured):
    toll = extract_toll(sentence)
    assert toll.killed == (Count(killed, killed) if killed is not None else None)
    assert toll.injured == (Count(injured, injured) if injured is not None else None)


def test_others_also_killed_add_to_the_attackers_told_before(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Gunmen stormed a police post near Ostrava on Monday. The army said troops "
                                            "killed all four attackers. Officials said a guard and a driver were also killed.")
    t = tolls_of(ev)
    assert (t["killed_low"].max(), t["killed_high"].max()) == (6, 6)


# ----- "N of them"; where a toll was announced --------------------------------------------------------

def test_n_of_them_before_a_death_verb_is_a_toll():
    toll = extract_toll("Police said gunmen raided the depot and that about 8 to 10 of them were killed.")
    assert toll.killed == Count(8, 10)
    assert extract_toll("Three of them were wounded.").injured == Count(3, 3)


def test_the_place_of_a_news_conference_is_not_the_place_of_the_dead(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "Rebels attacked army posts along the frontier overnight. The rebel "
                                            "spokesman told a news conference in Ostrava on Friday that 14 soldiers "
                                            "had been killed.")
    assert "Ostrava" not in set(ev["location"].dropna())
    assert ev["fatalities_low"].max() == 14


def test_a_threat_made_in_a_city_stays_in_that_city(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "The army spokesman said in Ostrava on Thursday that troops would respond "
                                            "with all necessary force to any new attack.")
    assert "Ostrava" in set(ev["location"].dropna())


# ----- a quoted truce -----------------------------------------------------------------------------------

def test_a_truce_in_quotation_marks_is_still_agreed():
    from loaders.news import _find_cues
    text = 'The two governments have agreed to a "complete and lasting ceasefire" after talks in Geneva.'
    assert "ceasefire_agreed" in {c.row["diplomatic_action"] for c in _find_cues(text)}


# ----- the day bodies were found, not the day people went missing --------------------------------------

def test_bodies_found_are_dated_by_the_finding_not_the_disappearance(tmp_path):
    ev = read_story(tmp_path, "2025-03-14", "The bodies of three shepherds who had been missing since Sunday were found "
                                            "on Wednesday near Ostrava, police said.")
    assert set(ev["event_date"].dt.strftime("%Y-%m-%d")) == {"2025-03-12"}


# ----- an act on a country's posts or territory, with no place of its own ------------------------------

def test_posts_named_by_a_country_place_a_placeless_attack_in_that_country():
    from loaders.news import _targets_country
    assert _targets_country("Rebels attacked Indian border posts overnight, killing four soldiers.") == "IND"
    assert _targets_country("Shells landed on Iranian territory, officials said.") == "IRN"
    # two countries' posts: no single country
    assert _targets_country("Troops hit Indian posts and militants struck Iranian positions.") is None
    assert _targets_country("Gunmen attacked a convoy near the frontier.") is None


# ----- a date told after a second cue belongs to that cue ---------------------------------------------

def test_a_date_after_a_later_cue_does_not_date_the_first(tmp_path):
    import loaders
    f = tmp_path / "talks.txt"
    f.write_text("Title: Talks end\nPublished: 2025-03-14\n\nTalks between the two governments in Geneva have ended "
                 "without a deal, officials said, raising fears that a fragile truce agreed last month could unravel.\n",
                 encoding="utf-8")
    ev = loaders.load(f)
    failed = ev[ev["diplomatic_action"] == "talks_failed"]
    assert len(failed) == 1 and failed["event_date"].iloc[0].strftime("%Y-%m") == "2025-03"


# ----- a negated truce or talks verb --------------------------------------------------------------------

def test_a_truce_that_had_not_collapsed_is_no_end_of_it(tmp_path):
    import loaders
    f = tmp_path / "truce.txt"
    f.write_text("Title: Truce holds\nPublished: 2025-03-14\n\nBoth governments said on Thursday that the truce had "
                 "not collapsed despite the shelling near the frontier.\n", encoding="utf-8")
    ev = loaders.load(f)
    assert "ceasefire_ended" not in set(ev["diplomatic_action"].dropna())


def test_not_respecting_a_truce_is_still_a_breach():
    from loaders.news import _find_cues
    text = "The ministry said the rebels were not respecting the truce."
    assert "ceasefire_violated" in {c.row["diplomatic_action"] for c in _find_cues(text)}
