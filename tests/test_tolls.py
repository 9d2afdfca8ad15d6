"""Casualty words (SPEC §4) -> ranges."""

import pytest

from loaders.tolls import Count, extract_toll, parse_quantity


@pytest.mark.parametrize("words, low, high", [
    ("15", 15, 15), ("a dozen", 12, 12), ("twenty-three", 23, 23), ("1,200", 1200, 1200),
    ("at least 15", 15, None), ("15 or more", 15, None), ("more than 30", 31, None), ("over 30", 31, None),
    ("about 20", 20, 20), ("around 20", 20, 20), ("some 20", 20, 20),
    ("nearly 40", 32, 40), ("almost 9", 8, 9), ("5 to 8", 5, 8), ("15-20", 15, 20),
    ("between 35 and 40", 35, 40), ("up to 20", 1, 20), ("a few", 2, 5), ("several", 3, 9),
    ("dozens", 24, 99), ("scores", 40, 99), ("hundreds", 200, 999), ("no one", 0, 0),
])
def test_quantity_words_follow_the_table(words, low, high):
    assert parse_quantity(words) == Count(low, high)


def test_sentence_toll_reads_killed_and_injured():
    t = extract_toll("The blast killed at least 12 people, including three children, and wounded 30 others.")
    assert t.killed == Count(12, None)
    assert t.civilians == 3  # a subset, never added
    assert t.injured == Count(30, 30)


def test_groups_add_up_and_open_ranges_stay_open():
    t = extract_toll("The army said 23 soldiers were killed and more than 200 fighters were killed.")
    assert t.killed == Count(224, None)


def test_competing_claims_about_one_group_become_a_range():
    t = extract_toll("The army said it killed dozens of insurgents, but the group said it had lost four fighters.")
    assert t.killed == Count(4, 99)


def test_counter_claim_without_a_group_widens_the_range():
    t = extract_toll("Its guns killed between 35 and 40 soldiers; the other side put its losses at 11.")
    assert t.killed == Count(11, 40)


def test_martyred_and_neutralised_mean_killed():
    assert extract_toll("Four soldiers were martyred in the attack.").killed == Count(4, 4)
    assert extract_toll("Security forces neutralised 15 militants.").killed == Count(15, 15)


def test_casualties_alone_is_not_a_death_toll():
    t = extract_toll("The shelling caused heavy casualties, officials said.")
    assert t.killed is None and t.injured is None


def test_no_one_hurt_is_zero_injured_and_zero_dead():
    # Nobody hurt means nobody killed either (the articles' hand-coded tolls read it so: 0..0 both).
    t = extract_toll("No one was hurt in the exchange.")
    assert t.injured == Count(0, 0) and t.killed == Count(0, 0)


def test_years_and_other_numbers_are_not_tolls():
    t = extract_toll("The worst violence since the Taliban returned to power in 2021 displaced 3,000 families.")
    assert t.killed is None and t.injured is None


@pytest.mark.parametrize("sentence, killed, injured", [
    ('Troops "neutralised" nine of them.', Count(9, 9), None),  # a quoted verb
    ('The group said it had killed "a dozen soldiers".', Count(12, 12), None),  # a quoted figure
    ("wounding four policemen and a passer-by", None, Count(5, 5)),  # "a <victim>" is one more
    ("the killing of more than 30 villagers", Count(31, None), None),
    ("eight traders who had been abducted were found dead", Count(8, 8), None),
    ("soldiers found the bodies of five farmers", Count(5, 5), None),
    ("the blast damaged shops but hurt no one", Count(0, 0), Count(0, 0)),
    ("The bomb went off at night, hurting no one.", Count(0, 0), Count(0, 0)),  # nobody hurt: nobody dead either
    ("Nobody was hurt.", Count(0, 0), Count(0, 0)),
    ("The toll from Sunday's raid has risen to 31 soldiers, up from 20 given earlier.", Count(31, 31), None),
])
def test_more_ways_of_telling_a_toll(sentence, killed, injured):
    t = extract_toll(sentence)
    assert (t.killed, t.injured) == (killed, injured)


def test_a_speaker_after_a_comma_is_not_one_more_victim():
    assert extract_toll("killing nine soldiers, a military officer said").killed == Count(9, 9)


def test_and_a_dozen_is_twelve_more():
    assert extract_toll("killing five soldiers and a dozen civilians").killed == Count(17, 17)
