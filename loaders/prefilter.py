"""A cheap test that a regular expression cannot match a text, so the search is skipped.

The bulk of the loader's patterns (event cues, casualty phrases, date phrases) match in few sentences, yet a
search tries them at every position. Every match of a pattern contains at least one of a few plain
words it spells out (a cue for talks says "talks", "negotiations", "dialogue" or "meeting"): when a
text holds none of them, the pattern cannot match there. The words are read from the pattern itself
(its parse tree), so a pattern edited in data/ or in the code is guarded as exactly as before.

A match may need more than one such word ("killed" and a figure): every part of a pattern that each of
its matches holds gives a set of words, and a text must hold a word of each set (the few most selective
sets are kept). A decimal digit (`\\d`, `[0-9]`) counts as a word too (DIGIT): "<month> 12" needs one. A
pattern made of alternatives ("talks ... were held" or "last met") is asked alternative by alternative: the
text must hold the words of one of them. Each set known has a bit: a text is scanned once for the sets it meets
(one integer), and a pattern's alternative is one mask tested against it.

The test is conservative: it says "may match" whenever it is unsure (a pattern it cannot read, a part
with no word of its own, such as `\\w+` or an optional word), and it never says "cannot match" for a
text the pattern matches. Case: the words and the text are compared in lower case, with the four
non-ASCII letters that Python's IGNORECASE matches to ASCII letters (İ ı ſ K) folded first.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass, field

try:  # the parser of the standard library's re module (a private module, stable since Python 3.11)
    from re import _constants as _c, _parser as _sre_parse
except ImportError:  # pragma: no cover - another Python: no pattern is ever skipped
    _c = _sre_parse = None

# str.lower() misses these: IGNORECASE matches them to "i", "i" and "s" (K, the Kelvin sign, lowers to "k").
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def fold(text: str) -> str:
    """The text as the required words are compared with it (lower case, see the module docstring)."""
    return text.translate(_FOLD).lower()


# The word that stands for "a decimal digit": no text's fold() holds it, so it is never found by the word scan;
# _scan adds it when the text has a digit.
DIGIT = "\x00digit"
_DIGIT = re.compile(r"\d")


def may_match(rx: re.Pattern, folded: str) -> bool:
    """False only when `rx` cannot match a text whose fold() is `folded`."""
    entry = _entry(rx)
    if not entry[5]:
        return True
    return _meets(entry[5], entry[6], _met(folded, _VOCABULARY.version))  # read after _entry(rx) added rx's words


def _meets(masks: tuple[int, ...], keys: int, met: int) -> bool:
    """Whether one alternative has every set it needs met (`met`: the bits of the sets a text meets; `keys`:
    the bit of one set of each alternative, so a text meeting none of them fails at once)."""
    if not met & keys:
        return False
    for mask in masks:
        if met & mask == mask:
            return True
    return False


class Screen:
    """One text asked of many patterns (a sentence of every cue, casualty or date rule): the text is folded
    and scanned for the known words once, and a pattern none of whose words it holds is not searched."""

    __slots__ = ("text", "folded", "_met", "_version")

    def __init__(self, text: str):
        self.text = text
        self.folded = fold(text)
        self._met = 0  # the bits of the sets of words the text meets
        self._version = -1  # the vocabulary version _met was found with (none yet)

    def may_match(self, rx: re.Pattern) -> bool:
        entry = _WORDS.get(id(rx))
        if entry is None or entry[0] is not rx:
            entry = prepare([rx])[0]
        masks = entry[5]
        if not masks:
            return True
        if self._version < entry[2]:  # a set learned since the text was scanned: scan it again
            vocabulary = _VOCABULARY
            self._met, self._version = _met(self.folded, vocabulary.version), vocabulary.version
        met = self._met
        if not met & entry[6]:  # not even one set of each alternative: most patterns, most texts
            return False
        for mask in masks:
            if met & mask == mask:
                return True
        return False

    def finditer(self, rx: re.Pattern):
        """rx.finditer(text), or no matches at once when the text cannot hold one."""
        return rx.finditer(self.text) if self.may_match(rx) else _NO_MATCHES

    def passing(self, table: Table) -> list[bool]:
        """For each pattern of a table, in order, may_match(pattern): the whole table asked in one go."""
        if self._version < table.version:  # a set learned since the text was scanned: scan it again
            vocabulary = _VOCABULARY
            self._met, self._version = _met(self.folded, vocabulary.version), vocabulary.version
        met = self._met
        # (a pattern of one alternative: its one mask met; of none: always; else as may_match)
        return [met & one == one if one else (not masks or (met & keys and _any_met(met, masks)))
                for one, keys, masks in table.tests]


def _any_met(met: int, masks: tuple[int, ...]) -> bool:
    for mask in masks:
        if met & mask == mask:
            return True
    return False


class Table:
    """Patterns asked of the same texts one after the other (the cue table, the casualty or date rules): their
    tests are read once, so a Screen answers for all of them in one go (Screen.passing), as may_match would
    for each. A set's bit never changes once given, so the tests hold for every later vocabulary."""

    __slots__ = ("patterns", "tests", "version")

    def __init__(self, patterns):
        self.patterns = tuple(patterns)
        # The words of a pattern already read are not read again (the casualty patterns take ~0.3 s to read).
        prepare([rx for rx in self.patterns if _known(rx) is None])
        entries = [_entry(rx) for rx in self.patterns]
        # (the mask of its one alternative or 0, keys, masks); no masks: always searched
        self.tests = tuple((entry[5][0] if len(entry[5]) == 1 else 0, entry[6], entry[5]) for entry in entries)
        self.version = max((entry[2] for entry in entries), default=0)


