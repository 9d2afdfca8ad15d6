"""Rules of round 11 (issue 4: events missed and events made up in new text): wordings of threats, talks,
truces and acts the cue table lacked, and background told as news. Every story here was written for the
test, not taken from an article."""

import pandas as pd
import pytest

from tests.factories import diplomatic, only, read_story, violent


# ----- threats in the wordings of official statements ------------------------------------------------------

@pytest.mark.parametrize("said", [
    'The army said in a statement on Monday that it "will give a befitting reply" to the raid.',
    "The interior ministry said on Monday the country would deliver a strong response to any new incursion.",
    'The foreign minister said on Monday his government would react "at a time and place of its choosing".',
    "A government spokesman said on Monday there would be all-out war if the border posts were hit again.",
    'The ministry said on Monday that "the consequences will rest with the neighbouring government".',
    "The president said on Monday the rebels would bear full responsibility for the consequences.",
    'The general told reporters on Monday his troops would hunt the militants "wherever they hide".',
    'A senior official wrote on Monday that "revenge is inevitable".',
])
def test_a_threat_in_the_wording_of_an_official_statement(tmp_path, said):
    events = read_story(tmp_path, "2024-09-11", "Gunmen attacked a border post in the north on Sunday, officials said. " + said)
    row = only(diplomatic(events), diplomatic_action="threat")
    assert row["event_date"] == pd.Timestamp("2024-09-09")


def test_a_report_of_a_past_reply_is_no_threat(tmp_path):
    events = read_story(tmp_path, "2024-09-11", (
        "The committee said it had given a full answer to the questions of the auditors on Monday."))
    assert diplomatic(events).empty, events[["diplomatic_action", "source_quote"]]
