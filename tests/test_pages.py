"""Every dashboard page, run headless with Streamlit's AppTest on the bundled seed article.

Each test loads the real seeds (no network) with FAULTLINE_HOME in a temporary folder, so nothing
is written into the repository.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import loaders
from loaders.export import to_csv
from loaders.paths import SEEDS_DIR
from loaders.schema import COLUMNS
from monitor import Filters, apply_filters

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
PAGES = ["pages/1_Map.py", "pages/2_Casualties.py", "pages/3_Diplomacy.py", "pages/4_Events.py",
         "pages/5_Sources.py"]
SEED = "afghanistan-pakistan-talks-fail.txt"


@pytest.fixture(autouse=True)
def fresh(tmp_path, monkeypatch):
    """A private FAULTLINE_HOME and an empty st.cache_data for every test."""
    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FAULTLINE_ONLINE", raising=False)
    st.cache_data.clear()
    yield tmp_path / "home"
    st.cache_data.clear()


def run(page: str | None = None, **params) -> AppTest:
    """Open the app (optionally from a link with query params), then switch to a page."""
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def seed_events() -> pd.DataFrame:
    return loaders.load_report([SEEDS_DIR])[0]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def unescape(md_text: str) -> str:
    """Markdown as a reader sees it (the dashboard backslash-escapes data text)."""
    return re.sub(r"\\(.)", r"\1", md_text)


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _array(value) -> list:
    """Plotly 7 may ship arrays base64-encoded ({'dtype': 'f8', 'bdata': ...})."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist()
    return list(value or [])


def map_points(spec: dict) -> list[tuple[float, float]]:
    pts = []
    for trace in spec["data"]:
        if trace.get("type") == "scattermap" and trace.get("hoverinfo") != "skip":
            pts += [(a, b) for a, b in zip(_array(trace.get("lat")), _array(trace.get("lon")))
                    if a is not None and b is not None]
    return pts


# ---------------------------------------------------------------- every page

@pytest.mark.parametrize("page", [None, *PAGES])
def test_every_page_runs_without_exception(page):
    at = run(page)
    assert at.title, "each page has a title"
    assert at.query_params.get("data"), "the URL names the data it shows"


def test_overview_shows_the_diplomatic_status():
    at = run()
    m = metrics(at)
    assert m["Talks"] == "failed"
    assert m["Ceasefire"] == "holding but strained"
    headline = next(unescape(x.value) for x in at.markdown if "ceasefire" in x.value)
    for place in ("Istanbul", "Doha", "Spin Boldak"):
        assert place in headline, headline
    assert m["Killed"] not in ("", "not stated")  # the seed states deaths (5 at Spin Boldak, dozens in October)
    assert m["Latest event"] == "2025-11-08"


def test_overview_status_follows_the_end_date():
    """With ?end= the indicator is the status as of that day: before the Spin Boldak clash the
    Doha ceasefire was only agreed, not yet strained."""
    at = run(end="2025-10-25")
    assert metrics(at)["Ceasefire"] == "agreed"
    assert at.date_input(key="end").value.isoformat() == "2025-10-25"


# ---------------------------------------------------------------- map

def test_map_has_a_point_at_spin_boldak():
    at = run("pages/1_Map.py")
    (spec,) = plotly_specs(at)
    pts = map_points(spec)
    assert any(abs(lat - 31.0) < 0.1 and abs(lon - 66.4) < 0.1 for lat, lon in pts), pts
    assert spec["layout"]["map"]["style"] == "white-bg"  # offline by default
    assert spec["layout"]["map"]["layers"], "country outlines are drawn from the shipped GeoJSON"
    unplaced = int(seed_events()["latitude"].isna().sum())
    assert any(f"{unplaced} events have no place" in h.value for h in at.subheader)


def test_online_tiles_toggle_switches_the_base_map():
    at = run("pages/1_Map.py")
    at.toggle[0].set_value(True).run()
    (spec,) = plotly_specs(at)
    assert spec["layout"]["map"]["style"] == "carto-positron"
    assert any("internet" in c.value for c in at.caption)


def test_map_hover_text_is_escaped():
    at = run("pages/1_Map.py")
    (spec,) = plotly_specs(at)
    hovers = [cd[0] for tr in spec["data"] for cd in (tr.get("customdata") or [])]
    assert hovers and all("<script" not in h for h in hovers)
    assert any("Spin Boldak" in h and "killed" in h for h in hovers)