_NO_MATCHES = ()


_UNREAD: list[re.Pattern] = []  # the patterns of Screened made and not yet read


def _read_unread() -> None:
    """Read the words of every screened pattern not read yet, together (the scan of all words is rebuilt once)."""
    with _LOCK:
        unread = list(dict.fromkeys(_UNREAD))
        _UNREAD.clear()
    prepare([rx for rx in unread if _known(rx) is None])


class Screened:
    """A pattern searched only in a text that may hold a match: search(), match() and finditer() answer as the
    pattern's own do, but a text whose words the pattern's matches need are missing from (its Screen, shared
    through screen_of) is not searched. For the rules asked of whole sentences and clauses, whose Screen the
    date, cue and casualty rules have already made: the test is then a few mask tests."""

    __slots__ = ("rx", "pattern", "flags")

    def __init__(self, rx: re.Pattern):
        self.rx, self.pattern, self.flags = rx, rx.pattern, rx.flags
        _UNREAD.append(rx)  # its words are read when one of the screened patterns is first asked, all at once

    def _may_match(self, text: str) -> bool:
        if _UNREAD and _known(self.rx) is None:
            _read_unread()
        return screen_of(text).may_match(self.rx)

    def search(self, text: str, *span):
        return self.rx.search(text, *span) if self._may_match(text) else None

    def match(self, text: str, *span):
        return self.rx.match(text, *span) if self._may_match(text) else None

    def finditer(self, text: str, *span):
        return self.rx.finditer(text, *span) if self._may_match(text) else _NO_MATCHES

    def __repr__(self) -> str:
        return f"Screened({self.rx!r})"


@functools.lru_cache(maxsize=256)
def screen_of(text: str) -> Screen:
    """The Screen of a text, shared: a sentence is asked of the date, cue and casualty rules in turn (and a
    clause that is the whole sentence again), folded and scanned once for all of them."""
    return Screen(text)


def search(rx: re.Pattern, text: str, folded: str | None = None):
    """rx.search(text), skipped (None) when the text cannot hold a match; `folded` is fold(text) if known."""
    return rx.search(text) if may_match(rx, fold(text) if folded is None else folded) else None


def finditer(rx: re.Pattern, text: str, folded: str | None = None):
    """rx.finditer(text), or no matches at once when the text cannot hold one."""
    return rx.finditer(text) if may_match(rx, fold(text) if folded is None else folded) else iter(())


# Pattern -> (pattern, its most selective word set, the vocabulary version that knows them, the sets every match
# needs, the alternatives each with the sets its matches need, those as masks: the bits of an alternative's
# sets, and the keys: the bit of each alternative's first set), by identity: hashing a compiled pattern hashes its whole program, which for the casualty patterns (every number word in one regex) costs
# more than the search it would save. Each entry holds its pattern, so an id is never reused while cached.
_Entry = tuple[re.Pattern, "frozenset[str] | None", int, "tuple[frozenset[str], ...]",
               "tuple[tuple[frozenset[str], ...], ...]", "tuple[int, ...]", int]
# Every set of words a pattern's alternative needs -> its bit (a text's met sets are one integer).
_SET_BITS: dict[frozenset[str], int] = {}
_WORDS: dict[int, _Entry] = {}
_LOCK = threading.Lock()


def required_words(rx: re.Pattern) -> frozenset[str] | None:
    """Words (lower-case ASCII) of which every match of rx contains at least one; None when there is no such
    set (or the pattern cannot be read)."""
    return _entry(rx)[1]


