"""Diplomacy: where one conflict pair stands on any day — talks, ceasefire, and the violence around them."""

import pandas as pd
import streamlit as st

from ui.figures import diplomacy_figure, show
from ui.page import open_page
from ui.filtered import dyad_rows, dyad_status_for, names_and_dyads
from ui.sidebar import dyad_label
from ui.status import signal_only_note, status_card, transitions_table
from ui.tables import QUOTE, mediators, signal_only_incidents

events, problems, sources, filters = open_page("Diplomacy", ":material/handshake:")

st.title("Diplomacy")
names, dyads = names_and_dyads(events)
if not dyads:
    st.info("No conflict pair (dyad) appears in the loaded data, so there is no diplomatic timeline.")
    st.stop()
dyad = st.selectbox("Conflict pair", dyads, index=dyads.index(filters.dyad) if filters.dyad in dyads else 0,
                    format_func=lambda d: dyad_label(d, names))
rows = dyad_rows(events, dyad, filters)
if rows.empty:
    st.info("No reports of this pair pass the dataset filter.")
    st.stop()
first, last = rows["event_date"].min().date(), rows["event_date"].max().date()
default = min(max(filters.end or last, first), last)
if first < last:
    as_of = st.slider("Status as of", min_value=first, max_value=last, value=default, format="YYYY-MM-DD",
                      help="Move back in time: the status is recomputed from the reports up to that day.")
else:
    as_of = first
    st.caption(f"All reports of this pair fall on {first}.")
include_gdelt = bool(filters.extra.get("include_gdelt"))
status = dyad_status_for(events, rows, dyad, filters, as_of, include_gdelt)
status_card(status, rows, dyad_label(dyad, names))
if note := signal_only_note(rows, include_gdelt):
    st.caption(note)
# The timeline shows what the status is built from: GDELT-only incidents only when they count.
drawn = rows if include_gdelt else rows[~rows["incident_id"].isin(signal_only_incidents(rows))]
# Datasets reach back years: draw a readable window (the sidebar's 'From', else the last TIMELINE_DAYS
# before the status date). The status above still uses every report.
TIMELINE_DAYS = 120
window = pd.Timestamp(filters.start) if filters.start else pd.Timestamp(as_of) - pd.Timedelta(days=TIMELINE_DAYS)
older = drawn[drawn["event_date"] < window]
drawn = drawn[drawn["event_date"] >= window]
show(diplomacy_figure(drawn, status) if len(drawn) else "No reports of this pair in the timeline's window.",
     key="timeline")
st.caption("Bands: the state of talks and of the ceasefire, each starting on the day a report changed it. "
           "Diamonds: diplomatic events; circles: violent incidents, sized by deaths (one per incident). "
           "A thick line is an event dated only to a week or month, drawn over its whole period. Where markers crowd, "
           "some go unlabelled: hover a marker for its date, toll and quote."
           + (f" The timeline starts on {window:%Y-%m-%d}: {len(older)} older report(s) count in the status but are "
              "not drawn (set 'From' in the sidebar to draw further back)." if len(older) else ""))

st.subheader("Mediators named", anchor=False)
med = mediators(rows[rows["event_date"] <= pd.Timestamp(as_of)])
if med.empty:
    st.caption("No mediator is named in the reports up to this date.")
else:
    st.dataframe(med, hide_index=True, width="stretch")
st.subheader("Every change of state, and why", anchor=False)
changes = transitions_table(status, rows)
if changes.empty:
    st.caption("No talks or ceasefire reported up to this date.")
else:
    st.dataframe(changes, hide_index=True, width="stretch", column_config={"quote": QUOTE})