def test_country_link_shows_only_istanbul():
    at = run("pages/1_Map.py", country="TUR")
    (spec,) = plotly_specs(at)
    pts = map_points(spec)
    assert pts and all(abs(lat - 41.01) < 0.05 and abs(lon - 28.95) < 0.05 for lat, lon in pts), pts
    at.switch_page("pages/4_Events.py")
    at.run()
    table = at.dataframe[0].value
    assert len(table) == int((seed_events()["iso3"] == "TUR").sum())
    assert table["place"].str.startswith("Istanbul").all()


def test_diplomacy_status_as_of_a_past_day():
    at = run("pages/3_Diplomacy.py")
    assert metrics(at)["Ceasefire"] == "holding but strained"
    from datetime import date
    at.slider[0].set_value(date(2025, 10, 25)).run()
    assert not at.exception
    m = metrics(at)
    assert m["Ceasefire"] == "agreed" and m["Talks"] != "failed"
    (spec,) = plotly_specs(at)
    bands = [t.get("text", [""])[0] for t in spec["data"] if t.get("type") == "bar" and t.get("orientation") == "h"]
    assert any("agreed" in b for b in bands) and not any("strained" in b for b in bands)
    assert {"Government of Qatar", "Government of Türkiye"} <= set(at.dataframe[0].value["mediator"])


# ---------------------------------------------------------------- events and CSV

def test_events_table_matches_the_filtered_rows():
    events = seed_events()
    at = run("pages/4_Events.py")
    assert len(at.dataframe[0].value) == len(apply_filters(events, Filters()))
    at = run("pages/4_Events.py", type="Battles")
    expected = apply_filters(events, Filters(types=("Battles",)))
    table = at.dataframe[0].value
    assert len(table) == len(expected)
    assert set(table["event_id"]) == set(expected["event_id"])
    assert table["incident sources"].notna().all()


def test_filtered_csv_is_exactly_the_filtered_rows():
    from ui.tables import filtered_csv

    events = seed_events()
    f = Filters(countries=("TUR",))
    text = filtered_csv(events, f)
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header == list(COLUMNS) and len(header) == 34
    expected = apply_filters(events, f)
    assert len(body) == len(expected) > 0
    assert [r[0] for r in body] == list(expected["event_id"])
    dates = [r[header.index("event_date")] for r in body]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates), dates
    assert text == to_csv(expected, excel_safe=True)


def test_filtered_csv_guards_spreadsheet_formulas():
    from ui.tables import filtered_csv

    events = seed_events().copy()
    events.loc[events.index[0], "source_quote"] = "=HYPERLINK(\"http://evil\")"
    body = list(csv.DictReader(io.StringIO(filtered_csv(events, Filters()))))
    assert body[0]["source_quote"].startswith("'=")


# ---------------------------------------------------------------- shared links

def test_link_from_different_data_warns():
    at = run(data="deadbeef")
    assert any("different data" in w.value for w in at.warning), [w.value for w in at.warning]


def test_link_from_the_same_data_does_not_warn():
    from ui.data import data_fingerprint

    fp = data_fingerprint(seed_events())
    at = run(data=fp)
    assert not any("different data" in w.value for w in at.warning)
    assert at.query_params["data"] == fp


def test_reset_clears_every_filter():
    at = run(country="TUR", type="Battles", end="2025-11-01")
    at.button(key="reset_filters").click().run()
    assert not at.exception
    assert at.multiselect(key="country").value == [] and at.multiselect(key="type").value == []
    assert at.date_input(key="end").value is None
    assert "country" not in at.query_params and "end" not in at.query_params


def test_link_values_missing_from_the_data_are_reported():
    at = run(country="XXX")
    assert any("country=XXX" in w.value for w in at.warning)


# ---------------------------------------------------------------- sources, inbox, read-only

def test_sources_lists_the_seed_file():
    at = run("pages/5_Sources.py")
    files = at.dataframe[0].value
    row = files[files["file"].str.endswith(SEED)]
    assert len(row) == 1
    assert row["format"].iloc[0] == "news" and row["rows"].iloc[0] == len(seed_events())
    text = " ".join(m.value for m in at.markdown)
    for credit in ("GeoNames", "CC BY 4.0", "Natural Earth", "ACLED", "UCDP", "GDELT"):
        assert credit in text
    assert "OpenStreetMap" not in text  # Nominatim is credited only when used


