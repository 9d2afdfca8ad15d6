"""The Map, Casualties and Events pages on the DuckDB path (ui.engine): the same widgets, figures and
tables as the in-memory pages, fed by monitor.query so that only what is drawn is loaded."""

from __future__ import annotations

import inspect
import math
import os
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from loaders.paths import user_home, writable_home
from monitor import Filters
from monitor.query import CasualtySummary, MapData, ParquetEvents
from ui.engine import store_facets, store_signature
from ui.figures import (GDELT_LABEL, MAP_POINT_LIMIT, MapView, assemble_map_view, casualties_place_figure,
                        casualties_time_figure, show)
from ui.sidebar import describe, sidebar_for
from ui.tables import EVENTS_COLUMNS, QUOTE, events_table, incidents_table, show_report, signal_words, unplaced
from ui.text import md

PAGE_SIZE = 500
DOWNLOAD_ROWS = int(os.environ.get("FAULTLINE_DOWNLOAD_ROWS", "1000000"))  # beyond: written on the server


def open_large_page(title: str, icon: str, store: ParquetEvents) -> Filters:
    st.set_page_config(page_title=f"Faultline · {title}", page_icon=icon, layout="wide")
    caller = inspect.currentframe().f_back
    return sidebar_for(store_facets(store), caller.f_code.co_filename if caller else title)


def engine_caption(store: ParquetEvents) -> None:
    files = len(store.files)
    st.caption(f"Large-data mode: {store_facets(store).rows:,} reports queried in place with DuckDB "
               f"({files} Parquet file{'s' if files > 1 else ''}); only what this page shows is loaded.")


def _key(f: Filters) -> tuple:
    return (f.start, f.end, f.countries, f.types, f.actors, f.datasets, f.dyad)


def _filters(key: tuple) -> Filters:
    return Filters(*key)


@st.cache_data(max_entries=8, show_spinner="Querying the map…")
def _map_data(sig: tuple, key: tuple, show_gdelt: bool, _store: ParquetEvents) -> MapData:
    return _store.map_data(_filters(key), show_gdelt=show_gdelt, limit=MAP_POINT_LIMIT)


@st.cache_data(max_entries=8, show_spinner="Drawing the map…")
def _map_view(sig: tuple, key: tuple, show_gdelt: bool, online: bool, _store: ParquetEvents) -> MapView:
    data = _map_data(sig, key, show_gdelt, _store)
    notes = []
    if data.hidden_signal:
        notes.append(f"{data.hidden_signal:,} GDELT media-signal report(s) are hidden; switch on "
                     "'Show GDELT media signal' to see them.")
    empty = pd.DataFrame(columns=["key", "event_ids"])
    if data.placed + data.unplaced == 0:
        return MapView(None, "No events pass the current filters, so there is nothing to map.", empty, notes)
    if data.placed == 0:
        return MapView(None, f"None of the {data.unplaced} events that pass the filters has a known place, "
                             "so the map is empty; they are listed below.", empty, notes)
    return assemble_map_view(data.drawn, data.tolls, placed=data.placed, bins=data.bins, bounds=data.bounds,
                             notes=notes, online=online, limit=MAP_POINT_LIMIT)


