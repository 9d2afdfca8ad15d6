"""A large table stays interactive: the map aggregates beyond its point limit and stays small, the
CSV download is built only when asked for (zipped when large, identical rows), and a page's filters
and aggregates are computed once per data and filters."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st

from monitor import Filters, apply_filters
from tests.factories import make_events


@pytest.fixture(autouse=True)
def fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path / "home"))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield tmp_path / "home"
    st.cache_data.clear()
    st.cache_resource.clear()


def big_table(n: int, seed: int = 3) -> pd.DataFrame:
    """n valid rows (the seed's placed rows repeated), clustered around a few hundred towns."""
    base = make_events([{"date": "2020-01-01", "type": t, "location": "Town", "lat": 1.0, "lon": 1.0, "iso3": iso,
                         "dataset": d, "killed": 1} for t, iso, d in
                        (("Battles", "AFG", "acled"), ("Explosions/Remote violence", "PAK", "ucdp"),
                         ("Violence against civilians", "SDN", "news"), ("Protests", "NGA", "acled"))])
    rng = np.random.default_rng(seed)
    big = base.take(rng.integers(0, len(base), n)).reset_index(drop=True)
    towns = rng.uniform([-30, -100], [60, 140], size=(400, 2))
    incident = np.arange(n) // 2  # two reports of each incident, at one place, on one day, one toll
    pick = rng.integers(0, len(towns), n)[incident]
    big["latitude"] = (towns[pick, 0] + rng.normal(0, 0.03, n)[incident]).round(4)
    big["longitude"] = (towns[pick, 1] + rng.normal(0, 0.03, n)[incident]).round(4)
    big["event_id"] = pd.array([f"manual:big-{i:07d}" for i in range(n)], dtype="string")
    big["incident_id"] = pd.array([f"inc:big-{i:07d}" for i in incident], dtype="string")
    deaths = pd.array(np.minimum(rng.zipf(2.0, n) - 1, 300)[incident], dtype="Int64")
    big["fatalities_low"] = big["fatalities_best"] = big["fatalities_high"] = deaths
    big["event_date"] = (pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, n)[incident], unit="D")
                         ).astype("datetime64[us]")
    # Already in the contract's order (date, then event_id) without sorting strings:
    order = np.lexsort((np.arange(n), big["event_date"].to_numpy()))
    return big.take(order).reset_index(drop=True)


@pytest.fixture(scope="module")
def big() -> pd.DataFrame:
    return big_table(200_000)


def test_map_is_aggregated_above_the_threshold_and_stays_under_2_mb(big):
    from ui.figures import DENSE_POINTS, MAP_POINT_LIMIT, map_view

    view = map_view(big)
    payload = len(view.figure.to_json().encode("utf-8"))
    assert payload < 2_000_000, payload
    cells = [t for t in view.figure.data if t.legendgroup == "cells"]
    assert len(cells) == 1 and len(view.cells) == len(cells[0].lat)
    assert view.cells["reports"].sum() == len(big), "every placed report is counted in a cell"
    # Deaths per cell count each incident once (two reports of one incident share its toll).
    tolls = big.groupby("incident_id")["fatalities_best"].median()
    assert view.cells["killed"].sum() == int(tolls.sum())
    assert len(view.points) <= DENSE_POINTS < MAP_POINT_LIMIT
    assert any(n.startswith("Aggregated map") and f"{len(big):,} placed reports" in n for n in view.notes)


def test_filtering_below_the_threshold_gives_every_report_as_a_point(big):
    from ui.figures import MAP_POINT_LIMIT, map_view

    few = big[big["event_date"] < pd.Timestamp("2020-01-25")]
    assert 0 < len(few) <= MAP_POINT_LIMIT
    view = map_view(few)
    assert view.cells.empty and not any(n.startswith("Aggregated") for n in view.notes)
    drawn = {i for ids in view.points["event_ids"] for i in ids.split(";")}
    assert drawn == set(few["event_id"])
    assert len(view.figure.to_json()) < 2_000_000


def _validated(fig) -> dict:
    """The figure rebuilt by plotly with every property checked (what an unchecked build skips)."""
    import json

    import plotly.graph_objects as go

    return json.loads(go.Figure(fig.to_dict()).to_json())


