"""The Events page's corrections: fix a field, suppress or restore an event, add a missing one.

Every save appends lines to FAULTLINE_HOME/curation.csv (never rewriting what is there) and reloads
the data; the loaders apply the file on every load.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from loaders import curation
from loaders.paths import user_home, writable_home
from loaders.schema import DIPLOMATIC_ACTIONS, EVENT_TYPES, SUB_EVENT_TYPES
from ui.data import read_only_flag, reload_inputs
from ui.text import code, md

ACTIONS = {"fix": "Fix a field", "suppress": "Suppress (keep out)", "restore": "Restore a suppressed event",
           "add": "Add a missing event"}
FLASH = "curation_flash"


def corrections_refusal() -> str | None:
    """Why corrections cannot be saved here, or None."""
    if read_only_flag():
        return "this deployment is read-only (FAULTLINE_READ_ONLY=1)"
    if writable_home() is None:
        return f"the analyst folder ({user_home()}) cannot be written"
    return None


def _save(lines: list[dict], message: str) -> None:
    try:
        curation.append_edits(lines)
    except OSError as exc:
        st.error(f"The correction was not saved: {md(exc.strerror or exc)}")
        return
    st.session_state[FLASH] = message
    reload_inputs()
    st.rerun()


def curation_panel(events: pd.DataFrame, shown_ids: list[str], picked: str | None) -> None:
    """The corrections form, under the events table (off, with the reason, on a read-only deployment)."""
    st.subheader("Corrections")
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH), icon=":material/check:")
    refusal = corrections_refusal()
    if refusal:
        st.info(f"Corrections are off: {refusal}. Corrections already saved in curation.csv still apply.",
                icon=":material/lock:")
        return
    st.caption(f"Corrections are kept in {code(curation.curation_path())}, one line per edit with your name "
               "and the time; nothing is overwritten, and the original inputs are never changed. "
               "Suppressed events are listed on the Sources page.")
    action = st.radio("What to do", list(ACTIONS), format_func=ACTIONS.get, horizontal=True, key="curation_action")
    author = st.text_input("Your name or initials", key="curation_author", max_chars=60)
    if action == "add":
        _add_form(author)
        return
    if action == "restore":
        _restore_form(author)
        return
    if not shown_ids:
        st.caption("No event passes the filters: widen them to pick one.")
        return
    index = shown_ids.index(picked) if picked in shown_ids else 0
    event_id = st.selectbox("Event (event_id, from the table above)", shown_ids, index=index, key="curation_event")
    row = events[events["event_id"] == event_id].reset_index(drop=True)
    note = st.text_input("Why (kept with the correction)", key="curation_note", max_chars=300)
    if action == "fix":
        field = st.selectbox("Field", curation.EDITABLE, key="curation_field")
        current = row[field].iloc[0] if len(row) else None
        shown = "" if current is None or (not isinstance(current, str) and pd.isna(current)) else current
        if isinstance(shown, pd.Timestamp):
            shown = shown.strftime("%Y-%m-%d")
        st.caption(f"Now: {md(str(shown)) or '(empty)'}")
        value = st.text_input("New value (empty clears the field; dates as YYYY-MM-DD)", key="curation_value")
        if st.button("Save the fix", key="curation_save_fix", icon=":material/edit:"):
            _, why = curation.check_value(row, field, value.strip())
            if why:
                st.error(f"Not saved: {md(why)}")
            else:
                _save([{"event_id": event_id, "action": "fix", "field": field, "value": value.strip(),
                        "note": note, "author": author}], f"Saved: {event_id} {field} set.")
    else:
        if st.button("Suppress this event", key="curation_save_suppress", icon=":material/visibility_off:"):
            _save([{"event_id": event_id, "action": "suppress", "note": note, "author": author}],
                  f"Saved: {event_id} is suppressed (listed on the Sources page; restore it here).")


def _restore_form(author: str) -> None:
    suppressed = curation.suppressed_ids()
    if not suppressed:
        st.caption("No event is suppressed.")
        return
    event_id = st.selectbox("Suppressed event", suppressed, key="curation_restore_event")
    if st.button("Restore it", key="curation_save_restore", icon=":material/visibility:"):
        _save([{"event_id": event_id, "action": "restore", "author": author}], f"Saved: {event_id} is restored.")


def _add_form(author: str) -> None:
    with st.form("curation_add"):
        c1, c2, c3 = st.columns(3)
        day = c1.date_input("Date", value=None, key="add_date")
        event_type = c2.selectbox("Event type", EVENT_TYPES, key="add_type")
        sub = c3.selectbox("Sub-event type", [""] + SUB_EVENT_TYPES, key="add_sub")
        action = c1.selectbox("Diplomatic action", [""] + DIPLOMATIC_ACTIONS, key="add_action")
        location = c2.text_input("Place", key="add_location")
        iso3 = c3.text_input("Country (ISO3, e.g. PAK)", key="add_iso3", max_chars=3)
        dyad = c1.text_input("Dyad (e.g. AFG-PAK)", key="add_dyad")
        lat = c2.text_input("Latitude (optional)", key="add_lat")
        lon = c3.text_input("Longitude (optional)", key="add_lon")
        low = c1.text_input("Killed, low", key="add_low")
        high = c2.text_input("Killed, high (empty = open)", key="add_high")
        source = c3.text_input("Source (publisher)", key="add_source")
        url = st.text_input("Source URL", key="add_url")
        quote = st.text_area("Quote (the source's words)", key="add_quote", max_chars=2000)
        note = st.text_input("Why (kept with the correction)", key="add_note", max_chars=300)
        submitted = st.form_submit_button("Add the event", icon=":material/add:")
    if not submitted:
        return
    values = {"event_date": day.isoformat() if isinstance(day, date) else "", "event_type": event_type,
              "sub_event_type": sub, "diplomatic_action": action, "location": location.strip(),
              "iso3": iso3.strip().upper(), "dyad": dyad.strip(), "latitude": lat.strip(), "longitude": lon.strip(),
              "fatalities_low": low.strip(), "fatalities_best": low.strip(), "fatalities_high": high.strip(),
              "source_name": source.strip(), "source_url": url.strip(), "source_quote": quote.strip()}
    values = {k: v for k, v in values.items() if v}
    when = pd.Timestamp.now().isoformat(timespec="seconds")
    event_id = curation.new_event_id(values, author, when)
    lines = [{"event_id": event_id, "action": "add", "field": k, "value": v, "note": note, "author": author,
              "edited_at": when} for k, v in values.items()]
    _, why = curation.added_row(event_id, [curation.Edit(0, event_id, "add", k, v) for k, v in values.items()])
    if why:
        st.error(f"Not added: {md(why)}")
        return
    _save(lines, f"Saved: {event_id} added.")
