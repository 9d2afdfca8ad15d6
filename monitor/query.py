"""The events table queried where it lies: DuckDB over Parquet files of the events table (SPEC §2).

For data too large to hold in pandas (ten million reports and more), the sidebar's filters become one
SQL WHERE clause that DuckDB pushes into the Parquet scan, and only what a page draws comes back: the
map's points (at most a limit) and a density grid, the casualty totals and per-day / per-place sums,
one page of the events table with its count, and the CSV download written by DuckDB's COPY.

Every user value travels as a bound parameter (`$name`); column names come only from the events
table's own column list. The results match the pandas path (monitor.filters, monitor.casualties) row
for row — tests/test_query.py checks that on random filter combinations.

The Parquet files must hold the events table's 34 columns; rows are taken to be in the contract's
order (event_date, then event_id) wherever the pandas path would depend on row order ("the first
report of an incident").

An index per data version (ParquetEvents.ensure_index; FAULTLINE_HOME/cache/duckdb/<key of the files'
paths, sizes and modification times>) keeps what every page would otherwise recompute: the sidebar's
facets, the incidents with more than one report, narrow copies of the rows split by that (a single
report's incident toll is its own figures under any filter, so only the others are grouped), the
incident tolls over all rows, and the pages' answers without a filter (what every first visit asks).
Answers are the same with and without it (tests/test_query_index.py).
"""

from __future__ import annotations

import glob as _glob
import hashlib
import json
import os
import tempfile
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from loaders.paths import writable_home
from loaders.schema import COLUMNS, DATE_COLUMNS, conform
from monitor.casualties import COARSE, Range, incident_tolls
from monitor.filters import Filters

ALLOWED_COLUMNS = tuple(COLUMNS)
TEXT_COLUMNS = [c for c, t in COLUMNS.items() if t == "string" or isinstance(t, pd.CategoricalDtype)]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # as loaders.faultline_csv: cells a spreadsheet would run
GRID_STEP = 0.05  # degrees: the map's density grid (about 5 km), as ui.figures' density layer
ORDERS = {  # the orders a caller may ask for, by name: no free-form ORDER BY
    "contract": "event_date ASC, event_id ASC",
    "newest": "event_date DESC, event_id ASC",
}


def resolve_parquet(paths: str | Path | Iterable[str | Path]) -> list[str]:
    """A glob pattern, one path, or several -> the sorted list of existing Parquet files."""
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    out: list[str] = []
    for item in items:
        text = str(item)
        if any(ch in text for ch in "*?["):
            out += sorted(_glob.glob(text, recursive=True))
        elif Path(text).is_dir():
            out += sorted(str(p) for p in Path(text).rglob("*.parquet"))
        elif Path(text).is_file():
            out.append(text)
    return list(dict.fromkeys(os.path.abspath(p) for p in out))


def _ident(name: str) -> str:
    """A column name, only from the events table's own columns (identifiers are never user text)."""
    if name not in ALLOWED_COLUMNS:
        raise ValueError(f"not a column of the events table: {name!r}")
    return '"' + name + '"'


def _in(column: str, values: Sequence[str], key: str, params: dict) -> str:
    """`column IN ($key_0, $key_1, ...)`, each value a bound parameter."""
    names = []
    for i, v in enumerate(values):
        params[f"{key}_{i}"] = str(v)
        names.append(f"${key}_{i}")
    return f"{_ident(column)} IN ({', '.join(names)})"


def filter_sql(f: Filters) -> tuple[str, dict]:
    """The sidebar's filters as a SQL condition and its parameters, with monitor.filters' meaning:
    a missing iso3/actor/dyad never matches a country/actor/dyad filter; empty lists mean all."""
    clauses: list[str] = []
    params: dict = {}
    if f.start is not None:
        params["start"] = pd.Timestamp(f.start).to_pydatetime()
        clauses.append('"event_date" >= CAST($start AS TIMESTAMP)')
    if f.end is not None:
        params["end"] = pd.Timestamp(f.end).to_pydatetime()
        clauses.append('"event_date" <= CAST($end AS TIMESTAMP)')
    if f.countries:
        clauses.append(_in("iso3", f.countries, "country", params))
    if f.types:
        clauses.append(_in("event_type", f.types, "type", params))
    if f.actors:
        clauses.append(f"({_in('actor1', f.actors, 'actor', params)} OR "
                       f"{_in('actor2', f.actors, 'actor', params)})")
    if f.datasets:
        clauses.append(_in("dataset", f.datasets, "dataset", params))
    if f.dyad:
        params["dyad"] = str(f.dyad)
        clauses.append('"dyad" = $dyad')
    # NULL (a missing iso3, actor or dyad) leaves a clause unknown, and WHERE keeps only true rows.
    return (" AND ".join(f"({c})" for c in clauses) if clauses else "TRUE"), params


INDEX_VERSION = 4  # bump when what the index holds, or how any of it (stored answers included) is computed, changes
MAP_LIMIT = 10_000  # the Map page's point limit (ui.figures.MAP_POINT_LIMIT): its unfiltered map is built with the index
TOP_INCIDENTS = 1000  # the deadliest incidents the Casualties page lists


def files_signature(files: Sequence[str]) -> list:
    """What names one version of the data: each file's path, size and modification time."""
    sig = []
    for p in files:
        st = os.stat(p)
        sig.append([p, st.st_size, st.st_mtime_ns])
    return sig


def _index_dir(index: bool | str | Path, files: Sequence[str]) -> Path | None:
    """The folder of this data version's index (see ParquetEvents.ensure_index), or None for no index.
    `index` True: FAULTLINE_HOME/cache/duckdb when it is writable, else the system's temporary folder."""
    if index is False or index is None:
        return None
    if index is True:
        home = writable_home()
        base = home / "cache" / "duckdb" if home else Path(tempfile.gettempdir()) / "faultline-duckdb-index"
    else:
        base = Path(index)
    key = hashlib.sha256(json.dumps([INDEX_VERSION, files_signature(files)]).encode()).hexdigest()[:20]
    return base / key


def _retire_older_indexes(folder: Path, files: Sequence[str]) -> None:
    """Record which files `folder` indexes, and delete the indexes of earlier versions of the same files
    (same paths, other sizes or times): each is about as large as the data's narrow columns."""
    import shutil

    (folder / "files.json").write_text(json.dumps(list(files)), encoding="utf-8")
    for other in folder.parent.iterdir():
        if other == folder or not other.is_dir():
            continue
        try:
            same = json.loads((other / "files.json").read_text(encoding="utf-8")) == list(files)
        except (OSError, ValueError):
            continue
        if same:
            shutil.rmtree(other, ignore_errors=True)


@dataclass
class Facets:
    """What the sidebar offers, read from the whole table (not the filtered rows)."""

    rows: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    countries: list[str]
    country_names: dict[str, str]
    dyads: list[str]
    actors: list[str]
    has_gdelt: bool
    fingerprint: str


# The columns of the events table the map draws (ui.figures.map_points: place, hover lines) and its tolls need.
# The others — long text like quotes and URLs, most of the bytes — are read only for the reports a click lists
# (ParquetEvents.by_ids): decoding all 34 columns of every row to keep the drawn incidents' reports was a third
# of the unfiltered map's time at 10M.
MAP_COLUMNS = ["event_id", "incident_id", "event_date", "date_precision", "event_type", "sub_event_type",
               "diplomatic_action", "dyad", "country", "admin1", "location", "latitude", "longitude", "geo_precision",
               "fatalities_low", "fatalities_best", "fatalities_high", "injured_low", "injured_high", "dataset",
               "source_name", "confidence"]

