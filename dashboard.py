"""Faultline overview: where each conflict pair stands, headline numbers and the latest reports."""

import pandas as pd
import streamlit as st

from ui.filtered import dyad_rows, dyad_status_for, headline, names_and_dyads, newest, shown_rows, tolls
from ui.page import open_page
from ui.sidebar import describe, dyad_label
from ui.status import ALERT_WORDS, STATE_WORDS, signal_only, signal_only_note, status_card
from ui.tables import left_out_words, show_latest
from ui.text import md

events, problems, sources, filters = open_page(None, ":material/crisis_alert:")
shown = shown_rows(events, filters)

st.title("Faultline")
st.markdown("Where violence happened, how many were killed and injured by whose account, and where "
            "diplomacy stands — built from the articles and conflict datasets you feed it.")

st.header("Diplomatic status", anchor=False)
FULL_CARDS = 2  # the most reported pairs get a full card; the next ones one line each
TABLE_PAIRS = 20  # beyond these, a regional dataset's thousands of pairs are reached through the Dyad filter
names, known_dyads = names_and_dyads(events)
all_dyads = [filters.dyad] if filters.dyad else known_dyads
dyads = all_dyads[:FULL_CARDS + TABLE_PAIRS]
if not dyads:
    st.info("No conflict pair (dyad) appears in the loaded data, so there is no status to show.")
include_gdelt = bool(filters.extra.get("include_gdelt"))
signal_pairs, others, cards = [], [], 0
for dyad in dyads:
    rows = dyad_rows(events, dyad, filters)
    if rows.empty:
        st.info(f"No reports of {dyad} in the selected dataset(s), so there is no status to show.")
    elif signal_only(rows) and not include_gdelt and not filters.dyad:
        signal_pairs.append(dyad)  # said once below, instead of an empty card per pair
    elif cards >= FULL_CARDS:
        others.append((dyad, dyad_status_for(events, rows, dyad, filters, filters.end, include_gdelt)))
    else:
        cards += 1
        status_card(dyad_status_for(events, rows, dyad, filters, filters.end, include_gdelt), rows, dyad_label(dyad, names))
        if note := signal_only_note(rows, include_gdelt):
            st.caption(note)
if others:
    st.subheader(f"{len(others)} other pair(s) in the data", anchor=False)
    st.dataframe(pd.DataFrame([{
        "pair": dyad_label(d, names), "talks": st_.talks, "ceasefire": STATE_WORDS.get(st_.ceasefire, st_.ceasefire),
        "trend (30 days)": st_.trend, "alert": ALERT_WORDS.get(st_.alert, str(st_.alert)),
        "as of": st_.as_of.isoformat() if st_.as_of else "", "headline": st_.headline} for d, st_ in others]),
        hide_index=True, width="stretch", column_config={"headline": st.column_config.TextColumn(width="large")})
    more = len(all_dyads) - len(dyads)
    st.caption("Fewer reports than the pairs above. Pick one in the sidebar's Dyad filter, or on the Diplomacy "
               "page, for its full status and evidence."
               + (f" {more:,} less reported pair(s) are not listed here." if more > 0 else ""))
if signal_pairs:
    st.caption("Seen only in GDELT media signal, so no status is shown: "
               + md(", ".join(dyad_label(d, names) for d in signal_pairs))
               + ". Switch on 'Count GDELT-only incidents in totals' in the sidebar to show their status.")
st.caption("The status uses every report of the pair (only the dataset filter applies), so a place or "
           "type filter never hides a clash; with a 'To' date it is the status as of that day.")

st.header("In the current view", anchor=False)
st.caption(f"Filters: {md(describe(filters))}")
nums = headline(events, filters)
c = st.columns(4)
c[0].metric("Incidents", nums["incidents"], help="Reports of one real-world event count once. Incidents only GDELT "
            "reports count only when 'Count GDELT-only incidents in totals' is on in the sidebar.")
c[1].metric("Killed", nums["killed"], help="Sum over incidents of the lowest to the highest reported figure; "
            "'at least' when a source gives an open-ended figure. See Casualties for the incidents behind it.")
c[2].metric("Injured", nums["injured"], help="As for killed; 'not stated' when no source gives a number.")
c[3].metric("Latest event", nums["latest"])
if note := left_out_words(shown, filters, tolls(events, filters)):
    st.caption(note)

st.header("Latest events", anchor=False)
if shown.empty:
    st.info("No events pass the current filters. Widen the dates or clear a filter in the sidebar.")
else:
    show_latest(newest(shown, 5), n=5)
    st.caption(f"The {min(5, len(shown))} most recent of {len(shown):,} reports; the Events page lists them all.")
