"""The Sources page's list of place names no gazetteer resolved, and the form that pins one.

A pin (name, latitude, longitude, optional country) is stored in FAULTLINE_HOME's pins file by
loaders.geocode.pin_place; the events cache is keyed on that file, so every later load uses it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable

import pandas as pd
import streamlit as st

from loaders.geocode import PINS_FILE, country_table, pin_place
from loaders.paths import user_home, writable_home

OTHER_NAME = "(type another name below)"
NO_COUNTRY = "(any country)"
PRECISIONS = {1: "1 · the place itself", 2: "2 · near it / a district", 3: "3 · a province"}


def pin_refusal() -> str | None:
    """Why pins cannot be saved here, or None when they can."""
    if os.environ.get("FAULTLINE_READ_ONLY", "") == "1":
        return "This deployment is read-only (FAULTLINE_READ_ONLY=1): pins cannot be saved here."
    if writable_home() is None:
        return f"The data folder ({user_home()}) cannot be written (a read-only deployment): pins cannot be saved here."
    return None


def parse_coordinate(text: str, what: str, limit: float) -> float:
    """A decimal degree from the form, or ValueError with a message the analyst can act on."""
    raw = (text or "").strip()
    if not raw:
        raise ValueError(f"{what} is empty: enter decimal degrees, e.g. 34.52 (use a minus sign for "
                         f"{'south' if what == 'Latitude' else 'west'}).")
    try:
        value = float(raw.replace("−", "-"))
    except ValueError:
        raise ValueError(f"{what} {raw!r} is not a number: enter decimal degrees such as 34.52, not degrees-minutes "
                         "or text.") from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise ValueError(f"{what} {raw} is out of range: it must be between -{limit:g} and {limit:g}.")
    return value


def read_pins() -> pd.DataFrame:
    path = user_home() / PINS_FILE
    if not path.exists():
        return pd.DataFrame()
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError):
        return pd.DataFrame()


def unresolved_panel(unresolved: pd.DataFrame, on_saved: Callable[[], None]) -> None:
    """The list of unresolved names and the pin form."""
    st.subheader(f"Place names not found ({len(unresolved)})", anchor=False)
    saved = st.session_state.pop("_pin_saved", None)
    if saved:
        st.success(saved, icon=":material/push_pin:")
    if unresolved.empty:
        st.caption("Every place name the loaders met was found in the gazetteers or among your pins.")
    else:
        st.caption("Names written as places ('in X', 'near X') that neither your pins, the curated gazetteer nor "
                   "GeoNames know (and dataset rows with a place but no coordinates). Reports there have no pin "
                   "on the map. Pin a name below and every later load places it.")
        st.dataframe(unresolved, hide_index=True, width="stretch", column_config={
            "name": st.column_config.TextColumn("name", width="medium", pinned=True),
            "mentions": st.column_config.NumberColumn("mentions", width=75, help="How often the name was met."),
            "files": st.column_config.NumberColumn("files", width=55, help="How many input files use it."),
            "where": st.column_config.TextColumn("where", width="large", help="The files and lines that use it."),
            "countries": st.column_config.TextColumn("countries", width=110,
                                                     help="Countries the articles using it are about: a hint."),
        })
    refusal = pin_refusal()
    with st.form("pin_place", clear_on_submit=False, border=True):
        st.markdown("**Pin a place**: give coordinates you have checked (a map, an official list); cite where they "
                    "came from in the note.")
        if refusal:
            st.info(refusal, icon=":material/lock:")
        names = list(unresolved["name"]) if not unresolved.empty else []
        c1, c2 = st.columns(2)
        chosen = c1.selectbox("Place name", names + [OTHER_NAME], key="pin_choice", disabled=bool(refusal))
        typed = c2.text_input("Another name", key="pin_name", disabled=bool(refusal),
                              help="Used instead of the list when filled in.")
        c3, c4, c5 = st.columns(3)
        lat = c3.text_input("Latitude", key="pin_lat", placeholder="e.g. 34.52", disabled=bool(refusal),
                            help="Decimal degrees, -90 to 90; south is negative.")
        lon = c4.text_input("Longitude", key="pin_lon", placeholder="e.g. 69.18", disabled=bool(refusal),
                            help="Decimal degrees, -180 to 180; west is negative.")
        countries = country_table().sort_values("iso3")
        options = [NO_COUNTRY] + [f"{r.iso3} · {r.name}" for r in countries.itertuples()]
        country = c5.selectbox("Country (optional)", options, key="pin_country", disabled=bool(refusal),
                               help="Set it when the name exists in several countries: the pin then applies in "
                                    "that country only.")
        c6, c7 = st.columns([1, 2])
        precision = c6.selectbox("Precision", list(PRECISIONS), format_func=PRECISIONS.get, key="pin_precision",
                                 disabled=bool(refusal))
        note = c7.text_input("Note (where the coordinates come from)", key="pin_note", disabled=bool(refusal))
        submitted = st.form_submit_button("Pin this place", disabled=bool(refusal), icon=":material/push_pin:")
    if submitted and not refusal:
        name = (typed or "").strip() or (chosen if chosen != OTHER_NAME else "")
        try:
            if not name:
                raise ValueError("Choose a name from the list or type one.")
            latitude = parse_coordinate(lat, "Latitude", 90)
            longitude = parse_coordinate(lon, "Longitude", 180)
            iso3 = None if country == NO_COUNTRY else country.split(" · ")[0]
            pin_place(name, latitude, longitude, iso3, int(precision), (note or "").strip())
        except (ValueError, PermissionError, OSError) as exc:
            st.error(f"Not pinned: {exc}", icon=":material/error:")
        else:
            on_saved()
            st.session_state["_pin_saved"] = (f"Pinned {name} at {latitude:.5g}, {longitude:.5g}"
                                              f"{' in ' + iso3 if iso3 else ''}: the inputs were reloaded with it.")
            st.rerun()
    pins = read_pins()
    if not pins.empty:
        with st.expander(f"Your pins ({len(pins)})"):
            st.caption(f"Stored in {user_home() / PINS_FILE}; the latest pin of a name wins.")
            st.dataframe(pins, hide_index=True, width="stretch")
