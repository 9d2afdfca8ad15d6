"""The pre-check that skips a pattern's search in a text that lacks its words never skips a text the
pattern matches: on every sentence of every fixture article, for every cue, casualty and date pattern,
and on generated texts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders import news, prefilter, textdates, tolls

FIXTURES = Path(__file__).parent / "fixtures"
FOLDERS = ("articles", "articles_holdout", "articles_dev", "articles_blind4", "articles_blind5a", "articles_blind5b",
           "articles_blind6a", "articles_blind6b", "articles_blind7a", "articles_blind7b",
           "articles_heldout1", "articles_blind8a", "articles_blind8b", "articles_blind9a", "articles_blind9b", "articles_heldout2_seen",
           "articles_blind10a", "articles_blind10b")


def _patterns() -> list[re.Pattern]:
    return ([row["rx"] for row in news.cue_table()] + list(tolls._patterns().values())
            + [rx for _, rx in textdates._RULES])


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    """Every reporting sentence of every fixture article, and each article's whole text."""
    out = []
    for folder in FOLDERS:
        for path in sorted((FIXTURES / folder).glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            out.append(text)
            out += [s.text for s in news.sentences(news.read_article(path, text))]
    return out


def test_words_read_from_patterns():
    assert prefilter.required_words(re.compile(r"\b(?:talks|dialogue)\b", re.I)) == {"talks", "dialogue"}
    # a word every match holds, chosen over the short one
    assert prefilter.required_words(re.compile(r"\bno\s+(?:casualties|deaths)\b")) == {"casualties", "deaths"}
    assert prefilter.required_words(re.compile(r"\b(?:peace\s+)?talks\b")) == {"talks"}  # "peace" is optional
    assert prefilter.required_words(re.compile(r"(?:talks|\w+)\s+failed")) == {"failed"}
    for loose in (r"\w+", r"(?:talks)?", r"[A-Z]\w*", r"talks|\w+", r"(?=talks)\w+", r"[0-9a]"):
        assert prefilter.required_words(re.compile(loose)) is None, loose
        assert prefilter.required_sets(re.compile(loose)) == (), loose
    # a decimal digit counts as a word of its own
    assert prefilter.required_words(re.compile(r"talks|\d+")) == {"talks", prefilter.DIGIT}
    assert prefilter.required_words(re.compile(r"[0-9]{2}")) == {prefilter.DIGIT}


def test_every_part_a_match_needs_is_asked():
    """A pattern whose every match holds two words (or a word and a figure) is skipped in a text lacking
    either, not only the one lacking the most selective of them."""
    rx = re.compile(r"\b(?:killed|died)\s+in\s+(?:a|the)\s+(?:strikes?|raids?)\b", re.I)
    assert set(prefilter.required_sets(rx)) == {frozenset({"strike", "raid"}), frozenset({"killed", "died"})}
    assert prefilter.may_match(rx, prefilter.fold("Two died in the raid."))
    assert not prefilter.may_match(rx, prefilter.fold("The raid was condemned."))  # no "killed" nor "died"
    assert not prefilter.may_match(rx, prefilter.fold("Two died of their wounds."))  # no strike or raid
    dated = re.compile(r"\b(?:march|april)\s+(?P<day>\d{1,2})\b", re.I)
    assert prefilter.required_sets(dated) == ({"march", "april"}, {prefilter.DIGIT})
    assert not prefilter.Screen("They will march on the capital.").may_match(dated)
    assert prefilter.Screen("They marched on March 3.").may_match(dated)
    assert prefilter.Screen("On March \u0663 they marched.").may_match(dated)  # an Arabic-Indic digit is a \\d too
    assert dated.search("On March \u0663 they marched.")


def test_case_folding_meets_every_letter_ignorecase_matches():
    rx = re.compile(r"\bstrikes?\b", re.I)
    for text in ("STRIKES", "Strike", "\u017ftrike", "str\u0130ke", "str\u0131ke"):  # ſ, İ and ı match under IGNORECASE
        assert rx.search(text), text
        assert prefilter.may_match(rx, prefilter.fold(text)), text
    kelvin = re.compile(r"\bkilled\b", re.I)
    assert kelvin.search("\u212ailled") and prefilter.may_match(kelvin, prefilter.fold("\u212ailled"))
    assert not prefilter.may_match(rx, prefilter.fold("a quiet day"))


def test_never_skips_a_fixture_sentence_a_pattern_matches(corpus):
    patterns = _patterns()
    guarded = 0
    for text in corpus:
        folded = prefilter.fold(text)
        screen = prefilter.Screen(text)
        for rx in patterns:
            assert screen.may_match(rx) == prefilter.may_match(rx, folded)
            if not prefilter.may_match(rx, folded):
                guarded += 1
                assert rx.search(text) is None, (rx.pattern[:80], text[:120])
            assert [m.span() for m in prefilter.finditer(rx, text, folded)] == [m.span() for m in rx.finditer(text)]
    assert guarded > len(corpus)  # the pre-check does skip searches: most patterns match in few sentences


def _words_of(rx: re.Pattern) -> list[str]:
    return sorted(prefilter.required_words(rx) or [])


_WORDS = sorted({w for rx in _patterns() for w in _words_of(rx)} | {"the", "army", "said", "on", "Monday", "12"})


@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(["lower", "upper", "title", "odd"]),
                          st.sampled_from([" ", "  ", ", ", "-", "\n", "’s "])), min_size=1, max_size=12))
