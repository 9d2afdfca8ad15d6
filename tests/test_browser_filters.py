"""Every sidebar filter, the shared link, the download and the map selection, in a real browser.

The app runs with the ACLED, UCDP and GDELT fixtures in its inbox (61 reports over nine countries, five
datasets, eight dyads). The expected numbers come from the loaders and monitor called here in the test
process on the same files, never from the page itself.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import pytest

from browser_support import (ROOT, grid_header, grid_row_count, grid_rows, main_text, open_page, serve, settle,
                             skip_without_browser, wait_for_value)

skip_without_browser()
pytestmark = pytest.mark.browser


import loaders  # noqa: E402
from loaders.paths import SEEDS_DIR  # noqa: E402
from monitor import Filters, apply_filters  # noqa: E402

DATASETS = ROOT / "tests" / "fixtures" / "datasets"
INBOX_FILES = sorted(p for p in DATASETS.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".zip"))
COUNT = re.compile(r"([\d,]+) reports of ([\d,]+) incidents")


@pytest.fixture(scope="module")
def events():
    """The events table the server shows: the seeds, then the inbox, in the app's order (ui.data.input_files)."""
    seeds = sorted(p for p in SEEDS_DIR.rglob("*") if p.is_file() and not p.name.startswith("."))
    return loaders.load_files(seeds + INBOX_FILES).events


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    home = tmp_path_factory.mktemp("filters-home")
    (home / "inbox").mkdir()
    for f in INBOX_FILES:
        shutil.copy(f, home / "inbox" / f.name)
    yield from serve(home)


def counts(page) -> tuple[int, int]:
    """(reports, incidents) the Events page says pass the filters."""
    m = COUNT.search(main_text(page))
    assert m, main_text(page)[:500]
    return int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))


def expected(events, f: Filters) -> tuple[int, int]:
    shown = apply_filters(events, f)
    return len(shown), shown["incident_id"].nunique()


def widget(page, testid: str, label: str):
    return page.locator(f'[data-testid="stSidebar"] [data-testid="{testid}"]').filter(has_text=label)


def choose(page, testid: str, label: str, option: str) -> None:
    """Pick one option of a sidebar multiselect or selectbox by typing it, as a user would."""
    box = widget(page, testid, label)
    box.locator("input").first.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()
    if testid == "stMultiSelect":  # it stays open for more; Escape on a selectbox would undo the choice
        page.keyboard.press("Escape")
    settle(page)


def type_date(page, label: str, value: str, *, via_calendar: bool = False) -> None:
    """Type a date into a sidebar date field (year, month and day segments), then leave the field; or, after
    typing, open the calendar (Tab to its button, Enter) and close it by clicking elsewhere. That second path
    once filtered the page without putting the date in the URL (ui/sidebar.py rewrote `data` on every run)."""
    widget(page, "stDateInput", label).get_by_role("spinbutton", name=f"year, {label}").click()
    page.keyboard.type(value.replace("-", ""))
    if via_calendar:
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_timeout(500)
    page.locator("h1").first.click()
    settle(page)


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def with_param(url: str, key: str, value: str) -> str:
    parts = urlparse(url)
    query = parse_qs(parts.query)
    query[key] = [value]
    return urlunparse(parts._replace(query=urlencode(query, doseq=True)))


# (URL key, how a user sets it, the value in the URL, the Filters it means)
FILTERS = {
    "start": (lambda p: type_date(p, "From", "2025-10-20"), ["2025-10-20"], Filters(start=date(2025, 10, 20))),
    "end": (lambda p: type_date(p, "To", "2025-10-15", via_calendar=True), ["2025-10-15"], Filters(end=date(2025, 10, 15))),
    "country": (lambda p: choose(p, "stMultiSelect", "Country", "TUR"), ["TUR"], Filters(countries=("TUR",))),
    "type": (lambda p: choose(p, "stMultiSelect", "Event type", "Battles"), ["Battles"], Filters(types=("Battles",))),
    "actor": (lambda p: choose(p, "stMultiSelect", "Actor", "TTP"), ["TTP"], Filters(actors=("TTP",))),
    "dataset": (lambda p: choose(p, "stMultiSelect", "Dataset", "ucdp"), ["ucdp"], Filters(datasets=("ucdp",))),
    "dyad": (lambda p: choose(p, "stSelectbox", "Dyad", "AFG-PAK"), ["AFG-PAK"], Filters(dyad="AFG-PAK")),
}