@pytest.mark.parametrize("rows", [200_000, 8_000, 3_000, 40])  # aggregated, compact hover, detailed hover, tiny
def test_map_figure_built_without_validation_is_what_plotly_validates(big, rows):
    """The map's traces and layout skip plotly's per-property checks for speed; rebuilt with the checks
    on, the figure must be the same (a misspelt property or an unexpanded 'a_b' key would differ or raise)."""
    import json

    from ui.figures import map_view

    view = map_view(big.iloc[:rows] if rows < len(big) else big)
    assert view.figure is not None
    assert json.loads(view.figure.to_json()) == _validated(view.figure)


def test_toll_ranges_reads_every_incident_as_toll_range_does():
    from ui.text import toll_range, toll_ranges

    tolls = pd.DataFrame({"killed_low": pd.array([3, None, 0, 5, 2], dtype="Int64"),
                          "killed_high": pd.array([7, None, 0, None, 2], dtype="Int64"),
                          "killed_best": pd.array([4, None, None, 5, 2], dtype="Int64"),
                          "killed_open": pd.array([False, False, False, True, None], dtype="boolean"),
                          "injured_low": pd.array([1, None, 2, 0, None], dtype="Int64"),
                          "injured_high": pd.array([None, None, 2, 0, None], dtype="Int64"),
                          "injured_open": pd.array([True, False, False, False, False], dtype="boolean")})
    want = [toll_range(r.killed_low, r.killed_high, bool(r.killed_open is True), r.killed_best)
            for r in tolls.astype(object).itertuples()]
    assert toll_ranges(tolls) == want
    assert [str(r) if r else None for r in toll_ranges(tolls)] == ["3–7", None, "0", "at least 5", "2"]
    assert toll_ranges(tolls, "injured") == [toll_range(r.injured_low, r.injured_high, r.injured_open)
                                            for r in tolls.astype(object).itertuples()]


def test_a_clicked_grid_cell_lists_its_reports(big):
    from ui.figures import cell_rows, map_view

    view = map_view(big)
    top = view.cells.sort_values("reports").iloc[-1]
    rows = cell_rows(big, view, {top["key"]})
    assert len(rows) == top["reports"]


def test_download_is_zipped_past_the_limit_and_holds_exactly_the_filtered_rows(monkeypatch):
    from ui import tables
    from ui.tables import download_payload, filtered_csv

    events = big_table(40)
    events.loc[3, "source_quote"] = "=HYPERLINK(\"x\")"  # the formula guard applies in every chunk
    f = Filters(types=("Battles",))
    small = download_payload(events, f)
    assert small.mime == "text/csv" and small.data.decode("utf-8") == filtered_csv(events, f)
    f = Filters()
    monkeypatch.setattr(tables, "ZIP_ROWS", 1)
    monkeypatch.setattr(tables, "CSV_CHUNK", 3)  # several chunks, one header
    zipped = download_payload(events, f)
    assert zipped.mime == "application/zip" and zipped.file_name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(zipped.data)) as zf:
        (name,) = zf.namelist()
        text = zf.read(name).decode("utf-8")
    assert text == filtered_csv(events, f)
    assert len(list(csv.reader(io.StringIO(text)))) == len(apply_filters(events, f)) + 1