def test_never_skips_a_generated_text_a_pattern_matches(parts):
    odd = str.maketrans({"i": "\u0131", "s": "\u017f", "k": "\u212a"})
    text = "".join((w.translate(odd) if case == "odd" else getattr(w, case)()) + sep for w, case, sep in parts)
    folded = prefilter.fold(text)
    for rx in _patterns():
        if rx.search(text):
            assert prefilter.may_match(rx, folded), (rx.pattern[:80], text)


def test_one_scan_finds_every_known_word_a_text_holds(corpus):
    """The scan that finds, once per text, which known words it holds finds each of them (words inside other
    words and words sharing a beginning too), as `word in text` would."""
    for rx in _patterns():
        prefilter.required_words(rx)
    vocabulary = prefilter._VOCABULARY
    assert {"kill", "killed", "killing", "toll"} <= vocabulary.words
    for text in corpus + ["the skills of killers", "tolls", "no one was killed", "ceasefire-talks"]:
        folded = prefilter.fold(text)
        digit = {prefilter.DIGIT} if re.search(r"\d", text) else set()
        assert prefilter._present(folded, vocabulary.version) == {w for w in vocabulary.words if w in folded} | digit


def test_a_screen_sees_the_words_of_a_pattern_met_after_it_was_made():
    screen = prefilter.Screen("A herd of quaggas crossed the road.")
    assert screen.may_match(news.cue_table()[0]["rx"]) is False  # scanned with the words known so far
    later = re.compile(r"\bquaggas?\b", re.I)  # a word no pattern had
    assert screen.may_match(later) and [m.group(0) for m in screen.finditer(later)] == ["quaggas"]
    assert not screen.may_match(re.compile(r"\bokapis?\b"))


def test_the_bits_a_text_meets_agree_with_its_words(corpus):
    """A text's met sets are kept as bits of one integer: a pattern passes exactly when one of its alternatives
    has each of its sets meeting the words the scan found in the text (and a digit where it has one)."""
    patterns = _patterns()
    for rx in patterns:
        prefilter.required_words(rx)
    checked = 0
    for text in corpus + ["On March 3 two died in the raid.", "talks 12", "no figure here"]:
        folded = prefilter.fold(text)
        present = prefilter._present(folded, prefilter._VOCABULARY.version)
        for rx in patterns:
            alternatives = prefilter._entry(rx)[4]
            expected = not alternatives or any(all(not words.isdisjoint(present) for words in sets) for sets in alternatives)
            assert prefilter.may_match(rx, folded) == expected, (rx.pattern[:80], text[:80])
            checked += not expected
    assert checked > len(corpus)


def _met_by_whole_scan(folded: str) -> int:
    """The bits a text meets as the scan of the whole text finds them (the longest known word at every
    position, with every known word it begins with): what the run-by-run scan must give."""
    vocabulary = prefilter._VOCABULARY
    met = 0
    for longest in set(vocabulary.scan.findall(folded)):
        met |= vocabulary.bits[longest]
    if re.search(r"\d", folded):
        met |= vocabulary.bits.get(prefilter.DIGIT, 0)
    return met


_ODD_TEXTS = ["A cease-fire was agreed; a sit-in followed.", "women and children were among the dead",
              "\u212ailled in the \u0130nvasion", "killedé and éKILLED", "talks\u00a0failed", "3 killed", "\u0663 killed",
              "ceasefire-talks", "the skills of killers", "", "-- -- --", "sit-ins and cease-fires, re-commit"]


