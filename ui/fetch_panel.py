"""The Sources page's optional online fetch: ACLED, UCDP or GDELT into the inbox, never breaking the page."""

from __future__ import annotations

import os
from datetime import date, timedelta

import streamlit as st

from loaders.fetch import FetchError, fetch_acled, fetch_gdelt, fetch_ucdp
from loaders.geocode import online_enabled
from ui.text import md
from ui.uploads import inbox, upload_refusal

# A mirror or a test server can stand in for the real hosts.
BASE_URLS = {"acled": "FAULTLINE_ACLED_URL", "ucdp": "FAULTLINE_UCDP_URL", "gdelt": "FAULTLINE_GDELT_URL"}


def secret(name: str) -> str | None:
    """A credential from the environment or st.secrets; never shown, logged or put in a URL."""
    if os.environ.get(name):
        return os.environ[name]
    try:
        return st.secrets.get(name)  # raises when no secrets.toml exists at all
    except Exception:
        return None


def fetch_panel(on_saved) -> None:
    """Fetch form: off unless online access is switched on and the inbox can be written."""
    if not online_enabled():
        st.caption("Online fetching (ACLED API, UCDP API, GDELT's 15-minute files) is off. Start the app with "
                   "FAULTLINE_ONLINE=1 to switch it on; credentials come from the environment or st.secrets.")
        return
    if refusal := upload_refusal():
        st.info(f"Online fetching is off here: {refusal}")
        return
    with st.form("fetch"):
        source = st.selectbox("Source", ["gdelt", "acled", "ucdp"], format_func=lambda s: {
            "gdelt": "GDELT 2.0 — latest 15-minute files", "acled": "ACLED API", "ucdp": "UCDP GED API"}[s])
        countries = st.text_input("Countries", help="ACLED: country names; GDELT: FIPS codes (e.g. two letters); "
                                                    "UCDP: Gleditsch-Ward country ids. Separate with commas.")
        c1, c2, c3 = st.columns(3)
        start = c1.date_input("From", value=date.today() - timedelta(days=30))
        end = c2.date_input("To", value=date.today())
        extra = c3.text_input("GDELT slices / UCDP version", value="4",
                              help="GDELT: how many 15-minute files back (1–96). UCDP: release, e.g. 25.1.")
        go = st.form_submit_button("Fetch into the inbox")
    if not go:
        return
    items = [c.strip() for c in countries.split(",") if c.strip()]
    try:
        with st.spinner(f"Fetching from {source.upper()}…"):
            result = run_fetch(source, items, start, end, extra)
    except (FetchError, ValueError) as exc:
        st.error(f"The fetch failed and nothing was added: {md(exc)}")  # may quote the remote server's reply
        return
    st.success(result.message)
    on_saved()


def run_fetch(source: str, items: list[str], start: date, end: date, extra: str):
    """One fetch with credentials from the environment or st.secrets."""
    base = os.environ.get(BASE_URLS[source]) or None
    if source == "acled":
        return fetch_acled(countries=items, start=start, end=end, dest_dir=inbox(), base_url=base,
                           email=secret("ACLED_EMAIL"), key=secret("ACLED_PASSWORD"))
    if source == "ucdp":
        return fetch_ucdp(version=extra.strip(), dest_dir=inbox(), base_url=base, token=secret("UCDP_TOKEN"),
                          country_ids=items or None, start=start, end=end)
    return fetch_gdelt(dest_dir=inbox(), countries_fips=[i.upper() for i in items], base_url=base,
                       last_n=int(extra) if extra.strip().isdigit() else 1)