# The columns monitor.incident_tolls reads (details included: who claims which toll): the Casualties page's
# deadliest incidents are computed from these columns of their reports only.
TOLL_ROW_COLUMNS = ["event_id", "incident_id", "event_date", "date_precision", "event_type", "dyad", "location",
                    "fatalities_low", "fatalities_best", "fatalities_high", "injured_low", "injured_high",
                    "casualty_text", "claimed_by", "dataset", "source_name"]


@dataclass
class MapData:
    """What the Map page draws from the filtered rows (GDELT already dropped when hidden)."""

    placed: int                  # placed reports that pass the filters
    unplaced: int                # reports without coordinates
    hidden_signal: int           # GDELT reports hidden by the map's toggle
    drawn: pd.DataFrame          # the reports drawn as points: all, or the `limit` deadliest (MAP_COLUMNS)
    tolls: pd.DataFrame          # incident tolls (over the filtered rows) of the drawn reports' incidents
                                 # (monitor.incident_tolls, details=False: no claims or event_ids lists)
    bins: pd.DataFrame | None    # density grid of all placed reports (lat, lon, n, killed) when beyond limit
    bounds: tuple | None = None  # (lat_min, lat_max, lon_min, lon_max) of all placed reports


@dataclass
class CasualtySummary:
    """The Casualties page's numbers: the same as monitor.casualties over the filtered rows, summed in SQL.

    `by_date[kind]` and `by_place[kind]` are rows shaped like counted incidents (one per day and date
    precision, or per place), so ui.figures draws them unchanged: sums of sums are the same sums."""

    killed: Range | None
    injured: Range | None
    incidents: int               # counted incidents
    with_toll: int               # ... of which state a killed or injured figure
    signal_only: int             # GDELT-only incidents among the filtered rows
    by_date: dict[str, pd.DataFrame] = field(default_factory=dict)
    by_place: dict[str, pd.DataFrame] = field(default_factory=dict)
    top: pd.DataFrame | None = None  # the deadliest counted incidents, as monitor.incident_tolls rows


