"""A row's quote gives each sentence once, however many look-backs joined it."""

from pathlib import Path

import loaders
from loaders.news import _more_quote

FIXTURES = Path(__file__).parent / "fixtures"


def test_more_quote_adds_only_new_sentences():
    assert _more_quote("A.", "B.") == "A. … B."
    assert _more_quote("A. … B.", "B.") == "A. … B."
    assert _more_quote("A.", "B. … A. … C. … B.") == "A. … B. … C."


def test_no_fixture_row_quotes_a_sentence_twice():
    # Two articles whose rows once quoted a sentence twice (a toll told once, joined by two look-backs).
    paths = [FIXTURES / "articles_blind5b" / "bangladesh-myanmar-naf-fishermen-teknaf-shell.txt",
             FIXTURES / "articles_blind7a" / "doha-ceasefire-explainer-spin-boldak-paktika.txt"]
    events = loaders.load(paths)
    assert len(events) > 10
    repeated = [q for q in events["source_quote"].dropna() if len(q.split(" … ")) != len(set(q.split(" … ")))]
    assert not repeated, repeated[:3]
