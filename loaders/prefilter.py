"""A cheap test that a regular expression cannot match a text, so the search is skipped.

The bulk of the loader's patterns (event cues, casualty phrases, date phrases) match in few sentences, yet a
search tries them at every position. Every match of a pattern contains at least one of a few plain
words it spells out (a cue for talks says "talks", "negotiations", "dialogue" or "meeting"): when a
text holds none of them, the pattern cannot match there. The words are read from the pattern itself
(its parse tree), so a pattern edited in data/ or in the code is guarded as exactly as before.

The test is conservative: it says "may match" whenever it is unsure (a pattern it cannot read, a part
with no word of its own, such as `\\w+` or an optional word), and it never says "cannot match" for a
text the pattern matches. Case: the words and the text are compared in lower case, with the four
non-ASCII letters that Python's IGNORECASE matches to ASCII letters (İ ı ſ K) folded first.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

try:  # the parser of the standard library's re module (a private module, stable since Python 3.11)
    from re import _constants as _c, _parser as _sre_parse
except ImportError:  # pragma: no cover - another Python: no pattern is ever skipped
    _c = _sre_parse = None

# str.lower() misses these: IGNORECASE matches them to "i", "i" and "s" (K, the Kelvin sign, lowers to "k").
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def fold(text: str) -> str:
    """The text as the required words are compared with it (lower case, see the module docstring)."""
    return text.translate(_FOLD).lower()


def may_match(rx: re.Pattern, folded: str) -> bool:
    """False only when `rx` cannot match a text whose fold() is `folded`."""
    words = required_words(rx)
    if words is None:
        return True
    vocabulary = _VOCABULARY  # read after required_words(rx) added rx's words to it
    return not words.isdisjoint(_present(folded, vocabulary.version))


class Screen:
    """One text asked of many patterns (a sentence of every cue, casualty or date rule): the text is folded
    and scanned for the known words once, and a pattern none of whose words it holds is not searched."""

    __slots__ = ("text", "folded", "_present", "_version")

    def __init__(self, text: str):
        self.text = text
        self.folded = fold(text)
        self._present: frozenset[str] = frozenset()
        self._version = -1  # the vocabulary version _present was found with (none yet)

    def may_match(self, rx: re.Pattern) -> bool:
        entry = _WORDS.get(id(rx))
        if entry is None or entry[0] is not rx:
            entry = prepare([rx])[0]
        if entry[1] is None:
            return True
        if self._version < entry[2]:  # a word learned since the text was scanned: scan it again
            vocabulary = _VOCABULARY
            self._present, self._version = _present(self.folded, vocabulary.version), vocabulary.version
        return not entry[1].isdisjoint(self._present)

    def finditer(self, rx: re.Pattern):
        """rx.finditer(text), or no matches at once when the text cannot hold one."""
        return rx.finditer(self.text) if self.may_match(rx) else _NO_MATCHES


_NO_MATCHES = ()


def search(rx: re.Pattern, text: str, folded: str | None = None):
    """rx.search(text), skipped (None) when the text cannot hold a match; `folded` is fold(text) if known."""
    return rx.search(text) if may_match(rx, fold(text) if folded is None else folded) else None


def finditer(rx: re.Pattern, text: str, folded: str | None = None):
    """rx.finditer(text), or no matches at once when the text cannot hold one."""
    return rx.finditer(text) if may_match(rx, fold(text) if folded is None else folded) else iter(())


# Pattern -> (pattern, its words, the vocabulary version that knows them), by identity: hashing a compiled
# pattern hashes its whole program, which for the casualty patterns (every number word in one regex) costs
# more than the search it would save. Each entry holds its pattern, so an id is never reused while cached.
_WORDS: dict[int, tuple[re.Pattern, frozenset[str] | None, int]] = {}
_LOCK = threading.Lock()


def required_words(rx: re.Pattern) -> frozenset[str] | None:
    """Words (lower-case ASCII) of which every match of rx contains at least one; None when there is no such
    set (or the pattern cannot be read)."""
    return _entry(rx)[1]


def _entry(rx: re.Pattern) -> tuple[re.Pattern, frozenset[str] | None, int]:
    entry = _WORDS.get(id(rx))
    if entry is None or entry[0] is not rx:
        entry = prepare([rx])[0]
    return entry


def prepare(patterns) -> list[tuple[re.Pattern, frozenset[str] | None, int]]:
    """Read the words of several patterns at once (a table of them, when it is compiled): the scan of all
    known words is then rebuilt once, not once per pattern. Their entries, in order."""
    found = [(rx, _words_of(rx)) for rx in patterns]
    with _LOCK:
        if len(_WORDS) + len(found) > 4096:
            _WORDS.clear()
        new = frozenset().union(*(words for _, words in found if words))
        if not new <= _VOCABULARY.words:
            _learn(new)
        entries = [(rx, words, _VOCABULARY.version) for rx, words in found]
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


_VOCABULARY = _Vocabulary(0, frozenset(), None)
_VERSIONS: dict[int, _Vocabulary] = {0: _VOCABULARY}


def _learn(words: frozenset[str]) -> None:
    """Add a pattern's words to the vocabulary (under _LOCK): a new version, with its own scan."""
    global _VOCABULARY
    known = _VOCABULARY.words | words
    _VOCABULARY = _Vocabulary(_VOCABULARY.version + 1, known, re.compile(f"(?=({_trie(known)}))"))
    _VERSIONS[_VOCABULARY.version] = _VOCABULARY
    _VERSIONS.pop(_VOCABULARY.version - 8, None)  # a thread still on an older version finds its own


