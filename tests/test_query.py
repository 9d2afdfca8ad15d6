"""The DuckDB query path over Parquet (monitor.query) gives the pandas path's answers.

Random events tables (invented here, with the awkward cases: missing iso3/actors/dyads, incidents of
several reports, month-dated reports, GDELT-only incidents, open-ended and contested tolls, text a
spreadsheet would run) are written to several Parquet files; for many random filter combinations the
SQL answers are compared with monitor.filters / monitor.casualties / ui.figures on the same rows.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from loaders.export import to_csv
from loaders.schema import DATASETS, EVENT_TYPES, conform, sort_events, validate
from monitor import Filters, apply_filters, counted_incidents, incident_tolls, total
from monitor.query import ParquetEvents, filter_sql, resolve_parquet

COUNTRIES = {"AFG": "Afghanistan", "PAK": "Pakistan", "TUR": "Türkiye", "QAT": "Qatar"}
ACTORS = ["Military Forces of Pakistan", "Taliban (Afghanistan)", "TTP", "Civilians (Pakistan)",
          "O'Brien'); DROP TABLE events; --", "$start", None, None]
DYADS = ["AFG-PAK", "PAK-TTP", "AFG-TTP", None]
TEXTS = [None, "=SUM(A1)", "-5 dead", "+x", "@here", "\tleading tab", 'a "quoted", text', "line\nbreak",
         "plain words", "комма, юникод", "trailing space ", "\rcarriage"]
PLACES = [None, "Spot A", "Spot B", "Spot C", "(no place stated)"]
START = date(2025, 9, 20)


def random_events(n: int, seed: int) -> pd.DataFrame:
    rng = random.Random(seed)
    records = []
    i = 0
    while len(records) < n:
        inc = f"inc:{seed}-{i}"
        size = rng.choice([1, 1, 1, 2, 3])
        base_day = START + timedelta(days=rng.randrange(0, 75))
        dyad = rng.choice(DYADS)
        precision = rng.choices(["day", "week", "month", "year"], [80, 8, 10, 2])[0]
        for k in range(size):
            day = base_day + timedelta(days=rng.choice([0, 0, 1]))
            prec = precision if k == 0 else rng.choice([precision, "day"])
            if prec == "month":
                day = day.replace(day=1)
            if prec == "year":
                day = day.replace(month=1, day=1)
            dataset = rng.choices(DATASETS, [20, 30, 20, 25, 5])[0]
            iso3 = rng.choice(list(COUNTRIES) + [None])
            low = best = high = None
            shape = rng.random()
            if shape < 0.5:
                low = rng.randrange(0, 40)
                best = low + rng.randrange(0, 5) if rng.random() < 0.8 else None
                high = (best or low) + rng.randrange(0, 10) if rng.random() < 0.8 else None
            inj_low = inj_high = None
            if rng.random() < 0.3:
                inj_low = rng.randrange(0, 20)
                inj_high = inj_low + rng.randrange(0, 5) if rng.random() < 0.7 else None
            placed = rng.random() < 0.8
            lat = round(30 + rng.random() * 6, 4) if placed else None
            lon = round(65 + rng.random() * 6, 4) if placed else None
            records.append({
                "event_id": f"{dataset}:{seed}-{len(records):05d}",
                "incident_id": inc,
                "event_date": pd.Timestamp(day),
                "date_end": pd.Timestamp(day + timedelta(days=2)) if rng.random() < 0.05 else None,
                "date_precision": prec,
                "event_type": rng.choice(EVENT_TYPES),
                "sub_event_type": None,
                "diplomatic_action": rng.choice([None, None, "talks_held", "ceasefire_agreed"]),
                "actor1": rng.choice(ACTORS), "actor2": rng.choice(ACTORS),
                "dyad": dyad if rng.random() < 0.9 else rng.choice(DYADS),
                "mediators": rng.choice([None, "Qatar;Türkiye"]),
                "country": COUNTRIES.get(iso3) if rng.random() < 0.9 else None, "iso3": iso3,
                "admin1": rng.choice([None, "Province X"]), "location": rng.choice(PLACES),
                "latitude": lat, "longitude": lon,
                "geo_precision": rng.choice([1, 2, 3, 4, None]) if placed else None,
                "geocoder": "source" if placed else "none",
                "fatalities_low": low, "fatalities_best": best, "fatalities_high": high,
                "fatalities_civilians": rng.choice([None, 1]) if low else None,
                "injured_low": inj_low, "injured_high": inj_high,
                "casualty_text": rng.choice(TEXTS), "claimed_by": rng.choice([None, "Side A", "=cmd"]),
                "dataset": dataset, "source_name": rng.choice(["Dawn", "-Tolo", "GDELT", "a, b"]),
                "source_url": rng.choice([None, "https://example.org/a?b=1,2"]),
                "published": pd.Timestamp(day + timedelta(days=1)) if rng.random() < 0.7 else None,
                "source_quote": rng.choice(TEXTS),
                "confidence": rng.choice([1.0, 0.3, 0.45, 0.6, 0.123456789]),
            })
        i += 1
    return validate(sort_events(conform(pd.DataFrame(records[:n]))))


def random_filters(rng: random.Random, events: pd.DataFrame) -> Filters:
    def some(pool, k=3):
        return tuple(rng.sample(pool, rng.randint(1, min(k, len(pool))))) if rng.random() < 0.4 else ()
    start = START + timedelta(days=rng.randrange(0, 80)) if rng.random() < 0.4 else None
    end = START + timedelta(days=rng.randrange(0, 80)) if rng.random() < 0.4 else None
    if start and end and start > end:
        start, end = end, start
    actors = [a for a in ACTORS if a] + ["Nobody at all"]
    return Filters(start=start, end=end, countries=some(list(COUNTRIES) + ["IND"]), types=some(EVENT_TYPES),
                   actors=some(actors, 2), datasets=some(DATASETS),
                   dyad=rng.choice(DYADS + ["XXX-YYY"]) if rng.random() < 0.3 else None,
                   extra={"include_gdelt": rng.random() < 0.5})


def parquet_parts(events: pd.DataFrame, folder, parts: int) -> str:
    """The events written as `parts` Parquet files, each in the contract's order and together too (as a
    per-input cache would be); the glob that reads them all."""
    for k, part in enumerate(np.array_split(np.arange(len(events)), parts)):
        events.iloc[part].to_parquet(folder / f"part-{k}.parquet", index=False)
    return str(folder / "*.parquet")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    events = random_events(1500, seed=11)
    return events, ParquetEvents(parquet_parts(events, tmp_path_factory.mktemp("parquet"), 3), threads=1)


FILTER_CASES = 120


def test_filter_sql_binds_every_value():
    f = Filters(start=date(2025, 1, 1), countries=("AFG", "x'); DROP TABLE t; --"), actors=("$start",), dyad="A-B")
    sql, params = filter_sql(f)
    assert "DROP" not in sql and "AFG" not in sql and "A-B" not in sql
    assert set(params.values()) >= {"AFG", "x'); DROP TABLE t; --", "$start", "A-B"}
    assert filter_sql(Filters()) == ("TRUE", {})


def test_resolve_parquet_takes_globs_dirs_and_lists(data, tmp_path):
    _, store = data
    folder = str(store.files[0]).rsplit("/", 1)[0]
    assert resolve_parquet(folder + "/*.parquet") == store.files
    assert resolve_parquet(folder) == store.files
    assert resolve_parquet(list(reversed(store.files))) == list(reversed(store.files))
    with pytest.raises(FileNotFoundError):
        ParquetEvents(str(tmp_path / "none*.parquet"))


def test_filtered_rows_equal_the_pandas_filter(data):
    events, store = data
    rng = random.Random(5)
    nonempty = 0
    for _ in range(FILTER_CASES):
        f = random_filters(rng, events)
        expected = apply_filters(events, f)
        got = store.rows(f)
        assert got["event_id"].tolist() == expected["event_id"].tolist(), f
        assert store.count(f) == (len(expected), expected["incident_id"].nunique()), f
        nonempty += bool(len(expected))
    assert nonempty > FILTER_CASES / 3  # the random filters are not all trivially empty
    # the rows come back with the contract's dtypes and values
    pd.testing.assert_frame_equal(store.rows(Filters()), events)


def test_injection_attempts_are_plain_values(data):
    events, store = data
    for actor in ("O'Brien'); DROP TABLE events; --", "$start"):
        f = Filters(actors=(actor,))
        assert store.rows(f)["event_id"].tolist() == apply_filters(events, f)["event_id"].tolist()
        assert len(store.rows(f))
    assert store.count(Filters())[0] == len(events)  # still there
    with pytest.raises(ValueError):
        store.rows(Filters(), order="event_date; DROP TABLE x")  # orders are named, not free text


def test_events_page_is_the_pandas_page(data):
    events, store = data
    rng = random.Random(8)
    for _ in range(25):
        f = random_filters(rng, events)
        shown = apply_filters(events, f).sort_values(["event_date", "event_id"], ascending=[False, True])
        for page in (0, 1, 3):
            got = store.page(f, page, size=40)
            assert got["event_id"].tolist() == shown["event_id"].iloc[page * 40:(page + 1) * 40].tolist()
    iids = events["incident_id"].iloc[[3, 50, 400]]
    assert sorted(store.incident_rows(iids)["event_id"]) == sorted(events[events["incident_id"].isin(iids)]["event_id"])
    ids = events["event_id"].iloc[[1, 2, 700]]
    f = Filters(types=("Battles",))
    assert store.by_ids(ids, f)["event_id"].tolist() == \
        apply_filters(events, f)[lambda d: d["event_id"].isin(ids)]["event_id"].tolist()


def test_casualty_aggregates_equal_monitor_casualties(data):
    from ui.figures import casualties_place_figure, casualties_time_figure
    from ui.tables import signal_only_incidents

    events, store = data
    rng = random.Random(13)
    for case in range(16):
        f = Filters() if case == 0 else random_filters(rng, events)
        include = bool(f.extra.get("include_gdelt"))
        shown = apply_filters(events, f)
        counted = counted_incidents(incident_tolls(shown), include_gdelt=include)
        got = store.casualties(f, include_gdelt=include, top=15)
        assert got.killed == (total(counted, "killed") if len(counted) else None), f
        assert got.injured == (total(counted, "injured") if len(counted) else None), f
        assert got.incidents == len(counted)
        with_toll = counted[counted["killed_low"].notna() | counted["injured_low"].notna()] if len(counted) else counted
        assert got.with_toll == len(with_toll)
        assert got.signal_only == len(signal_only_incidents(shown))
        for kind in ("killed", "injured"):
            for freq in ("week", "day"):
                a = casualties_time_figure(counted, kind, freq) if len(counted) else "none"
                b = casualties_time_figure(got.by_date[kind], kind, freq) if got.incidents else "none"
                assert _same(a, b), (f, kind, freq)
            a = casualties_place_figure(counted, kind) if len(counted) else "none"
            b = casualties_place_figure(got.by_place[kind], kind) if got.incidents else "none"
            assert _same(a, b), (f, kind)
        # the deadliest incidents, as monitor.incident_tolls gives them over the filtered rows
        if len(with_toll):
            mine = got.top.set_index("incident_id")
            theirs = incident_tolls(shown).set_index("incident_id").loc[mine.index]
            assert mine.astype(str).equals(theirs.astype(str))  # (dtypes of incident_tolls vary with its input)
            score = with_toll["killed_best"].fillna(with_toll["killed_low"]).astype("Float64").fillna(-1)
            assert len(mine) == min(15, len(with_toll))
            assert mine["killed_best"].fillna(mine["killed_low"]).astype("Float64").fillna(-1).max() == score.max()


def _same(a, b) -> bool:
    """The same figure: the same JSON a browser gets (plotly's dicts may hold numpy arrays, which `==` cannot
    compare as a whole)."""
    if isinstance(a, str) or isinstance(b, str):
        return type(a) is type(b)
    return a.to_json() == b.to_json()


def test_map_data_equals_the_pandas_map(data):
    from ui.figures import _deadliest, assemble_map_view, density_bins, map_view

    events, store = data
    rng = random.Random(21)
    for case in range(14):
        f = Filters() if case == 0 else random_filters(rng, events)
        show_gdelt = rng.random() < 0.6
        limit = rng.choice([40, 5000])
        shown = apply_filters(events, f)
        got = store.map_data(f, show_gdelt=show_gdelt, limit=limit)
        visible = shown if show_gdelt else shown[shown["dataset"].astype(str) != "gdelt"]
        placed = visible[visible["latitude"].notna() & visible["longitude"].notna()]
        assert got.placed == len(placed)
        assert got.unplaced == len(visible) - len(placed)
        assert got.hidden_signal == len(shown) - len(visible)
        if placed.empty:
            continue
        tolls = incident_tolls(visible)
        if len(placed) > limit:
            expected = _deadliest(placed, tolls, limit)
            assert sorted(got.drawn["event_id"]) == sorted(expected["event_id"]), f
            bins = density_bins(placed)
            pd.testing.assert_frame_equal(got.bins[["lat", "lon", "n"]], bins, check_dtype=False)
        else:
            assert got.drawn["event_id"].tolist() == placed["event_id"].tolist()
        # the whole view: the same figure as the pandas map. Past the limit the two paths draw differently
        # by design (pandas: grid cells and the deadliest few; DuckDB: density and the `limit` deadliest),
        # so there the SQL answer is compared with the same assembly from pandas-computed inputs.
        mine = assemble_map_view(got.drawn, got.tolls, placed=got.placed, bins=got.bins, bounds=got.bounds,
                                 notes=[], online=False, limit=limit)
        if len(placed) > limit:
            bounds = (placed["latitude"].min(), placed["latitude"].max(),
                      placed["longitude"].min(), placed["longitude"].max())
            theirs = assemble_map_view(_deadliest(placed, tolls, limit), tolls, placed=len(placed),
                                       bins=density_bins(placed), bounds=bounds, notes=[], online=False, limit=limit)
        else:
            theirs = map_view(visible, online=False, show_gdelt=True, limit=limit)
        assert _same(mine.figure, theirs.figure), f
        assert mine.points["event_ids"].map(lambda s: sorted(s.split(";"))).tolist() == \
            theirs.points["event_ids"].map(lambda s: sorted(s.split(";"))).tolist()


def test_csv_export_is_the_download(data, tmp_path):
    events, store = data
    rng = random.Random(3)
    for case in range(12):
        f = Filters() if case == 0 else random_filters(rng, events)
        out = tmp_path / f"export-{case}.csv"
        n = store.export_csv(f, out)
        expected = to_csv(apply_filters(events, f), excel_safe=True)
        assert n == len(apply_filters(events, f))
        got = _read(out)
        # Same records, cell for cell, as a CSV reader sees them (line ends and quoting may differ:
        # the pandas export switches to CRLF when a cell holds a carriage return).
        assert _records(got) == _records(expected), f
    plain = tmp_path / "plain.csv"
    store.export_csv(Filters(), plain, excel_safe=False)
    assert _records(_read(plain)) == _records(to_csv(events))


def _records(text: str) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(text, newline="")))


def _read(path) -> str:
    with open(path, encoding="utf-8", newline="") as fh:  # no newline translation: a "\r" stays one
        return fh.read()


def test_facets_match_the_sidebar(data):
    from ui.data import data_fingerprint
    from monitor import active_dyads, actor_options

    events, store = data
    facets = store.facets()
    assert facets.rows == len(events)
    assert facets.fingerprint == data_fingerprint(events)
    assert facets.countries == sorted(events["iso3"].dropna().unique())
    pairs = events[["iso3", "country"]].dropna().drop_duplicates("iso3")
    assert facets.country_names == dict(zip(pairs["iso3"], pairs["country"]))
    counts = events["dyad"].value_counts()
    assert [counts[d] for d in facets.dyads] == sorted(counts, reverse=True)
    assert set(facets.dyads) == set(active_dyads(events))
    assert facets.actors == actor_options(events)
    assert facets.first == events["event_date"].min() and facets.last == events["event_date"].max()
    assert facets.has_gdelt
