"""Sources page: place names no gazetteer knows are listed with their files, and the analyst pins them.

AppTest runs the real app on the seeds plus one inbox article naming an invented village; FAULTLINE_HOME
is a temporary folder, so pins are written there only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from loaders.geocode import PINS_FILE, pin_place

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
ARTICLE = ("Published: 2025-11-08\n\nAfghan and Pakistani troops clashed in Qwertabad on Thursday, killing two "
           "soldiers, officials said.\n\nResidents of Qwertabad said shops stayed shut near Qwertabad on Friday.\n")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    (home / "inbox" / "village.txt").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.setenv("FAULTLINE_HOME", str(home))
    monkeypatch.delenv("FAULTLINE_ONLINE", raising=False)
    monkeypatch.delenv("FAULTLINE_READ_ONLY", raising=False)
    st.cache_data.clear()
    yield home
    st.cache_data.clear()


def sources_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("pages/5_Sources.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def unresolved_table(at: AppTest) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if "where" in d.value.columns]
    return tables[0] if tables else pd.DataFrame(columns=["name"])


def fill_pin(at: AppTest, name: str, lat: str, lon: str, country: str | None = None) -> AppTest:
    at.selectbox(key="pin_choice").set_value(name)
    at.text_input(key="pin_lat").input(lat)
    at.text_input(key="pin_lon").input(lon)
    if country:
        at.selectbox(key="pin_country").set_value(next(o for o in at.selectbox(key="pin_country").options
                                                       if o.startswith(country)))
    next(b for b in at.button if b.label == "Pin this place").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_unresolved_names_are_listed_with_their_files_and_counts():
    at = sources_page()
    table = unresolved_table(at)
    row = table[table["name"] == "Qwertabad"]
    assert len(row) == 1
    # "in Qwertabad", "near Qwertabad" ("Residents of Qwertabad" is not a place phrase for sure)
    assert int(row["mentions"].iloc[0]) == 2 and int(row["files"].iloc[0]) == 1
    assert "village.txt" in row["where"].iloc[0] and "line" in row["where"].iloc[0]
    assert "AFG" in row["countries"].iloc[0]


def test_pinning_a_name_places_its_reports_on_every_later_load(home):
    at = sources_page()
    fill_pin(at, "Qwertabad", "34.52", "69.18", "AFG")
    assert any("Pinned Qwertabad" in s.value for s in at.success)
    assert (home / PINS_FILE).exists()
    assert "Qwertabad" not in set(unresolved_table(at)["name"])
    # A fresh session (another browser tab, a restart) loads with the pin too.
    st.cache_data.clear()
    import loaders

    events = loaders.load([ROOT / "seeds", home / "inbox"])
    placed = events[events["location"] == "Qwertabad"]
    assert len(placed) and set(placed["geocoder"]) == {"user"} and set(placed["admin1"].dropna())
    again = sources_page()
    assert "Qwertabad" not in set(unresolved_table(again)["name"])


def test_a_pin_saved_elsewhere_refreshes_the_cached_events(home):
    at = sources_page()
    assert "Qwertabad" in set(unresolved_table(at)["name"])
    pin_place("Qwertabad", 34.52, 69.18, "AFG")  # e.g. from another session: the pins file changes
    at.run()
    assert "Qwertabad" not in set(unresolved_table(at)["name"])


def test_bad_coordinates_are_refused_with_a_clear_message(home):
    at = sources_page()
    for lat, lon, words in [("95", "69.1", "between -90 and 90"), ("34.5", "-200", "between -180 and 180"),
                            ("34°31'N", "69.1", "not a number"), ("", "69.1", "Latitude is empty")]:
        fill_pin(at, "Qwertabad", lat, lon)
        assert any(words in e.value for e in at.error), [e.value for e in at.error]
        assert not (home / PINS_FILE).exists()


def test_read_only_deployment_disables_pinning(home, monkeypatch):
    monkeypatch.setenv("FAULTLINE_READ_ONLY", "1")
    at = sources_page()
    assert any("pins cannot be saved" in i.value for i in at.info)
    assert next(b for b in at.button if b.label == "Pin this place").disabled
    assert "Qwertabad" in set(unresolved_table(at)["name"])  # still listed: the analyst sees the gap
