"""The BigQuery query builder (loaders.bigquery): the SQL it writes for GDELT's public table, run on DuckDB
against invented rows in BigQuery's GDELT schema, returns the rows the pandas filter keeps when the same
rows are loaded as a GDELT export through loaders.gdelt. No network: the client is never imported."""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

import loaders
from loaders import bigquery
from loaders.gdelt import COLUMNS as GDELT_COLUMNS
from loaders.schema import EVENT_TYPES
from monitor import Filters, apply_filters

CODES = ["036", "046", "057", "0871", "125", "138", "14", "145", "1831", "183", "190", "193", "195", "196",
         "20", "010", "1211", "163", "0874"]
ACTOR_NAMES = ["PAKISTAN", "TALIBAN", "AFGHANISTAN", "ISLAMABAD", "", "MILITARY", " pakistan "]
ACTOR_COUNTRIES = ["AFG", "PAK", "TUR", "", "", "QAT"]
PLACES = [("AF", "Kandahar, Kandahar, Afghanistan", 4, 31.61, 65.71), ("PK", "Chaman, Balochistan, Pakistan", 4, 30.92, 66.45),
          ("TU", "Istanbul, Istanbul, Turkey", 4, 41.01, 28.96), ("QA", "Doha, Ad Dawhah, Qatar", 4, 25.29, 51.53),
          ("IN", "India", 1, 20.0, 77.0), ("PK", "Balochistan, Pakistan", 2, 28.5, 65.0), ("", "", None, None, None),
          ("AF", "Nowhere, Afghanistan", 4, 95.0, 65.0)]  # the last: latitude out of range (a rejected row)
DAY0 = date(2025, 10, 1)


def fixture_rows(n: int = 400, seed: int = 2) -> pd.DataFrame:
    """Rows with the BigQuery table's columns and types (INT64 ids and dates, STRING codes)."""
    rng = random.Random(seed)
    recs = []
    for i in range(n):
        code = rng.choice(CODES)
        fips, full, gtype, lat, lon = rng.choice(PLACES)
        day = DAY0 + timedelta(days=rng.randrange(0, 45))
        recs.append({
            "GLOBALEVENTID": 1_200_000_000 + i * 7, "SQLDATE": int(day.strftime("%Y%m%d")),
            "Actor1Name": rng.choice(ACTOR_NAMES), "Actor1CountryCode": rng.choice(ACTOR_COUNTRIES),
            "Actor2Name": rng.choice(ACTOR_NAMES), "Actor2CountryCode": rng.choice(ACTOR_COUNTRIES),
            "EventCode": code, "EventBaseCode": code[:3], "EventRootCode": code[:2],
            "NumMentions": rng.randint(1, 30), "NumSources": rng.randint(1, 6), "NumArticles": rng.randint(1, 30),
            "ActionGeo_Type": gtype, "ActionGeo_FullName": full, "ActionGeo_CountryCode": fips,
            "ActionGeo_Lat": lat, "ActionGeo_Long": lon,
            "DATEADDED": int((day + timedelta(days=rng.choice([0, 1]))).strftime("%Y%m%d")) * 1_000_000 + 151500,
            "SOURCEURL": f"https://news.example/{i}",
        })
    rows = pd.DataFrame(recs)
    rows["ActionGeo_Type"] = rows["ActionGeo_Type"].astype("Int64")  # INT64 with NULLs
    return rows


