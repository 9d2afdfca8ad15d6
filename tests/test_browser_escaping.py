"""Untrusted text stays text in a real browser (SPEC §7), on every page.

The inbox holds tests/fixtures/hostile/: an article (SPEC §5 header) and an ACLED export whose notes, actors,
places, sources and the article's title/source/URL carry `<script>`, `<img onerror>`, `<a href="javascript:">`,
a markdown `[click](javascript:...)` link, and markdown/LaTeX/Streamlit directives. Each page is visited,
its expanders opened, its map and chart hover labels shown, its table rows selected; then:
window.__pwned was never set, no script / onerror / javascript: link was added to the page (a
MutationObserver records every element added from the first byte), and the hostile text is there *as text*.
"""

from __future__ import annotations

import shutil

import pytest

from browser_support import (ROOT, grid_rows, main_text, open_page, serve, settle, skip_without_browser,
                             wait_for_value)

skip_without_browser()
pytestmark = pytest.mark.browser


HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
JS_LINK = "[click](javascript:window.__pwned=1)"
HOSTILE_COUNTRY = "Syria **bold** [x](javascript:window.__pwned=1) <b>b</b> :red[r]"

# Runs before any of the page's own scripts: records every element added to the document that could run
# code — a script mentioning the payload (or any script inside the app), an element with an on* handler
# attribute, a link or form to javascript:, an iframe — with a sample of its HTML.
WATCH = """
window.__injected = [];
new MutationObserver(records => {
  const check = el => {
    if (!(el instanceof Element)) return;
    for (const e of [el, ...el.querySelectorAll('*')]) {
      const tag = e.tagName.toLowerCase();
      const href = e.getAttribute('href') || e.getAttribute('xlink:href') || e.getAttribute('action') ||
                   e.getAttribute('formaction') || e.getAttribute('src') || '';
      const handler = [...e.attributes].some(a => a.name.toLowerCase().startsWith('on'));
      const script = tag === 'script' && (/pwned/.test(e.textContent + (e.getAttribute('src') || '')) ||
                                          e.closest('[data-testid=stApp]'));
      if (script || handler || /^\\s*javascript:/i.test(href) || (tag === 'iframe' && /pwned/.test(e.outerHTML)))
        window.__injected.push(e.outerHTML.slice(0, 200));
    }
  };
  for (const r of records) {
    r.addedNodes.forEach(check);
    if (r.type === 'attributes') check(r.target);
  }
}).observe(document, {childList: true, subtree: true, attributes: true,
                      attributeFilter: ['href', 'xlink:href', 'src', 'onerror', 'onload', 'onclick', 'action']});
"""

SNAPSHOT = """() => ({
  pwned: typeof window.__pwned,
  injected: window.__injected || [],
  scripts: [...document.querySelectorAll('[data-testid=stApp] script')].map(s => s.outerHTML.slice(0, 200)),
  handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => /^on/i.test(a.name)))
              .map(e => e.outerHTML.slice(0, 200)),
  jsLinks: [...document.querySelectorAll('a, [href], [*|href]')]
              .filter(a => /^\\s*javascript:/i.test(a.getAttribute('href') || a.getAttribute('xlink:href') || ''))
              .map(a => a.outerHTML.slice(0, 200)),
})"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    home = tmp_path_factory.mktemp("hostile-home")
    (home / "inbox").mkdir()
    for f in HOSTILE.iterdir():
        shutil.copy(f, home / "inbox" / f.name)
    yield from serve(home)


def assert_nothing_ran(page) -> None:
    page.wait_for_timeout(300)  # an <img onerror> fires after its (failing) load
    state = page.evaluate(SNAPSHOT)
    assert state["pwned"] == "undefined", state
    assert state["injected"] == [], state["injected"]
    assert state["scripts"] == [] and state["handlers"] == [] and state["jsLinks"] == [], state
    assert page.locator('[data-testid="stException"]').count() == 0


def hostile_page(browser, url: str):
    return open_page(browser, url, init_script=WATCH)


def open_expanders(page) -> None:
    for summary in page.locator('[data-testid="stExpander"] summary').all():
        summary.click()
    page.wait_for_timeout(300)


def all_grid_text(page) -> str:
    return "\n".join(" | ".join(r) for g in page.locator('[data-testid="stDataFrame"]').all() for r in grid_rows(g))


def hover_texts(page, *, contains: str) -> list[str]:
    """Hover every map marker whose hover text contains `contains`; the hover labels as the reader sees them."""
    page.wait_for_selector(".js-plotly-plot .maplibregl-canvas", timeout=60_000)
    page.wait_for_function("() => { const gd = document.querySelector('.js-plotly-plot');"
                           " return gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot &&"
                           " gd._fullLayout.map._subplot.map.loaded(); }", timeout=60_000)
    points = page.evaluate(MARKERS)
    seen = []
    for q in points:
        if contains in q["text"]:
            page.mouse.move(q["x"], q["y"])
            page.wait_for_selector(".hoverlayer .hovertext", timeout=10_000)
            seen.append(page.evaluate("() => [...document.querySelectorAll('.hoverlayer .hovertext text')]"
                                      ".map(t => [...t.querySelectorAll('tspan.line')].map(l => l.textContent)"
                                      ".join('\\n')).join('\\n')"))
    return seen


# Each hoverable map marker: where it is on screen and its hover text (customdata[0], plotly's pseudo-HTML).
MARKERS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const sp = gd._fullLayout.map._subplot, box = sp.map.getContainer().getBoundingClientRect();
  const out = [];
  gd._fullData.forEach((t, i) => {
    if (!t.customdata || t.hoverinfo === 'skip') return;
    t.lat.forEach((lat, j) => {
      if (lat === null) return;
      const p = sp.map.project([t.lon[j], lat]);
      out.push({trace: i, point: j, x: box.left + p.x, y: box.top + p.y, text: String(t.customdata[j][0]),
                key: String(t.customdata[j][1])});
    });
  });
  return out;
}"""