def required_sets(rx: re.Pattern) -> tuple[frozenset[str], ...]:
    """Every set of words (most selective first) of which each match of rx contains at least one word;
    empty when there is none (or the pattern cannot be read). DIGIT stands for a decimal digit."""
    return _entry(rx)[3]


def _known(rx: re.Pattern) -> _Entry | None:
    """rx's entry if its words have been read (and not forgotten since)."""
    entry = _WORDS.get(id(rx))
    return entry if entry is not None and entry[0] is rx else None


def _entry(rx: re.Pattern) -> _Entry:
    entry = _WORDS.get(id(rx))
    if entry is None or entry[0] is not rx:
        entry = prepare([rx])[0]
    return entry


def prepare(patterns) -> list[_Entry]:
    """Read the words of several patterns at once (a table of them, when it is compiled): the scan of all
    known words is then rebuilt once, not once per pattern. Their entries, in order."""
    found = [(rx, *_sets_of(rx)) for rx in patterns]
    with _LOCK:
        if len(_WORDS) + len(found) > 4096:
            _WORDS.clear()
        needed = {words: None for _, _, test in found for alternative in test for words in alternative}
        new_sets = [words for words in needed if words not in _SET_BITS]
        new = frozenset().union(*needed)
        if new_sets or not new <= _VOCABULARY.words:
            _learn(new, new_sets)
        entries = [(rx, sets[0] if sets else None, _VOCABULARY.version, sets, test,
                    tuple(_mask(alternative) for alternative in test),
                    functools.reduce(int.__or__, (_SET_BITS[alternative[0]] for alternative in test), 0))
                   for rx, sets, test in found]
        _WORDS.update((id(entry[0]), entry) for entry in entries)
    return entries


# Which of the required words a text holds is found once per text, for every pattern asked of it: one scan
# with a trie of all the words known so far, each position giving the longest word that starts there (and
# with it every known word that is a prefix of it, so every occurrence of every word is found).

@dataclass(frozen=True)
class _Vocabulary:
    version: int
    words: frozenset[str]
    scan: re.Pattern | None
    prefixes: dict[str, frozenset[str]]  # a known word -> the known words it begins with (itself among them)
    bits: dict[str, int]  # a known word (or DIGIT) -> the bits of the sets it or a known word it begins with is in
    # The known words spelt with a character other than a-z and 0-9 ("cease-fire"), each with the bits of the sets
    # it is in: looked for in a text one by one (they are few); every other known word lies inside one run of
    # a-z and 0-9 of the text.
    joined: tuple[tuple[str, int], ...] = ()
    # A run of a-z and 0-9 -> the bits of the sets of the known words inside it: the same runs ("killed", "the")
    # come back sentence after sentence, so each is scanned once.
    runs: dict[str, int] = field(default_factory=dict)


_VOCABULARY = _Vocabulary(0, frozenset(), None, {}, {})
_VERSIONS: dict[int, _Vocabulary] = {0: _VOCABULARY}


def _learn(words: frozenset[str], sets=()) -> None:
    """Add patterns' words and sets to the vocabulary (under _LOCK): a new version, with its own scan."""
    global _VOCABULARY
    for words_of_set in sets:
        _SET_BITS.setdefault(words_of_set, 1 << len(_SET_BITS))
    known = _VOCABULARY.words | words
    spelt = known - {DIGIT}
    prefixes = {w: frozenset(w[:n] for n in range(1, len(w) + 1) if w[:n] in known) for w in spelt}
    of_word: dict[str, int] = {}
    for words_of_set, bit in _SET_BITS.items():
        for w in words_of_set:
            of_word[w] = of_word.get(w, 0) | bit
    bits = {w: functools.reduce(int.__or__, (of_word.get(p, 0) for p in prefixes[w]), 0) for w in spelt}
    bits[DIGIT] = of_word.get(DIGIT, 0)
    joined = tuple((w, of_word.get(w, 0)) for w in sorted(spelt) if not _RUN.fullmatch(w))
    _VOCABULARY = _Vocabulary(_VOCABULARY.version + 1, known, re.compile(f"(?=({_trie(spelt)}))"), prefixes, bits,
                              joined)
    _VERSIONS[_VOCABULARY.version] = _VOCABULARY
    _VERSIONS.pop(_VOCABULARY.version - 8, None)  # a thread still on an older version finds its own


def _trie(words) -> str:
    """One regular expression for a set of words, their common beginnings shared; at a position it matches
    the longest of them that starts there."""
    return tree_pattern(word_tree(words))


