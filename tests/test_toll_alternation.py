"""The casualty patterns write each list of words (number words, victim words) as one alternative with the
words' common beginnings shared (tolls._alternation). A regular expression tries alternatives in order, so
this must match exactly as the plain list, longest word first, did: the same spans and groups, on every
sentence of the frozen articles (dev parts) and on generated text."""

from __future__ import annotations

import re
from pathlib import Path
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from loaders import tolls

FIXTURES = Path(__file__).parent / "fixtures"
_DEV_FOLDERS = ("articles", "articles_holdout", "articles_dev")


def _listed(words) -> str:
    """The plain list the trie stands for: every word, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _sentences() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for d in _DEV_FOLDERS for p in sorted((FIXTURES / d).glob("*.txt"))]
    return [s for t in texts for s in re.split(r"(?<=[.!?])\s+|\n+", t) if s.strip()]


SENTENCES = _sentences()
_TRICKY = ["a", "an", "and", "a couple of", "a dozen", "t", "te", "ten", "tens", "twenty", "x-ray", "x", "Zorvan"]


def _spans(rx: re.Pattern, text: str) -> list:
    return [(m.span(), m.groupdict()) for m in rx.finditer(text)]


def test_a_trie_matches_as_the_list_longest_first():
    tables = [list(tolls._number_words()), list(tolls._victim_groups()), _TRICKY]
    for words in tables:
        for wrap in (r"\b(?P<w>{})\b", r"(?P<w>{})", r"(?P<w>{})(?:\s+(?:killed|dead))?", r"(?:{})\s+(?P<v>\w+)"):
            trie = re.compile(wrap.format(tolls._alternation(words)), re.I)
            plain = re.compile(wrap.format(_listed(words)), re.I)
            for text in SENTENCES + [" ".join(_TRICKY), "A COUPLE OF TENS, x-ray x an and TEN zorvan"]:
                assert _spans(trie, text) == _spans(plain, text), (wrap, text[:80])
    assert tolls._alternation(["ten", "two", "twenty"]) == "t(?:en|w(?:enty|o))"
    assert tolls._alternation([]) == _listed([]) == ""
    # one letter in two cases at one branch ("Ten" and "tens"): both would match, so the plain list is kept
    assert tolls._alternation(["Ten", "tens", "two"]) == _listed(["Ten", "tens", "two"])


@given(st.lists(st.sampled_from(_TRICKY + ["killed", "dead", "people", "soldiers", ",", "  "]), max_size=10))
def test_a_trie_matches_as_the_list_on_generated_text(parts):
    text = " ".join(parts)
    for wrap in (r"\b(?P<w>{})\b", r"(?P<w>{})(?:\s+(?:killed|dead))?"):
        trie = re.compile(wrap.format(tolls._alternation(_TRICKY)), re.I)
        plain = re.compile(wrap.format(_listed(_TRICKY)), re.I)
        assert _spans(trie, text) == _spans(plain, text), text


def test_every_casualty_pattern_reads_as_with_plain_lists():
    """The whole casualty patterns, built with the trie and with plain lists, find the same matches."""
    built = dict(tolls._patterns())
    caches = (tolls._number_re, tolls._quantity_re, tolls._patterns)
    try:
        for f in caches:
            f.cache_clear()
        with patch.object(tolls, "_alternation", _listed):
            listed = dict(tolls._patterns())
    finally:
        for f in caches:
            f.cache_clear()
    assert built.keys() == listed.keys()
    matched = 0
    for name, rx in built.items():
        assert rx.pattern != listed[name].pattern or name in ("subset", "lost", "losses_at", "lives", "toll")
        for text in SENTENCES:
            got = _spans(rx, text)
            assert got == _spans(listed[name], text), (name, text[:80])
            matched += bool(got)
    assert matched > 50