# Where the timeline draws the hostile agreement's marker (a cartesian scatter point whose hover data names it).
TIMELINE_MARKER = """() => {
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    if (!gd._fullLayout || !gd.data) continue;
    for (const t of gd.data) {
      if (t.mode !== 'markers' || !t.customdata || !JSON.stringify(t.customdata).includes('Istanbul [click]')) continue;
      // One trace per lane: the marker is the point whose customdata names the hostile place.
      const i = Array.from(t.customdata).findIndex(c => JSON.stringify(c).includes('Istanbul [click]'));
      gd.scrollIntoView({block: 'center'});  // the mouse can only hover what is on screen
      const box = gd.getBoundingClientRect();
      const xa = gd._fullLayout[(t.xaxis || 'x').replace('x', 'xaxis')];
      const ya = gd._fullLayout[(t.yaxis || 'y').replace('y', 'yaxis')];
      return {x: box.left + xa._offset + xa.d2p(t.x[i]), y: box.top + ya._offset + ya.d2p(t.y[i])};
    }
  }
  return null;
}"""


def test_overview_shows_hostile_text_as_text(hostile_server, browser):
    page = hostile_page(browser, hostile_server)
    try:
        open_expanders(page)
        text = main_text(page)
        # The latest reports and the status card's evidence quote the hostile notes verbatim, as text.
        assert SCRIPT in text and IMG in text and JS_LINK in text
        assert "**bold** <b>tag</b>" in text  # markdown and HTML bits unrendered
        assert "Source: Wire " + SCRIPT in text
        assert page.locator('[data-testid="stMain"] b:text("tag")').count() == 0
        assert_nothing_ran(page)
    finally:
        page.close()


def test_sidebar_options_show_hostile_actor_names_as_text(hostile_server, browser):
    page = hostile_page(browser, hostile_server)
    try:
        page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Actor").click()
        page.wait_for_selector('[role="option"]', timeout=10_000)
        options = page.locator('[role="option"]').all_inner_texts()
        assert "Militia " + SCRIPT in options, options
        page.keyboard.press("Escape")
        # Help tooltips are markdown: the data's country names (listed in the Country help) must stay text.
        page.get_by_role("button", name="Help for Country (where it happened)").hover()
        tip = page.locator('[data-testid="stTooltipContent"]')
        tip.wait_for(timeout=10_000)
        assert "SYR " + HOSTILE_COUNTRY in tip.inner_text()
        assert tip.locator("a, strong, b").count() == 0
        assert_nothing_ran(page)
    finally:
        page.close()


def test_a_hostile_link_shows_its_values_as_text(hostile_server, browser):
    """A link is untrusted too: what it names that the data cannot offer, and its data fingerprint, are
    quoted back in warnings -- as text."""
    from urllib.parse import quote

    bad = "[click](javascript:window.__pwned=1)"
    page = hostile_page(browser, f"{hostile_server}/Events?data={quote(bad)}&actor={quote(IMG)}&country={quote(bad)}")
    try:
        warnings = " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
        assert "fingerprint " + bad in warnings
        assert "actor=" + IMG in warnings and "country=" + bad in warnings
        assert page.locator('[data-testid="stAlert"] a').count() == 0
        assert_nothing_ran(page)
    finally:
        page.close()


