"""Faultline overview: where each conflict pair stands, headline numbers and the latest reports."""

import streamlit as st

from monitor import active_dyads, apply_filters
from ui.data import load_events
from ui.sidebar import country_names, describe, dyad_label, sidebar
from ui.status import indicator_rows, status_card, status_for
from ui.tables import headline_numbers, show_latest
from ui.text import md

st.set_page_config(page_title="Faultline", page_icon=":material/crisis_alert:", layout="wide")
events, problems, sources = load_events()
filters = sidebar(events)
shown = apply_filters(events, filters)

st.title("Faultline")
st.markdown("Where violence happened, how many were killed and injured by whose account, and where "
            "diplomacy stands — built from the articles and conflict datasets you feed it.")

st.header("Diplomatic status", anchor=False)
names = country_names(events)
dyads = [filters.dyad] if filters.dyad else active_dyads(events)
if not dyads:
    st.info("No conflict pair (dyad) appears in the loaded data, so there is no status to show.")
for dyad in dyads:
    rows = indicator_rows(events, dyad, filters)
    if rows.empty:
        st.info(f"No reports of {dyad} in the selected dataset(s), so there is no status to show.")
    else:
        status_card(status_for(rows, dyad, filters.end), rows, dyad_label(dyad, names))
st.caption("The status uses every report of the pair (only the dataset filter applies), so a place or "
           "type filter never hides a clash; with a 'To' date it is the status as of that day.")

st.header("In the current view", anchor=False)
st.caption(f"Filters: {md(describe(filters))}")
nums = headline_numbers(shown, filters)
c = st.columns(4)
c[0].metric("Incidents", nums["incidents"], help="Reports of one real-world event count once.")
c[1].metric("Killed", nums["killed"], help="Sum over incidents of the lowest to the highest reported figure; "
            "'at least' when a source gives an open-ended figure. See Casualties for the incidents behind it.")
c[2].metric("Injured", nums["injured"], help="As for killed; 'not stated' when no source gives a number.")
c[3].metric("Latest event", nums["latest"])

st.header("Latest events", anchor=False)
if shown.empty:
    st.info("No events pass the current filters. Widen the dates or clear a filter in the sidebar.")
else:
    show_latest(shown, n=5)
    st.caption(f"The {min(5, len(shown))} most recent of {len(shown):,} reports; the Events page lists them all.")