@pytest.mark.parametrize("key", FILTERS)
def test_each_filter_updates_the_url_and_the_counts_and_its_link_reproduces_the_view(app, browser, events, key):
    set_filter, url_value, meaning = FILTERS[key]
    page = open_page(browser, f"{app}/Events")
    try:
        assert counts(page) == expected(events, Filters()) == (len(events), events["incident_id"].nunique())
        set_filter(page)
        page.wait_for_function(f"() => new URLSearchParams(location.search).has('{key}')", timeout=30_000)
        assert params(page.url)[key] == url_value
        want = expected(events, meaning)
        assert want != (len(events), events["incident_id"].nunique()), "the filter should change the counts"
        assert wait_for_value(lambda: counts(page), want) == want
        link = page.url
    finally:
        page.close()
    # The link, opened by someone else (a new browser context: no shared session), shows the same view.
    other = open_page(browser, link)
    try:
        assert params(other.url)[key] == url_value
        assert counts(other) == want
        assert "different data" not in main_text(other).lower()
    finally:
        other.close()


def test_gdelt_toggle_counts_gdelt_only_incidents_and_its_link_reproduces_the_view(app, browser, events):
    from ui.tables import headline_numbers

    def incidents(page) -> str:
        metric = page.locator('[data-testid="stMetric"]').filter(has_text="Incidents").first
        return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()

    off = headline_numbers(events, Filters())["incidents"]
    on = headline_numbers(events, Filters(extra={"include_gdelt": True}))["incidents"]
    assert off != on
    page = open_page(browser, app)
    try:
        assert incidents(page) == off
        page.locator('[data-testid="stSidebar"]').get_by_text("Count GDELT-only incidents in totals").click()
        settle(page)
        page.wait_for_function("() => new URLSearchParams(location.search).get('gdelt') === 'true'", timeout=30_000)
        assert wait_for_value(lambda: incidents(page), on) == on
        link = page.url
    finally:
        page.close()
    other = open_page(browser, link)
    try:
        assert incidents(other) == on
    finally:
        other.close()


def test_a_link_with_several_filters_reproduces_the_view_and_warns_when_made_from_other_data(app, browser, events):
    f = Filters(start=date(2025, 10, 1), countries=("AFG", "PAK"), types=("Battles",), datasets=("acled", "ucdp"))
    query = "start=2025-10-01&country=AFG&country=PAK&type=Battles&dataset=acled&dataset=ucdp"
    page = open_page(browser, f"{app}/Events?{query}")
    try:
        assert counts(page) == expected(events, f)
        got = params(page.url)
        assert got["country"] == ["AFG", "PAK"] and got["dataset"] == ["acled", "ucdp"] and got["type"] == ["Battles"]
        fingerprint = got["data"][0]
        assert "different data" not in main_text(page).lower()
        link = page.url
    finally:
        page.close()
    # The same link, but naming other data: same filters and counts, and a warning that says so.
    other = open_page(browser, with_param(link, "data", "0badf00d"))
    try:
        text = main_text(other)
        assert "different data" in text.lower() and "0badf00d" in text and fingerprint in text
        assert counts(other) == expected(events, f)
        assert params(other.url)["country"] == ["AFG", "PAK"]
    finally:
        other.close()


def test_reset_filters_clears_the_url_and_shows_everything(app, browser, events):
    page = open_page(browser, f"{app}/Events?country=TUR&type=Strategic%20developments")
    try:
        assert counts(page) == expected(events, Filters(countries=("TUR",), types=("Strategic developments",)))
        page.get_by_role("button", name="Reset filters").click()
        settle(page)
        page.wait_for_function("() => !new URLSearchParams(location.search).has('country')", timeout=30_000)
        assert wait_for_value(lambda: counts(page), expected(events, Filters())) == expected(events, Filters())
        assert set(params(page.url)) <= {"data"}
    finally:
        page.close()


