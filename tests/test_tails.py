"""loaders/tails.py answers whether a pattern ending in `$` matches the end of a text by matching it backwards;
the answer is the search's own, on every prefix of every fixture sentence for every such pattern of the news
rules, and on generated texts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders import news, tails

FIXTURES = Path(__file__).parent / "fixtures"
FOLDERS = ("articles", "articles_holdout", "articles_dev", "articles_blind4", "articles_blind5a", "articles_blind5b",
           "articles_heldout1", "articles_blind8a", "articles_blind8b", "articles_blind9a", "articles_blind9b", "articles_heldout2_seen",
           "articles_blind10a", "articles_blind10b")


def _end_patterns() -> list[re.Pattern]:
    """Every compiled pattern of the news rules that ends in `$`."""
    found = [v for v in vars(news).values() if isinstance(v, re.Pattern) and v.pattern.endswith("$")]
    assert len(found) >= 20
    return found


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    out = []
    for folder in FOLDERS:
        for path in sorted((FIXTURES / folder).glob("*.txt")):
            out += [s.text for s in news.sentences(news.read_article(path, path.read_text(encoding="utf-8")))]
    return out


def test_reads_most_rule_patterns_backwards():
    reversed_ = [rx for rx in _end_patterns() if tails.reversed_pattern(rx) is not None]
    assert len(reversed_) >= len(_end_patterns()) - 5
    assert tails.reversed_pattern(news._LOCATIVE) is not None


def test_same_answer_as_the_search_on_every_fixture_sentence(sentences):
    patterns = _end_patterns()
    found = 0
    for text in sentences:
        # every word start and every end of a word: where the rules ask
        ends = {0, len(text)} | {m.start() for m in re.finditer(r"\b", text)}
        for rx in patterns:
            for end in ends:
                expected = rx.search(text[:end]) is not None
                assert tails.ends_with(rx, text[:end]) == expected, (rx.pattern[:60], text[:end][-60:])
                found += expected
    assert found > len(sentences)  # the patterns do match: the comparison is not of misses alone


def test_anchors_and_flags():
    rx = re.compile(r"\b(?:in|near)\s+(?:the\s+)?$", re.I)
    assert tails.reversed_pattern(rx) is not None
    assert tails.ends_with(rx, "fighting IN the ")
    assert tails.ends_with(rx, "fighting near\n")  # \s+ takes the newline
    assert not tails.ends_with(rx, "fighting within ")  # \b: "in" inside a word is not the word
    assert not tails.ends_with(rx, "in the town")
    nl = re.compile(r"\bstrikes?$")
    assert tails.ends_with(nl, "air strike\n") and nl.search("air strike\n")  # `$` before a final newline
    assert not tails.ends_with(nl, "air strike\n\n") and not nl.search("air strike\n\n")
    cased = re.compile(r"\b(?-i:[A-Z])\w+\s+said\s+$", re.I)
    assert tails.ends_with(cased, "Officials SAID ") and not tails.ends_with(cased, "officials said ")
    # a look-around, a pattern not anchored at the end, MULTILINE: searched as before
    for plain in (re.compile(r"(?<=in )the\s+$"), re.compile(r"\bin\s+"), re.compile(r"\bin\s+$", re.M)):
        assert tails.reversed_pattern(plain) is None
        assert tails.ends_with(plain, "fought in the ") == bool(plain.search("fought in the "))


@given(st.lists(st.sampled_from(["in", "near", "the", "close", "to", "North", "Zorvan’s", "’s", "shelled", "within",
                                 "said", "officials", "on", "Monday", "-", ",", "12", "\n"]), max_size=8),
       st.sampled_from([" ", "  ", "\n", ""]))
def test_same_answer_on_generated_texts(words, tail):
    text = " ".join(words) + tail
    for rx in _end_patterns():
        assert tails.ends_with(rx, text) == (rx.search(text) is not None), (rx.pattern[:60], text)


def test_alternatives_that_each_end_the_text():
    """'A$|B$' (the strong locative's form, whose common start the parser moves out of the branches) is read
    backwards as '(?:A|B)$', with the same answers."""
    assert tails.reversed_pattern(news._STRONG_LOCATIVE) is not None
    patterns = [re.compile(r"\b(?:in|at)\s+$|\btown\s+of\s+$", re.I), re.compile(r"ab$|b$|\bc+$"),
                re.compile(r"x(?:y$|z$)"), news._STRONG_LOCATIVE]
    texts = ["", "in ", "fighting in ", "fighting in\n", "fighting in \n\n", "the town of ", "main ", "ab", "b", "cab",
             " ccc", "accc", "xy", "xz", "xyz", "xy\n", "town of", "in the ", "close to the ", "near the northern "]
    for rx in patterns:
        assert tails.reversed_pattern(rx) is not None, rx.pattern
        for text in texts:
            assert tails.ends_with(rx, text) == (rx.search(text) is not None), (rx.pattern, text)
    # one branch that does not end the text: searched as before
    mixed = re.compile(r"ab$|b")
    assert tails.reversed_pattern(mixed) is None
    assert tails.ends_with(mixed, "xbx") is True


@given(st.text(alphabet="abc \n", max_size=12))
def test_alternatives_that_each_end_the_text_on_generated_text(text):
    rx = re.compile(r"\ba\s*b+$|c\s$|\bab?$")
    assert tails.ends_with(rx, text) == (rx.search(text) is not None)


def test_the_kept_reversal_is_never_another_text_s():
    """ends_with keeps the last text's reversal: asking patterns of texts in any order, equal or not, answers as
    the search does."""
    a, b = re.compile(r"\bin\s+$"), re.compile(r"\bof\s+(?:the\s+)?$", re.I)
    texts = ["fighting in ", "fighting in ", "the town of ", "fighting in", "the town OF the ", "", "in ", "the town of "]
    for text in texts + texts[::-1]:
        for rx in (a, b, a):
            assert tails.ends_with(rx, text) == (rx.search(text) is not None), (rx.pattern, text)