def test_download_is_built_only_when_clicked(monkeypatch):
    """The Events page hands st.download_button a callable: running (and rerunning) the page never
    builds the file. (AppTest cannot click a download; the browser suite does.)"""
    from streamlit.testing.v1 import AppTest

    from ui import tables

    calls = []
    real = tables.download_payload
    monkeypatch.setattr(tables, "download_payload", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/4_Events.py")
    at.run()
    at.run()
    assert not at.exception
    assert calls == []
    buttons = [e for e in at.get("download_button")]
    assert buttons and "Download these rows" in buttons[0].proto.label


def test_a_rerun_with_the_same_filters_reuses_the_filtered_rows_and_aggregates(big, monkeypatch):
    from ui import filtered

    f = Filters(countries=tuple(big["iso3"].dropna().unique()[:1]))
    calls = []
    real = filtered.EventIndex.tolls_and_codes
    monkeypatch.setattr(filtered.EventIndex, "tolls_and_codes", lambda *a, **k: calls.append(1) or real(*a, **k))
    shown = filtered.shown_rows(big, f)
    first = filtered.headline(big, f)
    assert filtered.shown_rows(big, f) is shown
    assert filtered.headline(big, f) == first
    filtered.counted(big, f)
    filtered.tolls(big, f)
    assert calls == [1], "the incident tolls are computed once for the data and filters"
    pd.testing.assert_frame_equal(shown, apply_filters(big, f))
    assert filtered.shown_rows(big, Filters()) is big, "no filter: the loaded table itself, never a copy"


def test_newest_matches_a_full_sort(big):
    from ui.filtered import newest

    expected = big.sort_values(["event_date", "event_id"], ascending=[False, True]).head(300)
    pd.testing.assert_frame_equal(newest(big, 300), expected)


def test_casualty_chart_with_many_bars_puts_figures_on_hover_not_over_the_bars(big):
    """Hundreds of weekly bars cannot carry printed labels without overlapping: the figures go to the
    bars' hover text and the chart says so; a short period keeps its labels."""
    from monitor import counted_incidents, incident_tolls
    from ui.figures import MAX_BAR_LABELS, casualties_time_figure

    incidents = counted_incidents(incident_tolls(big.iloc[::10], details=False))  # about four years
    fig = casualties_time_figure(incidents, "killed", "week")
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert sum(len(tr.x) for tr in bars if "lowest" in tr.name) > MAX_BAR_LABELS
    assert not [tr for tr in fig.data if tr.type == "scatter" and tr.mode == "text"], "no printed labels"
    assert all(tr.hovertext is not None and len(tr.hovertext) == len(tr.x) for tr in bars)
    assert "hover a bar" in fig.layout.title.text
    few = incidents[incidents["event_date"] < incidents["event_date"].min() + pd.Timedelta(days=60)]
    small = casualties_time_figure(few, "killed", "week")
    assert [tr for tr in small.data if tr.type == "scatter" and tr.mode == "text"]


def test_casualty_chart_leaves_out_labels_that_would_overlap_and_keeps_the_figures_on_hover():
    """Bars a few days apart cannot all carry a printed range: the tallest keep theirs, the others are
    blanked (their figures stay on hover) and the chart says so; bars far apart keep every label."""
    from monitor import counted_incidents, incident_tolls
    from ui.figures import casualties_time_figure

    def chart(days):
        rows = [{"date": (pd.Timestamp("2025-01-06") + pd.Timedelta(days=d)).date().isoformat(), "type": "Battles",
                 "location": f"Place {i}", "lat": 30.0 + i, "lon": 60.0, "iso3": "AFG", "dataset": "acled",
                 "killed": (20, 43) if i == 2 else (10, 24 + i % 2)} for i, d in enumerate(days)]
        return casualties_time_figure(counted_incidents(incident_tolls(make_events(rows), details=False)), "killed",
                                      "day")

    crowded = chart([0, 1, 2, 3, 4, 5, 300])
    labels = [t for tr in crowded.data if tr.type == "scatter" and tr.mode == "text" for t in tr.text]
    printed = [t for t in labels if t]
    assert 1 <= len(printed) < len(labels) and "20–43" in printed, "the tallest of the crowded bars keeps its label"
    assert "label(s) left out" in crowded.layout.title.text
    bar = next(tr for tr in crowded.data if tr.type == "bar")
    assert len(bar.hovertext) == len(labels) and all(bar.hovertext) and bar.hoverinfo == "text", "every figure on hover"
    spread = chart([0, 120, 240, 360])
    assert all(t for tr in spread.data if tr.type == "scatter" and tr.mode == "text" for t in tr.text)
    assert spread.layout.title.text is None


def test_incident_reports_through_the_index_are_every_report_of_the_listed_incidents(big):
    from ui.filtered import incident_reports, newest, shown_rows
    from ui.tables import events_table

    f = Filters(types=("Battles",), start=pd.Timestamp("2021-01-01").date())
    latest = newest(shown_rows(big, f), 300)
    got = incident_reports(big, latest)
    want = big[big["incident_id"].isin(latest["incident_id"])]
    pd.testing.assert_frame_equal(got, want)
    assert len(got) > len(latest), "the other reports of each incident come too"
    pd.testing.assert_frame_equal(events_table(latest, got), events_table(latest, big))
    # A table whose labels are not positions: the ids are compared instead.
    odd = big.head(1000).set_axis(np.arange(1000) * 7 + 3)
    pd.testing.assert_frame_equal(incident_reports(odd, odd.tail(10)), odd[odd["incident_id"].isin(odd.tail(10)["incident_id"])])