def test_download_is_the_filtered_table(app, browser, events):
    """The CSV equals the rows on screen: same number, same dates and places, every column of the contract."""
    from loaders.schema import COLUMNS
    from ui.tables import filtered_csv

    f = Filters(countries=("PAK",), types=("Battles",))
    page = open_page(browser, f"{app}/Events?country=PAK&type=Battles")
    try:
        n, _ = counts(page)
        grid = page.locator('[data-testid="stDataFrame"]').first
        table, header = grid_rows(grid), grid_header(grid)
        assert grid_row_count(grid) == len(table)  # every row is drawn: compare them all
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name="Download these rows as CSV").click()
        body = Path(info.value.path()).read_text(encoding="utf-8")
    finally:
        page.close()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert body == filtered_csv(events, f)
    assert len(rows) == n == len(table) == len(apply_filters(events, f)) > 0
    assert list(rows[0]) == list(COLUMNS)
    assert {r["iso3"] for r in rows} == {"PAK"} and {r["event_type"] for r in rows} == {"Battles"}
    # Key columns, row for row (the screen is newest first, the CSV in the table's order).
    date_col, place_col = header.index("date"), header.index("place")
    on_screen = sorted((r[date_col], r[place_col].split(",")[0]) for r in table)
    in_csv = sorted((r["event_date"], r["location"] or "(no place)") for r in rows)
    assert on_screen == in_csv
    assert sorted(r["event_id"] for r in rows) == sorted(apply_filters(events, f)["event_id"])


MARKERS = """() => {
  const gd = document.querySelector('[data-testid=stPlotlyChart] .js-plotly-plot');
  const sp = gd._fullLayout.map._subplot, box = sp.map.getContainer().getBoundingClientRect();
  const out = [];
  gd._fullData.forEach(t => {
    if (!t.customdata || t.hoverinfo === 'skip') return;
    t.lat.forEach((lat, j) => {
      if (lat === null) return;
      const p = sp.map.project([t.lon[j], lat]);
      out.push({x: box.left + p.x, y: box.top + p.y, key: String(t.customdata[j][1])});
    });
  });
  return {markers: out, box: {left: box.left, top: box.top, right: box.right, bottom: box.bottom}};
}"""


def test_box_select_on_the_map_lists_the_selected_reports_and_clear_resets(app, browser, events):
    """Drag a box with the modebar's box-select tool: the reports at the markers inside are listed under the
    map with an 'N selected' note; 'Clear selection' removes them."""
    from ui.figures import map_view
    from ui.map_selection import marker_ids

    points = map_view(events).points.set_index("key")
    page = open_page(browser, f"{app}/Map")
    try:
        page.wait_for_function("() => { const gd = document.querySelector('.js-plotly-plot');"
                               " return gd && gd._fullLayout && gd._fullLayout.map &&"
                               " gd._fullLayout.map._subplot.map.loaded(); }", timeout=60_000)
        geo = page.evaluate(MARKERS)
        inside = lambda m, b: b[0] < m["x"] < b[2] and b[1] < m["y"] < b[3]  # noqa: E731
        # A box over the western part of the markers on screen, its right edge in the widest gap between two
        # markers near the middle, so that plotly and this test agree on which are inside.
        xs = sorted(m["x"] for m in geo["markers"] if geo["box"]["left"] < m["x"] < geo["box"]["right"]
                    and geo["box"]["top"] + 60 < m["y"] < geo["box"]["bottom"] - 5)
        assert len(xs) >= 3, geo
        gaps = [(xs[i + 1] - xs[i], i) for i in range(len(xs) // 4, max(len(xs) * 3 // 4, len(xs) // 4 + 1))]
        width, i = max(gaps)
        assert width > 6, xs
        box = (max(xs[0] - 30, geo["box"]["left"] + 5), geo["box"]["top"] + 60, (xs[i] + xs[i + 1]) / 2,
               geo["box"]["bottom"] - 5)
        chosen = {m["key"] for m in geo["markers"] if inside(m, box)}
        assert chosen
        want = set(marker_ids(points.loc[sorted(chosen)].reset_index()))
        page.locator('.modebar-btn[data-title="Box Select"]').click()
        page.mouse.move(box[0], box[1])
        page.mouse.down()
        page.mouse.move((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, steps=5)
        page.mouse.move(box[2], box[3], steps=5)
        page.mouse.up()
        settle(page)
        page.wait_for_selector('text="Selected on the map"', timeout=30_000)
        text = main_text(page)
        assert f"{len(want)} selected" in text and f"at {len(chosen)} point(s)" in text
        grid = page.locator('[data-testid="stDataFrame"]').first
        assert grid_row_count(grid) == len(want)
        table, header = grid_rows(grid), grid_header(grid)  # the rows drawn (the grid draws what fits)
        dates = [r[header.index("date")] for r in table]
        assert set(dates) <= set(events[events["event_id"].isin(want)]["event_date"].dt.strftime("%Y-%m-%d"))
        page.get_by_role("button", name="Clear selection").click()
        settle(page)
        assert not wait_for_value(lambda: "Selected on the map" in main_text(page), False)
    finally:
        page.close()
