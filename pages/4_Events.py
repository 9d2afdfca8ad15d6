"""Events: the filtered table, one row per report, with the incident it belongs to; CSV download;
the analyst's corrections (fix, suppress, restore, add)."""

import streamlit as st

from monitor import apply_filters
from ui.data import data_fingerprint
from loaders.curation import marks as curation_marks
from ui.curation_panel import curation_panel
from ui.licence import downloadable, licence_note, no_raw_download
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
blocked, unknown = no_raw_download()
offered = downloadable(shown, blocked)
st.download_button("Download these rows as CSV", data=lambda: filtered_csv(events, filters, blocked),
                   file_name=f"faultline-events-{data_fingerprint(events)}.csv", mime="text/csv",
                   on_click="ignore", icon=":material/download:", disabled=offered.empty,
                   help="Exactly the rows shown, all 34 columns of the events table, dates as YYYY-MM-DD. "
                        "Text cells that a spreadsheet would run as a formula get a leading apostrophe."
                        + (" Rows of datasets whose licence does not allow passing them on are left out."
                           if blocked else ""))
if note := licence_note(shown, blocked, unknown):
    st.info(note, icon=":material/gavel:")
picked_id = None
shown_ids: list[str] = []
if shown.empty:
    st.info("No events pass the current filters. Widen the dates or clear a filter in the sidebar.")
else:
    # Newest first on screen (the CSV keeps the table's order: by date, then event_id).
    table = events_table(shown.sort_values(["event_date", "event_id"], ascending=[False, True]), events,
                         curated=events.attrs["curated"] if "curated" in events.attrs else curation_marks())
    picked = st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 600),
                          column_config=EVENTS_COLUMNS, key="events", on_select="rerun", selection_mode="single-row")
    rows = picked.selection.rows if picked else []
    show_report(table.iloc[rows[0]] if rows else None)
    shown_ids = table["event_id"].astype(str).tolist()
    picked_id = shown_ids[rows[0]] if rows else None
curation_panel(events, shown_ids, picked_id)
