"""Every input -> the events table (SPEC §2). The package face: load, load_report, geocode."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd

from loaders import acled, faultline_csv, feeds, gdelt, news, ucdp, webpage
from loaders.geocode import Place, geocode, pin_place
from loaders.pipeline import FORMATS, Batches, FileReport, Format, LoadResult, Records, Source, load_files, looks_like_prose, register
from loaders.problems import Problem

__all__ = ["FORMATS", "FileReport", "LoadResult", "Place", "Problem", "geocode", "load", "load_files",
           "load_report", "pin_place"]


def _news(source: Source):
    # "--format news" covers every kind of article file: pages and feeds keep their own readers.
    if feeds.looks_like_feed(source.head(8192)):
        return _feed(source)
    if webpage.looks_like_html(source.head(4096)):
        return _page(source)
    unresolved: list = []
    records, problems = news.load_news(source.path, source.text, source.published, source.online, unresolved)
    return Records(records, unresolved), problems  # with the place names no gazetteer knows, for the Sources page


def _page(source: Source):
    article = webpage.read_page(source.path, source.data, source.published)
    if not article.body:
        return Records([]), article.problems
    unresolved: list = []
    records, problems = news.load_article(article, source.online, unresolved)
    # Lines of the extracted text are not lines of the page: the whole page is named instead.
    return (Records(records, [(name, 0, countries) for name, _, countries in unresolved]),
            [Problem(p.file, 0, p.message, p.kind) for p in problems])


def _feed(source: Source):
    items, problems = feeds.read_feed(source.path, source.data, source.published)
    records, unresolved = [], []
    for item in items:
        found: list = []
        rows, item_problems = news.load_article(item.article, source.online, found)
        unresolved += [(name, item.line, countries) for name, _, countries in found]
        records += [{**r, "_line": item.line} for r in rows]
        label = f"item {item.number}" + (f" ({item.article.title[:60]!r})" if item.article.title else "")
        problems += [Problem(str(source.path), item.line, f"{label}: {p.message}", p.kind) for p in item_problems]
    return Records(records, unresolved), problems


FAULTLINE_BATCH = 20_000  # rows of a Faultline CSV held as dicts at a time (typed before the next batch)


def _faultline(source: Source):
    text = source.text  # decoded now: a note about its encoding comes before any row's problem
    source.release()
    batches = faultline_csv.faultline_batches(source.path, text, FAULTLINE_BATCH)
    return Batches((pd.DataFrame.from_records(records), problems) for records, problems in batches), []


# Recognition order matters: the strict table signatures first, prose last.
register(Format("faultline", faultline_csv.recognise, _faultline, "the 34 columns of Faultline's events CSV"))
register(Format("acled", acled.recognise, acled.read, acled.EXPECTED, acled.diagnose))
register(Format("ucdp", ucdp.recognise, ucdp.read, ucdp.EXPECTED, ucdp.diagnose))
register(Format("gdelt", gdelt.recognise, gdelt.read, gdelt.EXPECTED))
register(Format("feed", lambda s: feeds.looks_like_feed(s.head(8192)), _feed, feeds.EXPECTED_FEED))
register(Format("html", lambda s: webpage.looks_like_html(s.head(4096)), _page, webpage.EXPECTED_HTML))
register(Format("news", looks_like_prose, _news, "an article as .txt/.md prose, optionally with a "
                "Title:/Published:/Source:/URL: header block"))


def load_report(paths: Iterable[str | Path] | str | Path, *, format: str = "auto",
                published: date | str | None = None, online: bool = False,
                curation: bool | str | Path = True) -> tuple[pd.DataFrame, list[Problem]]:
    """Load files into the events table and list every file or row that was rejected, and why."""
    result = load_files(paths, format=format, published=published, online=online, curation=curation)
    return result.events, result.problems


def load(paths: Iterable[str | Path] | str | Path, *, format: str = "auto",
         published: date | str | None = None, online: bool = False,
         curation: bool | str | Path = True) -> pd.DataFrame:
    """Load files into the events table (use load_report to see what was rejected).

    The analyst's corrections in FAULTLINE_HOME/curation.csv are applied (curation=False leaves them out)."""
    return load_report(paths, format=format, published=published, online=online, curation=curation)[0]
