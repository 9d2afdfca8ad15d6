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
    at.toggle(key="map_online").set_value(True).run()
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
    assert row["format"].iloc[0] == "news" and row["rows kept"].iloc[0] == len(seed_events())
    assert row["origin"].iloc[0] == "seed"
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
    from ui.text import code, hover, md

    assert md("[x](javascript:alert(1))") == r"\[x\]\(javascript\:alert\(1\)\)"
    assert "<" not in md("<img src=x onerror=alert(1)>").replace("\\<", "")
    assert md(":red[alarm] $x$ *b*") == r"\:red\[alarm\] \$x\$ \*b\*"
    assert hover("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    # A path in a code span is shown as it is (no backslashes before "-" or "."), and cannot end the span early.
    assert code("/tmp/my-home/curation.csv") == "`/tmp/my-home/curation.csv`"
    assert code("a`b\nc") == "`a'b c`"


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
    # No ring may jump across the antimeridian (the map would fill a band across the world), except one
    # that goes round a pole (an odd number of jumps).
    for f in geo["features"]:
        g = f["geometry"]
        for poly in g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]:
            for ring in poly:
                assert all(-180 <= lon <= 180 for lon, _ in ring), f["properties"]["name"]
                jumps = sum(abs(b[0] - a[0]) > 180 for a, b in zip(ring, ring[1:]))
                assert jumps in (0, 1), f"{f['properties']['name']} crosses the antimeridian"


def test_splitting_a_ring_at_the_antimeridian_keeps_its_area_on_both_sides():
    from scripts.build_outlines import split_at_antimeridian

    def area(ring):
        return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))) / 2

    island = [[178.0, -16.0], [-179.0, -16.0], [-179.0, -18.0], [178.0, -18.0], [178.0, -16.0]]  # 3° x 2°
    parts = split_at_antimeridian([[island]])
    assert len(parts) == 2
    assert sorted(round(area(p[0]), 6) for p in parts) == [2.0, 4.0]
    assert all(-180 <= lon <= 180 for p in parts for lon, _ in p[0])
    inland = [[10.0, 0.0], [12.0, 0.0], [12.0, 2.0], [10.0, 0.0]]
    assert split_at_antimeridian([[inland]]) == [[inland]]


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


# ---------------------------------------------------------------- datasets: ACLED, UCDP, GDELT in the inbox

DATASETS = ROOT / "tests" / "fixtures" / "datasets"
GOOD_FIXTURES = sorted(p for p in DATASETS.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".zip"))
BAD_FIXTURES = sorted(p for p in (DATASETS / "bad").iterdir() if p.is_file())
GDELT = DATASETS / "gdelt_20251107.export.CSV"


def fill_inbox(home: Path, files=GOOD_FIXTURES, bad: bool = False) -> Path:
    """Copy fixture files into FAULTLINE_HOME/inbox (bad ones into inbox/bad/), as an analyst would."""
    import shutil

    inbox = home / "inbox"
    (inbox / "bad").mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, inbox / f.name)
    for f in BAD_FIXTURES if bad else []:
        shutil.copy(f, inbox / "bad" / f.name)
    return inbox


