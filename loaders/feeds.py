"""News feeds (RSS 2.0, RSS 1.0/RDF, Atom) -> one article per item, parsed without entity expansion
or network access."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import etree

from loaders.news import Article
from loaders.problems import Problem
from loaders.webpage import host_of, html_text, parse_date

EXPECTED_FEED = "an RSS 2.0 or Atom news feed (.xml/.rss/.atom), one article per item"
_PROLOGUE = r"(?:\ufeff)?\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)*"
_FEED_ROOT = re.compile(_PROLOGUE + r"<(?:[\w-]+:)?(rss|feed|RDF)\b", re.S | re.I)
# Items in feeds are articles; RSS 1.0 puts them beside the channel, RSS 2.0 inside it, Atom calls them entries.
_ITEM_TAGS = ("item", "entry")
_CONTENT_TAGS = ("encoded", "content")  # full text (content:encoded, Atom content) before summaries
_SUMMARY_TAGS = ("description", "summary")
_DATE_TAGS = ("pubDate", "published", "date", "issued", "updated", "modified")


@dataclass
class FeedItem:
    """One item of a feed, as an article, with its number (1 = first) and its line in the file."""

    number: int
    line: int
    article: Article


def looks_like_feed(head: str) -> bool:
    """An XML document whose root element is <rss>, <feed> (Atom) or <rdf:RDF>."""
    return bool(_FEED_ROOT.match(head[:8192]))


def _parser(recover: bool = False) -> etree.XMLParser:
    # No DTD, no entity expansion, no network: a feed cannot make the loader fetch or blow up anything.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True, recover=recover)


def _local(el) -> str:
    tag = el.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(el, names: tuple[str, ...]):
    kids = [k for k in el if _local(k) in names]
    for name in names:  # the order of `names` is the order of preference
        for k in kids:
            if _local(k) == name:
                return k
    return None


def _text(el) -> str:
    if el is None:
        return ""
    if el.get("type") == "xhtml" or (len(el) and el.get("type") in (None, "html")):
        # Inline (X)HTML children: serialise them and read the text out of the markup.
        inner = (el.text or "") + "".join(etree.tostring(k, encoding="unicode") for k in el)
        return html_text(inner)
    return html_text(el.text or "")


def _link(item) -> str | None:
    for k in item:
        if _local(k) != "link":
            continue
        if k.get("href") and k.get("rel", "alternate") == "alternate":
            return k.get("href").strip()  # Atom
        if (k.text or "").strip():
            return k.text.strip()  # RSS
    guid = _child(item, ("guid", "id"))
    value = (guid.text or "").strip() if guid is not None else ""
    return value if re.match(r"^https?://", value) else None


def read_feed(path: Path, data: bytes, published: date | None = None) -> tuple[list[FeedItem], list[Problem]]:
    """The items of a feed as articles; problems name the file and the item (number and line)."""
    problems: list[Problem] = []
    if re.search(rb"<!ENTITY", data[:65536], re.I):
        return [], [Problem(str(path), 0, "the feed declares XML entities (<!ENTITY>); not read, for safety: "
                            "a feed needs none", kind="file")]
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        root = None
        try:
            root = etree.fromstring(data, _parser(recover=True))
        except etree.XMLSyntaxError:
            pass
        where = exc.lineno or 0
        if root is None:
            return [], [Problem(str(path), where, f"not a well-formed feed ({exc.msg}); nothing could be read",
                                kind="file")]
        problems.append(Problem(str(path), where, f"the feed breaks off or is malformed here ({exc.msg}); "
                                "the items up to this line were read (the last of them may be incomplete), "
                                "anything after it is lost"))
    if root is None:
        return [], [Problem(str(path), 0, "empty feed", kind="file")]
    channel = _child(root, ("channel",))
    title_el = _child(channel if channel is not None else root, ("title",))
    feed_title = _text(title_el) or None
    items = [el for el in root.iter() if _local(el) in _ITEM_TAGS]
    if not items:
        problems.append(Problem(str(path), 0, "the feed has no items (<item> or <entry>)", kind="file"))
    out = []
    for n, item in enumerate(items, start=1):
        title = _text(_child(item, ("title",))) or None
        url = _link(item)
        body = _text(_child(item, _CONTENT_TAGS)) or _text(_child(item, _SUMMARY_TAGS))
        raw_date = _child(item, _DATE_TAGS)
        day = parse_date(raw_date.text if raw_date is not None else None)
        line = item.sourceline or 0
        label = f"item {n}" + (f" ({title[:60]!r})" if title else "")
        # An item without a link still gets a stable key: the feed's file name and the item's number.
        art = Article(path=str(path) if url else f"{path}#item{n}", body=body, title=title,
                      published=day or published, source=feed_title or host_of(url), url=url)
        if not body:
            problems.append(Problem(str(path), line, f"{label}: no text (description or content)", kind="note"))
            continue
        if day is None and raw_date is not None and (raw_date.text or "").strip():
            problems.append(Problem(str(path), line, f"{label}: unreadable date {raw_date.text.strip()!r}"
                                    + ("" if published else "; relative dates cannot be resolved: pass --published")))
        elif day is None and published is None:
            problems.append(Problem(str(path), line, f"{label}: no publication date (pubDate, published or updated); "
                                    "relative dates cannot be resolved: pass --published"))
        out.append(FeedItem(n, line, art))
    return out, problems
