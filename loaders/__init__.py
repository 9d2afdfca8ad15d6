"""Every input -> the events table (SPEC §2). The package face: load, load_report, geocode."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd

from loaders import acled, faultline_csv, gdelt, news, ucdp
from loaders.geocode import Place, geocode, pin_place
from loaders.pipeline import FORMATS, FileReport, Format, LoadResult, Source, load_files, looks_like_prose, register
from loaders.problems import Problem

__all__ = ["FORMATS", "FileReport", "LoadResult", "Place", "Problem", "geocode", "load", "load_files",
           "load_report", "pin_place"]


def _news(source: Source):
    records, problems = news.load_news(source.path, source.text, source.published, source.online)
    return pd.DataFrame.from_records(records), problems


def _faultline(source: Source):
    records, problems = faultline_csv.load_faultline(source.path, source.text)
    return pd.DataFrame.from_records(records), problems


# Recognition order matters: the strict table signatures first, prose last.
register(Format("faultline", faultline_csv.recognise, _faultline, "the 34 columns of Faultline's events CSV"))
register(Format("acled", acled.recognise, acled.read, acled.EXPECTED, acled.diagnose))
register(Format("ucdp", ucdp.recognise, ucdp.read, ucdp.EXPECTED, ucdp.diagnose))
register(Format("gdelt", gdelt.recognise, gdelt.read, gdelt.EXPECTED))
register(Format("news", looks_like_prose, _news, "an article as .txt/.md prose, optionally with a "
                "Title:/Published:/Source:/URL: header block"))


def load_report(paths: Iterable[str | Path] | str | Path, *, format: str = "auto",
                published: date | str | None = None, online: bool = False) -> tuple[pd.DataFrame, list[Problem]]:
    """Load files into the events table and list every file or row that was rejected, and why."""
    result = load_files(paths, format=format, published=published, online=online)
    return result.events, result.problems


def load(paths: Iterable[str | Path] | str | Path, *, format: str = "auto",
         published: date | str | None = None, online: bool = False) -> pd.DataFrame:
    """Load files into the events table (use load_report to see what was rejected)."""
    return load_report(paths, format=format, published=published, online=online)[0]