def test_sources_lists_every_dataset_file_with_format_and_counts(fresh):
    inbox = fill_inbox(fresh, bad=True)
    at = run("pages/5_Sources.py")
    files = at.dataframe[0].value
    # The loaders' own report of the same files is what the page must show, file by file.
    report = loaders.load_files([SEEDS_DIR, inbox]).files
    assert len(files) == len(report)
    for r in report:
        outer, _, member = r.path.partition("!")
        shown = str(Path(outer).relative_to(inbox)) if outer.startswith(str(inbox)) else None
        if shown is None:
            continue
        if member:
            shown += f" › {member}"
        row = files[files["file"] == shown]
        assert len(row) == 1, (shown, list(files["file"]))
        assert row["format"].iloc[0] == (r.format or "not recognised"), shown
        assert row["rows read"].iloc[0] == r.rows_read and row["rows kept"].iloc[0] == r.rows_kept, shown
        assert row["origin"].iloc[0] == "inbox"
    by_name = {f: files[files["file"] == f].iloc[0] for f in files["file"]}
    for name, fmt in (("acled_afpak_2025.csv", "acled"), ("ucdp_ged_candidate_2025.csv", "ucdp"),
                      ("ucdp_ged_candidate_noheader.csv", "ucdp"), ("gdelt_20251107.export.CSV", "gdelt"),
                      ("gdelt_20251107.export.CSV.zip › gdelt_20251107.export.CSV", "gdelt"),
                      ("bad/binary.dat", "not recognised"), ("bad/empty.csv", "not recognised"),
                      ("bad/ucdp_wrong_columns.csv", "not recognised")):
        assert by_name[name]["format"] == fmt, name
    ucdp = by_name["ucdp_ged_candidate_2025.csv"]
    assert (ucdp["rows read"], ucdp["rows kept"], ucdp["rows rejected"]) == (8, 8, 0)
    assert ucdp["date range"] == "2025-10-01 – 2025-11-11"
    assert ucdp["days since latest event"] >= 0 and ucdp["size"].endswith("kB")
    assert by_name["bad/acled_bad_rows.csv"]["rows rejected"] == 3
    # The zipped GDELT file repeats the plain one: its rows are duplicates, loaded once.
    zipped = by_name["gdelt_20251107.export.CSV.zip › gdelt_20251107.export.CSV"]
    # Every row of the zipped copy is a duplicate, except the rows outside conflict and diplomacy
    # (read, and named in a note, but never loaded).
    assert zipped["rows kept"] == 0 and zipped["duplicates"] > 0
    assert zipped["rows read"] == zipped["duplicates"] + 2  # lines 11-12: CAMEO 1211 and 163
    text = " ".join(c.value for c in at.caption)
    assert "derived" in text and "never modified" in text

    problems = at.dataframe[1].value
    assert list(problems.columns) == ["file", "line", "effect", "problem"]
    bad_rows = problems[(problems["file"] == "bad/acled_bad_rows.csv") & (problems["effect"] == "row rejected")]
    assert sorted(bad_rows["line"].tolist()) == ["5", "6", "7"]
    assert "2025-13-45" in " ".join(bad_rows["problem"])
    truncated = problems[problems["file"] == "bad/acled_truncated.csv"]
    assert "5" in truncated["line"].tolist()
    for whole in ("bad/empty.csv", "bad/binary.dat", "bad/ucdp_wrong_columns.csv"):
        rows = problems[problems["file"] == whole]
        assert len(rows) >= 1 and (rows["line"] == "").all() and (rows["effect"] == "whole file").all(), whole
    assert at.subheader[2].value == f"Problems ({len(problems)})"


def _zip_of(path: Path) -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(path.name, path.read_bytes())
    return buf.getvalue()