def export_text(rows: pd.DataFrame) -> str:
    """The same rows as GDELT's downloadable export (61 tab-separated columns), written independently."""
    names = {"GlobalEventID": "GLOBALEVENTID", "Day": "SQLDATE"}
    lines = []
    for r in rows.to_dict("records"):
        cells = []
        for col in GDELT_COLUMNS:
            v = r.get(names.get(col, col))
            cells.append("" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    rows = fixture_rows()
    path = tmp_path_factory.mktemp("gdelt") / "20251115.export.CSV"
    path.write_text(export_text(rows), encoding="utf-8")
    events = loaders.load([path], format="gdelt")
    con = duckdb.connect()
    con.execute("""CREATE TABLE gdelt_events (GLOBALEVENTID BIGINT, SQLDATE BIGINT, Actor1Name VARCHAR,
                   Actor1CountryCode VARCHAR, Actor2Name VARCHAR, Actor2CountryCode VARCHAR, EventCode VARCHAR,
                   EventBaseCode VARCHAR, EventRootCode VARCHAR, NumMentions BIGINT, NumSources BIGINT,
                   NumArticles BIGINT, ActionGeo_Type BIGINT, ActionGeo_FullName VARCHAR,
                   ActionGeo_CountryCode VARCHAR, ActionGeo_Lat DOUBLE, ActionGeo_Long DOUBLE, DATEADDED BIGINT,
                   SOURCEURL VARCHAR)""")
    con.execute("INSERT INTO gdelt_events SELECT * FROM rows")
    return rows, events, con


def via_sql(con, f: Filters, limit: int = 1_000_000) -> tuple[pd.DataFrame, pd.DataFrame]:
    q = bigquery.build_query(f, limit=limit)
    sql, params = bigquery.to_duckdb(q, "gdelt_events")
    raw = con.execute(sql, params).df()
    events, _ = bigquery.rows_to_events(raw, f)
    return raw, events


def random_filters(rng: random.Random) -> Filters:
    def some(pool, k=2):
        return tuple(rng.sample(pool, rng.randint(1, k))) if rng.random() < 0.4 else ()
    start = DAY0 + timedelta(days=rng.randrange(0, 45)) if rng.random() < 0.5 else None
    end = DAY0 + timedelta(days=rng.randrange(0, 45)) if rng.random() < 0.5 else None
    if start and end and start > end:
        start, end = end, start
    return Filters(start=start, end=end, countries=some(["AFG", "PAK", "TUR", "QAT", "IND", "USA"]),
                   types=some(EVENT_TYPES, 3), actors=some(["Pakistan", "Taliban", "Afghanistan", "Nobody"]),
                   datasets=some(["gdelt", "acled", "news"]),
                   dyad=rng.choice(["AFG-PAK", "PAK-TUR", "AFG-QAT"]) if rng.random() < 0.3 else None)


COMPARE = [c for c in loaders.load([]).columns if c != "incident_id"]  # incidents depend on the rows loaded


def test_pushed_down_query_returns_the_pandas_rows(fixture):
    rows, events, con = fixture
    rng = random.Random(9)
    nonempty = 0
    for case in range(40):
        f = Filters() if case == 0 else random_filters(rng)
        expected = apply_filters(events, f).reset_index(drop=True)
        if f.datasets and "gdelt" not in f.datasets:
            assert bigquery.build_query(f) is None
            assert expected.empty
            continue
        raw, got = via_sql(con, f)
        assert got["event_id"].tolist() == expected["event_id"].tolist(), f
        pd.testing.assert_frame_equal(got[COMPARE], expected[COMPARE], check_dtype=False)
        nonempty += len(expected) > 0
        # the pushdown is exact for dates, countries and types: nothing comes back that is then dropped,
        # except rows the loader rejects (out-of-range coordinates)
        if not f.actors and not f.dyad:
            kept = set(expected["event_id"])
            extra = [i for i in raw["GLOBALEVENTID"] if f"gdelt:{i}" not in kept]
            assert (raw.set_index("GLOBALEVENTID").loc[extra, "ActionGeo_Lat"].abs() > 90).all(), f
    assert nonempty > 10


def test_query_selects_only_needed_columns_and_maps_codes(fixture):
    rows, events, con = fixture
    q = bigquery.build_query(Filters(start=date(2025, 10, 5), countries=("AFG", "PAK"), types=("Battles",)), limit=10)
    assert q.sql.startswith("SELECT GLOBALEVENTID, SQLDATE,") and "SELECT *" not in q.sql
    assert "FROM `gdelt-bq.gdeltv2.events`" in q.sql and q.sql.rstrip().endswith("LIMIT @limit")
    assert q.params["start"] == ("INT64", 20251005)
    assert {v for k, (_, v) in q.params.items() if k.startswith("fips_")} == {"AF", "PK"}  # FIPS, not ISO
    # non-conflict CAMEO codes (010 statements, 1211, 163 sanctions) never leave BigQuery
    raw, _ = via_sql(con, Filters())
    assert not set(raw["EventCode"]) & {"010", "1211", "163"}
    assert "0874" in set(rows["EventCode"]) and "0874" not in set(raw["EventCode"])


def test_values_are_parameters_never_sql_text(fixture):
    rows, events, con = fixture
    evil = "PAKISTAN') OR 1=1 --"
    f = Filters(actors=(evil,), countries=("AFG'; DROP TABLE x; --",))
    q = bigquery.build_query(f)
    assert "DROP" not in q.sql and "OR 1=1" not in q.sql
    assert evil.upper() in q.values().values()
    raw, got = via_sql(con, f)
    assert raw.empty and got.empty
    with pytest.raises(ValueError):
        bigquery.build_query(Filters(), table="other.dataset.table; DROP")


def test_limit_keeps_the_newest_rows(fixture):
    rows, events, con = fixture
    raw, _ = via_sql(con, Filters(), limit=15)
    assert len(raw) == 15
    assert raw["SQLDATE"].min() >= sorted(raw["SQLDATE"].tolist() + [0])[0]
    everything, _ = via_sql(con, Filters())
    assert raw["SQLDATE"].min() >= everything["SQLDATE"].nlargest(15).min()


def test_partitioned_table_prunes_by_partition_time():
    q = bigquery.build_query(Filters(start=date(2025, 10, 1)), table="gdelt-bq.gdeltv2.events_partitioned")
    assert "_PARTITIONTIME >= @start_ts" in q.sql and q.params["start_ts"][0] == "TIMESTAMP"


def test_running_needs_opt_in_and_credentials(monkeypatch, tmp_path):
    monkeypatch.delenv("FAULTLINE_BIGQUERY", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    with pytest.raises(PermissionError, match="opt-in"):
        bigquery.fetch(Filters())
    with pytest.raises(PermissionError, match="credentials"):
        bigquery.fetch(Filters(), opt_in=True)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    assert not bigquery.configured()
    assert "google.cloud.bigquery" not in sys.modules  # never imported by building or testing queries


def test_print_sql_cli_needs_no_network(capsys):
    assert bigquery.main(["--print-sql", "--start", "2025-10-01", "--country", "AFG", "--limit", "100"]) == 0
    out = capsys.readouterr().out
    assert "gdelt-bq.gdeltv2.events" in out and "@fips_0 STRING = 'AF'" in out
