"""The filtered rows and what pages compute from them: once per data and filters, shared by a page's
widgets and by every rerun (a click, a toggle) that keeps the same filters.

The key is always (data fingerprint, filter tuple): hashing a million-row frame on each call (what
st.cache_data does with a DataFrame argument) would cost more than the work it saves. Frames are kept
with st.cache_resource (shared, never copied: nobody mutates them); small results with st.cache_data.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from loaders.cache import code_version
from loaders.paths import user_home, writable_home
from monitor import Filters, counted_incidents
from monitor.index import EventIndex, load_index, save_index
from ui.data import data_key, events_key


def filter_key(f: Filters) -> tuple:
    """Everything that changes which rows pass or how they are counted."""
    return (f.start, f.end, tuple(f.countries), tuple(f.types), tuple(f.actors), tuple(f.datasets), f.dyad,
            bool(f.extra.get("include_gdelt")))


def _no_row_filter(f: Filters) -> bool:
    return not (f.start or f.end or f.countries or f.types or f.actors or f.datasets or f.dyad)


@st.cache_resource(max_entries=1, show_spinner="Indexing the events for filtering…")
def _index(fp: str, _events: pd.DataFrame) -> EventIndex:
    folder = saved_index_folder(_events)
    if folder is not None and (saved := load_index(folder, len(_events))) is not None:
        return saved
    index = EventIndex.of(_events)
    if folder is not None and writable_home() is not None:
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            if not folder.exists():
                save_index(index, folder)
            _prune_saved(folder)
        except OSError:
            pass  # a full or read-only disk: the index still serves this process
    return index


_MONITOR = Path(__file__).resolve().parent.parent / "monitor"


def saved_index_folder(events: pd.DataFrame) -> Path | None:
    """Where the index of the loaded table is kept between restarts (a restart with unchanged inputs
    then skips building it: about a second at a million events). Named by the inputs, corrections and
    pins the table came from (ui.data.events_key) and the code that derives the table and its index;
    None for any other table (a test's frame, a filtered copy), which is never saved."""
    key = events_key(events)
    if key is None:
        return None
    h = hashlib.blake2b(digest_size=12)
    h.update(f"{key}|{len(events)}|{code_version()}".encode())
    for path in sorted(_MONITOR.glob("*.py")):
        h.update(path.read_bytes())
    return user_home() / "cache" / "index" / h.hexdigest()


def _prune_saved(keep: Path, n: int = 2) -> None:
    """Keep the `n` most recently saved indexes (one per data the app has shown lately)."""
    others = sorted((p for p in keep.parent.iterdir() if p.is_dir() and p != keep and not p.name.startswith(".")),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[n - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def event_index(events: pd.DataFrame) -> EventIndex:
    """The numeric index of the loaded table (monitor.index), built once per data."""
    return _index(data_key(events), events)


@st.cache_resource(max_entries=3, show_spinner=False)
def _selection(fp: str, key: tuple, _events: pd.DataFrame, _filters: Filters) -> tuple[pd.DataFrame, np.ndarray | None]:
    if _no_row_filter(_filters):
        return _events, None  # every row: the loaded table itself, no copy
    positions = np.flatnonzero(_index(fp, _events).mask(_filters))
    return _events.take(positions), positions


def shown_rows(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows that pass the filters (the same rows as monitor.apply_filters)."""
    return _selection(data_key(events), filter_key(filters), events, filters)[0]


@st.cache_resource(max_entries=3, show_spinner="Counting incidents and casualties…")
def _tolls_codes(fp: str, key: tuple, _events: pd.DataFrame, _filters: Filters) -> tuple[pd.DataFrame, np.ndarray]:
    positions = _selection(fp, key, _events, _filters)[1]
    return _index(fp, _events).tolls_and_codes(_events, positions)


def _tolls(fp: str, key: tuple, _events: pd.DataFrame, _filters: Filters) -> pd.DataFrame:
    return _tolls_codes(fp, key, _events, _filters)[0]


def tolls(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """incident_tolls of the filtered rows (without the claims and event_ids text: see incident_details)."""
    return _tolls(data_key(events), filter_key(filters), events, filters)


@st.cache_resource(max_entries=3, show_spinner=False)
def _counted(fp: str, key: tuple, _events: pd.DataFrame, _filters: Filters) -> pd.DataFrame:
    return counted_incidents(_tolls(fp, key, _events, _filters), include_gdelt=key[-1])


def counted(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The incidents that count in totals, tolls from the reports that pass the filters."""
    return _counted(data_key(events), filter_key(filters), events, filters)


@st.cache_data(max_entries=16, show_spinner=False)
def _headline(fp: str, key: tuple, _events: pd.DataFrame, _filters: Filters) -> dict[str, str]:
    from ui.tables import headline_numbers

    shown = _selection(fp, key, _events, _filters)[0]
    return headline_numbers(shown, _filters, tolls=_tolls(fp, key, _events, _filters))


def headline(events: pd.DataFrame, filters: Filters) -> dict[str, str]:
    """The overview's and Casualties' numbers: incidents, killed, injured, latest event."""
    return _headline(data_key(events), filter_key(filters), events, filters)


def incident_rows(events: pd.DataFrame, filters: Filters, listed: pd.DataFrame) -> pd.DataFrame:
    """The filtered reports of the incidents in `listed` (rows of tolls() or counted(), which keep the
    tolls' row labels): what incident_details reads, found through the index instead of comparing
    every report's incident id."""
    fp, key = data_key(events), filter_key(filters)
    _, codes = _tolls_codes(fp, key, events, filters)
    positions = _index(fp, events).rows_of_incidents(codes[listed.index.to_numpy()])
    selected = _selection(fp, key, events, filters)[1]
    if selected is not None:  # only the reports that pass the filters
        positions = positions[np.isin(positions, selected, assume_unique=True)]
    return events.take(positions)


def incident_reports(events: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Every loaded report (filtered or not) of the incidents of `rows`, rows taken from `events`: what
    ui.tables.events_table reads for "incident sources", found through the index rather than by
    comparing a million incident ids. Rows must carry their position in `events` as their label (what
    shown_rows and newest keep); otherwise the ids are compared."""
    index, labels = events.index, rows.index.to_numpy()
    positional = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    if not len(rows) or not positional or labels.min() < 0 or labels.max() >= len(events):
        return events[events["incident_id"].isin(rows["incident_id"])]
    ix = _index(data_key(events), events)
    return events.take(ix.rows_of_incidents(ix.incident[labels]))


def gdelt_only_count(events: pd.DataFrame, filters: Filters) -> int:
    """Incidents among the filtered rows that only GDELT reports."""
    t = tolls(events, filters)
    return int(t["gdelt_only"].sum()) if len(t) else 0


@st.cache_resource(max_entries=4, show_spinner="Drawing the map…")
def _map(fp: str, key: tuple, online: bool, show_gdelt: bool, _events: pd.DataFrame, _filters: Filters):
    from ui.figures import best_deaths, map_view

    shown, positions = _selection(fp, key, _events, _filters)
    tolls, codes = _tolls_codes(fp, key, _events, _filters)
    index = _index(fp, _events)
    # each row's incident (as a code) and that incident's best death estimate among these rows
    best = np.full(len(index.reports), np.nan)
    best[codes] = best_deaths(tolls)
    incident = index.incident if positions is None else index.incident[positions]
    return map_view(shown, online=online, show_gdelt=show_gdelt, tolls=tolls, incident_deaths=(incident, best[incident]))


def map_view_for(events: pd.DataFrame, filters: Filters, *, online: bool = False, show_gdelt: bool = True):
    """The Map page's MapView, kept for reruns (a click redraws nothing)."""
    return _map(data_key(events), filter_key(filters), online, show_gdelt, events, filters)


def newest(rows: pd.DataFrame, n: int) -> pd.DataFrame:
    """The n latest rows, newest first (ties by event_id): the table is kept sorted by date, then id,
    so this reads its end instead of sorting a million rows."""
    if len(rows) <= n or not rows["event_date"].is_monotonic_increasing:
        return rows.sort_values(["event_date", "event_id"], ascending=[False, True]).head(n)
    dates = rows["event_date"].to_numpy()
    cut = np.searchsorted(dates, dates[-n], "left")  # every row of the oldest day that could be in
    return rows.iloc[cut:].sort_values(["event_date", "event_id"], ascending=[False, True]).head(n)


@st.cache_resource(max_entries=1, show_spinner=False)
def _dyad_positions(fp: str, _events: pd.DataFrame) -> dict[str, np.ndarray]:
    dyad = _index(fp, _events).columns["dyad"]  # already coded: no second factorisation of a million rows
    codes, uniques = dyad.codes, dyad.values
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {d: order[bounds[i]:bounds[i + 1]] for i, d in enumerate(uniques)}


def dyad_rows(events: pd.DataFrame, dyad: str, filters: Filters) -> pd.DataFrame:
    """ui.status.indicator_rows through an index of each dyad's rows, built once per data: the
    overview looks up twenty dyads on every run."""
    positions = _dyad_positions(data_key(events), events).get(dyad)
    rows = events.iloc[positions] if positions is not None else events.iloc[:0]
    if filters.datasets:
        rows = rows[rows["dataset"].isin(filters.datasets)]
    return rows


@st.cache_data(max_entries=8, show_spinner=False)
def _presence(fp: str, datasets: tuple, _events: pd.DataFrame) -> tuple[set[str], set[str]]:
    index = _index(fp, _events)
    dyad = index.columns["dyad"]
    rows = index.columns["dataset"].isin(datasets) if datasets else np.ones(index.n, dtype=bool)
    rows &= dyad.codes >= 0
    gdelt = index.columns["dataset"].isin(["gdelt"])
    reports = np.bincount(dyad.codes[rows], minlength=len(dyad.values))
    other = np.bincount(dyad.codes[rows & ~gdelt], minlength=len(dyad.values))
    present = {str(d) for d in dyad.values[reports > 0]}
    return present, {str(d) for d in dyad.values[(reports > 0) & (other == 0)]}


def dyad_presence(events: pd.DataFrame, filters: Filters) -> tuple[set[str], set[str]]:
    """(the pairs with reports in the selected datasets, those of them that only GDELT reports): the
    keys and the signal-only set of ui.status.all_statuses, without preparing every pair's status."""
    return _presence(data_key(events), tuple(sorted(filters.datasets)), events)


@st.cache_data(max_entries=512, show_spinner=False)
def _status(fp: str, dyad: str, datasets: tuple, as_of, include_gdelt: bool, _rows: pd.DataFrame):
    from ui.status import status_for

    return status_for(_rows, dyad, as_of, include_gdelt)


def dyad_status_for(events: pd.DataFrame, rows: pd.DataFrame, dyad: str, filters: Filters, as_of,
                    include_gdelt: bool):
    """ui.status.status_for of dyad_rows(events, dyad, filters), kept per data, dyad, datasets and day."""
    return _status(data_key(events), dyad, tuple(filters.datasets), as_of, include_gdelt, rows)


@st.cache_data(max_entries=2, show_spinner=False)
def _names_and_dyads(fp: str, _events: pd.DataFrame) -> tuple[dict[str, str], list[str]]:
    from monitor import active_dyads
    from ui.sidebar import country_names

    return country_names(_events), active_dyads(_events)


def names_and_dyads(events: pd.DataFrame) -> tuple[dict[str, str], list[str]]:
    """(ISO3 -> country name, dyads by number of reports), computed once per data."""
    return _names_and_dyads(data_key(events), events)
