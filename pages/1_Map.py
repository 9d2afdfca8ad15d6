"""Map: where the filtered events happened, how deadly, and how precisely each place is known."""

import pandas as pd
import streamlit as st

from ui.figures import GDELT_LABEL, cell_rows, show
from ui.filtered import map_view_for, newest, shown_rows
from ui.page import open_page
from ui.sidebar import describe
from ui.tables import EVENTS_COLUMNS, QUOTE, events_table, unplaced
from ui.text import md

LIST_LIMIT = 2_000  # rows listed under the map (a table of a million rows would stall the browser)

events, problems, sources, filters = open_page("Map", ":material/map:")
shown = shown_rows(events, filters)

st.title("Map")
st.caption(f"Filters: {md(describe(filters))}")
cols = st.columns(2)
online = cols[0].toggle("Online map tiles", value=False, key="map_online",
                        help="Off: country outlines shipped with the app, no network. On: CARTO/OpenStreetMap "
                             "tiles that your browser loads from the internet.")
has_signal = bool((events["dataset"] == "gdelt").any())
show_signal = has_signal and cols[1].toggle(
    "Show GDELT media signal", value=True, key="map_gdelt",
    help="GDELT 2.0 events are machine-coded from news and often not at the place they name: drawn as hollow "
         "violet rings, never as verified pins. Off: only curated datasets (ACLED, UCDP), news and your own rows.")
if online:
    st.caption("Base map tiles load from the internet (© OpenStreetMap contributors, © CARTO).")
view = map_view_for(events, filters, online=online, show_gdelt=show_signal)
event = show(view.figure if view.figure is not None else view.reason, key="map", on_select="rerun")
st.caption("Colour: event type. Size: deaths (best estimate; the smallest dots have none or none stated). "
           "A dark ring marks a place known to the town, a grey ring 'near' a town or a district; a faint "
           "large disc without a ring is only a province or country centroid — not a pin on a town. "
           "Coordinates are never invented or jittered. Hover for date, place, toll and source; click a point to list its reports below.")
if has_signal and show_signal:
    st.caption(f"Hollow violet rings: {GDELT_LABEL.split(' (')[0]}. GDELT codes events automatically from news "
               "coverage; audits find most of its conflict pins are not real events at that place. A ring shares "
               "a curated point's place when both name it; its size does not mean deaths (GDELT gives none).")
for note in view.notes:
    st.caption(note)

keys = {p["customdata"][1] for p in (event or {}).get("selection", {}).get("points", []) if p.get("customdata")}
ids = {i for ids in view.points.loc[view.points["key"].isin(keys), "event_ids"] for i in str(ids).split(";")}
picked = shown[shown["event_id"].isin(ids)] if ids else shown.iloc[:0]
in_cells = cell_rows(shown if show_signal else shown[shown["dataset"] != "gdelt"], view, keys)
if len(in_cells):
    picked = pd.concat([picked, in_cells]).drop_duplicates("event_id")
if len(picked):
    st.subheader("Selected on the map", anchor=False)
    listed = newest(picked, LIST_LIMIT)
    st.dataframe(events_table(listed, events), hide_index=True, width="stretch", column_config=EVENTS_COLUMNS)
    if len(picked) > len(listed):
        st.caption(f"The {len(listed):,} latest of the {len(picked):,} reports selected; narrow the filters to list "
                   "the others, or download them from the Events page.")

missing = unplaced(newest(shown[shown["latitude"].isna() | shown["longitude"].isna()], LIST_LIMIT))
n_missing = int((shown["latitude"].isna() | shown["longitude"].isna()).sum())
if n_missing:
    st.subheader(f"{n_missing} events have no place and are not on the map", anchor=False)
    st.dataframe(missing, hide_index=True, width="stretch", column_config={"quote": QUOTE})
    if n_missing > len(missing):
        st.caption(f"The {len(missing):,} latest are listed; the Events page lists them all.")
elif len(shown):
    st.caption("Every event that passes the filters has a place and is on the map.")
