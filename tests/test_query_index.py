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

import pandas as pd
import pytest

from monitor import Filters, incident_tolls
import monitor.query as query
from monitor.query import MAP_LIMIT, TOP_INCIDENTS, ParquetEvents
from test_query import parquet_parts, random_events, random_filters

CASES = 25


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    events = random_events(1200, seed=23)
    pattern = parquet_parts(events, tmp_path_factory.mktemp("parquet-index"), 2)
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
    names = sorted(p.name for p in indexed.index_dir.iterdir() if not p.name.startswith(("map-", "casualties-")))
    assert names == ["count-unplaced.json", "facets.json", "files.json", "multi.parquet", "rows_multi.parquet",
                     "rows_single.parquet", "tolls_all.parquet"]
    # the unfiltered pages' answers: the map with the page's point limit, the casualties without GDELT
    assert (indexed.index_dir / f"map-{MAP_LIMIT}-all-0.05.json").exists()
    assert (indexed.index_dir / f"casualties-curated-{TOP_INCIDENTS}.json").exists()
    assert not list(indexed.index_dir.glob(".*.tmp"))  # no temporary file left behind
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


def _same_map(a, b, context) -> None:
    assert (a.placed, a.unplaced, a.hidden_signal, a.bounds) == (b.placed, b.unplaced, b.hidden_signal, b.bounds)
    for name in ("drawn", "tolls", "bins"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), (context, name)
        if x is not None:  # the same frames, dtypes included
            pd.testing.assert_frame_equal(x, y, obj=f"{context} {name}")


def _same_casualties(a, b, context) -> None:
    assert (a.killed, a.injured, a.incidents, a.with_toll, a.signal_only) == \
           (b.killed, b.injured, b.incidents, b.with_toll, b.signal_only), context
    assert sorted(a.by_date) == sorted(b.by_date) and sorted(a.by_place) == sorted(b.by_place)
    for kind in a.by_date:
        pd.testing.assert_frame_equal(a.by_date[kind], b.by_date[kind], obj=f"{context} date {kind}")
        pd.testing.assert_frame_equal(a.by_place[kind], b.by_place[kind], obj=f"{context} place {kind}")
    pd.testing.assert_frame_equal(a.top, b.top, obj=f"{context} top")


def test_stored_unfiltered_answers_equal_the_live_queries(stores, monkeypatch):
    """The unfiltered map, casualties and unplaced count kept in the index are what the queries return,
    frame for frame and dtype for dtype; a store on the same index reads them without querying."""
    events, plain, indexed = stores
    reader = ParquetEvents(indexed.files, threads=1, index=indexed.index_dir.parent)
    cases = [(limit, show_gdelt) for limit in (30, 5000) for show_gdelt in (True, False)]
    for limit, show_gdelt in cases:  # stored by the first call, read by the second store
        indexed.map_data(Filters(), show_gdelt=show_gdelt, limit=limit)
    for include, top in ((False, 25), (True, 25), (False, TOP_INCIDENTS)):
        indexed.casualties(Filters(), include_gdelt=include, top=top)

    def no_query(*args, **kwargs):
        raise AssertionError("answered by a query, not from the index")
    live_map, live_casualties, live_count = reader._map_data, reader._casualties, reader._count
    monkeypatch.setattr(reader, "_map_data", no_query)
    monkeypatch.setattr(reader, "_casualties", no_query)
    monkeypatch.setattr(reader, "_count", no_query)
    for limit, show_gdelt in cases:
        stored = reader.map_data(Filters(), show_gdelt=show_gdelt, limit=limit)
        _same_map(stored, live_map(Filters(), show_gdelt, limit, query.GRID_STEP), (limit, show_gdelt))
        a = plain.map_data(Filters(), show_gdelt=show_gdelt, limit=limit)  # and the path without an index
        _frames_equal(a.drawn, stored.drawn, (limit, show_gdelt, "drawn"))
    assert limit == 5000 and stored.bins is None  # both branches: beyond the limit (bins) and within it
    assert reader.map_data(Filters(), limit=30).bins is not None
    for include, top in ((False, 25), (True, 25), (False, TOP_INCIDENTS)):
        stored = reader.casualties(Filters(extra={"include_gdelt": include}), include_gdelt=include, top=top)
        _same_casualties(stored, live_casualties(Filters(), include, top), (include, top))
        assert stored.killed == plain.casualties(Filters(), include_gdelt=include, top=top).killed
    assert reader.unplaced(Filters(), limit=3)[0] == live_count(Filters(), ParquetEvents.UNPLACED)[0] \
        == int((events["latitude"].isna() | events["longitude"].isna()).sum())
    # a filter is never answered from the unfiltered answers
    with pytest.raises(AssertionError, match="not from the index"):
        reader.map_data(Filters(datasets=("acled",)), limit=30)


