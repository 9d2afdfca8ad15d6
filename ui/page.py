"""The start every page shares: page settings, the loaded data and the sidebar's filters."""

from __future__ import annotations

import inspect

import streamlit as st

from ui.data import load_events
from ui.licence import no_raw_download
from ui.sidebar import sidebar


def open_page(title: str | None, icon: str):
    """Configure the page, load the events and draw the sidebar: (events, problems, sources, filters)."""
    st.set_page_config(page_title=f"Faultline · {title}" if title else "Faultline", page_icon=icon, layout="wide")
    if no_raw_download()[0]:
        # Raw rows of some datasets may not be passed on: hide the tables' own CSV export too.
        st.set_option("client.disableDataExport", True)
    events, problems, sources = load_events()
    caller = inspect.currentframe().f_back  # the page's own file tells the sidebar a page switch happened
    return events, problems, sources, sidebar(events, page=caller.f_code.co_filename if caller else None)
