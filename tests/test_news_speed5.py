"""Round 5 of the news loader's speed: each shortcut reads what the full rule reads, on every sentence of
every fixture article (and on generated text where the shortcut has cases of its own)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders import news
from loaders.tolls import extract_toll

FIXTURES = Path(__file__).parent / "fixtures"
FOLDERS = ("articles", "articles_holdout", "articles_dev", "articles_blind4", "articles_blind5a", "articles_blind5b",
           "articles_blind6a", "articles_blind6b", "articles_blind7a", "articles_blind7b", "articles_heldout1")


@pytest.fixture(scope="module")
def articles() -> list[news.Article]:
    out = []
    for folder in FOLDERS:
        for path in sorted((FIXTURES / folder).glob("*.txt")):
            article = news.read_article(path, path.read_text(encoding="utf-8"))
            article.sentences = news.sentences(article)
            out.append(article)
    assert len(out) > 60
    return out


def test_toll_distance_finds_each_toll_text_where_a_search_for_it_does(articles):
    """_toll_distance finds each text of a toll with str.find: the span an escaped search gives."""
    checked = 0
    for article in articles:
        for sent in article.sentences:
            toll = extract_toll(sent.text)
            texts = toll.texts + ["", "(", "a.b", sent.text[-12:]]
            for t in texts:
                m = re.search(re.escape(t), sent.text)
                i = sent.text.find(t)
                assert (m.span() if m else None) == ((i, i + len(t)) if i >= 0 else None)
            for start in range(0, len(sent.text), 40):
                place = news.Mention(start, start + 5, sent.text[start:start + 5], "place")
                spans = [m.span() for t in toll.texts for m in [re.search(re.escape(t), sent.text)] if m]
                expected = min((news._distance((place.start, place.end), s) for s in spans), default=0)
                assert news._toll_distance(sent.text, place, toll) == expected
                checked += bool(spans)
    assert checked > 100


def test_the_remembered_speech_date_search_answers_as_the_pattern(articles):
    """_SPEECH_DATE keeps its answers per text: asked again (in any order) it gives what the pattern gives."""
    rx = news._SPEECH_DATE
    assert isinstance(rx, news._Remembered) and rx.pattern == rx.rx.pattern
    found = 0
    for _ in range(2):  # a second pass is answered from memory
        for article in articles[:40]:
            for sent in article.sentences:
                for end in range(0, len(sent.text) + 1, 7):
                    before = sent.text[:end]
                    kept, fresh = rx.search(before), rx.rx.search(before)
                    assert (kept and kept.span()) == (fresh and fresh.span())
                    found += fresh is not None
    assert found > 20
    assert rx.search("officials said ") and not rx.search("officials met ")


def test_each_sentences_actors_from_the_articles_pass_are_its_own(articles):
    """_actors_by_sentence: the actors of the article's pass (sentences joined by spaces), moved to each
    sentence, are those _find_actors reads in the sentence alone."""
    compared = found = 0
    for article in articles:
        sents = article.sentences
        full = " ".join(s.text for s in sents)
        for sent, got in zip(sents, news._actors_by_sentence(sents, news._find_actors(full))):
            if got is None:
                continue
            assert got == news._find_actors(sent.text), sent.text
            compared += 1
            found += len(got)
    assert compared > 500 and found > 300


def _actor_words() -> list[str]:
    from loaders.actors import actor_table
    keys = sorted(actor_table()["key"])
    words = sorted({w for k in keys[:60] for w in k.split()})
    return [w.title() for w in words] + [k.title() for k in keys[:30]] + ["Sudan", "South", "said", "the", "of"]


@given(st.lists(st.lists(st.sampled_from(_actor_words()), min_size=1, max_size=6).map(" ".join)
                .flatmap(lambda s: st.sampled_from([".", "!", "?", ".’", ".”", ".)"]).map(lambda end: s + end)),
                min_size=1, max_size=5))
def test_actors_by_sentence_on_generated_sentences(texts):
    sents = [news.Sentence(t, 1, i + 1) for i, t in enumerate(texts)]
    full = " ".join(texts)
    named = news._find_actors(full)
    for k, got in enumerate(news._actors_by_sentence(sents, named)):
        if got is None:  # only where a name of the article's pass crosses out of or into this sentence
            start = sum(len(t) + 1 for t in texts[:k])
            end = start + len(texts[k])
            assert any(m.start < end < m.end or m.start < start - 1 < m.end for m in named)
            continue
        assert got == news._find_actors(texts[k]), texts


def _split_as_before(paragraph: str) -> list[str]:
    """The sentence split with its three searches written out one by one (what the compiled ones replace)."""
    parts, start = [], 0
    for m in re.finditer(r"[.!?][\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])", paragraph):
        before = paragraph[max(0, m.start() - 6):m.start() + 1]
        if re.search(rf"\b{news._ABBREVIATIONS}\.$", before) or re.search(r"\b[A-Z]\.$", before):
            continue
        parts.append(paragraph[start:m.end()].strip())
        start = m.end()
    parts.append(paragraph[start:].strip())
    return [p for p in parts if p]


def test_sentence_split_with_compiled_patterns_splits_as_before(articles):
    lines = [line.strip() for article in articles for line in article.body.splitlines() if line.strip()]
    assert len(lines) > 500
    for line in lines:
        assert news._split_sentences(line) == _split_as_before(line)
        assert bool(news._FULL_STOP_END.search(line)) == bool(re.search(r"[.!?][\"”’)]?$", line))


@given(st.lists(st.sampled_from(["Mr.", "Gen.", "U.S.", "J.", "x.", "He left.", "It is 5.", "“Go.”", "(A.)", "Dec.",
                                 "No.", "said:", "Then", "12", "e.g.", "vs.", "A", "!", "?"]), min_size=1, max_size=12))
def test_sentence_split_on_generated_text(words):
    text = " ".join(words)
    assert news._split_sentences(text) == _split_as_before(text)


@given(st.lists(st.sampled_from(["near", "outside", "close to", "the", "X", "Ab", "province", "district", "State", " ",
                                 "NEAR", "region", "town"]), min_size=1, max_size=6))
def test_kept_phrase_readings_are_the_phrases_own(words):
    from loaders.geocode import parse_phrase
    phrase = " ".join(words)
    assert parse_phrase(phrase) == parse_phrase.__wrapped__(phrase)
    assert parse_phrase(phrase) == parse_phrase.__wrapped__(phrase)  # asked again: from memory, the same
