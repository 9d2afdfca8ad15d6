"""Map: where the filtered events happened, how deadly, and how precisely each place is known."""

import pandas as pd
import streamlit as st

from ui.engine import large_store
from ui.figures import GDELT_LABEL, cell_rows, show
from ui.filtered import map_view_for, newest, shown_rows
from ui.map_selection import (SELECTION_MODES, clear_selection, map_key, marker_ids, selected_keys, selected_markers,
                              selection_note)
from ui.page import open_page
from ui.sidebar import describe
from ui.tables import EVENTS_COLUMNS, QUOTE, events_table, unplaced
from ui.text import md

if (store := large_store()) is not None:  # large data: DuckDB over Parquet files (ui.engine)
    from ui.large import map_page

    map_page(store)
    st.stop()
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
view = map_view_for(events, filters, online=online, show_gdelt=show_signal)  # kept for reruns: a click redraws nothing
event = show(view.figure if view.figure is not None else view.reason, key=map_key(), on_select="rerun",
             selection_mode=SELECTION_MODES)
if view.figure is not None:  # the legend's explanation, only under a map
    st.caption("Colour: event type. Size: deaths (best estimate; the smallest dots have none or none stated). "
               "A dark ring marks a place known to the town, a grey ring 'near' a town or a district; a faint "
               "large disc without a ring is only a province or country centroid — not a pin on a town. "
               "Coordinates are never invented or jittered. Hover for date, place, toll and source; click a point, or drag a "
               "box or lasso (tools at the map's top right), to list the reports there below the map.")
if has_signal and show_signal and view.figure is not None:
    st.caption(f"Hollow violet rings: {GDELT_LABEL.split(' (')[0]}. GDELT codes events automatically from news "
               "coverage; audits find most of its conflict pins are not real events at that place. A ring shares "
               "a curated point's place when both name it; its size does not mean deaths (GDELT gives none).")
for note in view.notes:
    st.caption(note)

markers = selected_markers(event, view.points)
picked = shown[shown["event_id"].isin(marker_ids(markers))] if len(markers) else shown.iloc[:0]
in_cells = cell_rows(shown if show_signal else shown[shown["dataset"] != "gdelt"], view, set(selected_keys(event)))
if len(in_cells):  # an aggregated map: the reports inside the selected grid cells
    picked = pd.concat([picked, in_cells]).drop_duplicates("event_id")
if len(picked):
    st.subheader("Selected on the map", anchor=False)
    cells = 0 if view.cells.empty else int(view.cells["key"].isin(selected_keys(event)).sum())
    st.markdown(selection_note(len(picked), len(markers) + cells, len(shown)))
    st.button("Clear selection", on_click=clear_selection, icon=":material/deselect:", key="map_clear")
    listed = newest(picked, LIST_LIMIT)
    st.dataframe(events_table(listed, events), hide_index=True, width="stretch", column_config=EVENTS_COLUMNS,
                 key="map_selected")
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
