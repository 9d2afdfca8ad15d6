"""Casualties: killed and injured over time and by place, as honest ranges, incidents counted once."""

import numpy as np
import streamlit as st

from monitor import incident_details
from ui.figures import casualties_place_figure, casualties_time_figure, show
from ui.engine import large_store
from ui.page import open_page
from ui.sidebar import describe
from ui.filtered import counted, headline, incident_rows, shown_rows, tolls
from ui.tables import incidents_table, left_out_words
from ui.text import md

if (store := large_store()) is not None:  # large data: DuckDB over Parquet files (ui.engine)
    from ui.large import casualties_page

    casualties_page(store)
    st.stop()

events, problems, sources, filters = open_page("Casualties", ":material/bar_chart:")
shown = shown_rows(events, filters)
incidents = counted(events, filters)
TABLE_LIMIT = 1_000  # incidents listed under the charts, the deadliest first

st.title("Casualties")
st.caption(f"Filters: {md(describe(filters))}")
nums = headline(events, filters)
c = st.columns(3)
c[0].metric("Killed", nums["killed"])
c[1].metric("Injured", nums["injured"])
has_toll = (incidents["killed_low"].notna() | incidents["injured_low"].notna()).to_numpy(dtype=bool)
n_toll = int(has_toll.sum())
c[2].metric("Incidents with a stated toll", f"{n_toll:,} of {len(incidents):,}")
st.markdown("Each real-world incident counts **once**, however many reports describe it. The dark bar "
            "reaches the lowest figure any source gives, the light bar the highest; **N+ ↑** means a source "
            "says \"at least N\" with no upper bound. Hatched bars are incidents dated only to a month "
            "(drawn at the start of their period).")
if note := left_out_words(shown, filters, tolls(events, filters)):
    st.caption(note)

if incidents.empty:
    st.info("No incidents pass the current filters. Widen the dates or clear a filter in the sidebar.")
    st.stop()
freq = st.segmented_control("Group by", ["week", "day"], default="week", key="freq")
for kind, title in (("killed", "Killed"), ("injured", "Injured")):
    st.subheader(f"{title} over time", anchor=False)
    show(casualties_time_figure(incidents, kind, freq or "week"), key=f"time_{kind}")
    st.subheader(f"{title} by place", anchor=False)
    show(casualties_place_figure(incidents, kind), key=f"place_{kind}")

st.subheader("The incidents behind these numbers", anchor=False)
positions = np.flatnonzero(has_toll)
if n_toll > TABLE_LIMIT:  # the deadliest, ranked on plain arrays (no copy of every incident with a toll)
    best = incidents["killed_best"].astype("Float64").fillna(incidents["killed_low"].astype("Float64")).fillna(0)
    rank = best.to_numpy(dtype=float)[positions]
    positions = positions[np.argsort(-rank, kind="stable")[:TABLE_LIMIT]]
    positions = positions[np.argsort(incidents["event_date"].to_numpy()[positions], kind="stable")]
listed = incidents.iloc[positions]
st.dataframe(incidents_table(incident_details(incident_rows(events, filters, listed), listed)), hide_index=True,
             width="stretch")
if n_toll > len(listed):
    st.caption(f"The {len(listed):,} deadliest of the {n_toll:,} incidents with a stated toll are listed; the "
               "totals and charts above count them all. Narrow the filters to list the others.")
st.caption(f"{len(incidents) - n_toll} other counted incident(s) state no toll (talks, statements…).")
