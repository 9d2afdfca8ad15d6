"""The DuckDB path's per-data-version index (monitor.query.ParquetEvents.ensure_index) changes no answer.

The index holds the incidents with several reports, narrow copies of the rows split by that, the incident
tolls over all rows and the sidebar's facets. Every answer with it must equal the answer without it (which
tests/test_query.py checks against the pandas path), for random filters — including filters that split an
incident (a date or dataset filter that keeps some of its reports and drops others).
"""

from __future__ import annotations

import os
import random
from datetime import date

import numpy as np
import pandas as pd
import pytest

from monitor import Filters, incident_tolls
from monitor.query import ParquetEvents
from test_query import random_events, random_filters

CASES = 25


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    events = random_events(1200, seed=23)
    folder = tmp_path_factory.mktemp("parquet-index")
    for k, part in enumerate(np.array_split(np.arange(len(events)), 2)):
        events.iloc[part].to_parquet(folder / f"part-{k}.parquet", index=False)
    pattern = str(folder / "*.parquet")
    plain = ParquetEvents(pattern, threads=1, index=False)
    indexed = ParquetEvents(pattern, threads=1, index=tmp_path_factory.mktemp("index"))
    indexed.ensure_index()
    return events, plain, indexed


def _frames_equal(a: pd.DataFrame, b: pd.DataFrame, context) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False,
                                  obj=str(context))


def test_the_index_is_built_once_per_data_version(stores, tmp_path):
    events, plain, indexed = stores
    assert plain.index_dir is None
    names = sorted(p.name for p in indexed.index_dir.iterdir())
    assert names == ["facets.json", "files.json", "multi.parquet", "rows_multi.parquet", "rows_single.parquet",
                     "tolls_all.parquet"]
    again = ParquetEvents(indexed.files, threads=1, index=indexed.index_dir.parent)
    assert again.index_dir == indexed.index_dir  # same files, same index
    # new data (a file rewritten) is a new version: a new folder, never the old answers
    copy = tmp_path / "one.parquet"
    events.to_parquet(copy, index=False)
    old = ParquetEvents(str(copy), threads=1, index=tmp_path / "idx")
    old.ensure_index()
    events.iloc[:-1].to_parquet(copy, index=False)
    os.utime(copy, ns=(1, 1))
    new = ParquetEvents(str(copy), threads=1, index=tmp_path / "idx")
    assert new.index_dir != old.index_dir
    assert new.count() == (len(events) - 1, events.iloc[:-1]["incident_id"].nunique())
    assert not old.index_dir.exists()  # the older version's index is deleted when the new one is made


def test_multi_report_list_and_split_copies_cover_every_row(stores):
    events, _, indexed = stores
    sizes = events.groupby("incident_id").size()
    multi = pd.read_parquet(indexed.index_dir / "multi.parquet").set_index("incident_id")
    assert set(multi.index) == set(sizes[sizes > 1].index)
    assert (multi["reports"] == sizes[multi.index]).all()
    one = pd.read_parquet(indexed.index_dir / "rows_single.parquet")
    many = pd.read_parquet(indexed.index_dir / "rows_multi.parquet")
    assert sorted(one["event_id"].tolist() + many["event_id"].tolist()) == sorted(events["event_id"])
    assert set(many["incident_id"]) == set(multi.index)
    assert one["incident_id"].is_unique
    # in the files' order (event_date, event_id), so date filters skip row groups
    assert one["event_id"].tolist() == events.loc[events["event_id"].isin(one["event_id"]), "event_id"].tolist()


def test_precomputed_tolls_equal_the_query_over_the_rows(stores):
    events, plain, indexed = stores
    key = ["incident_id"]
    stored = pd.read_parquet(indexed.index_dir / "tolls_all.parquet").sort_values(key).reset_index(drop=True)
    fresh = plain._df(plain._tolls_query("TRUE"), {}).sort_values(key).reset_index(drop=True)
    _frames_equal(stored, fresh, "tolls_all")
    # and the figures are monitor.incident_tolls' over the same rows
    expected = incident_tolls(events).sort_values(key).reset_index(drop=True)
    assert stored["incident_id"].tolist() == expected["incident_id"].tolist()
    for col in ("killed_low", "injured_low", "killed_open", "injured_open", "gdelt_only"):
        pd.testing.assert_series_equal(stored[col], expected[col], check_dtype=False, check_names=False, obj=col)
    for kind in ("killed", "injured"):  # the highs where a range is closed (pandas leaves an open one's high out)
        closed = expected[f"{kind}_low"].notna() & ~expected[f"{kind}_open"].astype(bool)
        pd.testing.assert_series_equal(stored.loc[closed, f"{kind}_high"], expected.loc[closed, f"{kind}_high"],
                                       check_dtype=False, check_names=False, obj=kind)


