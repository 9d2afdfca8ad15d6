"""The loader's shortcuts give exactly what the full rules give.

Each shortcut skips work that provably cannot change the result; these tests hold them to that on the
sentences of the frozen articles (dev parts only) and on generated text."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders import prefilter, tolls
from loaders.geocode import normalise

FIXTURES = Path(__file__).parent / "fixtures"
_DEV_FOLDERS = ("articles", "articles_holdout", "articles_dev", "pages/articles")


def _sentences() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for d in _DEV_FOLDERS for p in sorted((FIXTURES / d).glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))]
    return [s for t in texts for s in re.split(r"(?<=[.!?])\s+|\n+", t) if s.strip()]


SENTENCES = _sentences()


def _normalise_reference(name: str) -> str:
    """normalise as it was written before its ASCII shortcut: every string through NFKD."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("ı", "i").casefold()
    text = re.sub(r"[’'`ʼ‘]", "", text)
    text = re.sub(r"[^\w]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def test_fixture_corpus_is_not_empty():
    assert len(SENTENCES) > 200


@given(st.text())
def test_normalise_matches_the_full_unicode_path(name):
    assert normalise(name) == _normalise_reference(name)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_normalise_matches_the_full_unicode_path_on_ascii(name):
    assert normalise(name) == _normalise_reference(name)


def test_normalise_matches_on_every_word_and_sentence_of_the_articles():
    words = {w for s in SENTENCES for w in re.findall(r"[\w’'ʼ-]+", s)}
    for text in sorted(words) + SENTENCES + ["Spīn Bōldak", "Dİyarbakır", "Kupʼyansk", "  ‘Ain  al-Asad’ "]:
        assert normalise(text) == _normalise_reference(text), text


def _toll_without_shortcuts(sentence: str) -> tolls.Toll:
    """extract_toll with every rule tried in every sentence (the word pre-check of loaders/prefilter.py off;
    tests/test_prefilter.py checks that pre-check pattern by pattern)."""
    with patch.object(prefilter.Screen, "may_match", lambda self, rx: True):
        return tolls.extract_toll(sentence)


def test_toll_of_every_article_sentence_is_unchanged_by_the_shortcut():
    for sentence in SENTENCES:
        assert tolls.extract_toll(sentence) == _toll_without_shortcuts(sentence), sentence


_PIECES = ["12", "at least 15", "a dozen", "dozens of", "several", "two", "people", "soldiers", "civilians",
           "fighters", "were", "was", "have been", "killed", "dead", "died", "wounded", "injured", "hurt",
           "deaths", "fatalities", "and", ",", "including", "in the attack", "the army said", "left", "toll",
           "rose to", "Killed", "DEATHS", "no one was", "lost their lives", "neutralised", "wounded-"]


@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12), st.sampled_from([" ", "  ", "\n", "-"]))
def test_toll_of_generated_sentences_is_unchanged_by_the_shortcut(pieces, sep):
    sentence = sep.join(pieces) + "."
    assert tolls.extract_toll(sentence) == _toll_without_shortcuts(sentence)


@pytest.mark.parametrize("sentence", ["Two soldiers were killed and three wounded.", "There were 4 deaths.",
                                      "Nobody was hurt.", "The talks resumed on Monday."])
def test_shortcut_keeps_plain_readings(sentence):
    assert tolls.extract_toll(sentence) == _toll_without_shortcuts(sentence)
