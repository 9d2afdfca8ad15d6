"""Rules added after blind batch 4 (issue 4): each with a sentence written for the test, not taken from an article."""

from datetime import date
from pathlib import Path

import pandas as pd

import loaders


def read(tmp_path: Path, published: str, text: str) -> pd.DataFrame:
    f = tmp_path / "story.txt"
    f.write_text(f"Published: {published}\n\n{text}\n", encoding="utf-8")
    return loaders.load(f)


def only(events: pd.DataFrame, **where) -> pd.Series:
    out = events
    for col, value in where.items():
        out = out[out[col].isna()] if value is None else out[out[col] == value]
    assert len(out) == 1, events[["event_date", "event_type", "diplomatic_action", "location", "source_quote"]]
    return out.iloc[0]


# ----- cue vocabulary (data/event_cues.csv) -----------------------------------------------------------

def test_diplomats_who_met_in_a_city_held_talks(tmp_path):
    ev = read(tmp_path, "2025-03-05", "Foreign ministers of the three neighbours met in Lusaka on Monday to discuss "
                                      "grazing rights, officials said.")
    r = only(ev, diplomatic_action="talks_held")
    assert (r["event_date"], r["location"]) == (pd.Timestamp("2025-03-03"), "Lusaka")


def test_a_meeting_that_failed_to_agree_is_failed_talks(tmp_path):
    ev = read(tmp_path, "2025-03-05", "The two envoys met in Nairobi on Tuesday but failed to agree on a prisoner exchange.")
    assert list(ev["diplomatic_action"]) == ["talks_failed"]


def test_mediators_who_will_meet_schedule_talks(tmp_path):
    ev = read(tmp_path, "2025-03-05", "Regional mediators will meet rebel leaders in Addis Ababa on Friday, a "
                                      "spokesman said on Monday.")
    r = only(ev, diplomatic_action="talks_scheduled")
    assert r["location"] == "Addis Ababa"


def test_agreeing_on_a_framework_is_an_agreement(tmp_path):
    ev = read(tmp_path, "2025-03-05", "The government and the former rebels agreed in Accra on Friday on a framework "
                                      "for demobilising fighters.")
    assert "agreement_signed" in set(ev["diplomatic_action"])


def test_threats_to_hunt_down_strike_again_or_keep_off_a_road(tmp_path):
    for text in ("The interior minister said on Sunday that the police would hunt down those responsible.",
                 "The general said on Sunday that his forces would strike the rebels again if they moved on the capital.",
                 "On Sunday the armed group warned drivers to stay off the main road after dark."):
        ev = read(tmp_path, "2025-03-05", text)
        assert list(ev["diplomatic_action"]) == ["threat"], text


def test_a_bomb_that_exploded_and_shots_fired_on_a_patrol_are_violence(tmp_path):
    ev = read(tmp_path, "2025-03-05", "A bomb exploded near a bus station in Kano on Friday, killing two people, police said.")
    assert only(ev, diplomatic_action=None)["event_type"] == "Explosions/Remote violence"
    ev = read(tmp_path, "2025-03-05", "Gunmen fired on a police patrol near Garoua on Sunday, wounding three officers.")
    assert only(ev, diplomatic_action=None)["event_type"] == "Battles"


def test_a_sit_in_is_a_protest(tmp_path):
    ev = read(tmp_path, "2025-03-05", "Hundreds of teachers staged a sit-in outside parliament in Lilongwe on Tuesday.")
    assert only(ev, diplomatic_action=None)["event_type"] == "Protests"


def test_a_warning_is_a_threat_only_when_it_says_what_will_be_done(tmp_path):
    ev = read(tmp_path, "2025-03-05", "The rebels warned on Monday that they would shell the airport if flights resumed.")
    assert list(ev["diplomatic_action"]) == ["threat"]
    ev = read(tmp_path, "2025-03-05", "The army warned of reprisals on Monday after the ambush.")
    assert list(ev["diplomatic_action"]) == ["threat"]
    # A warning about hardship is not a threat of force.
    ev = read(tmp_path, "2025-03-05", "Aid agencies have warned that the drought is emptying village wells across the north.")
    assert ev.empty or "threat" not in set(ev["diplomatic_action"])
