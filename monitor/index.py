"""Numeric columns of the events table, built once per data, so that a new filter costs array
operations instead of string comparisons over a million rows (issue 7).

`EventIndex.of(events)` factorises the coded and text columns the sidebar filters on, the incident
ids, and keeps every incident's toll over *all* its reports. Then, for any Filters:

- `mask(f)` is `monitor.filter_mask(events, f)` as a boolean array (tested equal);
- `tolls(events, positions)` is `incident_tolls(events.take(positions), details=False)` (tested
  equal): an incident whose reports all pass keeps its precomputed row, and only the incidents a
  filter splits (some reports in, some out) are recomputed from the reports that pass.

Building the index costs about what one unfiltered incident count costs; it is kept per data by
the caller (ui.filtered) and shared by every session.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from monitor.casualties import TOLL_COLUMNS, incident_tolls
from monitor.filters import Filters

CODED = ("iso3", "event_type", "dataset", "dyad", "actor1", "actor2")


@dataclass
class Codes:
    """A column as integer codes (-1 = missing) and its distinct values."""

    codes: np.ndarray
    values: pd.Index

    @classmethod
    def of(cls, column: pd.Series) -> Codes:
        if isinstance(column.dtype, pd.CategoricalDtype):
            return cls(column.cat.codes.to_numpy().astype(np.int32), pd.Index(column.cat.categories))
        codes, uniques = pd.factorize(column)
        return cls(codes.astype(np.int32), pd.Index(uniques))

    def lookup(self, wanted) -> np.ndarray:
        """A table over codes (+1 slot at the end for missing): True for the wanted values."""
        table = np.zeros(len(self.values) + 1, dtype=bool)
        hit = self.values.get_indexer(pd.Index(list(wanted), dtype=object))
        table[hit[hit >= 0]] = True
        return table

    def isin(self, wanted) -> np.ndarray:
        return self.lookup(wanted)[self.codes]  # code -1 reads the last slot, which is False


@dataclass
class EventIndex:
    """See the module docstring. `incident` is each row's incident code; `reports` each incident's
    number of reports; `first` each incident's first row position; `full` the incident tolls of
    every row (first-seen order), `full_row` each incident code's row in it and `full_codes` the
    incident code of each of its rows."""

    n: int
    dates: np.ndarray
    columns: dict[str, Codes]
    incident: np.ndarray
    incidents: pd.Index
    reports: np.ndarray
    first: np.ndarray
    full: pd.DataFrame
    full_row: np.ndarray
    full_codes: np.ndarray

    @classmethod
    def of(cls, events: pd.DataFrame) -> EventIndex:
        n = len(events)
        dates = events["event_date"].to_numpy().astype("datetime64[us]")
        columns = {c: Codes.of(events[c]) for c in CODED}
        inc = Codes.of(events["incident_id"].astype("string") if isinstance(events["incident_id"].dtype,
                                                                            pd.CategoricalDtype)
                       else events["incident_id"])
        k = len(inc.values)
        reports = np.bincount(inc.codes, minlength=k)
        first = np.full(k, n, dtype=np.int64)
        np.minimum.at(first, inc.codes, np.arange(n, dtype=np.int64))
        full = incident_tolls(events, details=False, codes=(inc.codes, inc.values)) if n else \
            pd.DataFrame(columns=TOLL_COLUMNS)
        # incident_tolls lists incidents in first-seen order: the incident of each of its rows
        order = np.argsort(first, kind="stable")
        full_row = np.empty(k, dtype=np.int64)
        full_row[order] = np.arange(k)
        return cls(n, dates, columns, inc.codes, inc.values, reports, first, full, full_row, order)

    def mask(self, f: Filters) -> np.ndarray:
        """monitor.filter_mask(events, f) as a numpy boolean array."""
        keep = np.ones(self.n, dtype=bool)
        if f.start is not None:
            keep &= self.dates >= _day(f.start)  # NaT compares False, as in pandas
        if f.end is not None:
            keep &= self.dates <= _day(f.end)
        if f.countries:
            keep &= self.columns["iso3"].isin(f.countries)
        if f.types:
            keep &= self.columns["event_type"].isin(f.types)
        if f.actors:
            keep &= self.columns["actor1"].isin(f.actors) | self.columns["actor2"].isin(f.actors)
        if f.datasets:
            keep &= self.columns["dataset"].isin(f.datasets)
        if f.dyad:
            keep &= self.columns["dyad"].isin([f.dyad])
        return keep

    def tolls(self, events: pd.DataFrame, positions: np.ndarray | None) -> pd.DataFrame:
        """incident_tolls(events.take(positions), details=False); positions None means every row."""
        return self.tolls_and_codes(events, positions)[0]

    def tolls_and_codes(self, events: pd.DataFrame, positions: np.ndarray | None) -> tuple[pd.DataFrame, np.ndarray]:
        """tolls(), and the incident code of each of its rows."""
        if positions is None:
            return self.full, self.full_codes
        if not len(positions):
            return pd.DataFrame(columns=TOLL_COLUMNS), np.empty(0, dtype=np.int64)
        codes = self.incident[positions]
        passed = np.bincount(codes, minlength=len(self.reports))
        whole = np.flatnonzero((passed == self.reports) & (passed > 0))
        split = np.flatnonzero((passed > 0) & (passed < self.reports))
        parts, firsts, kinds = [], [], []
        if len(whole):
            parts.append(self.full.take(self.full_row[whole]))
            firsts.append(self.first[whole])
            kinds.append(whole)
        if len(split):
            is_split = np.zeros(len(self.reports), dtype=bool)
            is_split[split] = True
            rows = positions[is_split[codes]]
            sub = incident_tolls(events.take(rows), details=False, codes=(self.incident[rows], self.incidents))
            parts.append(sub)
            # each split incident's first passing row, in the order incident_tolls listed them
            sub_first = np.full(len(self.reports), self.n, dtype=np.int64)
            np.minimum.at(sub_first, self.incident[rows], rows)
            # incident_tolls lists them in the order each first appears among these rows
            seen, at = np.unique(self.incident[rows], return_index=True)
            sub_codes = seen[np.argsort(at, kind="stable")]
            firsts.append(sub_first[sub_codes])
            kinds.append(sub_codes)
        out = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        order = np.argsort(np.concatenate(firsts), kind="stable")
        return out.take(order).reset_index(drop=True), np.concatenate(kinds)[order]

    def rows_of_incidents(self, codes: np.ndarray) -> np.ndarray:
        """Positions of every report of these incidents (by code), in table order."""
        want = np.zeros(len(self.reports), dtype=bool)
        want[codes] = True
        return np.flatnonzero(want[self.incident])


# ---------------------------------------------------------------- kept on disk between restarts

INDEX_FORMAT = 1  # the layout of a saved index; the code that computes it is hashed by the caller


def save_index(index: EventIndex, folder: Path) -> None:
    """Write the index into `folder` (a new directory, renamed into place whole, so a reader never sees
    half of one): numbers in one .npz, the distinct values and the incident tolls as Parquet."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = {"dates": index.dates.view(np.int64), "incident": index.incident, "reports": index.reports,
              "first": index.first, "full_row": index.full_row, "full_codes": index.full_codes}
    arrays.update({f"codes.{c}": v.codes for c, v in index.columns.items()})
    names = {"incidents": index.incidents, **{f"values.{c}": v.values for c, v in index.columns.items()}}
    meta = {"format": INDEX_FORMAT, "n": index.n, "incidents": len(index.incidents),
            "dtypes": {k: str(v.dtype) for k, v in names.items()}}
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        np.savez(tmp / "arrays.npz", **arrays)
        for k, v in names.items():
            pq.write_table(pa.table({"v": pa.array(v.to_numpy(dtype=object), pa.string())}), tmp / f"{k}.parquet",
                           compression="none")
        index.full.to_parquet(tmp / "tolls.parquet", index=False, compression=None)
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")  # last: its presence means complete
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def load_index(folder: Path, n: int) -> EventIndex | None:
    """The index save_index wrote, or None when there is none, it is damaged, or it is for another number
    of rows (the caller then builds it again)."""
    import pyarrow.parquet as pq

    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != INDEX_FORMAT or meta.get("n") != n:
            return None
        with np.load(folder / "arrays.npz", allow_pickle=False) as z:
            a = {k: z[k] for k in z.files}

        def names(key: str) -> pd.Index:
            values = pq.read_table(folder / f"{key}.parquet").column("v")
            dtype = meta["dtypes"][key]
            if dtype == "string":  # arrow-backed strings: no Python string per value
                return pd.Index(pd.array(values, dtype=pd.StringDtype("pyarrow")))
            return pd.Index(values.to_pylist(), dtype=dtype)

        columns = {c: Codes(a[f"codes.{c}"], names(f"values.{c}")) for c in CODED}
        incidents = names("incidents")
        full = pd.read_parquet(folder / "tolls.parquet")
        k = meta["incidents"]
        sizes_ok = (len(incidents) == k and len(full) == k and all(len(a[x]) == k for x in ("reports", "first", "full_row",
                                                                                           "full_codes"))
                    and len(a["dates"]) == n and len(a["incident"]) == n and all(len(v.codes) == n for v in columns.values()))
        if not sizes_ok or list(full.columns) != TOLL_COLUMNS:
            return None
        return EventIndex(n, a["dates"].view("datetime64[us]"), columns, a["incident"], incidents, a["reports"],
                          a["first"], full, a["full_row"], a["full_codes"])
    except FileNotFoundError:
        return None
    except Exception:  # numpy, pyarrow and json each fail in their own ways on a damaged file
        shutil.rmtree(folder, ignore_errors=True)  # the caller builds and saves a new one
        return None


def _day(d: date) -> np.datetime64:
    return np.datetime64(pd.Timestamp(d).to_datetime64(), "us")