def word_tree(words) -> dict:
    """The words as a tree of letters: each node maps a letter to the node after it; "" marks a word's end."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return root


def tree_pattern(node: dict) -> str:
    """A regular expression matching the words of a word_tree(), common beginnings shared; where one word
    ends and another goes on, going on is tried first (the longest word wins)."""
    branches = [re.escape(ch) + tree_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


SHORT_TEXT = 4096  # characters: a sentence's words are kept for the next table asked of it; a long text's are not


def _present(folded: str, version: int) -> frozenset[str]:
    """The known words (of that vocabulary version) that occur in a folded text."""
    return _present_kept(folded, version) if len(folded) <= SHORT_TEXT else _scan(folded, version)


@functools.lru_cache(maxsize=512)
def _present_kept(folded: str, version: int) -> frozenset[str]:
    return _scan(folded, version)


def _mask(sets) -> int:
    """The bits of an alternative's sets (each registered by _learn)."""
    return functools.reduce(int.__or__, (_SET_BITS[words] for words in sets), 0)


@functools.lru_cache(maxsize=512)
def _met_kept(folded: str, version: int) -> int:
    return _met_scan(folded, version)


def _met(folded: str, version: int) -> int:
    """The bits of the sets (known to that vocabulary version) of which a folded text holds a word."""
    return _met_kept(folded, version) if len(folded) <= SHORT_TEXT else _met_scan(folded, version)


# A run of the characters most known words are spelt with: a known word of those characters that a text holds
# lies inside one of the text's runs.
_RUN = re.compile(r"[a-z0-9]+")
RUNS_KEPT = 100_000  # runs whose bits a vocabulary keeps (then it starts again: a bound on memory)


def _met_scan(folded: str, version: int) -> int:
    """The bits of the sets a folded text meets: for each known word in the text (wherever it stands, inside
    other words too), the bits of the sets it is in. The words of a-z and 0-9 are found run by run (each run
    scanned once per vocabulary, with the scan of all known words), the few others one by one."""
    vocabulary = _VERSIONS.get(version) or _VOCABULARY  # evicted: the newest knows every set it knew
    if vocabulary.scan is None:
        return 0
    runs, met = vocabulary.runs, 0
    kept = runs.get
    for run in _RUN.findall(folded):
        found = kept(run)
        if found is None:
            found = _met_of_run(vocabulary, run)
            if len(runs) >= RUNS_KEPT:
                runs.clear()
            runs[run] = found
        if found:
            met |= found
    for word, word_bits in vocabulary.joined:
        if word in folded:
            met |= word_bits
    if _DIGIT.search(folded):  # fold() keeps every digit a digit (they have no case)
        met |= vocabulary.bits.get(DIGIT, 0)
    return met


def _met_of_run(vocabulary: _Vocabulary, run: str) -> int:
    """The bits of the sets of the known words inside one run of a-z and 0-9 (the longest known word at each
    position, and with it every known word it begins with)."""
    bits, met = vocabulary.bits, 0
    for longest in set(vocabulary.scan.findall(run)):
        met |= bits[longest]
    return met


def _scan(folded: str, version: int) -> frozenset[str]:
    vocabulary = _VERSIONS.get(version) or _VOCABULARY  # evicted: the newest holds every word it held
    # The longest known word at each position, and every known word it begins with.
    found = frozenset().union(*map(vocabulary.prefixes.__getitem__, set(vocabulary.scan.findall(folded))))
    if _DIGIT.search(folded):  # fold() keeps every digit a digit (they have no case)
        found |= {DIGIT}
    return found


KEPT_SETS = 3  # the most selective sets kept of a pattern (each one asked of a text costs a set test)


def _sets_of(rx: re.Pattern) -> tuple[tuple[frozenset[str], ...], tuple[tuple[frozenset[str], ...], ...]]:
    """The sets every match of rx needs, and the test asked of a text (see _Entry); both empty when rx
    cannot be read or needs no word."""
    if _sre_parse is None or not isinstance(rx.pattern, str):
        return (), ()
    try:
        tree = _sre_parse.parse(rx.pattern, rx.flags)
    except Exception:  # noqa: BLE001 - a pattern the parser reads differently: never skipped
        return (), ()
    sets = _kept(_requirements(tree))
    if not sets:
        return (), ()
    # A pattern that is a list of alternatives (around them, parts every match has, such as a leading \b): each
    # alternative, with the other items of the sequence, needs its own words; the text must hold those of one of them.
    items = list(tree)
    while len(items) == 1 and items[0][0] is _c.SUBPATTERN and items[0][1][0] is None:
        items = list(items[0][1][3])  # a group that captures nothing: its contents (a capture names no words)
    branches = [i for i, (op, _av) in enumerate(items) if op is _c.BRANCH]
    if len(branches) == 1:
        i = branches[0]
        before, after = items[:i], items[i + 1:]
        # The parts around the alternatives are read once, not once per alternative (their sets are the same
        # for each), unless a word would run on from them into an alternative.
        around = (_sorted_sets(_candidates(before)), _sorted_sets(_candidates(after)))
        alternatives = tuple(
            _kept(_requirements(before + list(alt) + after) if _runs_on(before, alt, after)
                  else _sorted_sets(around[0] + _candidates(alt) + around[1]))
            for alt in items[i][1][1])  # (_sorted_sets of the parts around: the same order, fewer sets to sort)
        if all(alternatives):
            return sets, tuple(dict.fromkeys(alternatives))
    return sets, (sets,)


