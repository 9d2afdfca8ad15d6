"""Any two states can be the parties of a row, not only those data/actors.csv lists; a country an article only
mentions (a mediator, a neighbour, a victim's nationality) is no party; datasets name any state's forces."""

import pytest

from loaders.actors import resolve_actor
from tests.factories import read_story, violent

BORDER_WAR = (
    "Ecuadorian and Peruvian troops fought for a third day on Thursday along the disputed stretch of the Cenepa "
    "valley, officials in both capitals said. Ecuador's defence ministry said 12 of its soldiers had been killed "
    "since Tuesday; the Peruvian army said it had lost nine men. Peruvian forces shelled an Ecuadorian outpost near "
    "Tiwintza overnight, the ministry said, and Ecuadorian forces answered with mortar fire. Brazil and Argentina, "
    "guarantors of the 1942 border treaty, urged both governments to agree a ceasefire, and the United States "
    "offered to host talks.\n"
)

INTERNAL = (
    "Gunmen killed 14 villagers in a night raid on a farming settlement in central Mali on Monday, local officials "
    "said. The Malian army said troops had been sent to the area. Thousands of people have fled the region into "
    "neighbouring Mauritania and Burkina Faso in recent months, and French diplomats said Paris was following the "
    "situation closely.\n"
)


def test_two_states_no_table_lists_are_the_parties_of_a_border_war(tmp_path):
    rows = violent(read_story(tmp_path, "1995-02-03", BORDER_WAR))
    assert not rows.empty
    assert set(rows["dyad"].dropna()) == {"ECU-PER"}, rows[["dyad", "source_quote"]]
    named = set(rows["actor1"].dropna()) | set(rows["actor2"].dropna())
    assert named == {"Military Forces of Ecuador", "Military Forces of Peru"}


def test_countries_only_mentioned_are_no_party(tmp_path):
    rows = read_story(tmp_path, "1995-02-03", BORDER_WAR)
    for iso in ("BRA", "ARG", "USA"):
        assert not rows["dyad"].fillna("").str.contains(iso).any(), rows[["dyad", "source_quote"]]


def test_neighbours_of_an_internal_conflict_are_no_party(tmp_path):
    rows = violent(read_story(tmp_path, "2025-05-13", INTERNAL))
    assert not rows.empty
    for iso in ("MRT", "BFA", "FRA"):
        assert not rows["dyad"].fillna("").str.contains(iso).any(), rows[["dyad", "source_quote"]]


@pytest.mark.parametrize("name, expected", [
    ("Military Forces of Ecuador (1984-1988)", ("Military Forces of Ecuador", "ECU", "state")),
    ("Government of Kyrgyzstan", ("Military Forces of Kyrgyzstan", "KGZ", "state")),
    ("Peru", ("Military Forces of Peru", "PER", "state")),
    ("Military Forces of Pakistan (2018-)", ("Military Forces of Pakistan", "PAK", "state")),
])
def test_a_dataset_names_any_state(name, expected):
    assert resolve_actor(name) == expected


@pytest.mark.parametrize("sentence, group", [
    ("JNIM fighters attacked an army post near the town on Sunday, killing six soldiers, the army said.",
     "JNIM: Group for Support of Islam and Muslims"),
    ("Houthi forces fired a missile at a cargo ship in the Red Sea on Monday, killing two crew members.",
     "Ansar Allah (Houthis)"),
    ("Al-Shabaab militants stormed a police station on Friday, killing four officers, police said.", "Al Shabaab"),
])
def test_armed_groups_of_many_conflicts_are_named_parties(tmp_path, sentence, group):
    rows = violent(read_story(tmp_path, "2025-06-02", sentence + "\n"))
    assert not rows.empty
    assert ((rows["actor1"] == group) | (rows["actor2"] == group)).all(), rows[["actor1", "actor2"]]


ALLY_NAMED_MORE = (
    "Seven Kenyan soldiers were killed when al-Shabaab fighters overran a forward base near the border town on "
    "Tuesday, the army said. American forces carried out two air strikes on the attackers' positions later in the "
    "day, the U.S. military said; Washington has carried out dozens of such strikes this year, and U.S. officials "
    "said the U.S. military would keep supporting its partners.\n"
)


def test_a_sentence_naming_a_states_soldiers_makes_it_that_rows_party(tmp_path):
    """The ally named most often in the article is not the side its soldiers' sentence names; and 'al-<Name>'
    in lower case is still the group."""
    rows = violent(read_story(tmp_path, "2025-06-04", ALLY_NAMED_MORE))
    first = rows[rows["source_quote"].str.contains("Seven Kenyan soldiers")]
    assert len(first) == 1, rows[["dyad", "source_quote"]]
    assert first["dyad"].iloc[0] == "KEN-SHABAAB", first[["actor1", "actor2", "dyad"]]


@pytest.mark.parametrize("story, parties", [
    # A country named with a possessive ("<Country>'s defence ministry") is named by its forces too.
    ("Israeli jets struck near the capital on Wednesday, Syria's defence ministry said, killing three soldiers. "
     "Syria's defence ministry called the strikes a violation of its sovereignty; Israel said it had hit "
     "weapons depots. Syria has protested to the UN.\n", "ISR-SYR"),
    # A state the table lists as a mediator elsewhere is a party where its troops fight.
    ("Turkish troops shelled PKK positions in the mountains on Saturday, killing five fighters, the Turkish "
     "defence ministry said. The PKK said two of its members died.\n", "PKK-TUR"),
])
def test_parties_named_by_possessive_or_listed_as_mediators(tmp_path, story, parties):
    rows = violent(read_story(tmp_path, "2025-03-16", story))
    assert not rows.empty
    assert set(rows["dyad"].dropna()) == {parties}, rows[["dyad", "source_quote"]]


def test_a_territory_is_a_place_not_a_party(tmp_path):
    rows = violent(read_story(tmp_path, "2025-03-16", (
        "Israeli strikes on Gaza killed 12 people overnight, Gaza's civil defence said. Hamas fighters fired rockets "
        "at southern Israel in response, the Israeli military said.\n")))
    assert not rows.empty
    assert not rows["dyad"].fillna("").str.contains("PSE").any(), rows[["dyad", "source_quote"]]


def test_unnamed_forces_are_the_story_countrys(tmp_path):
    """'The army said' in a story told in one country is that country's army, though its name never comes
    with a force's noun; a country named once in background is still no party."""
    rows = violent(read_story(tmp_path, "2024-08-27", (
        "Fighters of JNIM killed at least 40 soldiers and volunteer auxiliaries in an attack on a post near Djibo "
        "in northern Burkina Faso on Saturday, the army said. Burkina Faso's junta has been fighting the group "
        "since it took power in 2022. JNIM said in a statement that it had seized weapons. French troops left "
        "the country in 2023, and Burkina Faso has since turned to Russia for support.\n")))
    assert not rows.empty
    assert set(rows["dyad"].dropna()) == {"BFA-JNIM"}, rows[["dyad", "source_quote"]]