def _split_filters(events: pd.DataFrame) -> list[Filters]:
    """Filters that keep some reports of an incident and drop others."""
    sizes = events.groupby("incident_id")["event_date"].agg(["min", "max", "nunique"])
    spread = sizes[sizes["nunique"] > 1]
    assert len(spread), "the fixture has incidents over several days"
    inc = spread.index[0]
    day = spread.loc[inc, "max"]
    mixed = events.groupby("incident_id")["dataset"].nunique()
    inc2 = mixed[mixed > 1].index[0]
    dataset = events.loc[events["incident_id"] == inc2, "dataset"].iloc[0]
    return [Filters(start=day.date()), Filters(end=spread.loc[inc, "min"].date()), Filters(datasets=(dataset,)),
            Filters(start=day.date(), datasets=(dataset,), extra={"include_gdelt": True})]


def test_casualties_with_and_without_the_index(stores):
    events, plain, indexed = stores
    rng = random.Random(3)
    cases = [Filters(), Filters(extra={"include_gdelt": True})] + _split_filters(events)
    cases += [random_filters(rng, events) for _ in range(CASES)]
    for f in cases:
        include = bool(f.extra.get("include_gdelt"))
        a = plain.casualties(f, include_gdelt=include, top=25)
        b = indexed.casualties(f, include_gdelt=include, top=25)
        assert (a.killed, a.injured, a.incidents, a.with_toll, a.signal_only) == \
               (b.killed, b.injured, b.incidents, b.with_toll, b.signal_only), f
        for kind in ("killed", "injured"):
            _frames_equal(a.by_date[kind], b.by_date[kind], (f, kind, "date"))
            _frames_equal(a.by_place[kind], b.by_place[kind], (f, kind, "place"))
        _frames_equal(a.top, b.top, (f, "top"))


def test_map_counts_pages_and_incident_rows_with_and_without_the_index(stores):
    events, plain, indexed = stores
    rng = random.Random(4)
    cases = [Filters()] + _split_filters(events) + [random_filters(rng, events) for _ in range(CASES)]
    for k, f in enumerate(cases):
        show_gdelt = k % 3 != 0
        for limit in (30, 5000):
            a = plain.map_data(f, show_gdelt=show_gdelt, limit=limit)
            b = indexed.map_data(f, show_gdelt=show_gdelt, limit=limit)
            assert (a.placed, a.unplaced, a.hidden_signal, a.bounds) == (b.placed, b.unplaced, b.hidden_signal,
                                                                         b.bounds), f
            _frames_equal(a.drawn, b.drawn, (f, limit, "drawn"))
            _frames_equal(a.tolls, b.tolls, (f, limit, "tolls"))
            if a.bins is not None or b.bins is not None:
                _frames_equal(a.bins, b.bins, (f, limit, "bins"))
        assert plain.count(f) == indexed.count(f), f
        assert plain.unplaced(f, limit=7)[0] == indexed.unplaced(f, limit=7)[0], f
        for page in (0, 2):
            rows = indexed.page(f, page, 25)
            _frames_equal(plain.page(f, page, 25), rows, (f, page))
            _frames_equal(plain.incident_rows(rows["incident_id"]),
                          indexed.incident_rows(rows["incident_id"], known=rows), (f, page, "incident rows"))


def test_facets_from_the_index_equal_the_computed_ones(stores):
    _, plain, indexed = stores
    assert indexed.facets() == plain.facets()


def test_no_writable_index_folder_means_no_index(stores, tmp_path):
    _, plain, _ = stores
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = ParquetEvents(plain.files, threads=1, index=blocker)
    assert store.casualties(Filters()).killed == plain.casualties(Filters()).killed
    assert store.index_dir is None
    assert store.count(Filters(start=date(2025, 10, 1))) == plain.count(Filters(start=date(2025, 10, 1)))
