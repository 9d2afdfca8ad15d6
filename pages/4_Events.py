"""Events: the filtered table, one row per report, with the incident it belongs to; CSV download;
the analyst's corrections (fix, suppress, restore, add)."""

import streamlit as st

from loaders.curation import marks as curation_marks
from ui.curation_panel import curation_panel
from ui.engine import large_store
from ui.filtered import incident_reports, newest, shown_rows
from ui.licence import downloadable, licence_note, no_raw_download
from ui.page import open_page
from ui.sidebar import describe
from ui.tables import EVENTS_COLUMNS, download_name, download_payload, events_table, show_report
from ui.text import md

if (store := large_store()) is not None:  # large data: DuckDB over Parquet files (ui.engine)
    from ui.large import events_page

    events_page(store)
    st.stop()
TABLE_LIMIT = 5_000  # rows in the on-screen table; the download has them all

events, problems, sources, filters = open_page("Events", ":material/table:")
shown = shown_rows(events, filters)

st.title("Events")
st.caption(f"Filters: {md(describe(filters))}")
st.markdown(f"**{len(shown):,}** reports of **{shown['incident_id'].nunique():,}** incidents "
            f"(out of {len(events):,} reports loaded). Reports of one real-world event share an incident_id; "
            "*report* says what kind of evidence each row is (curated dataset, machine-read news, or GDELT "
            "**media signal** — machine-coded and unverified), and *incident sources* lists every dataset and "
            "publisher that backs its incident, including reports the filters hide.")
blocked, unknown = no_raw_download()
offered = downloadable(shown, blocked)
file_name, mime = download_name(events, filters, len(offered))
zipped = mime == "application/zip"
# A callable: the file is written only when the button is clicked, never on a rerun.
st.download_button("Download these rows as CSV" + (" (zipped)" if zipped else ""),
                   data=lambda: download_payload(events, filters, blocked).data,
                   file_name=file_name, mime=mime, on_click="ignore", icon=":material/download:",
                   disabled=offered.empty,
                   help="Exactly the rows shown, all 34 columns of the events table, dates as YYYY-MM-DD. "
                        "Text cells that a spreadsheet would run as a formula get a leading apostrophe."
                        + (" Rows of datasets whose licence does not allow passing them on are left out."
                           if blocked else "")
                        + (" More than 100,000 rows: the CSV comes inside a zip file." if zipped else ""))
if note := licence_note(shown, blocked, unknown):
    st.info(note, icon=":material/gavel:")
picked_id = None
shown_ids: list[str] = []
if shown.empty:
    st.info("No events pass the current filters. Widen the dates or clear a filter in the sidebar.")
else:
    # Newest first on screen (the CSV keeps the table's order: by date, then event_id).
    latest = newest(shown, TABLE_LIMIT)
    table = events_table(latest, incident_reports(events, latest),
                         curated=events.attrs["curated"] if "curated" in events.attrs else curation_marks())
    picked = st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 600),
                          column_config=EVENTS_COLUMNS, key="events", on_select="rerun", selection_mode="single-row")
    if len(shown) > len(table):
        st.caption(f"The {len(table):,} latest of the {len(shown):,} reports are listed here; the download holds "
                   "every one. Narrow the filters to list older reports.")
    rows = picked.selection.rows if picked else []
    show_report(table.iloc[rows[0]] if rows else None)
    shown_ids = table["event_id"].astype(str).tolist()
    picked_id = shown_ids[rows[0]] if rows else None
curation_panel(events, shown_ids, picked_id)
