"""GDELT 2.0 events straight from Google BigQuery's public tables (`gdelt-bq.gdeltv2.events`), with the
sidebar's filters pushed down so that only the filtered slice leaves Google (opt-in, never in tests).

GDELT holds about a billion event rows; no laptop loads them. BigQuery filters them where they are: the
query selects only the columns the GDELT mapping reads, only the CAMEO codes Faultline maps (conflict
and diplomacy, data/cameo_codes.csv), and ends with a LIMIT. The rows that come back go through the
same loader as a downloaded export (loaders.gdelt: CAMEO mapping, FIPS -> ISO3, confidence, incidents),
then through monitor.filters for the exact meaning of the filters that SQL can only narrow (actor names
are title-cased by the mapping, dyads come from actor country codes).

Filters -> GDELT columns:
    start, end      SQLDATE (INT64 YYYYMMDD) between @start and @end
    country (ISO3)  ActionGeo_CountryCode IN the FIPS codes of those countries (GDELT geography is FIPS)
    type            the event type of the longest CAMEO prefix of EventCode (data/cameo_codes.csv)
    actor           UPPER(TRIM(Actor1Name/Actor2Name)) = the upper-cased name (narrowing; exact afterwards)
    dyad            Actor1CountryCode/Actor2CountryCode are the dyad's two keys, either way round
    dataset         a selection without `gdelt` asks nothing of BigQuery

Every value is a named query parameter (@start, @country_0, ...); identifiers come from fixed lists.
The client library is an optional extra (`pip install .[bigquery]`), imported only when a query runs,
and a query runs only when credentials are configured and the analyst opts in (FAULTLINE_BIGQUERY=1 or
an explicit call). BigQuery bills by bytes scanned: `dry_run` reports them first, `max_bytes_billed`
caps them (default 20 GB), and the partitioned table `gdelt-bq.gdeltv2.events_partitioned` can be
named with `table=` to scan only the days asked for.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from loaders.gdelt import COLUMNS as GDELT_COLUMNS
from loaders.gdelt import cameo_table
from loaders.geocode import country_table
from loaders.problems import Problem

TABLE = "gdelt-bq.gdeltv2.events"
TABLES = (TABLE, "gdelt-bq.gdeltv2.events_partitioned")
# BigQuery's column -> the downloaded export's column (loaders.gdelt.COLUMNS): only what the mapping reads.
SELECT = {
    "GLOBALEVENTID": "GlobalEventID", "SQLDATE": "Day", "Actor1Name": "Actor1Name",
    "Actor1CountryCode": "Actor1CountryCode", "Actor2Name": "Actor2Name", "Actor2CountryCode": "Actor2CountryCode",
    "EventCode": "EventCode", "EventBaseCode": "EventBaseCode", "EventRootCode": "EventRootCode",
    "NumMentions": "NumMentions", "NumSources": "NumSources", "NumArticles": "NumArticles",
    "ActionGeo_Type": "ActionGeo_Type", "ActionGeo_FullName": "ActionGeo_FullName",
    "ActionGeo_CountryCode": "ActionGeo_CountryCode", "ActionGeo_Lat": "ActionGeo_Lat",
    "ActionGeo_Long": "ActionGeo_Long", "DATEADDED": "DATEADDED", "SOURCEURL": "SOURCEURL",
}
INTEGER_COLUMNS = {"GLOBALEVENTID", "SQLDATE", "NumMentions", "NumSources", "NumArticles", "ActionGeo_Type",
                   "DATEADDED"}
DEFAULT_LIMIT = 50_000
DEFAULT_MAX_BYTES = 20 * 10**9
OPT_IN_ENV = "FAULTLINE_BIGQUERY"


@dataclass(frozen=True)
class GdeltQuery:
    """BigQuery Standard SQL with named parameters; `params` maps name -> (BigQuery type, value)."""

    sql: str
    params: dict[str, tuple[str, object]] = field(default_factory=dict)

    def values(self) -> dict[str, object]:
        return {k: v for k, (_, v) in self.params.items()}


def _yyyymmdd(d: date) -> int:
    d = pd.Timestamp(d)
    return d.year * 10000 + d.month * 100 + d.day


def fips_codes(iso3: list[str] | tuple[str, ...]) -> list[str]:
    """The FIPS 10-4 codes GDELT uses for these ISO3 countries (the inverse of tabular.iso3_from_fips)."""
    wanted = set(iso3)
    return sorted({f for f, i in zip(country_table()["fips"], country_table()["iso3"]) if f and i in wanted})


def _cameo_case(params: dict) -> str:
    """The event type of an EventCode in SQL: its longest prefix in data/cameo_codes.csv (as gdelt.map_cameo)."""
    table = cameo_table()
    rows = sorted(zip(table["code"], table["event_type"]), key=lambda r: len(r[0]), reverse=True)
    whens = []
    for i, (code, etype) in enumerate(rows):
        params[f"cameo_{i}"] = ("STRING", code)
        params[f"cameo_type_{i}"] = ("STRING", etype)
        whens.append(f"WHEN STARTS_WITH(TRIM(EventCode), @cameo_{i}) THEN @cameo_type_{i}")
    return "CASE " + " ".join(whens) + " END"


def _in(expr: str, values: list, key: str, kind: str, params: dict) -> str:
    names = []
    for i, v in enumerate(values):
        params[f"{key}_{i}"] = (kind, v)
        names.append(f"@{key}_{i}")
    return f"{expr} IN ({', '.join(names)})" if names else "FALSE"


def build_query(f, *, limit: int = DEFAULT_LIMIT, table: str = TABLE) -> GdeltQuery | None:
    """The filters (monitor.Filters) as one parameterised query on GDELT's events table, or None when the
    filters leave GDELT out (a dataset selection without gdelt)."""
    if table not in TABLES:
        raise ValueError(f"table must be one of {', '.join(TABLES)}")
    if f.datasets and "gdelt" not in f.datasets:
        return None
    params: dict[str, tuple[str, object]] = {}
    etype = _cameo_case(params)
    where = [f"({etype}) IS NOT NULL"]  # only CAMEO codes Faultline maps (conflict and diplomacy)
    if f.start is not None:
        params["start"] = ("INT64", _yyyymmdd(f.start))
        where.append("SQLDATE >= @start")
        if table.endswith("_partitioned"):  # prune partitions: GDELT adds an event within days of it
            params["start_ts"] = ("TIMESTAMP", pd.Timestamp(f.start).to_pydatetime())
            where.append("_PARTITIONTIME >= @start_ts")
    if f.end is not None:
        params["end"] = ("INT64", _yyyymmdd(f.end))
        where.append("SQLDATE <= @end")
    if f.countries:
        where.append(_in("ActionGeo_CountryCode", fips_codes(f.countries), "fips", "STRING", params))
    if f.types:
        where.append(_in(f"({etype})", list(f.types), "type", "STRING", params))
    if f.actors:
        upper = sorted({str(a).strip().upper() for a in f.actors})
        a1 = _in("UPPER(TRIM(Actor1Name))", upper, "actor", "STRING", params)
        a2 = _in("UPPER(TRIM(Actor2Name))", upper, "actor", "STRING", params)
        where.append(f"({a1} OR {a2})")
    if f.dyad:
        keys = str(f.dyad).split("-")
        if len(keys) != 2:
            where.append("FALSE")
        else:
            params["dyad_a"], params["dyad_b"] = ("STRING", keys[0]), ("STRING", keys[1])
            where.append("((TRIM(Actor1CountryCode) = @dyad_a AND TRIM(Actor2CountryCode) = @dyad_b) OR "
                         "(TRIM(Actor1CountryCode) = @dyad_b AND TRIM(Actor2CountryCode) = @dyad_a))")
    params["limit"] = ("INT64", int(limit))
    sql = (f"SELECT {', '.join(SELECT)}\nFROM `{table}`\nWHERE " + "\n  AND ".join(where)
           + "\nORDER BY SQLDATE DESC, GLOBALEVENTID DESC\nLIMIT @limit")
    return GdeltQuery(sql, params)


def to_duckdb(query: GdeltQuery, table_name: str) -> tuple[str, dict]:
    """The same query in DuckDB's dialect (for tests and local mirrors): `$name` parameters and a local
    table in place of the BigQuery one. Functions used (STARTS_WITH, TRIM, UPPER) exist in both."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", table_name):
        raise ValueError("table_name must be a plain identifier")
    sql = re.sub(r"`[^`]+`", table_name, query.sql)
    sql = re.sub(r"@([A-Za-z_][A-Za-z0-9_]*)", r"$\1", sql)
    return sql, query.values()


