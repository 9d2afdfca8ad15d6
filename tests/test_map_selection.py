"""The Map page's selection (click, box or lasso on the map -> the reports there, listed under it), headless.

AppTest cannot drag on a chart; it sets the chart's selection state the way the browser sends it
(tests/test_browser_filters.py drags a real box). The helpers are checked on their own too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ui.map_selection import marker_ids, selected_keys, selected_markers, selection_note

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")


@pytest.fixture(autouse=True)
def fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FAULTLINE_ONLINE", raising=False)
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def browser_event(*keys: str) -> dict:
    """A selection as Streamlit's frontend sends it (snake_case point fields, customdata kept)."""
    points = [{"curve_number": 1, "point_number": i, "point_index": i, "lat": 0.0, "lon": 0.0,
               "customdata": ["<b>hover</b>", k]} for i, k in enumerate(keys)]
    return {"selection": {"points": points, "point_indices": list(range(len(keys))), "box": [], "lasso": []}}


POINTS = pd.DataFrame({"key": ["p0", "p1", "p2"], "event_ids": ["a;b", "c", "d"]})


def test_selected_keys_ignores_points_without_a_marker_key():
    event = browser_event("p1", "p0", "p1")
    event["selection"]["points"].append({"curve_number": 0, "point_number": 3})  # a precision ring: no customdata
    assert selected_keys(event) == ["p1", "p0"]
    assert selected_keys(None) == [] and selected_keys({"selection": {"points": []}}) == []


def test_selected_markers_stand_for_every_report_at_their_place():
    markers = selected_markers(browser_event("p0", "p2"), POINTS)
    assert list(markers["key"]) == ["p0", "p2"]
    assert marker_ids(markers) == ["a", "b", "d"]
    assert selected_markers(browser_event(), POINTS).empty
    assert selected_markers(browser_event("p9"), POINTS).empty  # a key from a map that has since changed


def test_selection_note_counts_reports_and_points():
    note = selection_note(3, 2, 40)
    assert note.startswith("**3 selected**") and "2 point(s)" in note and "40" in note and "Clear selection" in note


def map_app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/1_Map.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart(at: AppTest) -> dict:
    charts = [e for e in at.main if getattr(e.proto, "spec", None)]
    return json.loads(charts[0].proto.spec)


def test_a_selection_lists_its_reports_with_a_count_and_clear_resets_it():
    at = map_app()
    markers = [(t["name"], row[1]) for t in chart(at)["data"] if t.get("customdata") for row in t["customdata"]]
    battles = [key for name, key in markers if name == "Battles"]
    assert battles and not [s for s in at.subheader if s.value == "Selected on the map"]
    at.session_state["map_0"] = browser_event(*battles)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.subheader if s.value == "Selected on the map"]
    note = next(m.value for m in at.markdown if "selected**" in m.value)
    table = at.dataframe[0].value
    assert note.startswith(f"**{len(table)} selected**") and f"at {len(battles)} point(s)" in note
    assert set(table["what"].str.split(":").str[0]) == {"Battles"}
    assert list(table["date"]) == sorted(table["date"], reverse=True)  # newest first, as on the Events page
    # Clear: the chart gets a new key (nothing selected), the list goes away.
    at.button(key="map_clear").click().run()
    assert not at.exception
    assert not [s for s in at.subheader if s.value == "Selected on the map"]
    assert chart(at)  # the map is still drawn


def test_the_map_spec_is_the_same_on_the_next_run_so_a_selection_survives_it():
    """Streamlit names the chart's widget after its spec: a spec that changed between the run that drew the
    map and the run the selection triggers would drop the selection (seen in a browser with a cached Figure)."""
    at = map_app()
    first = at.main
    spec = [e.proto.spec for e in first if getattr(e.proto, "spec", None)][0]
    ident = [e.proto.id for e in first if getattr(e.proto, "spec", None)][0]
    at.run()
    assert [e.proto.spec for e in at.main if getattr(e.proto, "spec", None)][0] == spec
    assert [e.proto.id for e in at.main if getattr(e.proto, "spec", None)][0] == ident


def test_a_filter_narrows_what_can_be_selected():
    at = map_app(country="TUR")
    keys = [row[1] for t in chart(at)["data"] if t.get("customdata") for row in t["customdata"]]
    at.session_state["map_0"] = browser_event(*keys)
    at.run()
    table = at.dataframe[0].value
    assert len(table) and set(table["place"].str.split(", ").str[-1]) == {"TUR"}