def test_upload_saves_under_a_content_name_and_loads_at_once(fresh):
    """Upload through the page: files land in the inbox under <hash>.<ext chosen by content>, the
    uploaded name is only a label, and the new rows are loaded on the same click."""
    import hashlib

    acled = (DATASETS / "acled_afpak_2025.csv").read_bytes()
    gdelt_zip = _zip_of(GDELT)
    at = run("pages/5_Sources.py")
    before = len(at.dataframe[0].value)
    at.file_uploader[0].set_value([
        ("../../etc/evil<b>name.csv", acled, "text/csv"),
        ("events.export.CSV.zip", gdelt_zip, "application/zip"),
        ("picture.csv", bytes(range(256)) * 4, "text/csv"),
    ])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    inbox = fresh / "inbox"
    saved = sorted(p.name for p in inbox.iterdir() if not p.name.startswith("."))
    assert saved == sorted([hashlib.sha256(acled).hexdigest()[:16] + ".csv",
                            hashlib.sha256(gdelt_zip).hexdigest()[:16] + ".zip"])
    assert not (fresh / "etc").exists() and not any("evil" in p.name for p in fresh.rglob("*") if p.is_file()
                                                     and not p.name.endswith(".name"))
    files = at.dataframe[0].value
    assert len(files) == before + 2
    up = files[files["origin"] == "upload"]
    assert len(up) == 2 and set(up["format"]) == {"acled", "gdelt"}
    assert any(f.startswith("evil<b>name.csv (upload, stored as ") for f in up["file"]), list(up["file"])
    assert any(f.startswith("events.export.CSV.zip › gdelt_20251107.export.CSV (upload, stored as ") for f in up["file"])
    assert (at.dataframe[0].value["rows kept"] > 0).sum() >= 3
    errors = unescape(" ".join(e.value for e in at.error))
    assert "picture.csv" in errors and "binary" in errors
    assert any("saved as inbox/" in s.value for s in at.success)
    assert len(at.file_uploader) == 1 and not at.file_uploader[0].value, "the uploader is emptied after saving"
    # Data text in messages is inert markdown.
    assert all("<b>" not in s.value for s in at.success)