def test_map_hover_and_selection_show_hostile_text_as_text(hostile_server, browser):
    page = hostile_page(browser, f"{hostile_server}/Map")
    try:
        labels = hover_texts(page, contains="Hostile Town")
        assert labels, "no marker for the hostile town"
        label = labels[0]
        assert "Hostile Town " + SCRIPT in label and 'Province <a href="javascript:window.__pwned=1">here</a>' in label
        assert "source: Paper " + IMG in label
        assert page.locator(".hoverlayer a").count() == 0  # no link built from the hostile <a>
        assert_nothing_ran(page)
        # A click selects the marker: its reports are listed under the map, hostile text as text.
        points = [q for q in page.evaluate(MARKERS) if "Hostile Town" in q["text"]]
        page.mouse.click(points[0]["x"], points[0]["y"])
        settle(page)
        page.wait_for_selector('text="Selected on the map"', timeout=30_000)
        assert wait_for_value(lambda: "Hostile Town " + SCRIPT in all_grid_text(page), True)  # the grid draws late under load
        assert "1 selected" in main_text(page)
        assert_nothing_ran(page)
    finally:
        page.close()


def test_casualties_chart_labels_and_table_show_hostile_place_as_text(hostile_server, browser):
    page = hostile_page(browser, f"{hostile_server}/Casualties")
    try:
        page.wait_for_function("() => [...document.querySelectorAll('.ytick text')]"
                               ".some(t => t.textContent.startsWith('Hostile Town'))", timeout=60_000)
        ticks = page.evaluate("() => [...document.querySelectorAll('.ytick text')].map(t => t.textContent)")
        hostile = [t for t in ticks if t.startswith("Hostile Town")]
        assert hostile and SCRIPT in hostile[0] and '<a href="javascript:window.__pwned=1">a</a> <b>b</b>' in hostile[0], ticks
        assert page.locator(".ytick a, .ytick [style*='bold']").count() == 0
        assert wait_for_value(lambda: "Hostile Town " + SCRIPT in all_grid_text(page), True)  # the grid draws late under load
        assert_nothing_ran(page)
    finally:
        page.close()


def test_diplomacy_timeline_and_tables_show_hostile_text_as_text(hostile_server, browser):
    page = hostile_page(browser, f"{hostile_server}/Diplomacy")
    try:
        # The timeline's marker for the hostile agreement: hover it, its label must show the text as text.
        page.wait_for_function(f"() => !!({TIMELINE_MARKER})()", timeout=60_000)
        spot = page.evaluate(TIMELINE_MARKER)
        page.mouse.move(spot["x"], spot["y"])
        page.wait_for_selector(".hoverlayer .hovertext", timeout=10_000)
        label = page.evaluate("() => [...document.querySelectorAll('.hoverlayer .hovertext text tspan.line')]"
                              ".map(l => l.textContent).join('\\n')")
        assert "ceasefire agreed · Istanbul [click](javas…" in label, label  # the label is cut at 42 characters
        assert "talks in Istanbul " + SCRIPT in label, label
        assert page.locator(".hoverlayer a").count() == 0
        # Marker labels (drawn where there is room) are text too.
        notes = page.evaluate("() => [...document.querySelectorAll('.annotation-text')].map(t => t.textContent)")
        assert not [n for n in notes if "Istanbul [click]" in n and "[click](javascript:" not in n and len(n) > 42]
        text = main_text(page)
        assert "Istanbul " + JS_LINK in text  # the headline
        assert "talks in Istanbul " + SCRIPT in all_grid_text(page)  # every change of state, and why: the quote
        assert_nothing_ran(page)
    finally:
        page.close()


def test_events_table_and_report_show_hostile_text_as_text(hostile_server, browser):
    page = hostile_page(browser, f"{hostile_server}/Events")
    try:
        grid = page.locator('[data-testid="stDataFrame"]').first
        cells = "\n".join(" | ".join(r) for r in grid_rows(grid))
        for bit in (SCRIPT, IMG, JS_LINK, '<a href="javascript:window.__pwned=1">here</a>', "Wire " + SCRIPT):
            assert bit in cells, bit
        # The newest row is the hostile ACLED agreement: select it (the checkbox left of the first cell) to read
        # its full quote under the table.
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)
        settle(page)
        page.wait_for_selector('[data-testid="stMain"] blockquote', timeout=30_000)
        report = page.locator('[data-testid="stMain"] blockquote').last.inner_text()
        assert "talks in Istanbul " + SCRIPT + " mediated by Qatar " + IMG + " " + JS_LINK in report
        assert "**bold** <b>tag</b>" in report
        assert "source: Wire " + SCRIPT in main_text(page)
        assert_nothing_ran(page)
    finally:
        page.close()


def test_sources_page_with_hostile_inputs(hostile_server, browser):
    page = hostile_page(browser, f"{hostile_server}/Sources")
    try:
        assert wait_for_value(lambda: "acled_hostile.csv" in all_grid_text(page), True)
        files = all_grid_text(page)
        assert "acled_hostile.csv" in files and "hostile_article.txt" in files
        assert_nothing_ran(page)
    finally:
        page.close()
