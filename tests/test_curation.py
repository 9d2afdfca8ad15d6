"""An analyst corrects the machine: fixes, suppressions and additions kept in FAULTLINE_HOME/curation.csv,
applied on every load, editable from the Events page (and not on a read-only deployment)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import loaders
from loaders import curation
from loaders.paths import SEEDS_DIR

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
SEED = SEEDS_DIR / "afghanistan-pakistan-talks-fail.txt"


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """A private FAULTLINE_HOME (the corrections file lives there) and an empty st.cache_data."""
    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FAULTLINE_READ_ONLY", raising=False)
    monkeypatch.delenv("FAULTLINE_ONLINE", raising=False)
    st.cache_data.clear()
    yield tmp_path / "home"
    st.cache_data.clear()


@pytest.fixture(scope="module")
def seed_ids():
    return loaders.load(SEED, curation=False)


def _row(events, event_id):
    return events[events["event_id"] == event_id].iloc[0]


def test_event_ids_are_stable_across_loads_and_folders(tmp_path, seed_ids):
    again = loaders.load(SEED, curation=False)
    copy = tmp_path / "elsewhere" / SEED.name
    copy.parent.mkdir()
    shutil.copy(SEED, copy)
    moved = loaders.load(copy, curation=False)
    assert seed_ids["event_id"].tolist() == again["event_id"].tolist() == moved["event_id"].tolist()
    assert seed_ids["event_id"].is_unique


def test_fix_suppress_and_add_apply_on_every_load(home, seed_ids):
    clash = seed_ids[seed_ids["location"] == "Spin Boldak"].iloc[0]["event_id"]
    threat = seed_ids[seed_ids["diplomatic_action"] == "threat"].iloc[0]["event_id"]
    curation.append_edits([
        {"event_id": clash, "action": "fix", "field": "fatalities_high", "value": "7", "note": "second source",
         "author": "ana"},
        {"event_id": threat, "action": "suppress", "note": "rhetoric, not an event", "author": "ana"},
        {"event_id": "manual:000000000001", "action": "add", "field": "event_date", "value": "2025-11-07"},
        {"event_id": "manual:000000000001", "action": "add", "field": "event_type", "value": "Battles"},
        {"event_id": "manual:000000000001", "action": "add", "field": "location", "value": "Spin Boldak"},
        {"event_id": "manual:000000000001", "action": "add", "field": "iso3", "value": "AFG"},
        {"event_id": "manual:000000000001", "action": "add", "field": "dyad", "value": "AFG-PAK"},
    ])
    assert (home / "curation.csv").exists()
    for _ in range(2):
        result = loaders.load_files(SEED)
        events = result.events
        assert _row(events, clash)["fatalities_high"] == 7 and _row(events, clash)["fatalities_low"] == 5
        assert threat not in set(events["event_id"])
        added = _row(events, "manual:000000000001")
        assert added["dataset"] == "manual" and added["confidence"] == 1.0
        # Added before incidents are formed: it joins the clash it reports.
        assert added["incident_id"] == _row(events, clash)["incident_id"]
        notes = [p for p in result.problems if p.kind == "note" and threat in p.message]
        assert len(notes) == 1 and notes[0].line == 3 and "rhetoric" in notes[0].message
        assert set(result.curated) == {clash, "manual:000000000001"}
        assert events.attrs["curated"][clash].startswith("fixed fatalities_high")
    assert len(loaders.load(SEED, curation=False)) == len(seed_ids)


def test_a_bad_edit_is_a_problem_naming_the_line_and_the_rest_still_apply(home, seed_ids):
    ids = seed_ids["event_id"].tolist()
    (home).mkdir(parents=True, exist_ok=True)
    (home / "curation.csv").write_text(
        "event_id,action,field,value,note,author,edited_at\n"
        f"{ids[0]},fix,fatalities_low,minus three,,ana,\n"
        f"{ids[0]},fix,event_type,Skirmish,,ana,\n"
        f"{ids[0]},fix,iso3,pakistan,,ana,\n"
        f"{ids[0]},fix,event_id,news:x,,ana,\n"
        f"{ids[0]},rename,,,,ana,\n"
        f"{ids[1]},fix,location,Corrected Place,,ana,\n"
        "manual:1,add,location,Nowhere,,ana,\n"
        "news:notloaded,suppress,,,,ana,\n", encoding="utf-8")
    result = loaders.load_files(SEED)
    by_line = {p.line: p for p in result.problems if p.file.endswith("curation.csv")}
    assert {2, 3, 4, 5, 6, 8} <= set(by_line)
    assert "fatalities_low" in by_line[2].message and "Skirmish" in by_line[3].message
    assert "iso3" in by_line[4].message and "cannot be edited" in by_line[5].message
    assert "unknown action" in by_line[6].message and "needs event_date, event_type" in by_line[8].message
    assert by_line[0].kind == "note" and "not loaded" in by_line[0].message
    assert _row(result.events, ids[1])["location"] == "Corrected Place"
    assert len(result.events) == len(seed_ids)


def test_appending_keeps_existing_lines(home):
    home.mkdir(parents=True, exist_ok=True)
    path = home / "curation.csv"
    path.write_text("event_id,action,field,value,note,author,edited_at\nnews:a,suppress,,,,,", encoding="utf-8")
    curation.append_edits([{"event_id": "news:b", "action": "restore", "note": 'a "quoted", note'}])
    curation.append_edits([{"event_id": "news:c", "action": "suppress"}])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1] == "news:a,suppress,,,,," and len(lines) == 4
    edits, problems = curation.read_edits(path)
    assert not problems and [e.event_id for e in edits] == ["news:a", "news:b", "news:c"]
    assert edits[1].note == 'a "quoted", note'
    assert curation.suppressed_ids(path) == ["news:a", "news:c"]


def test_restore_brings_a_suppressed_event_back(home, seed_ids):
    eid = seed_ids["event_id"].iloc[0]
    curation.append_edits([{"event_id": eid, "action": "suppress"}])
    assert eid not in set(loaders.load(SEED)["event_id"])
    curation.append_edits([{"event_id": eid, "action": "restore"}])
    assert eid in set(loaders.load(SEED)["event_id"])


# ---------------------------------------------------------------- the Events page

def _events_page(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/4_Events.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_events_page_fixes_a_field_and_shows_the_row_as_curated(home, seed_ids):
    at = _events_page()
    table = at.dataframe[0].value
    assert "curated" in table.columns and (table["curated"] == "").all()
    clash = seed_ids[seed_ids["location"] == "Spin Boldak"].iloc[0]["event_id"]
    at.radio(key="curation_action").set_value("fix").run()
    at.text_input(key="curation_author").input("ana").run()
    at.selectbox(key="curation_event").set_value(clash).run()
    at.selectbox(key="curation_field").set_value("location").run()
    at.text_input(key="curation_value").input("Corrected Town").run()
    at.text_input(key="curation_note").input("checked the map").run()
    at.button(key="curation_save_fix").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "curation.csv" in [p.name for p in home.iterdir()]
    table = at.dataframe[0].value
    row = table[table["event_id"] == clash].iloc[0]
    assert row["curated"] == "fixed location (checked the map)" and row["place"].startswith("Corrected Town")
    assert any("Saved" in s.value for s in at.success)


def test_events_page_refuses_a_bad_value_without_saving(home, seed_ids):
    at = _events_page()
    at.selectbox(key="curation_field").set_value("fatalities_low").run()
    at.text_input(key="curation_value").input("many").run()
    at.button(key="curation_save_fix").click().run()
    assert any("Not saved" in e.value for e in at.error)
    assert not (home / "curation.csv").exists()


def test_events_page_suppresses_and_adds(home, seed_ids):
    at = _events_page()
    n = len(at.dataframe[0].value)
    victim = at.dataframe[0].value["event_id"].iloc[0]
    at.radio(key="curation_action").set_value("suppress").run()
    at.selectbox(key="curation_event").set_value(victim).run()
    at.button(key="curation_save_suppress").click().run()
    assert len(at.dataframe[0].value) == n - 1 and victim not in set(at.dataframe[0].value["event_id"])
    at.radio(key="curation_action").set_value("add").run()
    at.date_input(key="add_date").set_value(pd.Timestamp("2025-11-06").date())
    at.selectbox(key="add_type").set_value("Battles")
    at.text_input(key="add_location").input("Chaman")
    at.text_input(key="add_iso3").input("PAK")
    at.text_input(key="add_low").input("2")
    at.text_input(key="add_source").input("Phone call with a local journalist")
    next(b for b in at.button if b.label == "Add the event").click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    added = table[table["event_id"].str.startswith("manual:")]
    assert len(added) == 1 and added.iloc[0]["curated"] == "added by the analyst"
    assert added.iloc[0]["source"] == "Phone call with a local journalist"


def test_corrections_are_off_on_a_read_only_deployment(home, monkeypatch):
    monkeypatch.setenv("FAULTLINE_READ_ONLY", "1")
    at = _events_page()
    assert any("Corrections are off" in i.value for i in at.info)
    assert not [b for b in at.button if str(b.key or "").startswith("curation_save")]