class ParquetEvents:
    """The events table in Parquet files, queried with DuckDB. Cheap to create; thread-safe (one
    cursor per query)."""

    def __init__(self, paths: str | Path | Iterable[str | Path], *, threads: int | None = None,
                 memory_limit: str | None = None, temp_directory: str | None = None,
                 index: bool | str | Path = True):
        self.files = resolve_parquet(paths)
        if not self.files:
            raise FileNotFoundError(f"no Parquet files at {paths!r}")
        config = {"preserve_insertion_order": False}  # every query that needs an order says so
        if threads:
            config["threads"] = int(threads)
        if memory_limit:
            config["memory_limit"] = str(memory_limit)
        # DuckDB spills beyond memory_limit; by default into ./.tmp, i.e. wherever the app was started
        # (the repository, a read-only deployment): use the system's temporary folder instead.
        self.temp_directory = Path(temp_directory or Path(tempfile.gettempdir()) / "faultline-duckdb")
        config["temp_directory"] = str(self.temp_directory)
        self._config = config
        self._con = duckdb.connect(":memory:", config=config)
        missing = [c for c in COLUMNS if c not in self._columns()]
        if missing:
            raise ValueError(f"the Parquet files lack events-table columns: {', '.join(missing)}")
        self.index_dir = _index_dir(index, self.files)
        self._lock = threading.RLock()
        self._multi: str | None = None  # the index's list of incidents with more than one report, once built

    # ------------------------------------------------------------------ plumbing

    SRC = "read_parquet($files)"

    def _run(self, sql: str, params: dict | None = None) -> duckdb.DuckDBPyConnection:
        params = dict(params or {})
        if "$files" in sql:
            params["files"] = self.files
        cur = self._con.cursor()
        return cur.execute(sql, params)

    def _df(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        params = dict(params or {})
        if "$files" in sql:
            params["files"] = self.files
        return self._con.cursor().sql(sql, params=params).to_arrow_table().to_pandas()

    def _columns(self) -> list[str]:
        return [r[0] for r in self._run(f"DESCRIBE SELECT * FROM {self.SRC}").fetchall()]

    def _where(self, f: Filters | None, extra: str | None = None) -> tuple[str, dict]:
        cond, params = filter_sql(f or Filters())
        if extra:
            cond = f"({cond}) AND ({extra})"
        return cond, params

    def _events(self, sql: str, params: dict) -> pd.DataFrame:
        """Rows of the events table with the contract's dtypes."""
        df = self._df(sql, params)
        return conform(df) if len(df) else conform(pd.DataFrame({c: [] for c in COLUMNS}))

    @staticmethod
    def _cols(columns: Iterable[str] | None = None) -> str:
        return ", ".join(_ident(c) for c in (columns or ALLOWED_COLUMNS))

    # ------------------------------------------------------------------ whole table

    def _index_file(self, name: str, build) -> Path | None:
        """`name` in this data version's index folder, built by `build(tmp_path)` when missing (written under
        a temporary name, then renamed: a reader never sees half a file). None without an index."""
        if self.index_dir is None:
            return None
        target = self.index_dir / name
        if target.exists():
            return target
        with self._lock:
            if target.exists():
                return target
            try:
                fresh = not self.index_dir.exists()
                self.index_dir.mkdir(parents=True, exist_ok=True)
                if fresh:
                    _retire_older_indexes(self.index_dir, self.files)
            except OSError:
                self.index_dir = None  # nowhere to write: every query reads the files, as without an index
                return None
            tmp = self.index_dir / f".{name}.{uuid.uuid4().hex}.tmp"
            try:
                build(tmp)
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
        return target

    def ensure_index(self, *, map_limit: int = MAP_LIMIT) -> Path | None:
        """Build what this data version's index holds, once (later stores of the same files reuse it):
        the sidebar's facets, the incidents with more than one report, the incident tolls over all rows, and
        the pages' answers without a filter (the map with `map_limit` points, the casualties, the count of
        unplaced reports) — what every first visit asks."""
        self.facets()
        self._split_paths()
        self._tolls_file_all(None)
        if self.index_dir is not None:
            self.map_data(None, limit=map_limit)
            self.casualties(None)
            self.unplaced(None, limit=0)
        return self.index_dir

    # The answers to the unfiltered pages, kept in the index: `NAME.json` (the scalars, and which frames)
    # beside `NAME.FRAME.parquet`, the JSON written last (a reader that finds it finds the frames).

    def _stored(self, name: str, compute, pack, unpack):
        """`unpack(scalars, frames)` of the answer kept in the index under `name`, or `compute()` (then kept:
        `pack(answer)` -> (scalars, frames)). Without an index, always `compute()`."""
        if self.index_dir is None:
            return compute()
        path = self.index_dir / f"{name}.json"
        if path.exists():
            try:
                return unpack(*self._read_stored(path))
            except (OSError, ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)  # damaged or partly deleted: computed and written again below
        answer = compute()

        def build(tmp: Path) -> None:
            scalars, frames = pack(answer)
            meta: dict = {"scalars": scalars, "frames": {}}
            for key, df in frames.items():
                if df is None:
                    meta["frames"][key] = None
                    continue
                fname = f"{name}.{key}.parquet"
                ftmp = self.index_dir / f".{fname}.{uuid.uuid4().hex}.tmp"
                try:
                    df.reset_index(drop=True).to_parquet(ftmp, index=False)
                    os.replace(ftmp, self.index_dir / fname)
                finally:
                    ftmp.unlink(missing_ok=True)
                # Parquet gives text back as a string dtype: note the plain-object columns to restore them
                meta["frames"][key] = {"file": fname, "object": [c for c in df.columns if df[c].dtype == object]}
            tmp.write_text(json.dumps(meta), encoding="utf-8")

        self._index_file(f"{name}.json", build)
        return answer

    def _read_stored(self, path: Path) -> tuple[dict, dict]:
        meta = json.loads(path.read_text(encoding="utf-8"))
        frames = {}
        for key, info in meta["frames"].items():
            if info is None:
                frames[key] = None
                continue
            df = pd.read_parquet(self.index_dir / info["file"])
            for col in info["object"]:
                df[col] = df[col].astype(object).where(df[col].notna(), None)
            frames[key] = df
        return meta["scalars"], frames

    def _multi_path(self) -> str | None:
        """The index's Parquet list of the incidents with more than one report (the few that need grouping:
        a single report's incident toll is the report's own figures, whatever the filters)."""
        if self._multi is None:
            def build(tmp: Path) -> None:
                self._run(f"""COPY (SELECT incident_id, count(*) AS reports, min(event_date) AS first_date,
                                           max(event_date) AS last_date FROM {self.SRC}
                                    WHERE incident_id IS NOT NULL GROUP BY incident_id HAVING count(*) > 1)
                              TO '{_literal_path(tmp)}' (FORMAT parquet, COMPRESSION zstd)""")
            path = self._index_file("multi.parquet", build)
            self._multi = str(path) if path else ""
        return self._multi or None

    def facets(self) -> Facets:
        """Counts, dates and the sidebar's options; the fingerprint is ui.data.data_fingerprint's.
        Computed once per data version when there is an index (kept there as JSON)."""
        def build(tmp: Path) -> None:
            tmp.write_text(json.dumps(_facets_json(self._facets())), encoding="utf-8")
        path = self._index_file("facets.json", build)
        if path is None:
            return self._facets()
        return _facets_from_json(json.loads(path.read_text(encoding="utf-8")))

    def _facets(self) -> Facets:
        n, first, last, has_gdelt = self._run(f"""SELECT count(*), min(event_date), max(event_date),
                                                         bool_or(dataset = 'gdelt') FROM {self.SRC}""").fetchone()
        digest = self._fingerprint()
        names = self._run(f"""SELECT iso3, arg_min(country, {{'d': event_date, 'i': event_id}})
                              FROM {self.SRC} WHERE iso3 IS NOT NULL AND country IS NOT NULL
                              GROUP BY iso3""").fetchall()
        countries = [r[0] for r in self._run(
            f"SELECT DISTINCT iso3 FROM {self.SRC} WHERE iso3 IS NOT NULL ORDER BY iso3").fetchall()]
        dyads = [r[0] for r in self._run(
            f"""SELECT dyad FROM {self.SRC} WHERE dyad IS NOT NULL GROUP BY dyad
                ORDER BY count(*) DESC, min(event_date), dyad""").fetchall()]
        actors = [r[0] for r in self._run(
            f"""SELECT DISTINCT a FROM (SELECT actor1 AS a FROM {self.SRC} UNION ALL SELECT actor2 FROM {self.SRC})
                WHERE a IS NOT NULL""").fetchall()]
        return Facets(rows=int(n), first=pd.Timestamp(first) if first is not None else None,
                      last=pd.Timestamp(last) if last is not None else None, countries=countries,
                      country_names={k: v for k, v in names}, dyads=dyads, actors=sorted(actors),
                      has_gdelt=bool(has_gdelt), fingerprint=digest[:8])

    def _fingerprint(self) -> str:
        """sha256 of the sorted event_ids joined by newlines (loaders.cache.fingerprint's, so a link names the
        same data on either path): sorted by DuckDB (spilling if need be), hashed batch by batch, never the
        whole joined text in memory."""
        import pyarrow as pa
        import pyarrow.compute as pc

        digest = hashlib.sha256()
        reader = self._con.cursor().sql(f"SELECT event_id FROM {self.SRC} WHERE event_id IS NOT NULL ORDER BY event_id",
                                         params={"files": self.files}).to_arrow_reader(500_000)
        first = True
        for batch in reader:
            ids = batch.column(0)
            if len(ids) == 0:
                continue
            ids = ids.cast(pa.string())
            joined = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(ids)], pa.int32()), ids), "\n")[0]
            if not first:
                digest.update(b"\n")
            digest.update(joined.as_buffer())
            first = False
        return digest.hexdigest()

    # ------------------------------------------------------------------ filtered rows

    def count(self, f: Filters | None = None, *, where: str | None = None) -> tuple[int, int]:
        """(reports, incidents) that pass the filters (and this module's own `where`). Without a filter, the
        unplaced reports' count is kept in the index (the Map page asks it on every first visit)."""
        if where == self.UNPLACED and filter_sql(f or Filters())[0] == "TRUE":
            return self._stored("count-unplaced", lambda: self._count(f, where),
                                lambda a: ({"reports": a[0], "incidents": a[1]}, {}),
                                lambda scalars, _: (int(scalars["reports"]), int(scalars["incidents"])))
        return self._count(f, where)

    def _count(self, f: Filters | None = None, where: str | None = None) -> tuple[int, int]:
        cond, params = self._where(f, where)
        multi = self._multi_path() if cond == "TRUE" else None
        if multi is not None:  # the whole table: rows from the footers; incidents = rows - repeated reports
            n, with_id = self._run(f"SELECT count(*), count(incident_id) FROM {self.SRC}").fetchone()
            extra = self._run(f"SELECT coalesce(sum(reports - 1), 0) FROM read_parquet('{_literal_path(multi)}')"
                              ).fetchone()[0]
            inc = with_id - extra
        elif where in (None, self.UNPLACED) and (split := self._split_paths()) is not None:
            # each report of a single-report incident is one incident: a distinct count only over the others
            one, many = (f"read_parquet('{_literal_path(p)}')" for p in split)
            n, inc = self._run(f"""SELECT (SELECT count(*) FROM {one} WHERE {cond}) + (SELECT count(*) FROM {many} WHERE {cond}),
                                          (SELECT count(incident_id) FROM {one} WHERE {cond})
                                          + (SELECT count(DISTINCT incident_id) FROM {many} WHERE {cond})""",
                               params).fetchone()
        else:
            n, inc = self._run(f"SELECT count(*), count(DISTINCT incident_id) FROM {self.SRC} WHERE {cond}",
                               params).fetchone()
        return int(n), int(inc)

    def rows(self, f: Filters | None = None, *, order: str = "contract", limit: int | None = None,
             offset: int = 0, where: str | None = None, params: dict | None = None) -> pd.DataFrame:
        """The rows that pass the filters, in a named order, optionally one page of them.
        `where`/`params` are for this module's own conditions (never user text)."""
        if order not in ORDERS:
            raise ValueError(f"unknown order {order!r}; one of {', '.join(ORDERS)}")
        cond, p = self._where(f, where)
        p.update(params or {})
        sql = f"SELECT {self._cols()} FROM {self.SRC} WHERE {cond} ORDER BY {ORDERS[order]}"
        if limit is None:
            return self._events(sql, p)
        # One page: rank the narrow (event_date, event_id) first, then read the page's 34 columns only from
        # the rows so chosen, within their dates (row groups outside them are skipped), in the same order.
        picked = self._run(f"SELECT event_id, event_date FROM {self.SRC} WHERE {cond} ORDER BY {ORDERS[order]} "
                           "LIMIT $limit OFFSET $offset", dict(p, limit=int(limit), offset=int(offset))).fetchall()
        if not picked:
            return self._events(f"SELECT {self._cols()} FROM {self.SRC} WHERE FALSE", {})
        return self._events(f"SELECT {self._cols()} FROM {self.SRC} WHERE ({cond}) AND {self._near()} "
                            f"AND {self._in_list('event_id', 'page_ids')} ORDER BY {ORDERS[order]}",
                            dict(p, page_ids=[r[0] for r in picked], **self._span(r[1] for r in picked)))

    @staticmethod
    def _span(dates: Iterable) -> dict:
        """$near_lo/$near_hi: the first and last of these dates (None when one is missing)."""
        dates = list(dates)
        if not dates or any(d is None for d in dates):
            return {"near_lo": None, "near_hi": None}
        return {"near_lo": min(dates), "near_hi": max(dates)}

    @staticmethod
    def _near() -> str:
        """Rows dated within $near_lo..$near_hi (a constant range DuckDB checks against row-group statistics);
        no restriction when the range is unknown."""
        return ("($near_lo IS NULL OR event_date BETWEEN CAST($near_lo AS TIMESTAMP) "
                "AND CAST($near_hi AS TIMESTAMP))")

    def page(self, f: Filters | None, page: int, size: int = 500) -> pd.DataFrame:
        """One page of the Events table: newest first, then by event_id (as the pandas page sorts)."""
        return self.rows(f, order="newest", limit=size, offset=max(page, 0) * size)

    def by_ids(self, ids: Iterable[str], f: Filters | None = None) -> pd.DataFrame:
        """The rows with these event_ids that pass the filters, in the contract's order."""
        ids = sorted({str(i) for i in ids})
        if not ids:
            return self.rows(f, where="FALSE")
        return self.rows(f, where=self._in_list("event_id", "ids"), params={"ids": ids})

    def incident_rows(self, incident_ids: Iterable[str], known: pd.DataFrame | None = None) -> pd.DataFrame:
        """Every report of these incidents, whatever the filters (who backs an incident). `known`: rows the
        caller already holds (for instance one page of the table); with the index, an incident of one report
        found there is not read again, and the others are read only within their incidents' dates."""
        ids = sorted({str(i) for i in incident_ids})
        if not ids:
            return self.rows(None, where="FALSE")
        multi = self._multi_path()
        if multi is None or known is None or not set(ids) <= set(known["incident_id"].astype(str)):
            return self.rows(None, where=self._in_list("incident_id", "incidents"), params={"incidents": ids})
        several = self._run(f"""SELECT incident_id, first_date, last_date FROM read_parquet('{_literal_path(multi)}')
                                WHERE {self._in_list('incident_id', 'incidents')}""", {"incidents": ids}).fetchall()
        many = sorted(r[0] for r in several)
        one = known[~known["incident_id"].astype(str).isin(many) & known["incident_id"].astype(str).isin(ids)]
        parts = [one.drop_duplicates("event_id")]
        if many:
            span = self._span([r[1] for r in several] + [r[2] for r in several])
            parts.append(self.rows(None, where=f"{self._near()} AND {self._in_list('incident_id', 'incidents')}",
                                   params=dict(span, incidents=many)))
        out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        return conform(out.sort_values(["event_date", "event_id"], kind="stable").reset_index(drop=True))

    UNPLACED = "latitude IS NULL OR longitude IS NULL"

    def unplaced(self, f: Filters | None, limit: int = 1000) -> tuple[int, pd.DataFrame]:
        """How many rows pass the filters without coordinates, and the first `limit` of them."""
        return self.count(f, where=self.UNPLACED)[0], self.rows(f, where=self.UNPLACED, limit=limit)

    # ------------------------------------------------------------------ incidents

    def _grouped_best(self) -> tuple[str, str]:
        """(an aggregate column for g, the CTE t): killed_best as _best_sql, but with the median taken in the
        grouping itself — when the index has left only the incidents of several reports to group, their
        values are few enough to keep, and the rows are read once instead of twice."""
        column = ("median(fatalities_best) FILTER (WHERE fatalities_low IS NOT NULL AND fatalities_best IS NOT NULL)"
                  " AS best_med")
        cte = """t AS (SELECT g.* EXCLUDE (n_best, best_lo, best_hi, best_med),
                     round_even(CASE WHEN g.n_best = 0 THEN NULL WHEN g.n_best <= 2 THEN (g.best_lo + g.best_hi) / 2
                                     ELSE g.best_med END, 0) AS killed_best FROM g)"""
        return column, cte

    @staticmethod
    def _best_sql(filtered: str, groups: str) -> str:
        """CTEs `med` and `t`: killed_best = the median best, rounded half to even (as pandas rounds). The
        median of one or two values is their midpoint; only incidents with three or more reports need a
        real median (a holistic aggregate that keeps every value: run on those few only, to save memory)."""
        return f"""
        med AS (SELECT incident_id, median(fatalities_best) AS best_med FROM {filtered}
                WHERE fatalities_low IS NOT NULL AND fatalities_best IS NOT NULL
                  AND incident_id IN (SELECT incident_id FROM {groups} WHERE n_best >= 3)
                GROUP BY incident_id),
        t AS (SELECT g.* EXCLUDE (n_best, best_lo, best_hi),
                     round_even(CASE WHEN g.n_best = 0 THEN NULL WHEN g.n_best <= 2 THEN (g.best_lo + g.best_hi) / 2
                                     ELSE med.best_med END, 0) AS killed_best
              FROM {groups} g LEFT JOIN med USING (incident_id))"""

    @staticmethod
    def _tolls_sql(filtered: str) -> str:
        """monitor.incident_tolls in SQL over the CTE `filtered` (without killed_best, see _best_sql, and
        without claims, contested and the per-incident lists, which only the rows a page shows need)."""
        first = "{'d': event_date, 'i': event_id}"
        return f"""
        SELECT incident_id,
               min(event_date) AS event_date,
               arg_min(date_precision, {first}) FILTER (WHERE date_precision IS NOT NULL) AS date_precision,
               arg_min(dyad, {first}) FILTER (WHERE dyad IS NOT NULL) AS dyad,
               arg_min(event_type, {first}) FILTER (WHERE event_type IS NOT NULL) AS event_type,
               arg_min(location, {first}) FILTER (WHERE location IS NOT NULL) AS location,
               min(fatalities_low) AS killed_low,
               count(fatalities_best) FILTER (WHERE fatalities_low IS NOT NULL) AS n_best,
               min(fatalities_best) FILTER (WHERE fatalities_low IS NOT NULL) AS best_lo,
               max(fatalities_best) FILTER (WHERE fatalities_low IS NOT NULL) AS best_hi,
               max(fatalities_high) FILTER (WHERE fatalities_low IS NOT NULL) AS killed_high,
               coalesce(bool_or(fatalities_high IS NULL) FILTER (WHERE fatalities_low IS NOT NULL), FALSE)
                   AS killed_open,
               min(injured_low) AS injured_low,
               max(injured_high) FILTER (WHERE injured_low IS NOT NULL) AS injured_high,
               coalesce(bool_or(injured_high IS NULL) FILTER (WHERE injured_low IS NOT NULL), FALSE)
                   AS injured_open,
               count(*) AS reports,
               bool_and(dataset = 'gdelt') AS gdelt_only
        FROM {filtered} GROUP BY incident_id"""

    _TOLL_COLS = ("incident_id, event_date, date_precision, dyad, event_type, location, dataset, "
                  "fatalities_low, fatalities_best, fatalities_high, injured_low, injured_high, event_id")

    # One row of incident tolls per single-report incident, without grouping: a single report's toll is
    # the figures it gives (the median of one best is itself; high counts only where low is stated).
    _SINGLE_TOLLS = """
        SELECT incident_id, event_date, date_precision, dyad, event_type, location,
               fatalities_low AS killed_low,
               CAST(CASE WHEN fatalities_low IS NOT NULL THEN fatalities_best END AS DOUBLE) AS killed_best,
               CASE WHEN fatalities_low IS NOT NULL THEN fatalities_high END AS killed_high,
               fatalities_low IS NOT NULL AND fatalities_high IS NULL AS killed_open,
               injured_low, CASE WHEN injured_low IS NOT NULL THEN injured_high END AS injured_high,
               injured_low IS NOT NULL AND injured_high IS NULL AS injured_open,
               dataset = 'gdelt' AS gdelt_only
        FROM {rows}"""
    _T_COLS = ("incident_id, event_date, date_precision, dyad, event_type, location, killed_low, killed_best, "
               "killed_high, killed_open, injured_low, injured_high, injured_open, gdelt_only")

    # The columns the index's split copies hold: every column a filter names, the toll and the map's columns.
    SPLIT_COLUMNS = ("event_id", "incident_id", "event_date", "date_precision", "event_type", "actor1", "actor2",
                     "dyad", "iso3", "location", "latitude", "longitude", "geo_precision", "fatalities_low",
                     "fatalities_best", "fatalities_high", "injured_low", "injured_high", "dataset")

    def _split_paths(self) -> tuple[str, str] | None:
        """The index's two narrow copies of the rows (SPLIT_COLUMNS, in the files' order): the reports of
        single-report incidents, and those of incidents with several. Queries over incidents read these
        instead of joining every row against the list of incidents."""
        multi = self._multi_path()
        if multi is None:
            return None
        out = []
        for name, test in (("rows_single.parquet", "NOT IN"), ("rows_multi.parquet", "IN")):
            def build(tmp: Path, test=test) -> None:
                nulls = " OR incident_id IS NULL" if test == "IN" else ""
                con = duckdb.connect(":memory:", config=dict(self._config, preserve_insertion_order=True))
                try:
                    con.execute(f"""COPY (SELECT {self._cols(self.SPLIT_COLUMNS)} FROM {self.SRC}
                                          WHERE incident_id {test} (SELECT incident_id FROM read_parquet($multi)){nulls})
                                    TO '{_literal_path(tmp)}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)""",
                                {"files": self.files, "multi": multi})
                finally:
                    con.close()
            path = self._index_file(name, build)
            if path is None:
                return None
            out.append(str(path))
        return out[0], out[1]

    def _split_ctes(self, cond: str, extra_cols: str = "", part: tuple[int, int] | None = None) -> str:
        """CTEs `f1` (filtered rows of single-report incidents) and `fm` (of the others), read from the index's
        split copies; without an index `fm` holds every filtered row and `f1` none. `part` (k, n): `fm` keeps
        only the incidents whose id hashes to k modulo n."""
        cols = self._TOLL_COLS + (", " + extra_cols if extra_cols else "")
        slice_ = f" AND hash(incident_id) % {int(part[1])} = {int(part[0])}" if part else ""
        split = self._split_paths()
        if split is None:
            return f"""f1 AS NOT MATERIALIZED (SELECT {cols} FROM {self.SRC} WHERE FALSE),
                       fm AS NOT MATERIALIZED (SELECT {cols} FROM {self.SRC} WHERE ({cond}){slice_})"""
        one, many = (f"read_parquet('{_literal_path(p)}')" for p in split)
        return f"""f1 AS NOT MATERIALIZED (SELECT {cols} FROM {one} WHERE {cond}),
                   fm AS NOT MATERIALIZED (SELECT {cols} FROM {many} WHERE ({cond}){slice_})"""

    def _tolls_query(self, cond: str, multi_only: bool = False, part: tuple[int, int] | None = None) -> str:
        """monitor.incident_tolls' figures (without claims and lists) of every incident over the rows that
        pass `cond`: grouped for incidents of several reports, straight from the row for the others.
        `part`: only a slice of the grouped incidents (see _split_ctes)."""
        if self._split_paths() is not None:
            column, best = self._grouped_best()
            groups = self._tolls_sql("fm").replace("FROM fm GROUP BY", f", {column} FROM fm GROUP BY")
        else:
            groups, best = self._tolls_sql("fm"), self._best_sql("fm", "g")
        singles = "" if multi_only else f"""
        UNION ALL
        SELECT {self._T_COLS} FROM ({self._SINGLE_TOLLS.format(rows='f1')})"""
        return f"""
        WITH {self._split_ctes(cond, part=part)},
        g AS ({groups}),
        {best}
        SELECT {self._T_COLS} FROM t{singles}"""

    # Reports of multi-report incidents grouped by one query at most: grouping all 3.3 million of them (1.5 million
    # incidents, 10M reports in all) at once took DuckDB ~1.3 GB; in slices of this many it stays a few hundred MB
    # (each slice rereads the narrow copy of these rows, ~0.4 CPU s at 10M without a filter).
    ROWS_PER_PART = 700_000
    def _write_tolls(self, cond: str, params: dict, target: Path, multi_only: bool = False,
                     parts: int = 1) -> None:
        options = "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
        if parts <= 1 or self._split_paths() is None:
            self._run(f"COPY ({self._tolls_query(cond, multi_only)}) TO '{_literal_path(target)}' {options}", params)
            return
        # the grouped incidents slice by slice (hash of the id), each slice to its own file, then one streamed
        # copy of the slices (and of the single-report incidents' rows) into the target
        self.temp_directory.mkdir(parents=True, exist_ok=True)
        pieces = [self.temp_directory / f"tolls-part-{uuid.uuid4().hex}.parquet" for _ in range(parts)]
        try:
            for k, piece in enumerate(pieces):
                self._run(f"COPY ({self._tolls_query(cond, True, (k, parts))}) TO '{_literal_path(piece)}' {options}",
                          params)
            singles = "" if multi_only else f"""
                UNION ALL SELECT {self._T_COLS} FROM ({self._SINGLE_TOLLS.format(rows='f1')})"""
            self._run(f"""COPY (WITH {self._split_ctes(cond)}
                                SELECT {self._T_COLS} FROM read_parquet($pieces){singles})
                          TO '{_literal_path(target)}' {options}""",
                      dict(params, pieces=[str(p) for p in pieces]))
        finally:
            for piece in pieces:
                piece.unlink(missing_ok=True)

    def _toll_parts(self, cond: str = "TRUE", params: dict | None = None) -> int:
        """In how many slices the multi-report incidents' reports that pass `cond` are grouped (ROWS_PER_PART)."""
        split = self._split_paths()
        if split is None:
            return 1
        n = self._run(f"SELECT count(*) FROM read_parquet('{_literal_path(split[1])}') WHERE {cond}",
                      params).fetchone()[0]
        return max(1, -(-int(n) // self.ROWS_PER_PART))

    def _tolls_file_all(self, f: Filters | None) -> Path | None:
        """The index's incident tolls over all rows (a filter that keeps every row cannot split an incident),
        or None when `f` filters or there is no index."""
        cond, params = self._where(f)
        if cond != "TRUE":
            return None
        return self._index_file("tolls_all.parquet",
                                lambda tmp: self._write_tolls(cond, params, tmp, parts=self._toll_parts()))

    def _counted_sql(self, include_gdelt: bool, source: str = "read_parquet($tolls)") -> str:
        """CTEs over `tolls` (read_parquet($tolls): incident tolls, see _tolls_query): keep (GDELT-only
        incidents out unless opted in), fine (the day-dated incidents of a dyad with a death toll), counted
        (monitor.counted_incidents: a month/year incident counts only when no fine incident of its dyad falls
        in [its date, the end of its month/year]; found with an ASOF join, the nearest fine day on or after)."""
        coarse = ", ".join(f"'{c}'" for c in COARSE)
        keep = "TRUE" if include_gdelt else "NOT gdelt_only"
        return f"""
        fine AS (SELECT DISTINCT dyad, event_date FROM {source}
                 WHERE {keep} AND date_precision NOT IN ({coarse}) AND killed_low IS NOT NULL
                   AND event_type <> 'Strategic developments' AND dyad IS NOT NULL),
        wide AS (SELECT *, CASE WHEN date_precision = 'month' THEN CAST(last_day(event_date) AS TIMESTAMP)
                                ELSE CAST(make_date(year(event_date), 12, 31) AS TIMESTAMP) END AS period_end
                 FROM {source} WHERE {keep} AND (date_precision IN ({coarse}) OR date_precision IS NULL)),
        counted AS (
            SELECT * FROM {source} WHERE {keep} AND date_precision NOT IN ({coarse})
            UNION ALL
            SELECT w.* EXCLUDE (period_end) FROM wide w ASOF LEFT JOIN fine d
                ON w.dyad = d.dyad AND d.event_date >= w.event_date
            WHERE d.event_date IS NULL OR d.event_date > w.period_end)"""

    def casualties(self, f: Filters | None, *, include_gdelt: bool = False, top: int = TOP_INCIDENTS) -> CasualtySummary:
        """Totals, per-day and per-place sums of the counted incidents, and the `top` deadliest.
        The incident tolls over the filtered rows are written once to a Parquet file (kept in the index
        for the unfiltered table), then summed from it: nothing of millions of incidents is held in memory.
        Without a filter the whole answer is kept in the index too."""
        if self.index_dir is not None and filter_sql(f or Filters())[0] == "TRUE":
            name = f"casualties-{'with-gdelt' if include_gdelt else 'curated'}-{int(top)}"
            return self._stored(name, lambda: self._casualties(f, include_gdelt, top), _pack_casualties,
                                _unpack_casualties)
        return self._casualties(f, include_gdelt, top)

    def _casualties(self, f: Filters | None, include_gdelt: bool, top: int) -> CasualtySummary:
        tolls = self._tolls_file_all(f)
        scratch = None
        source, params = "read_parquet($tolls)", {}
        if tolls is None:
            cond, params = self._where(f)
            self.temp_directory.mkdir(parents=True, exist_ok=True)
            scratch = tolls = self.temp_directory / f"tolls-{uuid.uuid4().hex}.parquet"
            split = self._split_paths()
            # with the index, only the incidents of several reports are grouped and written; the others'
            # tolls are their rows, read again from the narrow copy by each query (cheaper than writing them)
            self._write_tolls(cond, params, scratch, multi_only=split is not None,
                              parts=self._toll_parts(cond, params))
            if split is not None:
                one = f"(SELECT * FROM read_parquet('{_literal_path(split[0])}') WHERE {cond})"
                source = (f"(SELECT {self._T_COLS} FROM read_parquet($tolls) UNION ALL "
                          f"SELECT {self._T_COLS} FROM ({self._SINGLE_TOLLS.format(rows=one)}))")
            else:
                params = {}
        try:
            return self._casualties_from(str(tolls), f, include_gdelt, top, source, params)
        finally:
            if scratch is not None:
                scratch.unlink(missing_ok=True)

    def _casualties_from(self, tolls: str, f: Filters | None, include_gdelt: bool, top: int,
                         source: str = "read_parquet($tolls)", params: dict | None = None) -> CasualtySummary:
        counted = self._counted_sql(include_gdelt, source)
        p = dict(params or {}, tolls=tolls)
        cur = self._con.cursor()
        sums = cur.execute(f"""
            WITH {counted}
            SELECT grouping(event_date, date_precision) AS by_date, grouping(location) AS by_place,
                   event_date, date_precision, location,
                   count(*) AS n,
                   count(*) FILTER (WHERE killed_low IS NOT NULL OR injured_low IS NOT NULL) AS with_toll,
                   sum(killed_low) AS killed_low, sum(killed_high) FILTER (WHERE killed_low IS NOT NULL) AS killed_high,
                   coalesce(bool_or(killed_open) FILTER (WHERE killed_low IS NOT NULL), FALSE) AS killed_open,
                   sum(coalesce(killed_best, killed_low)) FILTER (WHERE killed_low IS NOT NULL) AS killed_best,
                   count(killed_low) AS killed_n,
                   sum(injured_low) AS injured_low, sum(injured_high) FILTER (WHERE injured_low IS NOT NULL) AS injured_high,
                   coalesce(bool_or(injured_open) FILTER (WHERE injured_low IS NOT NULL), FALSE) AS injured_open,
                   count(injured_low) AS injured_n
            FROM counted GROUP BY GROUPING SETS ((), (event_date, date_precision), (location))""", p).df()
        head = sums[(sums["by_date"] != 0) & (sums["by_place"] != 0)]
        if len(head):
            h = head.iloc[0]
            n, with_toll = int(h["n"]), int(h["with_toll"])
            killed = Range(int(h["killed_low"]), None if h["killed_open"] else int(h["killed_high"]),
                           int(h["killed_best"])) if h["killed_n"] else None
            injured = Range(int(h["injured_low"]), None if h["injured_open"] else int(h["injured_high"]),
                            None) if h["injured_n"] else None
        else:
            n = with_toll = 0
            killed = injured = None
        by_date, by_place = {}, {}
        dates = sums[(sums["by_date"] == 0)].sort_values(["event_date", "date_precision"], kind="stable")
        places = sums[(sums["by_place"] == 0)].sort_values("location", na_position="last", kind="stable")
        for kind in ("killed", "injured"):
            cols = [f"{kind}_low", f"{kind}_high", f"{kind}_open"]
            for frames, rows, keys in ((by_date, dates, ["event_date", "date_precision"]),
                                       (by_place, places, ["location"])):
                part = rows[rows[f"{kind}_n"] > 0]
                frames[kind] = _typed_sums(part[keys + cols].assign(incidents=part[f"{kind}_n"])
                                           .reset_index(drop=True), kind)
        top_ids = [r[0] for r in cur.execute(f"""
            WITH {counted}
            SELECT incident_id FROM counted WHERE killed_low IS NOT NULL OR injured_low IS NOT NULL
            ORDER BY coalesce(killed_best, killed_low, -1) DESC, coalesce(injured_low, -1) DESC,
                     event_date, incident_id
            LIMIT $top""", dict(p, top=int(top))).fetchall()]
        signal_only = cur.execute(f"SELECT count(*) FILTER (WHERE gdelt_only) FROM {source}", p).fetchone()[0]
        cond, fp = self._where(f, self._in_list("incident_id", "incidents") if top_ids else "FALSE")
        top_rows = self._map_rows(cond, dict(fp, incidents=top_ids) if top_ids else fp, TOLL_ROW_COLUMNS)
        tolls_top = incident_tolls(top_rows)
        if len(tolls_top):
            order = {i: k for k, i in enumerate(top_ids)}
            tolls_top = tolls_top.sort_values("incident_id", key=lambda s: s.map(order)).reset_index(drop=True)
        return CasualtySummary(killed=killed, injured=injured, incidents=n, with_toll=with_toll,
                               signal_only=int(signal_only or 0), by_date=by_date, by_place=by_place, top=tolls_top)

    @staticmethod
    def _in_list(column: str, param: str) -> str:
        """`column` holds one of the values of the list parameter `param` (a hash semi-join, not a list search
        per row)."""
        return f"{_ident(column)} IN (SELECT unnest(${param}))"

    # ------------------------------------------------------------------ map

    def map_data(self, f: Filters | None, *, show_gdelt: bool = True, limit: int = 20_000,
                 step: float = GRID_STEP) -> MapData:
        """The Map page's rows: every placed report when there are at most `limit`, else the `limit`
        deadliest (by their incident's toll over the filtered rows, then their own; the most precisely
        placed, then the latest first among equals — as ui.figures' pandas map) plus a density grid
        of all of them with counts and deaths per cell. Without a filter the answer is kept in the index
        (ranking every report of the table is most of the page's time): computed once per data version."""
        if self.index_dir is not None and filter_sql(f or Filters())[0] == "TRUE":
            name = f"map-{int(limit)}-{'all' if show_gdelt else 'curated'}-{float(step):g}"
            return self._stored(name, lambda: self._map_data(f, show_gdelt, limit, step), _pack_map, _unpack_map)
        return self._map_data(f, show_gdelt, limit, step)

    def _map_data(self, f: Filters | None, show_gdelt: bool, limit: int, step: float) -> MapData:
        cond, params = self._where(f)
        hidden = 0
        if not show_gdelt:
            hidden = self._run(f"SELECT count(*) FROM {self.SRC} WHERE ({cond}) AND dataset = 'gdelt'",
                               params).fetchone()[0]
            cond = f"({cond}) AND dataset <> 'gdelt'"
        placed_cond = f"({cond}) AND latitude IS NOT NULL AND longitude IS NOT NULL"
        where_placed = "latitude IS NOT NULL AND longitude IS NOT NULL"
        placed, unplaced, *bounds = self._run(f"""
            SELECT count(*) FILTER (WHERE {where_placed}), count(*) FILTER (WHERE NOT ({where_placed})),
                   min(latitude) FILTER (WHERE {where_placed}), max(latitude) FILTER (WHERE {where_placed}),
                   min(longitude) FILTER (WHERE {where_placed}), max(longitude) FILTER (WHERE {where_placed})
            FROM {self.SRC} WHERE {cond}""", params).fetchone()
        bins = None
        if placed > limit:
            # ranked: incident score (best, else low) over the filtered rows, else the report's own best.
            p = dict(params, limit=int(limit))
            placed_sql = "latitude IS NOT NULL AND longitude IS NOT NULL"
            single_score = ("coalesce(CASE WHEN fatalities_low IS NOT NULL THEN coalesce(fatalities_best, fatalities_low) "
                            "END, fatalities_best, -1)")
            split = self._split_ctes(cond, "latitude, longitude, geo_precision")
            # A floor under the `limit`-th score: the `limit`-th among single-report incidents' placed reports
            # (their score is their own figure, no grouping needed). Only reports at or above it can be drawn,
            # so the full ordering (ties broken by precision, date, id) runs on a few rows, not millions.
            p["floor"] = None
            if self._split_paths() is not None:
                counts = self._run(f"""WITH {split} SELECT {single_score} AS score, count(*) FROM f1
                                       WHERE {placed_sql} GROUP BY 1 ORDER BY 1 DESC""", params).fetchall()
                seen = 0
                for score, k in counts:
                    seen += k
                    if seen >= limit:
                        p["floor"] = float(score)
                        break
            f1_ranked = f"SELECT event_id, incident_id, event_date, geo_precision, {single_score} AS score FROM f1 " \
                        f"WHERE {placed_sql}"
            if p["floor"] is not None and p["floor"] >= 0:  # score >= floor >= 0: best >= floor, or no best and low >= it
                f1_ranked += " AND (fatalities_best >= $floor OR (fatalities_best IS NULL AND fatalities_low >= $floor))"
            direct = self._split_paths() is not None
            best_column, best_cte = self._grouped_best() if direct else ("", self._best_sql("fm", "g"))
            ranked = self._run(f"""
                WITH {split},
                g AS (SELECT incident_id, min(fatalities_low) AS killed_low,
                             count(fatalities_best) FILTER (WHERE fatalities_low IS NOT NULL) AS n_best,
                             min(fatalities_best) FILTER (WHERE fatalities_low IS NOT NULL) AS best_lo,
                             max(fatalities_best) FILTER (WHERE fatalities_low IS NOT NULL) AS best_hi
                             {(", " + best_column) if direct else ""}
                      FROM fm GROUP BY incident_id),
                {best_cte},
                s AS (SELECT incident_id, coalesce(killed_best, killed_low) AS score FROM t),
                ranked AS (
                    SELECT fm.event_id, fm.incident_id, fm.event_date, fm.geo_precision,
                           coalesce(s.score, fm.fatalities_best, -1) AS score
                    FROM fm LEFT JOIN s USING (incident_id)
                    WHERE {placed_sql} AND ($floor IS NULL OR coalesce(s.score, fm.fatalities_best, -1) >= $floor)
                    UNION ALL  -- a single report's incident score is its own best (where low is stated), else low
                    {f1_ranked})
                SELECT event_id, incident_id FROM ranked WHERE $floor IS NULL OR score >= $floor
                ORDER BY score DESC, coalesce(geo_precision, 9) ASC, event_date DESC, event_id ASC
                LIMIT $limit""", p).fetchall()
            ids = [r[0] for r in ranked]
            # one read of the drawn reports' incidents (over the filtered rows): their tolls, and the drawn rows
            incidents = sorted({str(r[1]) for r in ranked if r[1] is not None})
            rows = self._map_rows(f"({cond}) AND {self._in_list('incident_id', 'incidents')}" if incidents else "FALSE",
                                  dict(params, incidents=incidents) if incidents else {})
            rank = {e: k for k, e in enumerate(ids)}  # in the ranking's order, as the pandas map draws them
            drawn = rows[rows["event_id"].isin(rank)]
            drawn = drawn.iloc[drawn["event_id"].map(rank).argsort(kind="stable")].reset_index(drop=True)
            p = dict(params, step=float(step))
            bins = self._df(f"""
                SELECT round_even(latitude / $step, 0) * $step AS lat, round_even(longitude / $step, 0) * $step AS lon,
                       count(*) AS n, sum(coalesce(fatalities_best, fatalities_low, 0)) AS killed
                FROM {self.SRC} WHERE {placed_cond} GROUP BY 1, 2 ORDER BY 1, 2""", p)
        else:
            # the filtered rows of every incident with a placed report that passes: drawn are the placed ones
            rows = self._map_rows(f"({cond}) AND (incident_id IN (SELECT incident_id FROM {self.SRC} "
                                  f"WHERE {placed_cond}) OR (incident_id IS NULL AND {where_placed}))", params)
            placed_rows = rows["latitude"].notna() & rows["longitude"].notna()
            drawn = rows[placed_rows.to_numpy(dtype=bool)].reset_index(drop=True)
        tolls = incident_tolls(rows, details=False)
        return MapData(placed=int(placed), unplaced=int(unplaced), hidden_signal=int(hidden), drawn=drawn,
                       tolls=tolls, bins=bins, bounds=tuple(bounds) if placed else None)

    def _map_rows(self, where: str, params: dict, columns: list[str] = MAP_COLUMNS) -> pd.DataFrame:
        """`columns` of the rows that pass `where` (this module's own condition), in the contract's order,
        with the contract's dtypes."""
        df = self._df(f"SELECT {self._cols(columns)} FROM {self.SRC} WHERE {where} ORDER BY {ORDERS['contract']}",
                      params)
        return conform(df)[columns]

    # ------------------------------------------------------------------ export

    def export_csv(self, f: Filters | None, path: str | Path, *, excel_safe: bool = True) -> int:
        """Write the filtered rows as loaders.export.to_csv would (34 columns, contract order, dates
        YYYY-MM-DD, formula guard), streamed by DuckDB's COPY; returns the number of rows."""
        cond, params = self._where(f)
        starts = ", ".join("chr(%d)" % ord(c) for c in FORMULA_START)
        cols = []
        for c in COLUMNS:
            q = _ident(c)
            if c in DATE_COLUMNS:
                cols.append(f"strftime({q}, '%Y-%m-%d') AS {q}")
            elif excel_safe and c in TEXT_COLUMNS:
                cols.append(f"CASE WHEN left(CAST({q} AS VARCHAR), 1) IN ({starts}) THEN chr(39) || {q} "
                            f"ELSE CAST({q} AS VARCHAR) END AS {q}")
            else:
                cols.append(q)
        target = str(Path(path).resolve())
        if "'" in target:
            raise ValueError("export path may not contain a quote")  # COPY takes the file name as a literal
        sql = (f"COPY (SELECT {', '.join(cols)} FROM {self.SRC} WHERE {cond} ORDER BY {ORDERS['contract']}) "
               f"TO '{target}' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"')")
        cur = self._run(sql, params)
        row = cur.fetchone()
        return int(row[0]) if row else self.count(f)[0]


def _literal_path(path: Path | str) -> str:
    """A file name for COPY ... TO, which takes a literal (our own temporary names: no quotes)."""
    text = str(Path(path).resolve())
    if "'" in text:
        raise ValueError("path may not contain a quote")
    return text


def _facets_json(f: Facets) -> dict:
    out = dict(vars(f))
    out["first"] = f.first.isoformat() if f.first is not None else None
    out["last"] = f.last.isoformat() if f.last is not None else None
    return out


def _facets_from_json(d: dict) -> Facets:
    d = dict(d)
    for k in ("first", "last"):
        d[k] = pd.Timestamp(d[k]) if d[k] is not None else None
    return Facets(**d)


def _pack_map(m: MapData) -> tuple[dict, dict]:
    scalars = {"placed": int(m.placed), "unplaced": int(m.unplaced), "hidden_signal": int(m.hidden_signal),
               "bounds": None if m.bounds is None else [float(v) for v in m.bounds]}
    return scalars, {"drawn": m.drawn, "tolls": m.tolls, "bins": m.bins}


def _unpack_map(scalars: dict, frames: dict) -> MapData:
    bounds = scalars["bounds"]
    return MapData(placed=int(scalars["placed"]), unplaced=int(scalars["unplaced"]),
                   hidden_signal=int(scalars["hidden_signal"]), drawn=frames["drawn"], tolls=frames["tolls"],
                   bins=frames["bins"], bounds=None if bounds is None else tuple(bounds))


def _range_json(r: Range | None) -> list | None:
    return None if r is None else [r.low, r.high, r.best]


def _range_from_json(v: list | None) -> Range | None:
    return None if v is None else Range(*v)


def _pack_casualties(s: CasualtySummary) -> tuple[dict, dict]:
    scalars = {"killed": _range_json(s.killed), "injured": _range_json(s.injured), "incidents": int(s.incidents),
               "with_toll": int(s.with_toll), "signal_only": int(s.signal_only),
               "by_date": sorted(s.by_date), "by_place": sorted(s.by_place)}
    frames = {f"by_date_{k}": v for k, v in s.by_date.items()}
    frames.update({f"by_place_{k}": v for k, v in s.by_place.items()})
    frames["top"] = s.top
    return scalars, frames


def _unpack_casualties(scalars: dict, frames: dict) -> CasualtySummary:
    return CasualtySummary(killed=_range_from_json(scalars["killed"]), injured=_range_from_json(scalars["injured"]),
                           incidents=int(scalars["incidents"]), with_toll=int(scalars["with_toll"]),
                           signal_only=int(scalars["signal_only"]),
                           by_date={k: frames[f"by_date_{k}"] for k in scalars["by_date"]},
                           by_place={k: frames[f"by_place_{k}"] for k in scalars["by_place"]}, top=frames["top"])


def _typed_sums(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Per-day/per-place sums with the dtypes of monitor.incident_tolls' columns."""
    out = df.copy()
    for col in (f"{kind}_low", f"{kind}_high"):
        out[col] = pd.array(pd.to_numeric(out[col]), dtype="Int64")
    out[f"{kind}_open"] = out[f"{kind}_open"].astype(bool)
    out["incidents"] = out["incidents"].astype(int)
    if "event_date" in out:
        out["event_date"] = pd.to_datetime(out["event_date"]).astype("datetime64[us]")
        out["date_precision"] = out["date_precision"].astype("string")
    if "location" in out:
        out["location"] = out["location"].astype("string")
    return out



def main(argv: Sequence[str] | None = None) -> int:
    """`python -m monitor.query index PATH...`: build the index of these Parquet files ahead of the first page
    (FAULTLINE_HOME/cache/duckdb, or --index DIR), so that no page run pays for it."""
    import argparse
    import time

    parser = argparse.ArgumentParser(prog="python -m monitor.query")
    parser.add_argument("command", choices=["index"])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--index", default=None, help="the index folder (default FAULTLINE_HOME/cache/duckdb)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--memory-limit", default=os.environ.get("FAULTLINE_DUCKDB_MEMORY") or None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    store = ParquetEvents(args.paths, threads=args.threads, memory_limit=args.memory_limit,
                          index=Path(args.index) if args.index else True)
    where = store.ensure_index()
    print(f"index of {len(store.files)} file(s): {where} ({time.perf_counter() - started:.1f} s)")
    return 0 if where else 1


if __name__ == "__main__":
    raise SystemExit(main())