def map_page(store: ParquetEvents) -> None:
    filters = open_large_page("Map", ":material/map:", store)
    facets, sig = store_facets(store), store_signature(store)
    st.title("Map")
    st.caption(f"Filters: {md(describe(filters))}")
    engine_caption(store)
    cols = st.columns(2)
    online = cols[0].toggle("Online map tiles", value=False, key="map_online",
                            help="Off: country outlines shipped with the app, no network. On: CARTO/OpenStreetMap "
                                 "tiles that your browser loads from the internet.")
    show_signal = facets.has_gdelt and cols[1].toggle(
        "Show GDELT media signal", value=True, key="map_gdelt",
        help="GDELT 2.0 events are machine-coded from news and often not at the place they name: drawn as hollow "
             "violet rings, never as verified pins. Off: only curated datasets (ACLED, UCDP), news and your own rows.")
    if online:
        st.caption("Base map tiles load from the internet (© OpenStreetMap contributors, © CARTO).")
    view = _map_view(sig, _key(filters), bool(show_signal or not facets.has_gdelt), online, store)
    event = show(view.figure if view.figure is not None else view.reason, key="map", on_select="rerun")
    st.caption("Colour: event type. Size: deaths (best estimate; the smallest dots have none or none stated). "
               "A dark ring marks a place known to the town, a grey ring 'near' a town or a district; a faint "
               "large disc without a ring is only a province or country centroid — not a pin on a town. "
               "Coordinates are never invented or jittered. Hover for date, place, toll and source; click a point "
               "to list its reports below.")
    if facets.has_gdelt and show_signal:
        st.caption(f"Hollow violet rings: {GDELT_LABEL.split(' (')[0]}. GDELT codes events automatically from news "
                   "coverage; audits find most of its conflict pins are not real events at that place. A ring shares "
                   "a curated point's place when both name it; its size does not mean deaths (GDELT gives none).")
    for note in view.notes:
        st.caption(note)
    keys = {p["customdata"][1] for p in (event or {}).get("selection", {}).get("points", []) if p.get("customdata")}
    ids = {i for ids in view.points.loc[view.points["key"].isin(keys), "event_ids"] for i in str(ids).split(";")}
    if ids:
        st.subheader("Selected on the map", anchor=False)
        rows = store.by_ids(ids, filters)
        st.dataframe(events_table(rows, store.incident_rows(rows["incident_id"], known=rows)), hide_index=True, width="stretch",
                     column_config=EVENTS_COLUMNS)
    n_missing, missing = store.unplaced(filters, limit=1000)
    if n_missing:
        st.subheader(f"{n_missing} events have no place and are not on the map", anchor=False)
        st.dataframe(unplaced(missing), hide_index=True, width="stretch", column_config={"quote": QUOTE})
        if n_missing > len(missing):
            st.caption(f"The first {len(missing):,} by date are listed; narrow the filters to see the others.")
    elif view.figure is not None:
        st.caption("Every event that passes the filters has a place and is on the map.")


@st.cache_data(max_entries=8, show_spinner="Summing casualties…")
def _casualties(sig: tuple, key: tuple, include_gdelt: bool, _store: ParquetEvents) -> CasualtySummary:
    return _store.casualties(_filters(key), include_gdelt=include_gdelt)


def casualties_page(store: ParquetEvents) -> None:
    filters = open_large_page("Casualties", ":material/bar_chart:", store)
    include = bool(filters.extra.get("include_gdelt"))
    s = _casualties(store_signature(store), _key(filters), include, store)
    st.title("Casualties")
    st.caption(f"Filters: {md(describe(filters))}")
    engine_caption(store)
    c = st.columns(3)
    c[0].metric("Killed", str(s.killed) if s.killed is not None else "not stated")
    c[1].metric("Injured", str(s.injured) if s.injured is not None else "not stated")
    c[2].metric("Incidents with a stated toll", f"{s.with_toll:,} of {s.incidents:,}")
    st.markdown("Each real-world incident counts **once**, however many reports describe it. The dark bar "
                "reaches the lowest figure any source gives, the light bar the highest; **N+ ↑** means a source "
                "says \"at least N\" with no upper bound. Hatched bars are incidents dated only to a month "
                "(drawn at the start of their period).")
    if note := signal_words(s.signal_only, include):
        st.caption(note)
    if s.incidents == 0:
        st.info("No incidents pass the current filters. Widen the dates or clear a filter in the sidebar.")
        return
    freq = st.segmented_control("Group by", ["week", "day"], default="week", key="freq")
    for kind, title in (("killed", "Killed"), ("injured", "Injured")):
        st.subheader(f"{title} over time", anchor=False)
        show(casualties_time_figure(s.by_date[kind], kind, freq or "week"), key=f"time_{kind}")
        st.subheader(f"{title} by place", anchor=False)
        show(casualties_place_figure(s.by_place[kind], kind), key=f"place_{kind}")
    st.subheader("The incidents behind these numbers", anchor=False)
    top = s.top if s.top is not None else pd.DataFrame()
    st.dataframe(incidents_table(top), hide_index=True, width="stretch")
    if s.with_toll > len(top):
        st.caption(f"The {len(top):,} deadliest of the {s.with_toll:,} incidents with a stated toll; narrow the "
                   "filters or download the rows (Events page) for all of them.")
    st.caption(f"{s.incidents - s.with_toll:,} other counted incident(s) state no toll (talks, statements…).")


