"""monitor.index.EventIndex: the numeric filter and the incident tolls of a filter, the same as
monitor.filter_mask and incident_tolls over the filtered rows (issue 7's fast path)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from monitor import Filters, counted_incidents, filter_mask, incident_tolls
from monitor.index import EventIndex
from tests.factories import make_events
from tests.test_status_all import CONFIDENCE, generated

VIOLENT = ("Battles", "Explosions/Remote violence", "Violence against civilians")


@pytest.fixture(scope="module")
def events():
    rows = [dict(r, event_id=f"gen:{i:05d}", source=f"source {r['dataset']}") for i, r in enumerate(generated(seed=5))]
    ev = make_events(rows)
    ev["confidence"] = ev["dataset"].astype(str).map(CONFIDENCE).astype(float)
    return ev


def _straddle(events) -> date:
    """A day that cuts an incident reported on two days in two."""
    g = events.groupby("incident_id")["event_date"]
    return g.max()[g.max() > g.min()].iloc[0].date()


def filter_cases(events) -> list[Filters]:
    cut = _straddle(events)
    return [
        Filters(),
        Filters(start=date(2024, 3, 1)),
        Filters(end=cut),                      # splits incidents reported on two days
        Filters(start=cut, end=date(2024, 12, 31)),
        Filters(types=VIOLENT),
        Filters(types=("Strategic developments",)),
        Filters(countries=("AAA", "CCC")),
        Filters(countries=("NOWHERE",)),
        Filters(datasets=("news", "gdelt")),    # splits incidents reported by several datasets
        Filters(datasets=("acled",), types=("Battles",)),
        Filters(dyad="AAA-BBB"),
        Filters(dyad="AAA-CCC", start=date(2024, 2, 1), end=date(2024, 6, 30), datasets=("manual", "news")),
        Filters(actors=("AAA",)),
        Filters(start=date(2030, 1, 1)),        # nothing passes
    ]


def test_the_data_has_incidents_that_filters_split(events):
    index = EventIndex.of(events)
    assert (index.reports > 1).sum() > 50
    for f in (Filters(end=_straddle(events)), Filters(datasets=("news", "gdelt"))):
        passed = np.bincount(index.incident[index.mask(f)], minlength=len(index.reports))
        assert ((passed > 0) & (passed < index.reports)).sum() > 0, f


def test_mask_equals_filter_mask(events):
    index = EventIndex.of(events)
    for f in filter_cases(events):
        want = filter_mask(events, f).to_numpy()
        np.testing.assert_array_equal(index.mask(f), want, err_msg=str(f))


def test_tolls_equal_incident_tolls_of_the_filtered_rows(events):
    index = EventIndex.of(events)
    checked = 0
    for f in filter_cases(events):
        mask = filter_mask(events, f).to_numpy()
        positions = np.flatnonzero(mask)
        got, codes = index.tolls_and_codes(events, None if f == Filters() else positions)
        want = incident_tolls(events[mask], details=False)
        if want.empty:
            assert got.empty
            continue
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), obj=str(f))
        assert list(index.incidents[codes]) == list(want["incident_id"])
        for gdelt in (False, True):  # what the totals count, from these tolls
            pd.testing.assert_frame_equal(counted_incidents(got, include_gdelt=gdelt).reset_index(drop=True),
                                          counted_incidents(want, include_gdelt=gdelt).reset_index(drop=True))
        checked += 1
    assert checked >= 10


def test_rows_of_incidents(events):
    index = EventIndex.of(events)
    codes = index.incident[[0, 5, 17]]
    rows = index.rows_of_incidents(codes)
    want = np.flatnonzero(events["incident_id"].isin(index.incidents[codes]).to_numpy())
    np.testing.assert_array_equal(rows, want)


def test_empty_table():
    ev = make_events([])
    index = EventIndex.of(ev)
    assert index.mask(Filters(types=VIOLENT)).size == 0
    assert index.tolls(ev, np.empty(0, dtype=np.int64)).empty and index.tolls(ev, None).empty


# ---------------------------------------------------------------- kept on disk between restarts

def _assert_same_index(a: EventIndex, b: EventIndex) -> None:
    for name in ("dates", "incident", "reports", "first", "full_row", "full_codes"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    pd.testing.assert_index_equal(a.incidents, b.incidents)
    assert a.n == b.n and a.columns.keys() == b.columns.keys()
    for c in a.columns:
        np.testing.assert_array_equal(a.columns[c].codes, b.columns[c].codes, err_msg=c)
        pd.testing.assert_index_equal(a.columns[c].values, b.columns[c].values)
    pd.testing.assert_frame_equal(a.full, b.full)


def test_a_saved_index_loads_back_equal_and_answers_every_filter_the_same(events, tmp_path):
    from monitor.index import load_index, save_index

    built = EventIndex.of(events)
    save_index(built, tmp_path / "ix")
    loaded = load_index(tmp_path / "ix", len(events))
    assert loaded is not None
    _assert_same_index(built, loaded)
    for f in filter_cases(events):
        keep = built.mask(f)
        np.testing.assert_array_equal(loaded.mask(f), keep)
        positions = np.flatnonzero(keep)
        pd.testing.assert_frame_equal(loaded.tolls(events, positions), built.tolls(events, positions))


def test_a_missing_damaged_or_foreign_saved_index_is_not_used(events, tmp_path):
    from monitor.index import load_index, save_index

    assert load_index(tmp_path / "none", len(events)) is None
    save_index(EventIndex.of(events), tmp_path / "ix")
    assert load_index(tmp_path / "ix", len(events) + 1) is None, "saved for another number of rows"
    arrays = tmp_path / "ix" / "arrays.npz"
    arrays.write_bytes(arrays.read_bytes()[: arrays.stat().st_size // 2])
    assert load_index(tmp_path / "ix", len(events)) is None
    assert not (tmp_path / "ix").exists(), "a damaged index is removed, to be built and saved again"


def test_the_app_saves_the_loaded_tables_index_and_a_restart_reads_it(tmp_path, monkeypatch):
    import streamlit as st

    from ui import filtered
    from ui.data import load_events

    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path / "home"))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        events = load_events()[0]
        folder = filtered.saved_index_folder(events)
        assert folder is not None and not folder.exists()
        built = filtered.event_index(events)
        assert (folder / "meta.json").exists()
        st.cache_resource.clear()  # a restart: nothing in memory, the saved index on disk

        def no_build(_events):
            raise AssertionError("the index was built again instead of read")

        monkeypatch.setattr(EventIndex, "of", classmethod(lambda cls, ev: no_build(ev)))
        _assert_same_index(built, filtered.event_index(events))
        assert filtered.saved_index_folder(make_events([])) is None, "only the loaded table's index is kept"
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


def test_a_read_only_deployment_saves_no_index(tmp_path, monkeypatch):
    import streamlit as st

    from ui import filtered
    from ui.data import load_events

    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FAULTLINE_READ_ONLY", "1")
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        events = load_events()[0]
        filtered.event_index(events)
        assert not (tmp_path / "home" / "cache" / "index").exists()
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