def _trie(words) -> str:
    """One regular expression for a set of words, their common beginnings shared; at a position it matches
    the longest of them that starts there."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # a word ends here: going on is optional

    return emit(root)


SHORT_TEXT = 4096  # characters: a sentence's words are kept for the next table asked of it; a long text's are not


def _present(folded: str, version: int) -> frozenset[str]:
    """The known words (of that vocabulary version) that occur in a folded text."""
    return _present_kept(folded, version) if len(folded) <= SHORT_TEXT else _scan(folded, version)


@functools.lru_cache(maxsize=512)
def _present_kept(folded: str, version: int) -> frozenset[str]:
    return _scan(folded, version)


def _scan(folded: str, version: int) -> frozenset[str]:
    vocabulary = _VERSIONS.get(version) or _VOCABULARY  # evicted: the newest holds every word it held
    known, found = vocabulary.words, set()
    for longest in {m.group(1) for m in vocabulary.scan.finditer(folded)}:
        found.update(longest[:n] for n in range(1, len(longest) + 1) if longest[:n] in known)
    return frozenset(found)


def _words_of(rx: re.Pattern) -> frozenset[str] | None:
    if _sre_parse is None or not isinstance(rx.pattern, str):
        return None
    try:
        tree = _sre_parse.parse(rx.pattern, rx.flags)
    except Exception:  # noqa: BLE001 - a pattern the parser reads differently: never skipped
        return None
    return _required(tree)


def _required(seq) -> frozenset[str] | None:
    """For a sequence of parsed items: the most selective set among those its items require (each item of
    a sequence is in every match, so any one item's set is required)."""
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
        found = None
        if op is _c.SUBPATTERN:
            found = _required(av[3])
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            found = _required(av)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            low, _high, body = av
            found = _required(body) if low >= 1 else None
        elif op is _c.BRANCH:
            alternatives = [_required(alt) for alt in av[1]]
            if alternatives and all(alternatives):
                found = frozenset().union(*alternatives)
        # Anything else (a class, \w, a look-around, a back-reference, a non-ASCII letter) requires no word.
        if found:
            candidates.append(found)
    end_run()
    if not candidates:
        return None
    # Longest shortest word first (fewer texts hold it), then the fewest words to look for.
    return max(candidates, key=lambda words: (min(len(w) for w in words), -len(words)))