def test_save_upload_names_by_content_and_refuses_bad_files(fresh):
    from ui.uploads import MAX_UPLOAD_BYTES, UploadRefused, save_upload, uploaded_names

    article = (SEEDS_DIR / SEED).read_bytes()
    gdelt = GDELT.read_bytes()
    acled = (DATASETS / "acled_afpak_2025.csv").read_bytes()
    # The extension comes from the content, from an allow-list; the name is never a path.
    a = save_upload("..\\..\\notes.csv", article)
    g = save_upload("/tmp/x/report.txt", gdelt)
    c = save_upload("data.md", acled)
    z = save_upload("archive.csv", _zip_of(GDELT))
    inbox = fresh / "inbox"
    for s, ext in ((a, ".txt"), (g, ".tsv"), (c, ".csv"), (z, ".zip")):
        assert s.path.parent == inbox and re.fullmatch(r"[0-9a-f]{16}" + re.escape(ext), s.path.name), s
    assert (a.original, g.original) == ("notes.csv", "report.txt")
    assert uploaded_names(inbox)[a.path.name] == "notes.csv"
    assert (inbox / f".{a.path.name}.name").read_text(encoding="utf-8") == "notes.csv"
    assert a.path.read_bytes() == article  # stored unchanged
    # The same content again: one file, nothing rewritten.
    again = save_upload("other-name.txt", article)
    assert again.already and again.path == a.path
    assert len([p for p in inbox.iterdir() if not p.name.startswith(".")]) == 4
    for name, data, why in (("empty.csv", b"", "empty"), ("x.csv", b"\x00\xff\xfe" * 100, "binary"),
                            ("x.zip", b"PK\x03\x04broken", "zip")):
        with pytest.raises(UploadRefused, match=why):
            save_upload(name, data)
    with pytest.raises(UploadRefused, match="limit is 50 MB"):
        save_upload("big.csv", b"a,b,c\n" * (MAX_UPLOAD_BYTES // 6 + 1))
    assert len([p for p in inbox.iterdir() if not p.name.startswith(".")]) == 4


def test_uploads_are_refused_on_a_read_only_deployment(fresh, monkeypatch, tmp_path):
    from ui.uploads import UploadRefused, save_upload, upload_refusal

    monkeypatch.setenv("FAULTLINE_READ_ONLY", "1")
    assert "read-only" in upload_refusal()
    with pytest.raises(UploadRefused, match="read-only"):
        save_upload("a.txt", (SEEDS_DIR / SEED).read_bytes())
    at = run("pages/5_Sources.py")
    assert len(at.file_uploader) == 0
    assert any("Uploads are off" in i.value and "FAULTLINE_READ_ONLY" in i.value for i in at.info)
    monkeypatch.delenv("FAULTLINE_READ_ONLY")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("FAULTLINE_HOME", str(blocker / "home"))
    with pytest.raises(UploadRefused, match="cannot be written"):
        save_upload("a.txt", (SEEDS_DIR / SEED).read_bytes())
    at = run("pages/5_Sources.py")
    assert len(at.file_uploader) == 0 and any("Uploads are off" in i.value for i in at.info)


def test_map_draws_gdelt_as_media_signal(fresh):
    from ui.figures import GDELT_COLOR, GDELT_LABEL

    fill_inbox(fresh, files=[GDELT, DATASETS / "acled_afpak_2025.csv"])
    at = run("pages/1_Map.py")
    assert at.toggle(key="map_gdelt").value is True, "on by default when GDELT rows exist"
    (spec,) = plotly_specs(at)
    traces = [t for t in spec["data"] if t.get("type") == "scattermap"]
    (signal,) = [t for t in traces if t.get("name") == GDELT_LABEL]
    assert "GDELT media signal — machine-coded, unverified pin" in signal["name"]
    assert signal["marker"]["color"] == GDELT_COLOR
    hovers = [cd[0] for cd in signal["customdata"]]
    assert hovers and all("media signal (GDELT), confidence 0." in h for h in hovers)
    assert any("Spin Boldak" in h for h in hovers)
    # Hollow: a white centre drawn on each GDELT ring, at the same places.
    (centre,) = [t for t in traces if t.get("legendgroup") == "gdelt" and t.get("hoverinfo") == "skip"]
    assert centre["marker"]["color"] == "#ffffff"
    assert _array(centre["lat"]) == _array(signal["lat"])
    assert all(c < o for c, o in zip(_array(centre["marker"]["size"]), _array(signal["marker"]["size"])))
    # Curated rows keep the event-type style and never say "media signal".
    curated = [t for t in traces if t.get("legendgroup") == "type"]
    assert curated and all("media signal" not in cd[0] for t in curated for cd in t["customdata"])
    assert {t["name"] for t in curated} <= {"Battles", "Explosions/Remote violence", "Violence against civilians",
                                            "Protests", "Riots", "Strategic developments"}
    at.toggle(key="map_gdelt").set_value(False).run()
    (spec,) = plotly_specs(at)
    assert not [t for t in spec["data"] if t.get("legendgroup") == "gdelt"]
    assert any("GDELT media-signal report(s) are hidden" in c.value for c in at.caption)


def test_map_beyond_the_point_limit_draws_density_and_the_deadliest(fresh):
    from ui.figures import map_view

    fill_inbox(fresh)
    events = loaders.load([SEEDS_DIR, fresh / "inbox"])
    placed = events[events["latitude"].notna()]
    view = map_view(events, limit=10)
    kinds = [t.type for t in view.figure.data]
    assert kinds[0] == "densitymap" and sum(view.figure.data[0].z) == len(placed)
    drawn = {i for ids in view.points["event_ids"] for i in ids.split(";")}
    assert len(drawn) == 10
    deadliest = placed["fatalities_best"].astype("Float64").fillna(-1).sort_values(ascending=False)
    assert placed.loc[deadliest.index[0], "event_id"] in drawn
    assert any("only the 10 deadliest" in n for n in view.notes)
    small = map_view(events)
    assert all(t.type == "scattermap" for t in small.figure.data) and not small.notes


def test_map_figure_stays_small_with_many_points():
    """Beyond 20,000 placed reports the figure carries a density layer plus 20,000 points with
    one-line hovers, not every report."""
    from ui.figures import MAP_POINT_LIMIT, map_view

    base = seed_events()
    row = base[base["latitude"].notna()].iloc[[0]]
    n = MAP_POINT_LIMIT + 5_000
    rng = np.random.default_rng(1)
    big = pd.concat([row] * n, ignore_index=True)
    big["event_id"] = [f"manual:big-{i}" for i in range(n)]
    big["incident_id"] = [f"inc:big-{i}" for i in range(n)]
    big["latitude"] = rng.uniform(25, 38, n).round(4)
    big["longitude"] = rng.uniform(60, 75, n).round(4)
    big["fatalities_best"] = big["fatalities_low"] = big["fatalities_high"] = pd.array(rng.integers(0, 50, n), dtype="Int64")
    view = map_view(big)
    size = len(view.figure.to_json())
    assert view.figure.data[0].type == "densitymap"
    assert len(view.points) <= MAP_POINT_LIMIT
    assert size < 5_000_000, size


def test_events_rows_name_every_source_of_their_incident(fresh):
    fill_inbox(fresh)
    events = loaders.load([SEEDS_DIR, fresh / "inbox"])
    at = run("pages/4_Events.py", dataset="gdelt")
    table = at.dataframe[0].value
    assert len(table) == int((events["dataset"] == "gdelt").sum())
    assert table["report"].str.fullmatch(r"GDELT media signal \(0\.\d+\)").all(), table["report"]
    # Corroboration stays visible when the dataset filter hides the other reports.
    shared = events.groupby("incident_id")["dataset"].agg(lambda s: set(map(str, s)))
    mixed = [i for i, d in shared.items() if "gdelt" in d and len(d) > 1]
    assert mixed, "the fixtures have a GDELT report of an incident ACLED/UCDP also report"
    for _, row in table[table["incident_id"].isin(mixed)].iterrows():
        for d in shared[row["incident_id"]]:
            assert {"acled": "ACLED:", "ucdp": "UCDP GED:", "news": "news:", "gdelt": "GDELT media signal"}[d] \
                in row["incident sources"], row["incident sources"]
        assert "media signal only" not in row["incident datasets"]
    alone = table[~table["incident_id"].isin(mixed)]
    assert len(alone) and alone["incident datasets"].str.contains("media signal only").all()
    at = run("pages/4_Events.py", dataset="acled")
    assert at.dataframe[0].value["report"].eq("ACLED (curated)").all()


def _gdelt_only_incidents(events) -> int:
    only = events.groupby("incident_id")["dataset"].agg(lambda s: (s.astype(str) == "gdelt").all())
    return int(only.sum())


def test_overview_status_and_totals_count_gdelt_only_when_asked(fresh):
    """The overview passes the sidebar's 'Count GDELT-only incidents' to dyad_status and to the totals."""
    from monitor import dyad_status

    fill_inbox(fresh, files=[GDELT])
    events = loaders.load([SEEDS_DIR, fresh / "inbox"])
    pair = events[events["dyad"] == "AFG-PAK"]
    off, on = (dyad_status(pair, "AFG", "PAK", include_gdelt=g) for g in (False, True))
    assert (off.talks, off.ceasefire, off.headline) != (on.talks, on.ceasefire, on.headline), \
        "the GDELT fixture changes the AFG-PAK status when counted"
    n_only = _gdelt_only_incidents(events)
    assert n_only > 0

    at = run()
    headlines = [unescape(m.value) for m in at.markdown]
    assert f"**{off.headline}**" in headlines and f"**{on.headline}**" not in headlines
    m = metrics(at)
    assert m["Talks"] == off.talks
    assert int(m["Incidents"]) == events["incident_id"].nunique() - n_only
    assert any(f"{n_only} GDELT-only incident(s) are left out" in c.value for c in at.caption)

    at.toggle(key="gdelt").set_value(True).run()
    assert not at.exception
    headlines = [unescape(m.value) for m in at.markdown]
    assert f"**{on.headline}**" in headlines
    assert int(metrics(at)["Incidents"]) == events["incident_id"].nunique()
    # The same through a shared link, and on the Casualties page after a page switch.
    at = run(gdelt="true")
    assert f"**{on.headline}**" in [unescape(m.value) for m in at.markdown]
    at.switch_page("pages/2_Casualties.py")
    at.run()
    assert at.toggle(key="gdelt").value is True
    assert any("Including" in c.value and "GDELT-only" in c.value for c in at.caption)


def test_casualties_page_says_how_many_gdelt_only_incidents_are_left_out(fresh):
    fill_inbox(fresh, files=[GDELT])
    events = loaders.load([SEEDS_DIR, fresh / "inbox"])
    n_only = _gdelt_only_incidents(events)
    at = run("pages/2_Casualties.py")
    assert any(f"{n_only} GDELT-only incident(s) are left out of these totals" in c.value for c in at.caption)
    killed_off = metrics(at)["Killed"]
    counted_off = metrics(at)["Incidents with a stated toll"]
    at.toggle(key="gdelt").set_value(True).run()
    assert not at.exception
    # GDELT states no tolls: counting its incidents adds incidents, never deaths.
    assert metrics(at)["Killed"] == killed_off
    total_on = int(metrics(at)["Incidents with a stated toll"].split(" of ")[1].replace(",", ""))
    assert total_on == int(counted_off.split(" of ")[1].replace(",", "")) + n_only


def test_data_changing_under_an_open_page_is_not_a_foreign_link(fresh):
    """After an upload (or a file dropped in the inbox) the URL's fingerprint is this session's own,
    older one: no 'link made from different data' warning."""
    at = run("pages/5_Sources.py")
    at.file_uploader[0].set_value(("ucdp.csv", (DATASETS / "ucdp_ged_candidate_2025.csv").read_bytes(), "text/csv"))
    at.run()
    assert not at.exception
    assert not any("different data" in w.value for w in at.warning), [w.value for w in at.warning]
    assert any(f.startswith("ucdp.csv (upload") for f in at.dataframe[0].value["file"])


def test_overview_on_large_data_lists_every_pair_when_asked(fresh, monkeypatch):
    """Above ui.status.EAGER_STATUS_ROWS the overview draws the two busiest pairs' cards from their own
    rows and prepares every other pair's status only when the analyst switches the table on: the cards
    and the table are the same as when everything is prepared at once."""
    import ui.status
    from loaders.export import to_csv as write_csv
    from tests.test_status_all import CONFIDENCE, generated

    rows = [dict(r, event_id=f"gen:{i:05d}", source=f"source {r['dataset']}") for i, r in enumerate(generated(seed=3))]
    from tests.factories import make_events

    ev = make_events(rows)
    ev["confidence"] = ev["dataset"].astype(str).map(CONFIDENCE).astype(float)
    inbox = fresh / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "generated.csv").write_text(write_csv(ev), encoding="utf-8")

    def texts(at):
        return [m.value for m in at.markdown] + [c.value for c in at.caption]

    eager = run()
    table = eager.dataframe[0].value
    assert len(table) >= 4 and all(t.key != "every_pair" for t in eager.toggle)

    monkeypatch.setattr(ui.status, "EAGER_STATUS_ROWS", 0)
    monkeypatch.setattr(ui.status, "_PREPARED", set())
    st.cache_resource.clear()
    lazy = run()
    cards = [t for t in texts(eager) if "Talks" in t or "easefire" in t or t.startswith("**")]
    assert len(cards) >= 2 and [t for t in texts(lazy) if t in cards] == cards, "the same cards without the table"
    assert any("not prepared yet" in c.value for c in lazy.caption)
    assert all(len(d.value) != len(table) for d in lazy.dataframe)
    lazy.toggle(key="every_pair").set_value(True).run()
    assert not lazy.exception
    pd.testing.assert_frame_equal(lazy.dataframe[0].value, table)
    # Prepared once, the table is shown to the next visitor without asking.
    again = run()
    pd.testing.assert_frame_equal(again.dataframe[0].value, table)
