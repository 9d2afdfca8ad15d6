"""Events: the filtered table, one row per report, with the incident it belongs to; CSV download."""

import streamlit as st

from monitor import apply_filters
from ui.data import data_fingerprint
from ui.engine import large_store
from ui.page import open_page
from ui.sidebar import describe
from ui.tables import EVENTS_COLUMNS, events_table, filtered_csv, show_report
from ui.text import md

if (store := large_store()) is not None:  # large data: DuckDB over Parquet files (ui.engine)
    from ui.large import events_page

    events_page(store)
    st.stop()

events, problems, sources, filters = open_page("Events", ":material/table:")
shown = apply_filters(events, filters)

st.title("Events")
st.caption(f"Filters: {md(describe(filters))}")
st.markdown(f"**{len(shown):,}** reports of **{shown['incident_id'].nunique():,}** incidents "
            f"(out of {len(events):,} reports loaded). Reports of one real-world event share an incident_id; "
            "*report* says what kind of evidence each row is (curated dataset, machine-read news, or GDELT "
            "**media signal** — machine-coded and unverified), and *incident sources* lists every dataset and "
            "publisher that backs its incident, including reports the filters hide.")
st.download_button("Download these rows as CSV", data=lambda: filtered_csv(events, filters),
                   file_name=f"faultline-events-{data_fingerprint(events)}.csv", mime="text/csv",
                   on_click="ignore", icon=":material/download:", disabled=shown.empty,
                   help="Exactly the rows shown, all 34 columns of the events table, dates as YYYY-MM-DD. "
                        "Text cells that a spreadsheet would run as a formula get a leading apostrophe.")
if shown.empty:
    st.info("No events pass the current filters. Widen the dates or clear a filter in the sidebar.")
else:
    # Newest first on screen (the CSV keeps the table's order: by date, then event_id).
    table = events_table(shown.sort_values(["event_date", "event_id"], ascending=[False, True]), events)
    picked = st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 600),
                          column_config=EVENTS_COLUMNS, key="events", on_select="rerun", selection_mode="single-row")
    rows = picked.selection.rows if picked else []
    show_report(table.iloc[rows[0]] if rows else None)
