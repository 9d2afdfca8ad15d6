"""The dashboard in a real browser (Debian chromium + playwright): every page, a shared link, the download.

Skipped, with the reason shown, where chromium or playwright is missing; `.ci/run` installs chromium
and sets FAULTLINE_REQUIRE_BROWSER=1 so that there a missing browser fails instead of skipping.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
PAGES = {"": "Faultline", "Map": "Map", "Casualties": "Casualties", "Diplomacy": "Diplomacy",
         "Events": "Events", "Sources": "Sources"}

pytestmark = pytest.mark.browser

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

_missing = None
if sync_playwright is None:
    _missing = "the playwright package is not installed (pip install -r requirements-test.txt)"
elif not Path(CHROMIUM).exists():
    _missing = "chromium not found (Debian: apt-get install chromium); .ci/run installs it"
if _missing:
    if os.environ.get("FAULTLINE_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"browser tests required but {_missing}")
    pytest.skip(f"browser tests skipped: {_missing}", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(home: Path):
    """`streamlit run dashboard.py` on a free port with FAULTLINE_HOME=home; yields its base URL."""
    port = _free_port()
    env = {**os.environ, "FAULTLINE_HOME": str(home)}
    env.pop("FAULTLINE_ONLINE", None)
    env.pop("FAULTLINE_READ_ONLY", None)
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from _serve(tmp_path_factory.mktemp("home"))


DATASETS = ROOT / "tests" / "fixtures" / "datasets"


@pytest.fixture(scope="module")
def dataset_server(tmp_path_factory):
    """The app with the ACLED, UCDP and GDELT fixtures (and the malformed ones) in its inbox."""
    home = tmp_path_factory.mktemp("datasets-home")
    (home / "inbox" / "bad").mkdir(parents=True)
    for f in DATASETS.iterdir():
        if f.is_file() and f.suffix.lower() in (".csv", ".zip"):
            shutil.copy(f, home / "inbox" / f.name)
    for f in (DATASETS / "bad").iterdir():
        shutil.copy(f, home / "inbox" / "bad" / f.name)
    yield from _serve(home)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(url)
    page.wait_for_selector("h1", timeout=90_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=90_000)
    return page


@pytest.mark.parametrize("path, title", PAGES.items(), ids=lambda v: v or "overview")
def test_every_page_renders_without_error(server, browser, path, title):
    page = open_page(browser, f"{server}/{path}")
    try:
        assert title in page.locator("h1").first.inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator('[data-testid="stSidebar"]').count() == 1
    finally:
        page.close()


def test_overview_shows_the_diplomatic_status(server, browser):
    page = open_page(browser, server)
    try:
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert "holding but strained" in text and "failed" in text.lower()
        assert "Spin Boldak" in text
    finally:
        page.close()


def test_shared_link_filters_and_download_is_exactly_the_filtered_rows(server, browser):
    page = open_page(browser, f"{server}/Events?country=TUR")
    try:
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name="Download these rows as CSV").click()
        data = Path(info.value.path()).read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(data)))
        assert rows and all(r["iso3"] == "TUR" for r in rows)
        assert {r["location"] for r in rows} == {"Istanbul"}
        assert len(rows[0]) == 34
        assert "country=TUR" in page.url
    finally:
        page.close()


def test_link_from_other_data_says_so(server, browser):
    page = open_page(browser, f"{server}/?data=deadbeef")
    try:
        assert "different data" in page.locator('[data-testid="stMain"]').inner_text().lower()
    finally:
        page.close()


def test_sources_page_lists_the_dataset_files_and_their_problems(dataset_server, browser):
    """The Sources page in a browser, with an inbox of ACLED, UCDP and GDELT files: each file with its
    format and counts, the bad files' problems with their lines, and the uploader."""
    page = open_page(browser, f"{dataset_server}/Sources")
    try:
        page.wait_for_function("() => document.querySelectorAll('[data-testid=stDataFrame]').length >= 2",
                               timeout=60_000)
        # The grid draws on a canvas; its cells are also in an (invisible) accessible table.
        page.wait_for_selector('[data-testid="stDataFrame"] [role="gridcell"]', state="attached", timeout=60_000)
        grids = page.locator('[data-testid="stDataFrame"]')
        rows = {}
        for r in grids.nth(0).locator('[role="row"]').all():
            cells = [c.strip() for c in r.locator('[role="gridcell"]').all_text_contents()]
            if cells:
                rows[cells[0]] = cells
        assert rows["acled_afpak_2025.csv"][1:3] == ["acled", "17"], rows.get("acled_afpak_2025.csv")
        assert rows["ucdp_ged_candidate_2025.csv"][1:4] == ["ucdp", "8", "8"]
        assert rows["gdelt_20251107.export.CSV"][1] == "gdelt"
        assert rows["bad/binary.dat"][1] == "not recognised"
        problems = {}
        for r in grids.nth(1).locator('[role="row"]').all():
            cells = [c.strip() for c in r.locator('[role="gridcell"]').all_text_contents()]
            if cells:
                problems.setdefault(cells[0], []).append(cells[1:])
        assert sorted(c[0] for c in problems["bad/acled_bad_rows.csv"] if c[1] == "row rejected") == ["5", "6", "7"]
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert "Problems (" in text and "derived" in text
        assert page.locator('[data-testid="stFileUploader"]').count() == 1
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()
