"""Rules of toll round 12 (issue 4: which figure belongs to which event, on unseen text). Classes of reporting
seen in several batches; every sentence here was written for the test about other conflicts, places and
figures, not taken from an article."""

import pandas as pd
import pytest

from loaders import tolls
from loaders.tolls import Count
from tests.factories import only, read_story, violent


# ----- the victims qualified before the verb: "<N> <victims> of/from <whose, where> were killed" -------------

@pytest.mark.parametrize("sentence, killed, injured", [
    ("Five herders from a nearby camp were killed when the drone hit the well.", Count(5, 5), None),
    ("Two nurses of the district clinic were wounded by shrapnel.", None, Count(2, 2)),
    ("Three employees of the water board were killed in the shelling.", Count(3, 3), None),
    ("Seven members of one family were killed and two of their neighbours were hurt.", Count(7, 7), Count(2, 2)),
    ("A reporter of a regional weekly was wounded near the front.", None, Count(1, 1)),
    ("Eight fishermen from the same village had been killed, the navy said.", Count(8, 8), None),
])
def test_victims_qualified_before_the_verb(sentence, killed, injured):
    toll = tolls.extract_toll(sentence)
    assert (toll.killed, toll.injured) == (killed, injured), toll.texts


@pytest.mark.parametrize("sentence", [
    "Two of the three bridges from the old town were damaged.",
    "Four days of the talks were lost to procedure.",
])
def test_a_qualified_figure_that_names_no_victims_is_no_toll(sentence):
    toll = tolls.extract_toll(sentence)
    assert toll.killed is None and toll.injured is None, toll.texts


# ----- one toll told place by place: "N, three of them in A and two in B"; "N in A and B, two in each" ---------

@pytest.mark.parametrize("segments, figures", [
    (["Rocket fire killed seven villagers on Friday, four of them in ", " and three in "], [Count(4, 4), Count(3, 3)]),
    (["The raids wounded nine people, six of whom in ", " district and three in "], [Count(6, 6), Count(3, 3)]),
])
def test_a_share_of_the_victims_told_at_each_place(segments, figures):
    got = tolls.place_tolls(segments)
    assert got is not None
    assert [t.killed or t.injured for t in got] == figures


def test_a_share_of_civilians_keeps_their_group():
    got = tolls.place_tolls(["Mortar rounds killed six civilians overnight, four of them in ", " and two in "])
    assert got[0].civilians == 4 and got[0].killed == Count(4, 4)


@pytest.mark.parametrize("clause, killed, injured", [
    ("Drone strikes on Alpha and Beta wounded six farmers, three in each village", None, Count(3, 3)),
    ("Shelling of the two border towns killed four civilians, two in each town", Count(2, 2), None),
    ("Militants attacked posts in both districts, killing one policeman at each post", Count(1, 1), None),
])
def test_a_figure_for_each_place_of_a_list(clause, killed, injured):
    each = tolls.each_place_toll(clause, tolls.extract_toll(clause))
    assert each is not None and (each.killed, each.injured) == (killed, injured)


@pytest.mark.parametrize("clause", [
    "Two people were killed and three wounded, officials in each district said",  # both kinds: no one figure
    "Shelling killed four people in the two towns",  # no figure for each
])
def test_no_figure_for_each_place(clause):
    assert tolls.each_place_toll(clause, tolls.extract_toll(clause)) is None


def test_a_toll_told_place_by_place_in_a_story(tmp_path):
    events = read_story(tmp_path, "2024-03-09", (
        "Artillery fire from across the border killed five civilians on Friday, three of them in Khost and two "
        "in Gardez, a provincial official said."))
    rows = violent(events)
    assert only(rows, location="Khost")["fatalities_low"] == 3, rows[["location", "fatalities_low"]]
    assert only(rows, location="Gardez")["fatalities_low"] == 2


def test_a_figure_for_each_province_in_a_story(tmp_path):
    events = read_story(tmp_path, "2024-03-09", (
        "Air strikes on Friday in the provinces of Kunduz and Takhar wounded six villagers, three in each "
        "province, a local health official said."))
    rows = violent(events)
    assert set(rows["injured_low"]) == {3}, rows[["location", "injured_low"]]
    assert len(rows) == 2


# ----- the toll at the scene, not at the wider place named to say where the scene lies ---------------------

