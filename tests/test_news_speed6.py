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
                if sum(w[:1].islower() for w in sent.text.split()[1:]) < 3:
                    continue  # fewer than three words in lower case after the first: too few to tell 20 copies apart
                assert seen.setdefault(sent.text, copy) == copy, (path.name, copy, sent.text)


def test_varied_copies_differ_only_in_spacing_within_a_sentence():
    varied = _bench().varied
    text = 'Title: T\nPublished: 2025-01-02\n\nOne two three four five six." Seven eight Nine Ten nine. Ten eleven.'
    copies = {varied(text, k) for k in range(26)}
    assert len(copies) == 26
    assert all(c.startswith("Title: T\nPublished: 2025-01-02\n\n") for c in copies)
    # copy 0 is code 1: the first space before a lower-case word of every three widened by one, names kept
    assert varied(text, 0) == ('Title: T\nPublished: 2025-01-02\n\nOne  two three four  five six." Seven  eight Nine Ten'
                               ' nine. Ten  eleven.')
    # copy 4 is code 5 (12 in base 3): spaces 0, 3, ... by two, 1, 4, ... by one
    assert varied(text, 4) == ('Title: T\nPublished: 2025-01-02\n\nOne   two  three four   five  six." Seven   eight Nine Ten'
                               '  nine. Ten   eleven.')


@pytest.fixture(scope="module")
def articles(paths) -> list[news.Article]:
    out = []
    for path in paths:
        article = news.read_article(path, path.read_text(encoding="utf-8"))
        article.sentences = news.sentences(article)
        out.append(article)
    return out


def test_speech_date_answers_as_the_search_of_every_sentence_prefix(articles):
    """_SPEECH_DATE.search (kept per article) answers as the pattern's own search, on the text before every word of
    every fixture sentence."""
    rx = news._SPEECH_DATE.rx
    checked = matched = 0
    for article in articles:
        for sent in article.sentences:
            text = sent.text
            for cut in [m.start() for m in re.finditer(r"\b\w", text)] + [len(text)]:
                want = rx.search(text[:cut]) is not None
                assert bool(news._SPEECH_DATE.search(text[:cut])) is want, text[:cut]
                checked += 1
                matched += want
    assert checked > 10_000 and matched > 50
    for odd in ("", " ", "said \n", "said on\n", "told reporters ", "\n", "announced late ", "said  "):
        assert bool(news._SPEECH_DATE.search(odd)) is (rx.search(odd) is not None), repr(odd)


def test_speech_date_memory_is_cleared_for_each_article(paths):
    """What _SPEECH_DATE keeps is one article's: reading an article twice asks the same searches the second time
    (a memory kept across articles would answer them all from the first reading)."""
    path = next(p for p in paths if "said on" in p.read_text(encoding="utf-8"))
    infos = []
    for _ in range(2):
        news.extract(news.read_article(path, path.read_text(encoding="utf-8")))
        infos.append(news._SPEECH_DATE.search.cache_info())
    assert infos[0].misses > 0
    assert infos[0] == infos[1]


def test_place_readings_kept_per_article_are_the_full_readings(articles):
    """_geocode_in_context keeps each phrase's reading while an article is read: every reading it kept for a fixture
    article is the one _read_in_context gives afresh, and the next article starts with none of them."""
    checked = 0
    for article in articles[::3]:
        news._IN_CONTEXT[("a sentinel phrase", frozenset(), None)] = None
        news.extract(article)
        assert ("a sentinel phrase", frozenset(), None) not in news._IN_CONTEXT
        kept = dict(news._IN_CONTEXT)
        for (phrase, countries, main, *_), place in kept.items():
            asked = news._Countries(countries)
            asked.main = main
            assert news._read_in_context(phrase, asked) == place, (article.path, phrase)
            checked += 1
        # unresolved_places, asked after extract, reads the same phrases from what was kept
        assert news.unresolved_places(article.sentences, article.countries) == _unresolved_afresh(article)
    assert checked > 200


def _unresolved_afresh(article):
    news._IN_CONTEXT.clear()
    return news.unresolved_places(article.sentences, article.countries)


@pytest.mark.parametrize("name", ["_ANAPHORA", "_ONE_ACT", "_DAY_ACT", "_THE_WEAPON", "_CLAIMED_IT", "_POINTS_BACK",
                                  "_THE_TOLL"])
def test_screened_look_back_patterns_find_what_their_search_finds(articles, name):
    """The look-back's patterns, screened by their words, find the match the pattern's own search finds in every
    fixture sentence, in the text before each of its words and after each of them (the toll rules ask of clause
    heads and tails)."""
    screened = getattr(news, name)
    assert isinstance(screened, news.prefilter.Screened)
    rx = screened.rx
    found = 0
    for article in articles:
        for sent in article.sentences:
            text = sent.text
            cuts = [m.start() for m in re.finditer(r"\b\w", text)]
            for piece in [text] + [text[:c] for c in cuts] + [text[c:] for c in cuts[1:]]:
                want = rx.search(piece)
                got = screened.search(piece)
                assert (got and (got.span(), got.groups())) == (want and (want.span(), want.groups())), piece
                found += want is not None
    assert found > 20


def test_province_countries_kept_per_name_are_the_table_s():
    """_province_countries keeps each name's countries: the same as reading the admin1 table for every name in it
    (and for a few that are not)."""
    table = news._admin1_by_key()
    keys = list(table)[::7] + ["", "no such province", "~"]
    for key in keys:
        want = frozenset(iso3 for iso3, _ in table.get(key, ())) if key else frozenset()
        assert news._province_countries(key) == want, key
    assert any(news._province_countries(k) for k in keys)


def test_place_prefix_read_only_where_the_text_ends_with_one(articles):
    """_place_mention looks for 'near'/'outside'/'close to' before a name only when the text before it ends with
    one (tails.ends_with): the same match as the search, before every word of every fixture sentence."""
    found = 0
    for article in articles:
        for sent in article.sentences:
            for m in re.finditer(r"\b\w", sent.text):
                before = sent.text[:m.start()]
                want = news._PLACE_PREFIX.search(before)
                got = news._PLACE_PREFIX.search(before) if news.ends_with(news._PLACE_PREFIX, before) else None
                assert (got and got.group(0)) == (want and want.group(0))
                found += want is not None
    assert found > 20
