"""nocase.compile(pattern, re.I) matches as re.compile(pattern, re.I) does: the same matches, spans and groups,
for every rule pattern compiled through it on every fixture sentence (the held-out part excepted), the same
sentences with their case changed, and texts holding the characters IGNORECASE treats oddly; and for
hand-written and generated patterns on generated texts."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import news, nocase, prefilter, textdates, tolls
from tests.test_prefilter import FIXTURES, FOLDERS

# Characters with unusual case rules: the four IGNORECASE matches to ASCII letters, letters outside ASCII with
# and without simple case pairs, a title-case letter, a ligature, the final sigma, the German sharp s.
ODD_TEXT = "\u212a\u017f\u0130\u0131 É é Σ σ ς ß ẞ ǅ ǆ ǄLJ ﬁ µ Μ ſt K"


def _rule_patterns() -> list[tuple[str, str, int, object]]:
    """(name, pattern, flags, compiled) of each rule pattern compiled through nocase."""
    found = [(f"cue {row['pattern'][:40]}", row["rx"]) for row in news.cue_table()]
    found += [(f"toll {name}", rx) for name, rx in tolls._patterns().items()]
    found += [(f"date {name}", rx) for name, rx in textdates._RULES]
    return [(name, rx.pattern, rx.flags, rx) for name, rx in found if isinstance(rx, nocase.Pattern)]


def _readings(rx, text: str) -> list:
    out = []
    for m in rx.finditer(text):
        out.append((m.span(), m.groups(), m.groupdict(), [m.span(g) for g in range(1, rx.groups + 1)]))
    return out


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    out = []
    for folder in FOLDERS:
        for path in sorted((FIXTURES / folder).glob("*.txt")):
            out += [s.text for s in news.sentences(news.read_article(path, path.read_text(encoding="utf-8")))]
    return out


def test_the_odd_characters_are_all_ignorecase_matches_to_ascii_letters():
    """Over all of Unicode, the characters outside ASCII that IGNORECASE matches to an ASCII letter are exactly
    nocase.ODD; an ASCII character matches a letter only in its two cases."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    outside = {c for c in re.findall("[a-z]", every, re.I) if not c.isascii()}
    assert outside == set(nocase.ODD)
    ascii_chars = "".join(map(chr, range(128)))
    for letter in string.ascii_letters:
        assert set(re.findall(letter, ascii_chars, re.I)) == {letter.lower(), letter.upper()}
    for other in set(ascii_chars) - set(string.ascii_letters):
        assert re.findall(re.escape(other), every, re.I) == [other]


def test_rule_patterns_are_compiled_through_nocase():
    names = [name for name, *_ in _rule_patterns()]
    assert len(names) >= 40
    for wanted in ("toll kill_verb", "toll dead_after", "toll injured_after", "date weekday"):
        assert wanted in names


def test_rule_patterns_read_the_same_as_with_ignorecase(sentences):
    """On every fixture sentence, and on a sixth of them in upper case and a sixth with their case swapped. (Where
    the word pre-check rules a text out, the pattern as written finds nothing there, as tests/test_prefilter.py
    checks: the rewritten one must find nothing either.)"""
    texts = sentences + [s.upper() for s in sentences[::6]] + [s.swapcase() for s in sentences[1::6]]
    folded = [prefilter.fold(text) for text in texts]
    checked = 0
    for name, pattern, flags, fast in _rule_patterns():
        original = re.compile(pattern, flags)
        assert fast.groups == original.groups and fast.groupindex == original.groupindex, name
        for text, fold in zip(texts, folded):
            if not prefilter.may_match(fast, fold):
                assert fast.search(text) is None, (name, text[:100])
                continue
            expected = _readings(original, text)
            assert _readings(fast, text) == expected, (name, text[:100])
            checked += bool(expected)
    assert checked > 1000


def test_rule_patterns_on_text_with_odd_case(sentences):
    """Sentences with letters swapped for the odd characters (matched by the pattern as written) and with
    letters outside ASCII added (matched by the rewritten pattern)."""
    swaps = [str.maketrans({"k": "\u212a", "s": "\u017f", "I": "\u0130", "i": "\u0131"}),
             str.maketrans({"K": "\u212a", "S": "\u017f", "i": "\u0130", "e": "é", "a": "Σ"}),
             str.maketrans({"e": "É", "o": "ǅ", "c": "ß", "f": "ﬁ"})]
    texts = [s.translate(swap) for swap in swaps for s in sentences[::15]]
    texts += [s + " " + ODD_TEXT for s in sentences[::23]] + [ODD_TEXT]
    for name, pattern, flags, fast in _rule_patterns():
        original = re.compile(pattern, flags)
        for text in texts:
            assert _readings(fast, text) == _readings(original, text), (name, text[:100])