def rows_to_events(rows: pd.DataFrame, f=None) -> tuple[pd.DataFrame, list[Problem]]:
    """BigQuery rows (SELECT's columns) -> the events table through loaders.gdelt, as a downloaded export
    would be loaded; then the exact filters (monitor.filters) when given."""
    import loaders
    from monitor.filters import apply_filters

    text = to_export_text(rows)
    with tempfile.TemporaryDirectory(prefix="faultline-bigquery-") as tmp:
        path = Path(tmp) / "gdelt-bigquery.export.CSV"
        path.write_text(text, encoding="utf-8")
        events, problems = loaders.load_report([path], format="gdelt")
    # the temporary file means nothing to the analyst: name the source; a line is the row's position in the result
    problems = [dataclasses.replace(p, file=f"BigQuery {TABLE} (result row)") for p in problems]
    if f is not None and len(events):
        events = apply_filters(events, f).reset_index(drop=True)
    return events, problems


def to_export_text(rows: pd.DataFrame) -> str:
    """BigQuery rows -> GDELT 2.0's own export layout (61 tab-separated columns, no header)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar=None, lineterminator="\n")
    names = {v: k for k, v in SELECT.items()}
    for rec in rows.to_dict("records"):
        line = []
        for col in GDELT_COLUMNS:
            value = rec.get(names[col]) if col in names else None
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                line.append("")
            elif names.get(col) in INTEGER_COLUMNS and isinstance(value, float):
                line.append(str(int(value)))  # a pandas float column of BigQuery INT64s (NULLs made it float)
            else:
                line.append(re.sub(r"[\t\r\n]+", " ", str(value)))
        writer.writerow(line)
    return out.getvalue()


# ---------------------------------------------------------------- running it (opt-in, network)

def configured(secrets: dict | None = None) -> bool:
    """Credentials are available: a service-account file named by GOOGLE_APPLICATION_CREDENTIALS, or a
    service-account mapping handed over from st.secrets (the UI reads it; loaders never import streamlit)."""
    if secrets:
        return True
    path = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS", "")
    return bool(path) and Path(path).is_file()


def opted_in() -> bool:
    return os.environ.get(OPT_IN_ENV, "") == "1"


def _client(project: str | None, secrets: dict | None):
    try:
        from google.cloud import bigquery  # optional extra: pip install .[bigquery]
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise RuntimeError("BigQuery needs the optional extra: pip install '.[bigquery]'") from exc
    if secrets:
        from google.oauth2 import service_account

        creds = service_account.Credentials.from_service_account_info(dict(secrets))
        return bigquery, bigquery.Client(project=project or creds.project_id, credentials=creds)
    return bigquery, bigquery.Client(project=project)


def fetch(f, *, limit: int = DEFAULT_LIMIT, table: str = TABLE, project: str | None = None,
          secrets: dict | None = None, max_bytes_billed: int = DEFAULT_MAX_BYTES, dry_run: bool = False,
          timeout: float = 120.0, opt_in: bool | None = None) -> tuple[pd.DataFrame, list[Problem], dict]:
    """Run the pushed-down query on BigQuery and return (events, problems, info). `info` has the SQL,
    bytes processed (the dry run's estimate, or the real figure) and the rows returned.

    Refuses to run without credentials or without the analyst's opt-in (FAULTLINE_BIGQUERY=1 or
    opt_in=True)."""
    if not (opt_in if opt_in is not None else opted_in()):
        raise PermissionError(f"BigQuery is opt-in: set {OPT_IN_ENV}=1 (or pass opt_in=True)")
    if not configured(secrets):
        raise PermissionError("no BigQuery credentials: set GOOGLE_APPLICATION_CREDENTIALS to a service-account "
                              "file, or put a [gcp_service_account] section in .streamlit/secrets.toml")
    query = build_query(f, limit=limit, table=table)
    if query is None:
        from loaders.schema import empty_events
        return empty_events(), [], {"sql": None, "bytes": 0, "rows": 0}
    bigquery, client = _client(project, secrets)
    params = [bigquery.ScalarQueryParameter(name, kind, value) for name, (kind, value) in query.params.items()]
    config = bigquery.QueryJobConfig(query_parameters=params, dry_run=dry_run, use_query_cache=True,
                                     maximum_bytes_billed=int(max_bytes_billed))
    job = client.query(query.sql, job_config=config, timeout=timeout)
    info = {"sql": query.sql, "bytes": job.total_bytes_processed, "rows": 0}
    if dry_run:
        from loaders.schema import empty_events
        return empty_events(), [], info
    rows = pd.DataFrame([dict(r.items()) for r in job.result(timeout=timeout)], columns=list(SELECT))
    info["rows"] = len(rows)
    info["bytes"] = job.total_bytes_processed
    events, problems = rows_to_events(rows, f)
    return events, problems, info


def main(argv: list[str] | None = None) -> int:
    """python -m loaders.bigquery [--start D] [--end D] [--country ISO3]... [--type T]... [--actor A]...
    [--dyad A-B] [--limit N] [--partitioned] [--print-sql | --dry-run] [--out FILE.csv|.parquet]"""
    import argparse

    from loaders.export import to_csv
    from monitor.filters import Filters

    p = argparse.ArgumentParser(prog="python -m loaders.bigquery", description=main.__doc__)
    p.add_argument("--start", type=date.fromisoformat)
    p.add_argument("--end", type=date.fromisoformat)
    p.add_argument("--country", action="append", default=[])
    p.add_argument("--type", action="append", default=[])
    p.add_argument("--actor", action="append", default=[])
    p.add_argument("--dyad")
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    p.add_argument("--partitioned", action="store_true", help="query gdeltv2.events_partitioned (fewer bytes)")
    p.add_argument("--max-gb", type=float, default=DEFAULT_MAX_BYTES / 1e9)
    p.add_argument("--print-sql", action="store_true", help="print the query and its parameters; no network")
    p.add_argument("--dry-run", action="store_true", help="ask BigQuery how many bytes the query would scan")
    p.add_argument("--out")
    a = p.parse_args(argv)
    f = Filters(start=a.start, end=a.end, countries=tuple(a.country), types=tuple(a.type), actors=tuple(a.actor),
                dyad=a.dyad)
    table = TABLES[1] if a.partitioned else TABLE
    if a.print_sql:
        q = build_query(f, limit=a.limit, table=table)
        print(q.sql if q else "-- nothing to ask: the filters leave GDELT out")
        for name, (kind, value) in (q.params.items() if q else []):
            if not name.startswith("cameo"):
                print(f"-- @{name} {kind} = {value!r}")
        return 0
    events, problems, info = fetch(f, limit=a.limit, table=table, max_bytes_billed=int(a.max_gb * 1e9),
                                   dry_run=a.dry_run, opt_in=True)
    gb = (info["bytes"] or 0) / 1e9
    if a.dry_run:
        print(f"the query would scan {gb:.2f} GB")
        return 0
    print(f"scanned {gb:.2f} GB; {info['rows']:,} rows returned; {len(events):,} events after mapping",
          file=os.sys.stderr)
    if a.out and a.out.endswith(".parquet"):
        events.to_parquet(a.out, index=False)
    elif a.out:
        Path(a.out).write_text(to_csv(events), encoding="utf-8")
    else:
        print(to_csv(events), end="")
    return 0 if len(events) else 2


if __name__ == "__main__":
    raise SystemExit(main())
