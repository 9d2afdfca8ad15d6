"""The Map, Casualties and Events pages on the DuckDB path (FAULTLINE_ENGINE=duckdb over Parquet files)
show what the in-memory pages show for the same rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from monitor import Filters, apply_filters, counted_incidents, incident_tolls, total
from test_query import random_events

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def events():
    return random_events(600, seed=4)


@pytest.fixture(autouse=True)
def large(tmp_path, monkeypatch, events):
    folder = tmp_path / "cache"
    folder.mkdir()
    half = len(events) // 2
    events.iloc[:half].to_parquet(folder / "a.parquet", index=False)
    events.iloc[half:].to_parquet(folder / "b.parquet", index=False)
    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FAULTLINE_PARQUET", str(folder / "*.parquet"))
    monkeypatch.setenv("FAULTLINE_ENGINE", "duckdb")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def page(name: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Large-data mode" in c.value for c in at.caption)
    return at


def test_engine_stays_pandas_without_parquet(monkeypatch):
    from ui.engine import large_store

    monkeypatch.delenv("FAULTLINE_PARQUET")
    assert large_store() is None
    monkeypatch.setenv("FAULTLINE_ENGINE", "auto")
    monkeypatch.setenv("FAULTLINE_PARQUET", "/nonexistent/*.parquet")
    assert large_store() is None


def test_auto_engine_switches_above_the_row_threshold(monkeypatch, events):
    from ui.engine import large_store

    monkeypatch.setenv("FAULTLINE_ENGINE", "auto")
    assert large_store() is None  # 600 rows: stays in memory
    monkeypatch.setenv("FAULTLINE_ENGINE_ROWS", "100")
    assert large_store() is not None


def test_casualties_page_totals_match_the_pandas_path(events):
    at = page("2_Casualties.py", country=["AFG", "PAK"])
    f = Filters(countries=("AFG", "PAK"))
    counted = counted_incidents(incident_tolls(apply_filters(events, f)))
    m = {x.label: x.value for x in at.metric}
    assert m["Killed"] == str(total(counted, "killed"))
    assert m["Injured"] == str(total(counted, "injured"))
    assert at.multiselect(key="country").value == ["AFG", "PAK"]
    assert len(at.get("plotly_chart")) == 4


def test_events_page_counts_and_pages(events):
    at = page("4_Events.py", dataset="acled")
    shown = apply_filters(events, Filters(datasets=("acled",)))
    assert any(f"**{len(shown):,}** reports of **{shown['incident_id'].nunique():,}** incidents" in x.value
               for x in at.markdown)
    (table,) = at.dataframe
    newest = shown.sort_values(["event_date", "event_id"], ascending=[False, True])
    assert table.value["event_id"].tolist() == newest["event_id"].head(500).tolist()


def test_map_page_draws_the_filtered_points(events):
    at = page("1_Map.py", type="Battles")
    (chart,) = at.get("plotly_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["layout"]["map"]["style"] == "white-bg"
    shown = apply_filters(events, Filters(types=("Battles",)))
    missing = int(shown["latitude"].isna().sum())
    assert any(f"{missing} events have no place" in h.value for h in at.subheader)
