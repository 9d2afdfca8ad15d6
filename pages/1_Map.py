"""Map: where the filtered events happened, how deadly, and how precisely each place is known."""

import streamlit as st

from monitor import apply_filters
from ui.data import load_events
from ui.figures import map_figure, show
from ui.sidebar import describe, sidebar
from ui.tables import EVENTS_COLUMNS, QUOTE, events_table, unplaced
from ui.text import md

st.set_page_config(page_title="Faultline · Map", page_icon=":material/map:", layout="wide")
events, problems, sources = load_events()
filters = sidebar(events)
shown = apply_filters(events, filters)

st.title("Map")
st.caption(f"Filters: {md(describe(filters))}")
online = st.toggle("Online map tiles", value=False,
                   help="Off: country outlines shipped with the app, no network. On: CARTO/OpenStreetMap "
                        "tiles that your browser loads from the internet.")
if online:
    st.caption("Base map tiles load from the internet (© OpenStreetMap contributors, © CARTO).")
event = show(map_figure(shown, online=online), key="map", on_select="rerun")
st.caption("Colour: event type. Size: deaths (best estimate; the smallest dots have none or none stated). "
           "A dark ring marks a place known to the town, a grey ring 'near' a town or a district; a faint "
           "large disc without a ring is only a province or country centroid — not a pin on a town. "
           "Coordinates are never invented or jittered. Hover for date, place, toll and source; click a point to list its reports below.")

picked = [p for p in (event or {}).get("selection", {}).get("points", []) if p.get("customdata")]
if picked:
    ids = {i for p in picked for i in str(p["customdata"][2]).split(";")}
    st.subheader("Selected on the map", anchor=False)
    st.dataframe(events_table(shown[shown["event_id"].isin(ids)]), hide_index=True, width="stretch",
                 column_config=EVENTS_COLUMNS)

missing = unplaced(shown)
if len(missing):
    st.subheader(f"{len(missing)} events have no place and are not on the map", anchor=False)
    st.dataframe(missing, hide_index=True, width="stretch", column_config={"quote": QUOTE})
elif len(shown):
    st.caption("Every event that passes the filters has a place and is on the map.")
