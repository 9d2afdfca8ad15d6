"""Saved web pages (.html/.htm) -> the article they carry: text without the page's furniture, and its
title, date, publisher and address from the page's own metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import lxml.html
from lxml import etree

from loaders.news import Article
from loaders.problems import Problem

EXPECTED_HTML = "a saved web page (.html/.htm) with a news article"
# Elements that carry no article text, whatever the page: dropped before the fallback reads paragraphs.
_FURNITURE = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "figcaption",
              "iframe", "svg", "template")
_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article",
           "pre", "dd", "dt", "figure")
# Meta tags that name a page's publication date, most specific first.
_DATE_META = ("article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate",
              "publication_date", "dc.date.issued", "dc.date", "date", "sailthru.date", "parsely-pub-date")
_HTML_SIGNATURE = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)


@dataclass
class PageMeta:
    """What a page says about itself."""

    title: str | None = None
    published: date | None = None
    source: str | None = None
    url: str | None = None


def looks_like_html(head: str) -> bool:
    """An HTML document, recognised by its markup (not by its file name)."""
    return bool(_HTML_SIGNATURE.search(head[:4096]))


def html_text(markup: str | bytes) -> str:
    """An HTML fragment as plain text, one line per paragraph (no markup survives)."""
    if isinstance(markup, bytes):
        markup = markup.decode("utf-8", errors="replace")
    if not markup or not markup.strip():
        return ""
    if "<" not in markup:
        return _clean_lines(markup)
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return _clean_lines(re.sub(r"<[^>]*>", " ", markup))
    return _block_text(root)


def _block_text(root) -> str:
    for el in list(root.iter(*_FURNITURE)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in root.iter(*_BLOCKS):
        el.tail = "\n" + (el.tail or "")
        if el.tag != "br":
            el.text = "\n" + (el.text or "")
    return _clean_lines(root.text_content())


def _clean_lines(text: str) -> str:
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def parse_date(value: str | None) -> date | None:
    """A date as pages and feeds write it: ISO 8601, or RFC 822 (RSS pubDate); the day as published."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


def _fallback_meta(root) -> PageMeta:
    """<title>, meta tags, canonical link and <time>: what a page without trafilatura-readable metadata has."""
    meta = PageMeta()
    tags = {}
    for m in root.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        if key and m.get("content") and key not in tags:
            tags[key] = m.get("content").strip()
    meta.title = tags.get("og:title") or tags.get("twitter:title") or _first_text(root, "title")
    meta.source = tags.get("og:site_name") or tags.get("application-name")
    canonical = next((link.get("href") for link in root.iter("link")
                      if (link.get("rel") or "").lower() == "canonical" and link.get("href")), None)
    meta.url = canonical or tags.get("og:url")
    for key in _DATE_META:
        meta.published = parse_date(tags.get(key))
        if meta.published:
            break
    if meta.published is None:
        meta.published = next((d for t in root.iter("time") for d in [parse_date(t.get("datetime"))] if d), None)
    return meta


def _first_text(root, tag: str) -> str | None:
    el = next(iter(root.iter(tag)), None)
    text = el.text_content().strip() if el is not None else ""
    return text or None


def _fallback_text(root) -> str:
    """Paragraphs outside the page's furniture (used when trafilatura finds no article)."""
    for el in list(root.iter(*_FURNITURE)):
        if el.getparent() is not None:
            el.drop_tree()
    paragraphs = [_clean_lines(p.text_content()).replace("\n", " ") for p in root.iter("p")]
    return "\n".join(p for p in paragraphs if p)


def _trafilatura(data: bytes):
    import trafilatura

    # Dates only from the page's markup and address, never guessed from the article's own text
    # (which names the days events happened, not the day it was published).
    return trafilatura.bare_extraction(
        data, with_metadata=True, favor_precision=True, include_comments=False, include_tables=False,
        include_images=False, include_links=False, deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True})


def read_page(path: Path, data: bytes, published: date | None = None) -> Article:
    """A saved page -> an Article (body = the article's paragraphs, one per line); problems on it."""
    art = Article(path=str(path), body="")
    try:
        root = lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError) as exc:
        art.problems.append(Problem(str(path), 0, f"not a readable HTML page ({exc})", kind="file"))
        return art
    meta = _fallback_meta(root)
    body = ""
    try:
        doc = _trafilatura(data)
    except Exception as exc:  # noqa: BLE001 - the fallback below still reads the page
        doc = None
        art.problems.append(Problem(str(path), 0, f"article extraction failed ({type(exc).__name__}); "
                                    "read the page's paragraphs instead", kind="note"))
    if doc is not None:
        body = doc.text or ""
        meta.title = doc.title or meta.title
        meta.source = doc.sitename or meta.source
        meta.url = doc.url or meta.url
        meta.published = parse_date(doc.date) or meta.published
    if not body.strip():
        body = _fallback_text(root)
    lines = _clean_lines(body).splitlines()
    if lines and meta.title and lines[0].strip() == meta.title.strip():
        lines = lines[1:]  # the headline repeated as the first line of the text
    art.body = "\n".join(lines)
    art.title, art.url = meta.title, meta.url
    art.source = meta.source or host_of(meta.url)
    art.published = meta.published or published
    if not art.body:
        art.problems.append(Problem(str(path), 0, "no article text found in the page", kind="file"))
    elif art.published is None:
        art.problems.append(Problem(str(path), 0, "no publication date found in the page's metadata "
                                    "(article:published_time, a date meta tag or <time datetime>): "
                                    "relative dates cannot be resolved; pass --published"))
    return art


def host_of(url: str | None) -> str | None:
    """The host of an address, without www: a publisher's name of last resort."""
    m = re.match(r"^[a-z]+://(?:www\.)?([^/:?#]+)", url or "", re.I)
    return m.group(1) if m else None