@pytest.mark.parametrize("story, scene, wider, killed, injured", [
    ("Soldiers exchanged fire in the Uri border sector of Baramulla district late on Monday, killing a soldier, "
     "the army said.", "Uri", "Baramulla", 1, None),
    ("Militants attacked the Handwara army camp in Kupwara district on Monday, wounding three soldiers, police "
     "said.", "Handwara", "Kupwara", None, 3),
])
def test_the_toll_is_the_scenes_not_the_wider_place(tmp_path, story, scene, wider, killed, injured):
    rows = violent(read_story(tmp_path, "2024-03-12", story))
    at, around = only(rows, location=scene), only(rows, location=wider)
    assert (at["fatalities_low"] if killed else at["injured_low"]) == (killed or injured), rows[["location", "fatalities_low", "injured_low"]]
    assert pd.isna(around["fatalities_low"]) and pd.isna(around["injured_low"])


# ----- where the victims were treated, where people fled, where the one giving the toll is: not the scene ---------

def test_the_wounded_counted_at_a_hospital_belong_to_the_place_they_came_from(tmp_path):
    rows = violent(read_story(tmp_path, "2024-05-11", (
        "Jets bombed houses in Khost on Friday night, killing four villagers, local officials said. The regional "
        "hospital in Gardez received nine wounded people from Khost overnight, health officials said.")))
    assert "Gardez" not in set(rows["location"]), rows[["location", "injured_low"]]
    assert set(rows["incident_id"]) == {only(rows, location="Khost", fatalities_low=4)["incident_id"]}
    assert rows["injured_low"].max() == 9


def test_a_toll_given_by_a_leader_elsewhere_about_people_who_fled_is_the_events(tmp_path):
    rows = violent(read_story(tmp_path, "2024-05-11", (
        "Gunmen attacked a checkpoint in Kunduz on Friday. A community leader in Baghlan said six guards were "
        "killed and that dozens of families had fled towards Taloqan.")))
    assert set(rows["location"]) == {"Kunduz"}, rows[["location", "fatalities_low"]]
    assert rows["fatalities_low"].max() == 6 and rows["incident_id"].nunique() == 1


def test_a_hospital_where_people_were_killed_is_the_scene(tmp_path):
    rows = violent(read_story(tmp_path, "2024-05-11", (
        "Gunmen stormed the main hospital in Kunduz on Friday, killing seven patients, officials said.")))
    assert only(rows, location="Kunduz")["fatalities_low"] == 7


# ----- a follow-up toll that names no side is the event's, between the event's sides --------------------------

def test_a_follow_up_toll_naming_no_side_joins_the_event_it_follows(tmp_path):
    rows = violent(read_story(tmp_path, "2025-03-08", (
        "Afghanistan and Pakistan agreed in Doha on Friday to extend their truce, and Afghan and Pakistani officials "
        "said talks would resume in Istanbul. TTP militants and Pakistani police clashed on Thursday in Lakki "
        "Marwat, residents said. A local elder said six people were killed.")))
    assert set(rows["dyad"]) == {"PAK-TTP"}, rows[["dyad", "fatalities_low"]]
    assert rows["incident_id"].nunique() == 1 and rows["fatalities_low"].max() == 6


# ----- a toll update is the event's toll, on the event's day, however much colour came between -----------------

@pytest.mark.parametrize("update", [
    "A local medic first reported 9 dead; by Tuesday morning the local defence force said the toll had risen to "
    "at least 14, with dozens wounded.",
    "By Tuesday the toll had climbed to at least 14, with dozens wounded, the local defence force said.",
])
def test_a_toll_update_counts_the_event_told_before_on_its_day(tmp_path, update):
    rows = violent(read_story(tmp_path, "2026-02-24", (
        "A drone dropped bombs on a wedding party in Depayin on Sunday, killing at least 9 people, residents said. "
        "The attack came as the army pressed an offensive in the region. Villagers said the drone circled for "
        "several minutes. Many families have left for the hills. " + update)))
    assert set(rows["event_date"]) == {pd.Timestamp("2026-02-22")}, rows[["event_date", "fatalities_low", "injured_low"]]
    assert rows["incident_id"].nunique() == 1
    assert rows["injured_low"].max() == 24 and rows["fatalities_low"].max() >= 9
