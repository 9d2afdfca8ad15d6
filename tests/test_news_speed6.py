"""Round 6 of the news loader's speed: the benchmark's mode of articles each new to the process, and each
shortcut against the full rule it stands for, on every sentence of every fixture article."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from loaders import news

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FOLDERS = ("articles", "articles_holdout", "articles_dev", "articles_blind4", "articles_blind5a", "articles_blind5b",
           "articles_blind6a", "articles_blind6b", "articles_blind7a", "articles_blind7b", "articles_blind8a",
           "articles_blind8b", "articles_heldout1")


def _bench():
    spec = importlib.util.spec_from_file_location("bench_news", ROOT / "benchmarks" / "bench_news.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def paths() -> list[Path]:
    out = [p for folder in FOLDERS for p in sorted((FIXTURES / folder).glob("*.txt"))]
    assert len(out) > 80
    return out


def test_varied_copies_share_no_sentence_and_keep_the_header(paths):
    """The benchmark's varied copies: no sentence of one copy is the text of a sentence of another copy, the
    header block is untouched, and only spaces were added."""
    varied = _bench().varied
    for path in paths:
        text = path.read_text(encoding="utf-8")
        seen: dict[str, int] = {}
        for copy in range(20):
            new = varied(text, copy)
            assert re.sub(" +", " ", new) == re.sub(" +", " ", text), path.name
            article = news.read_article(path, new)
            original = news.read_article(path, text)
            assert (article.title, article.published, article.source, article.url) == (
                original.title, original.published, original.source, original.url), path.name
            for sent in news.sentences(article):
                if len(sent.text.split()) < 4:
                    continue  # fewer than three spaces: too few to tell 20 copies apart ("He said so.")
                assert seen.setdefault(sent.text, copy) == copy, (path.name, copy, sent.text)


def test_varied_copies_differ_only_in_spacing_within_a_sentence():
    varied = _bench().varied
    text = 'Title: T\nPublished: 2025-01-02\n\nOne two three four five six." Seven eight nine. Ten eleven.'
    copies = {varied(text, k) for k in range(26)}
    assert len(copies) == 26
    assert all(c.startswith("Title: T\nPublished: 2025-01-02\n\n") for c in copies)
    # copy 0 is code 1: the first space of every third widened by one
    assert varied(text, 0) == 'Title: T\nPublished: 2025-01-02\n\nOne  two three four  five six." Seven  eight nine. Ten  eleven.'
    # copy 4 is code 5 (12 in base 3): spaces 0, 3, ... by two, 1, 4, ... by one
    assert varied(text, 4) == 'Title: T\nPublished: 2025-01-02\n\nOne   two  three four   five  six." Seven   eight  nine. Ten   eleven.'