def test_run_by_run_scan_meets_the_sets_the_whole_text_scan_does(corpus):
    """The known words of a-z and 0-9 are found in each run of those characters (a run scanned once and
    remembered), the few others ("cease-fire") one by one: the bits met are those of one scan of the whole text."""
    for rx in _patterns():
        prefilter.required_words(rx)
    vocabulary = prefilter._VOCABULARY
    assert {w for w, _ in vocabulary.joined} >= {"cease-fire", "sit-in"}
    assert all(not re.fullmatch(r"[a-z0-9]+", w) for w, _ in vocabulary.joined)
    for text in corpus + _ODD_TEXTS:
        folded = prefilter.fold(text)
        assert prefilter._met_scan(folded, vocabulary.version) == _met_by_whole_scan(folded), text[:80]


def test_run_scan_is_right_when_its_memory_starts_again(monkeypatch, corpus):
    for rx in _patterns():
        prefilter.required_words(rx)
    vocabulary = prefilter._VOCABULARY
    monkeypatch.setattr(prefilter, "RUNS_KEPT", 5)
    vocabulary.runs.clear()  # (a cache: emptied, it fills again)
    for text in corpus[:40] + _ODD_TEXTS:
        folded = prefilter.fold(text)
        assert prefilter._met_scan(folded, vocabulary.version) == _met_by_whole_scan(folded), text[:80]
        assert len(vocabulary.runs) <= 5


@given(st.lists(st.tuples(st.sampled_from(_WORDS + ["cease-fire", "sit-in", "é", "\u212a", "9"]),
                          st.sampled_from(["lower", "upper", "title"]),
                          st.sampled_from(["", " ", "-", "é", "’s "])), min_size=1, max_size=10))
def test_run_scan_on_generated_text(parts):
    for rx in _patterns():
        prefilter.required_words(rx)
    text = "".join(getattr(w, case)() + sep for w, case, sep in parts)
    folded = prefilter.fold(text)
    assert prefilter._met_scan(folded, prefilter._VOCABULARY.version) == _met_by_whole_scan(folded), text


def test_a_table_answers_as_each_of_its_patterns_would(corpus):
    """Screen.passing(table) asks a table's patterns in one go: the same answers as may_match for each."""
    tables = [prefilter.Table(row["rx"] for row in news.cue_table()), prefilter.Table(tolls._patterns().values()),
              prefilter.Table(rx for _, rx in textdates._RULES)]
    skipped = 0
    for text in corpus + _ODD_TEXTS:
        for table in tables:
            answers = prefilter.Screen(text).passing(table)
            assert [bool(a) for a in answers] == [prefilter.Screen(text).may_match(rx) for rx in table.patterns]
            skipped += answers.count(False) + answers.count(0)
    assert skipped > len(corpus)


def test_a_table_of_patterns_learned_after_a_screen_was_made():
    screen = prefilter.Screen("A herd of zebus crossed the road; no walruses.")
    assert screen.may_match(news.cue_table()[0]["rx"]) is False
    table = prefilter.Table([re.compile(r"\bzebus?\b", re.I), re.compile(r"\bnarwhals?\b"), re.compile(r"\w+")])
    assert [bool(a) for a in screen.passing(table)] == [True, False, True]


def test_a_screened_pattern_answers_as_the_pattern_does(corpus):
    """prefilter.Screened: search, match and finditer give the pattern's own answers, on every fixture sentence
    and article, for the rules of news.py that are screened, and each skips texts without their words."""
    screened = [rx for value in vars(news).values() for rx in (value if isinstance(value, list) else [value])
                if isinstance(rx, prefilter.Screened)]
    assert len(screened) >= 7  # five rules of a clause's toll and the two of who said it
    skipped = 0
    for text in corpus + ["The war, which has killed 40 people, goes on.", ""]:
        for rx in screened:
            found = rx.search(text)
            assert (found and found.span()) == (rx.rx.search(text) and rx.rx.search(text).span())
            assert (rx.match(text) and rx.match(text).span()) == (rx.rx.match(text) and rx.rx.match(text).span())
            assert [m.span() for m in rx.finditer(text)] == [m.span() for m in rx.rx.finditer(text)]
            assert (rx.search(text, 5) and rx.search(text, 5).span()) == (rx.rx.search(text, 5) and rx.rx.search(text, 5).span())
            skipped += not prefilter.Screen(text).may_match(rx.rx)
    assert skipped > len(corpus)
    war = prefilter.Screened(re.compile(r"\bwar\b[^.]*\bkilled\b", re.I))
    assert war.search("The war, which has killed 40 people, goes on.").group(0) == "war, which has killed"
    assert war.search("The talks went on.") is None and list(war.finditer("The talks went on.")) == []