def _csv_bytes(store: ParquetEvents, filters: Filters) -> bytes:
    with tempfile.TemporaryDirectory(prefix="faultline-export-") as tmp:
        path = Path(tmp) / "events.csv"
        store.export_csv(filters, path)
        return path.read_bytes()


@st.cache_data(max_entries=16, show_spinner=False)
def _count(sig: tuple, key: tuple, _store: ParquetEvents) -> tuple[int, int]:
    return _store.count(_filters(key))


def events_page(store: ParquetEvents) -> None:
    filters = open_large_page("Events", ":material/table:", store)
    facets, sig = store_facets(store), store_signature(store)
    n, incidents = _count(sig, _key(filters), store)
    st.title("Events")
    st.caption(f"Filters: {md(describe(filters))}")
    engine_caption(store)
    st.markdown(f"**{n:,}** reports of **{incidents:,}** incidents "
                f"(out of {facets.rows:,} reports loaded). Reports of one real-world event share an incident_id; "
                "*report* says what kind of evidence each row is (curated dataset, machine-read news, or GDELT "
                "**media signal** — machine-coded and unverified), and *incident sources* lists every dataset and "
                "publisher that backs its incident, including reports the filters hide.")
    name = f"faultline-events-{facets.fingerprint}.csv"
    if n <= DOWNLOAD_ROWS:
        st.download_button("Download these rows as CSV", data=lambda: _csv_bytes(store, filters), file_name=name,
                           mime="text/csv", on_click="ignore", icon=":material/download:", disabled=n == 0,
                           help="Exactly the rows that pass the filters, all 34 columns of the events table, dates as "
                                "YYYY-MM-DD. Text cells that a spreadsheet would run as a formula get a leading "
                                "apostrophe.")
    else:
        home = writable_home()
        st.caption(f"{n:,} rows are too many to send through the browser (more than {DOWNLOAD_ROWS:,}). "
                   + ("Write them to a file in the analyst folder instead, or narrow the filters." if home else
                      "Narrow the filters to download them (this deployment cannot write files)."))
        if home and st.button("Write these rows as CSV in the analyst folder", icon=":material/save:",
                              key="export_server"):
            target = user_home() / "exports" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with st.spinner("Writing the CSV…"):
                written = store.export_csv(filters, target)
            st.success(f"Wrote {written:,} rows to {target}")
    if n == 0:
        st.info("No events pass the current filters. Widen the dates or clear a filter in the sidebar.")
        return
    pages = max(1, math.ceil(n / PAGE_SIZE))
    page = 1
    if pages > 1:
        page = int(st.number_input(f"Page (of {pages:,}, {PAGE_SIZE} rows each, newest first)", min_value=1,
                                   max_value=pages, value=1, step=1, key="events_page"))
    rows = store.page(filters, page - 1, PAGE_SIZE)
    table = events_table(rows, store.incident_rows(rows["incident_id"], known=rows))
    picked = st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 600),
                          column_config=EVENTS_COLUMNS, key="events", on_select="rerun", selection_mode="single-row")
    sel = picked.selection.rows if picked else []
    show_report(table.iloc[sel[0]] if sel else None)