def test_new_inbox_file_is_picked_up_and_shown_as_text(fresh):
    """A Faultline CSV dropped in the inbox is loaded on the next run; its text is never markup."""
    events = seed_events()
    row = events[events["location"] == "Spin Boldak"].copy()
    row["event_id"] = "manual:inbox-test"
    row["incident_id"] = "inc:inbox-test"
    row["event_date"] = pd.Timestamp("2025-11-20")  # a later, separate incident
    row["source_name"] = "<b>Evil</b> [click](javascript:alert(1)) :red[x]"
    row["source_quote"] = "<script>alert(1)</script> **loud**"
    at = run()
    before = metrics(at)["Incidents"]
    inbox = fresh / "inbox"
    assert inbox.is_dir(), "the app makes the inbox in a writable home"
    (inbox / "extra.csv").write_text(to_csv(row), encoding="utf-8")
    at.run()
    assert not at.exception
    assert int(metrics(at)["Incidents"]) == int(before) + 1
    assert metrics(at)["Latest event"] == "2025-11-20"
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    hits = [s for s in shown if "script" in s or "Evil" in s]
    assert hits
    for s in hits:
        assert "<script>" not in s and "<b>" not in s and "](javascript" not in s and ":red[" not in s


def test_read_only_home_runs_from_shipped_data(tmp_path, monkeypatch):
    home = tmp_path / "ro"
    home.mkdir()
    home.chmod(0o500)
    try:
        if os.access(home, os.W_OK):
            pytest.skip("running as root: a 0o500 folder is still writable")
        monkeypatch.setenv("FAULTLINE_HOME", str(home))
        _assert_read_only_ui()
        assert list(home.iterdir()) == []
    finally:
        home.chmod(0o700)


def test_unwritable_home_path_runs_from_shipped_data(tmp_path, monkeypatch):
    """Works even as root: FAULTLINE_HOME below a regular file can never be created."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("FAULTLINE_HOME", str(blocker / "home"))
    _assert_read_only_ui()


def _assert_read_only_ui():
    at = run()
    infos = [i.value for i in at.info]
    assert sum("shipped data" in i for i in infos) == 1, infos
    assert metrics(at)["Talks"] == "failed"
    for page in PAGES:
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])


# ---------------------------------------------------------------- helpers

def test_markdown_escaping_makes_text_inert():
    from ui.text import hover, md

    assert md("[x](javascript:alert(1))") == r"\[x\]\(javascript\:alert\(1\)\)"
    assert "<" not in md("<img src=x onerror=alert(1)>").replace("\\<", "")
    assert md(":red[alarm] $x$ *b*") == r"\:red\[alarm\] \$x\$ \*b\*"
    assert hover("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"


def test_data_fingerprint_is_stable_and_short():
    from ui.data import data_fingerprint

    events = seed_events()
    fp = data_fingerprint(events)
    assert re.fullmatch(r"[0-9a-f]{8}", fp)
    assert data_fingerprint(events.iloc[::-1]) == fp
    assert data_fingerprint(events.iloc[1:]) != fp


def test_outlines_geojson_is_small_and_valid():
    path = ROOT / "data" / "world_110m.geojson"
    assert path.stat().st_size < 1_000_000
    geo = json.loads(path.read_text(encoding="utf-8"))
    names = {f["properties"]["name"] for f in geo["features"]}
    assert {"Afghanistan", "Pakistan", "Qatar", "Turkey"} <= names


# ---------------------------------------------------------------- a real browser

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`streamlit run dashboard.py` on a free port, offline, with a private FAULTLINE_HOME."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "FAULTLINE_HOME": str(tmp_path_factory.mktemp("home"))}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", APP, "--server.headless", "true",
                             "--server.port", str(port), "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.browser
def test_browser_filters_survive_a_page_switch_and_download_matches(server):
    from playwright.sync_api import sync_playwright

    from ui.tables import filtered_csv

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)

        def settled():
            page.wait_for_timeout(500)
            page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=90_000)

        page.goto(server + "/?country=TUR")
        settled()
        page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Events", exact=True).click()
        settled()
        page.wait_for_function("() => location.search.includes('country=TUR')", timeout=30_000)
        with page.expect_download() as info:
            page.get_by_role("button", name="Download these rows as CSV").click()
        body = Path(info.value.path()).read_text(encoding="utf-8")
        browser.close()
    assert body == filtered_csv(seed_events(), Filters(countries=("TUR",)))
