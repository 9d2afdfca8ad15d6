"""An analyst loads saved web pages and RSS/Atom feeds: the same events as from the plain-text article,
no page furniture read as news, and a broken page or feed reported, never a crash."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import loaders
from loaders.feeds import looks_like_feed, read_feed
from loaders.webpage import html_text, looks_like_html, parse_date, read_page

PAGES = Path(__file__).parent / "fixtures" / "pages"
ARTICLES = PAGES / "articles"
BROKEN = PAGES / "broken"
# Sentences that sit around the article on the fixture page (ticker, related links, most read, ads,
# cookie banner, newsletter, share buttons, footer): none may become an event or a quote.
CLUTTER = ["Samraong", "Surin", "Battambang", "Siem Reap", "cookies", "newsletter", "Share on", "Rice exports",
           "Read the full story", "Follow us", "appeared first on", "rights reserved", "Advertisement"]
# Publisher and publication day differ by design (the feed's name; the feed's own timestamp).
SAME = [c for c in loaders.schema.COLUMNS if c not in ("source_name",)]


@pytest.fixture(scope="module")
def from_text():
    return loaders.load(ARTICLES)


def _same_events(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    expected = expected[expected["source_url"].isin(got["source_url"])]
    assert len(got) == len(expected) > 0
    pd.testing.assert_frame_equal(got[SAME].reset_index(drop=True), expected[SAME].reset_index(drop=True))


def test_web_page_gives_the_same_events_as_the_text_article(from_text):
    result = loaders.load_files(PAGES / "mekong-border-clash.html")
    assert [f.format for f in result.files] == ["html"] and not result.problems
    _same_events(result.events, from_text)
    assert result.events["source_name"].eq("Mekong Wire").all()  # og:site_name


@pytest.mark.parametrize("feed", ["regional-wire.xml", "regional-wire.atom"])
def test_feed_items_give_the_same_events_as_the_text_articles(feed, from_text):
    result = loaders.load_files(PAGES / feed)
    assert [f.format for f in result.files] == ["feed"] and not result.problems
    _same_events(result.events, from_text)
    assert result.events["source_url"].nunique() == 3  # each item's rows carry the item's own link
    assert result.events["source_name"].eq("Regional Wire").all()


def test_page_furniture_never_becomes_an_event():
    events = loaders.load([PAGES / "mekong-border-clash.html", PAGES / "regional-wire.xml", PAGES / "regional-wire.atom"])
    quotes = " ".join(events["source_quote"].astype(str))
    assert not [c for c in CLUTTER if c.lower() in quotes.lower()]
    assert not events["location"].isin(["Samraong", "Surin", "Battambang", "Siem Reap"]).any()


def test_page_metadata_title_date_and_address():
    art = read_page(PAGES / "mekong-border-clash.html", (PAGES / "mekong-border-clash.html").read_bytes())
    assert art.title == "Thai and Cambodian troops clash near Poipet crossing"
    assert art.published == date(2025, 8, 14)
    assert art.url == "https://news.example.org/asia/2025/08/14/border-clash"
    assert "cookies" not in art.body and "Related" not in art.body and art.body.count("\n") == 3


def test_feed_items_carry_title_link_and_date():
    items, problems = read_feed(PAGES / "regional-wire.atom", (PAGES / "regional-wire.atom").read_bytes())
    assert not problems and [i.number for i in items] == [1, 2, 3]
    assert items[1].article.title == "Pakistani jets strike near Khost as border tension rises"
    assert items[1].article.url == "https://frontier.example.com/2025/10/22/jets-strike-khost"
    assert items[1].article.published == date(2025, 10, 22)
    assert "<p>" not in items[0].article.body and "Poipet" in items[0].article.body


def test_a_folder_of_mixed_articles_loads_in_one_call(from_text):
    result = loaders.load_files(PAGES)
    formats = {Path(f.path).suffix: f.format for f in result.files if "broken" not in f.path}
    assert formats == {".txt": "news", ".html": "html", ".xml": "feed", ".atom": "feed"}
    # The same article read from four files is one set of events; the repeats are named, not lost.
    good = result.events[~result.events["source_url"].str.contains("/bannu|/khost$", na=False)]
    assert set(from_text["event_id"]) <= set(good["event_id"])
    rows_per_file = sum(len(loaders.load(f.path)) for f in result.files)
    assert sum(p.kind == "duplicate" for p in result.problems) == rows_per_file - len(result.events) > 0


def test_recognised_by_content_not_by_name(tmp_path):
    page = tmp_path / "saved.txt"
    page.write_bytes((PAGES / "mekong-border-clash.html").read_bytes())
    feed = tmp_path / "download.dat"
    feed.write_bytes((PAGES / "regional-wire.atom").read_bytes())
    result = loaders.load_files([page, feed])
    assert [f.format for f in result.files] == ["html", "feed"]
    assert loaders.load(page, format="news")["event_id"].tolist() == loaders.load(page)["event_id"].tolist()


def test_undated_page_is_named_in_a_problem():
    events, problems = loaders.load_report(BROKEN / "undated-page.html")
    assert events.empty
    assert any("undated-page.html" in p.file and "no publication date" in p.message for p in problems)
    events = loaders.load(BROKEN / "undated-page.html", published="2025-05-20")
    assert (events["event_date"] == pd.Timestamp("2025-05-19")).any()


def test_page_without_article_text_is_a_problem_not_a_crash():
    result = loaders.load_files(BROKEN / "menu-only.html")
    assert result.events.empty
    assert [(p.kind, p.message) for p in result.problems] == [("file", "no article text found in the page")]


def test_feed_item_problems_name_the_item_and_its_line():
    result = loaders.load_files(BROKEN / "dated-badly.rss")
    assert result.events["source_url"].tolist() == ["https://frontier.example.com/2025/10/22/bannu"]
    by_item: dict[str, list] = {}
    for p in result.problems:
        by_item.setdefault(p.message.split(":")[0], []).append(p)
    item2, item3, item4 = (by_item[k] for k in ("item 2 ('Jets strike near Khost')",
                                                "item 3 ('Warning from Islamabad')", "item 4 ('Empty item')"))
    assert {p.line for p in item2} == {11} and "no publication date" in item2[0].message
    assert "unreadable date 'yesterday afternoon'" in item3[0].message
    assert [p.kind for p in item4] == ["note"]


def test_truncated_feed_keeps_the_items_before_the_break():
    result = loaders.load_files(BROKEN / "truncated-feed.xml")
    assert (result.events["source_url"] == "https://news.example.org/asia/2025/08/14/border-clash").sum() == 4
    broken = [p for p in result.problems if "breaks off" in p.message]
    assert len(broken) == 1 and broken[0].line > 0


def test_feed_with_entities_is_refused_unread():
    result = loaders.load_files(BROKEN / "entity-bomb.xml")
    assert result.events.empty
    assert result.problems[0].kind == "file" and "<!ENTITY>" in result.problems[0].message


def test_garbage_with_html_or_feed_markup_does_not_crash(tmp_path):
    cases = {"a.html": b"<html><body><p>\x00\xff\xfe broken", "b.xml": b"<rss><channel><item><title>x",
             "c.atom": b'<feed xmlns="http://www.w3.org/2005/Atom"><entry></entry></feed>',
             "d.html": b"<!doctype html><html></html>"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    result = loaders.load_files(tmp_path)
    assert result.events.empty and {Path(p.file).name for p in result.problems} == set(cases)


def test_recognisers_and_text_helpers():
    assert looks_like_feed('<?xml version="1.0"?>\n<!-- c -->\n<rss version="2.0">')
    assert looks_like_feed('<feed xmlns="http://www.w3.org/2005/Atom">')
    assert not looks_like_feed("<html><body>rss</body></html>") and not looks_like_feed("Title: x\n\nText.")
    assert looks_like_html("<!DOCTYPE html><p>x</p>") and not looks_like_html("Troops clashed <b>today</b>.")
    assert html_text("<p>One.</p><script>evil()</script><p>Two &amp; three.</p>") == "One.\nTwo & three."
    assert parse_date("Thu, 14 Aug 2025 23:30:00 -0500") == date(2025, 8, 14)
    assert parse_date("2025-08-14T01:00:00Z") == date(2025, 8, 14) and parse_date("soon") is None