def test_a_damaged_stored_answer_is_computed_again(stores, tmp_path):
    _, plain, _ = stores
    store = ParquetEvents(plain.files, threads=1, index=tmp_path / "idx")
    first = store.map_data(Filters(), limit=30)
    (store.index_dir / "map-30-all-0.05.drawn.parquet").unlink()  # a frame lost
    again = ParquetEvents(plain.files, threads=1, index=tmp_path / "idx")
    _same_map(again.map_data(Filters(), limit=30), first, "recomputed")
    assert (again.index_dir / "map-30-all-0.05.drawn.parquet").exists()  # and kept again
    (store.index_dir / "map-30-all-0.05.json").write_text("{not json", encoding="utf-8")
    third = ParquetEvents(plain.files, threads=1, index=tmp_path / "idx")
    _same_map(third.map_data(Filters(), limit=30), first, "rewritten")


def test_an_index_of_an_older_version_is_replaced(stores, tmp_path, monkeypatch):
    """An index written by an older version of this module (another INDEX_VERSION) is never read: the same
    files get a new folder, built again, and the old one is deleted."""
    _, plain, _ = stores
    monkeypatch.setattr(query, "INDEX_VERSION", query.INDEX_VERSION - 1)
    old = ParquetEvents(plain.files, threads=1, index=tmp_path / "idx")
    old.facets()
    old._split_paths()
    assert sorted(p.name for p in old.index_dir.iterdir()) == ["facets.json", "files.json", "multi.parquet",
                                                               "rows_multi.parquet", "rows_single.parquet"]
    monkeypatch.undo()
    new = ParquetEvents(plain.files, threads=1, index=tmp_path / "idx")
    assert new.index_dir != old.index_dir
    new.ensure_index()
    assert not old.index_dir.exists()
    assert (new.index_dir / f"map-{MAP_LIMIT}-all-0.05.json").exists()
    assert new.map_data(Filters(), limit=30).placed == plain.map_data(Filters(), limit=30).placed


def test_the_index_builds_the_map_the_page_draws():
    from ui.figures import MAP_POINT_LIMIT

    assert MAP_LIMIT == MAP_POINT_LIMIT, "ensure_index would build a map the Map page never asks for"


def test_tolls_grouped_in_slices_equal_one_grouping(stores, tmp_path):
    """The multi-report incidents are grouped in slices (to bound DuckDB's memory), with or without a filter:
    the tolls are the same as one grouping of them all, and so are the casualties summed from them."""
    events, plain, indexed = stores
    sliced = ParquetEvents(plain.files, threads=1, index=tmp_path / "idx")
    sliced.ROWS_PER_PART = 15
    assert sliced._toll_parts() > 10
    key = ["incident_id"]
    got = pd.read_parquet(sliced._tolls_file_all(None)).sort_values(key).reset_index(drop=True)
    whole = pd.read_parquet(indexed.index_dir / "tolls_all.parquet").sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, whole)
    _same_casualties(sliced.casualties(Filters(), top=40), plain.casualties(Filters(), top=40), "sliced")
    rng = random.Random(8)
    for f in _split_filters(events) + [random_filters(rng, events) for _ in range(6)]:
        include = bool(f.extra.get("include_gdelt"))
        _same_casualties(sliced.casualties(f, include_gdelt=include, top=40),
                         plain.casualties(f, include_gdelt=include, top=40), f)
    assert not list(sliced.temp_directory.glob("tolls-part-*"))  # the slices' files are deleted
