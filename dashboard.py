"""Faultline overview: where each conflict pair stands, headline numbers and the latest reports."""

import pandas as pd
import streamlit as st

from ui.filtered import dyad_presence, dyad_rows, dyad_status_for, headline, names_and_dyads, newest, shown_rows, tolls
from ui.page import open_page
from ui.sidebar import describe, dyad_label
from ui.status import ALERT_WORDS, STATE_WORDS, all_statuses, every_status_cheap, signal_only_note, status_card
from ui.tables import left_out_words, show_latest
from ui.text import md

events, problems, sources, filters = open_page(None, ":material/crisis_alert:")
shown = shown_rows(events, filters)

st.title("Faultline")
st.markdown("Where violence happened, how many were killed and injured by whose account, and where "
            "diplomacy stands — built from the articles and conflict datasets you feed it.")

st.header("Diplomatic status", anchor=False)
FULL_CARDS = 2  # the most reported pairs get a full card; every other pair one line in the table below
SIGNAL_NAMES = 20  # pairs seen only in GDELT named in the note; the rest counted
names, known_dyads = names_and_dyads(events)  # computed once per data
dyads = [filters.dyad] if filters.dyad else known_dyads
if not dyads:
    st.info("No conflict pair (dyad) appears in the loaded data, so there is no status to show.")
include_gdelt = bool(filters.extra.get("include_gdelt"))
# Every pair's status from one incident table, prepared once per data and dataset filter (cached); on
# large data only when asked for (below), the cards then come from each pair's own rows.
every = every_status_cheap(events, filters)
if every:
    statuses, signal_only_pairs = all_statuses(events, filters, filters.end, include_gdelt)
    present = set(statuses)
else:
    statuses = {}
    present, signal_only_pairs = dyad_presence(events, filters)
signal_pairs, others, missing, cards = [], [], [], 0
for dyad in dyads:
    if dyad not in present:
        missing.append(dyad)  # no report of the pair in the selected dataset(s)
    elif dyad in signal_only_pairs and not include_gdelt and not filters.dyad:
        signal_pairs.append(dyad)  # said once below, instead of an empty card per pair
    elif cards >= FULL_CARDS:
        others.append(dyad)
    else:
        cards += 1
        rows = dyad_rows(events, dyad, filters)
        status = statuses.get(dyad) or dyad_status_for(events, rows, dyad, filters, filters.end, include_gdelt)
        status_card(status, rows, dyad_label(dyad, names))
        if note := signal_only_note(rows, include_gdelt):
            st.caption(note)
if missing and filters.dyad:
    st.info(f"No reports of {filters.dyad} in the selected dataset(s), so there is no status to show.")
elif missing:
    st.caption(f"{len(missing):,} pair(s) have no reports in the selected dataset(s), so no status is shown for them.")
if others:
    st.subheader(f"{len(others):,} other pair(s) in the data", anchor=False)
    if not every and st.toggle(
            f"Show the status of these {len(others):,} pairs", key="every_pair",
            help=f"With {len(events):,} reports, preparing every pair's status takes some seconds the first time; "
                 "it is then kept for every visitor until the data changes."):
        statuses = all_statuses(events, filters, filters.end, include_gdelt)[0]
        every = True
    if every:
        st.dataframe(pd.DataFrame([{
            "pair": dyad_label(d, names), "talks": statuses[d].talks,
            "ceasefire": STATE_WORDS.get(statuses[d].ceasefire, statuses[d].ceasefire),
            "trend (30 days)": statuses[d].trend, "alert": ALERT_WORDS.get(statuses[d].alert, str(statuses[d].alert)),
            "as of": statuses[d].as_of.isoformat() if statuses[d].as_of else "", "headline": statuses[d].headline}
            for d in others]),
            hide_index=True, width="stretch", column_config={"headline": st.column_config.TextColumn(width="large")})
        st.caption("Every other pair, the most reported first. Pick one in the sidebar's Dyad filter, or on the "
                   "Diplomacy page, for its full status and evidence.")
    else:
        st.caption("Their status is not prepared yet at this size: switch the toggle on to list it, or pick a pair "
                   "in the sidebar's Dyad filter or on the Diplomacy page.")
if signal_pairs:
    shown_names = ", ".join(dyad_label(d, names) for d in signal_pairs[:SIGNAL_NAMES])
    more = len(signal_pairs) - SIGNAL_NAMES
    st.caption("Seen only in GDELT media signal, so no status is shown: " + md(shown_names)
               + (f" and {more:,} more" if more > 0 else "")
               + ". Switch on 'Count GDELT-only incidents in totals' in the sidebar to show their status.")
st.caption("The status uses every report of the pair (only the dataset filter applies), so a place or "
           "type filter never hides a clash; with a 'To' date it is the status as of that day.")

st.header("In the current view", anchor=False)
st.caption(f"Filters: {md(describe(filters))}")
nums = headline(events, filters)
# Four figures side by side unless one is too long to show whole there (a million reports: "at least 2,939,854").
c = st.columns(4) if max(len(v) for v in nums.values()) <= 14 else [*st.columns(2), *st.columns(2)]
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