def _runs_on(before, alt, after) -> bool:
    """Whether a plain letter ends the part before the alternative and one begins it (or ends it, and one
    begins the part after): then they are one word."""
    def letter(item) -> bool:
        return item[0] is _c.LITERAL and item[1] < 128
    alt = list(alt)
    if not alt:
        return bool(before and after and letter(before[-1]) and letter(after[0]))
    return bool((before and letter(before[-1]) and letter(alt[0])) or (after and letter(alt[-1]) and letter(after[0])))


def _sorted_sets(candidates: list[frozenset[str]]) -> list[frozenset[str]]:
    """Candidates as _requirements gives them: repeats and sets holding another dropped, most selective first."""
    ordered = sorted(dict.fromkeys(candidates), key=_selectivity, reverse=True)
    return [words for words in ordered if not any(other < words for other in ordered)]


def _kept(sets: list[frozenset[str]]) -> tuple[frozenset[str], ...]:
    """The most selective set, and up to KEPT_SETS - 1 more. Beyond the first, a set with a short word is no
    use: nearly every text holds "in" or "s", and every short word known makes the scan of each text slower."""
    return tuple(sets[:1] + [words for words in sets[1:] if _selectivity(words)[0] >= 3 or words == {DIGIT}][:KEPT_SETS - 1])


def _selectivity(words: frozenset[str]) -> tuple[int, int]:
    """Longest shortest word first (fewer texts hold it), then the fewest words to look for; a digit counts
    as a one-letter word."""
    return min(1 if w == DIGIT else len(w) for w in words), -len(words)


def _required(seq) -> frozenset[str] | None:
    """For a sequence of parsed items: the most selective set among those its items require (the first such,
    in the order _candidates gives them)."""
    candidates = _candidates(seq)
    return max(candidates, key=_selectivity) if candidates else None


def _branch(av) -> frozenset[str] | None:
    """What a list of alternatives needs: a word of one of them (each alternative's most selective set)."""
    alternatives = [_required(alt) for alt in av[1]]
    return frozenset().union(*alternatives) if alternatives and all(alternatives) else None


def _is_digit_class(op, av) -> bool:
    """`\\d`, `[0-9]`, `[\\d]`: a class every character of which is a decimal digit."""
    if op is not _c.IN or not av:
        return False
    for item_op, item in av:
        if item_op is _c.CATEGORY and item in (_c.CATEGORY_DIGIT, getattr(_c, "CATEGORY_UNI_DIGIT", None)):
            continue
        if item_op is _c.RANGE and 48 <= item[0] <= item[1] <= 57:
            continue
        if item_op is _c.LITERAL and 48 <= item <= 57:
            continue
        return False
    return True


def _requirements(seq) -> list[frozenset[str]]:
    """For a sequence of parsed items: every set of words one of which each match holds (each item of a
    sequence is in every match, so each item's sets are required), most selective first."""
    # The most selective set first; a set that holds another is implied by it and adds nothing.
    return _sorted_sets(_candidates(seq))


def _candidates(seq) -> list[frozenset[str]]:
    """_requirements' sets, in the order the items give them (repeats and implied sets not yet dropped: that is
    done once, for the whole pattern)."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def end_run() -> None:
        if run:
            candidates.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in seq:
        if op is _c.LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        end_run()
        if op is _c.SUBPATTERN:
            candidates += _candidates(av[3])
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            candidates += _candidates(av)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            low, _high, body = av
            if low >= 1:
                candidates += _candidates(body)
        elif op is _c.BRANCH:
            found = _branch(av)
            if found:
                candidates.append(found)
        elif _is_digit_class(op, av):
            candidates.append(frozenset([DIGIT]))
        # Anything else (another class, \w, a look-around, a back-reference, a non-ASCII letter) requires no word.
    end_run()
    return candidates