def test_the_word_precheck_reads_the_pattern_as_written():
    for name, pattern, flags, fast in _rule_patterns():
        assert (fast.pattern, fast.flags) == (pattern, flags) and flags & re.I, name
    rx = nocase.compile(r"\b(?:killed|dead)\s+in\s+(?:the\s+)?(?-i:[A-Z])\w+", re.I)
    assert prefilter.required_sets(rx) == prefilter.required_sets(re.compile(rx.pattern, re.I)) != ()


HAND_WRITTEN = [
    r"\bkill(?:ed|s)?\b", r"(?-i:[A-Z])[a-z]+\s+said", r"[^a-z’]+", r"(?<!\ban\s)(?<!\bthe\s)\bearlier\b",
    r"(?P<n>\d+|one|two)\s+(?P<v>civilians?|soldiers?)", r"(?P<w>\w+)\s+(?P=w)", r"(\w)\1", r"[A-Za-z.-]{2,12}",
    r"communiqu[eé]", r"[\wé]+", r"[\w’'-]+", r"[^\W\d]+", r"(?i:K)elvin|(?-i:Kelvin)", r"\bİstanbul\b", r"ſ|ı",
    r"(?:a|b|c)+?x", r"(?s:.)+?end", r"(?=\w*k)\w+", r"(?>ab|a)c", r"a*+b", r"(x)?(?(1)y|z)", r"[^k]", r"[k-s]+",
    r"\A\w+|\w+\Z|^x|y$", r"[\u00c0-\u00ff]+", r"Σ+|σ|ς", r"(?x) k i l l  # a comment", r"ǅ|ǆ", r"\bK\b",
]
ALPHABET = "kKsSiIaAxyzbcdé ÉΣσςǅǆ’'-.\u212a\u017f\u0130\u0131ß0123 \n_"


@given(st.text(alphabet=ALPHABET, max_size=40))
@settings(max_examples=300, deadline=None)
def test_hand_written_patterns_on_generated_text(text):
    for pattern in HAND_WRITTEN:
        fast = nocase.compile(pattern, re.I)
        original = re.compile(pattern, re.I)
        assert _readings(fast, text) == _readings(original, text), (pattern, text)
        for pos in (0, 1, 3):
            for method in ("search", "match", "fullmatch"):
                a, b = getattr(fast, method)(text, pos), getattr(original, method)(text, pos)
                assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), (pattern, text, method)
        assert fast.sub("#", text) == original.sub("#", text)
        assert fast.split(text) == original.split(text)
        assert fast.findall(text) == original.findall(text)


def test_the_rewritten_pattern_alone_on_text_without_odd_characters():
    """The pattern compiled without IGNORECASE, used directly on texts none of the odd characters are in."""
    texts = ["KILLED kIlLeD killed", "Communiqué COMMUNIQUÉ", "The Kelvin KELVIN", "ÉÉé Σσς ǅǆ ß", "a-b.C xYz"]
    for pattern in HAND_WRITTEN:
        fast = nocase.rewritten(pattern, re.I)
        if fast is None:
            continue
        original = re.compile(pattern, re.I)
        for text in texts:
            assert _readings(fast, text) == _readings(original, text), (pattern, text)


def test_patterns_without_ignorecase_are_compiled_as_given():
    assert isinstance(nocase.compile(r"\bkilled\b"), re.Pattern)
    assert nocase.compile(r"\bkilled\b").search("KILLED") is None
    rx = nocase.compile(r"\bkilled\b", re.I)
    assert isinstance(rx, nocase.Pattern) and rx.pattern == r"\bkilled\b" and rx.flags == re.I
    assert rx.search("Two were KILLED").span() == (9, 15)
    assert nocase.compile(r"(?a)\bk\b", re.I).search("\u212a") is None  # re.ASCII: compiled as given


def test_the_re_module_stand_in_compiles_through_nocase():
    assert isinstance(nocase.RE.compile("a", nocase.RE.I), nocase.Pattern)
    assert nocase.RE.escape("a.b") == re.escape("a.b") and nocase.RE.Pattern is re.Pattern
