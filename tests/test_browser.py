"""The dashboard in a real browser (Debian chromium + playwright): every page, a shared link, the download.

Skipped, with the reason shown, where chromium or playwright is missing; `.ci/run` installs chromium
and sets FAULTLINE_REQUIRE_BROWSER=1 so that there a missing browser fails instead of skipping.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from browser_support import ROOT, open_page, serve, skip_without_browser, wait_for_value

PAGES = {"": "Faultline", "Map": "Map", "Casualties": "Casualties", "Diplomacy": "Diplomacy",
         "Events": "Events", "Sources": "Sources"}

skip_without_browser()
pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve(tmp_path_factory.mktemp("home"))


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
    yield from serve(home)


@pytest.mark.parametrize("path, title", PAGES.items(), ids=lambda v: v or "overview")
def test_every_page_renders_without_error(server, browser, path, title):
    page = open_page(browser, f"{server}/{path}")
    try:
        assert title in page.locator("h1").first.inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator('[data-testid="stSidebar"]').count() == 1
    finally:
        page.close()


def test_map_draws_the_country_outlines(server, browser):
    """The offline base map is the shipped outlines, sent as a data: URL: the browser must draw them (land
    filled in #f1efe9), not only receive them."""
    from PIL import Image

    page = open_page(browser, f"{server}/Map")
    try:
        chart = page.locator('[data-testid="stPlotlyChart"]').first
        chart.wait_for(timeout=60_000)

        def land_share() -> float:
            image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
            land = sum(n for n, (r, g, b) in image.getcolors(1 << 24) if abs(r - 241) + abs(g - 239) + abs(b - 233) <= 6)
            return land / (image.width * image.height)

        # The map's style and sources load after the chart appears: look again for up to 30 s.
        share = land_share()
        for _ in range(30):
            if share > 0.2:
                break
            page.wait_for_timeout(1_000)
            share = land_share()
        assert share > 0.2, f"land fill covers {share:.0%} of the map"
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

        def file_rows() -> dict:
            rows = {}
            for r in grids.nth(0).locator('[role="row"]').all():
                cells = [c.strip() for c in r.locator('[role="gridcell"]').all_text_contents()]
                if cells:
                    rows[cells[0]] = cells
            return rows

        # Under load the grid may still be filling in: read it again until every input is listed.
        wait_for_value(lambda: {"acled_afpak_2025.csv", "bad/binary.dat"} <= set(file_rows()), True)
        rows = file_rows()
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
