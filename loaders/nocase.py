"""`compile(pattern, re.I)`: a pattern that matches exactly as `re.compile(pattern, re.I)` does, faster.

With IGNORECASE, `re` compiles every cased letter to an operation that lower-cases the text's character
before comparing it, and its quick tests are lost: a list of alternatives is entered branch by branch (a
branch whose first letter is a plain letter or a class is skipped with one test when the text's character
differs), and a search gets no set of first characters to skip ahead with. The long rules (cues, casualty
wordings, dates) are lists of dozens of words, so much of their time goes there.

The same language can be written without the flag: each cased ASCII letter becomes the class of its two cases
(`k` -> `[Kk]`), a class of ASCII letters gets the other case of each. `re` itself matches a few characters
outside ASCII to ASCII letters under IGNORECASE: the Kelvin sign to k, the long s to s, the dotted capital I
and the dotless small i to i (`_ODD`; the tests check there are no others, over all of Unicode). A text holding
none of them (nearly every text) is matched by the rewritten pattern; a text holding one is matched by the
pattern as written, compiled with IGNORECASE when first needed. What the pattern marks case-sensitive
(`(?-i:[A-Z])`) stays as written; what this module does not rewrite stays case-insensitive where it stands
(a letter outside ASCII, a class mixing letters with `\\w`-like categories or holding characters outside ASCII,
a back-reference). The pattern is parsed once; the parsed tree is changed and compiled (no second parse),
so compiling costs what re.compile does. Groups keep their numbers and names: spans and groups are the same.

`compile` returns a `Pattern`, which has re.Pattern's methods and attributes (`pattern` and `flags` are the
ones given, so the word pre-check and the backwards reader read the pattern as written). Its matches come
from either compiled pattern: `m.re` is that one, not the `Pattern`.

For rule writers: write a pattern as before and compile it with `nocase.compile(pattern, re.I)` (the same
arguments as re.compile) where it is searched often; `tests/test_nocase.py` checks the rule patterns
compiled so against their IGNORECASE originals on every fixture sentence and on texts with odd case.
"""

from __future__ import annotations

import functools
import re
import threading

import _sre

try:  # the parser and compiler of the standard library's re module (private modules, stable since Python 3.11)
    from re import _compiler as _sre_compile, _constants as _c, _parser as _sre_parse
except ImportError:  # pragma: no cover - another Python: every pattern is compiled as given
    _c = _sre_compile = _sre_parse = None

# The characters outside ASCII that IGNORECASE matches to an ASCII letter: the Kelvin sign (k), the long s (s),
# the dotted capital I and the dotless small i (i). Checked against re over all of Unicode by the tests.
ODD = "\u212a\u017f\u0130\u0131"
_ODD = re.compile("[" + ODD + "]")

_PLAIN_FLAGS = int(re.DOTALL | re.MULTILINE | re.UNICODE | re.VERBOSE)  # flags the rewritten pattern keeps as they are
_I = int(re.IGNORECASE)  # (as an int: the enum's operators are slow, and the tree is walked item by item)


def compile(pattern, flags: int = 0):  # noqa: A001 - the same name and arguments as re.compile
    """re.compile(pattern, flags); with IGNORECASE, a Pattern matching the same from a pattern compiled without it."""
    if not flags & re.IGNORECASE or not isinstance(pattern, str):
        return re.compile(pattern, flags)
    fast = _rewritten(pattern, flags)
    if fast is None:
        return re.compile(pattern, flags)
    return Pattern(pattern, flags, fast)


class Pattern:
    """A pattern compiled with IGNORECASE, matched by its rewriting without the flag where that is the same."""

    __slots__ = ("pattern", "flags", "groups", "groupindex", "_fast", "_slow")

    def __init__(self, pattern: str, flags: int, fast: re.Pattern):
        self.pattern, self.flags, self._fast, self._slow = pattern, flags, fast, None
        self.groups, self.groupindex = fast.groups, fast.groupindex

    def _for(self, text) -> re.Pattern:
        if text.isascii() or not _ODD.search(text):
            return self._fast
        if self._slow is None:
            self._slow = re.compile(self.pattern, self.flags)
        return self._slow

    def search(self, string, *args, **kwargs):
        return self._for(string).search(string, *args, **kwargs)

    def match(self, string, *args, **kwargs):
        return self._for(string).match(string, *args, **kwargs)

    def fullmatch(self, string, *args, **kwargs):
        return self._for(string).fullmatch(string, *args, **kwargs)

    def finditer(self, string, *args, **kwargs):
        return self._for(string).finditer(string, *args, **kwargs)

    def findall(self, string, *args, **kwargs):
        return self._for(string).findall(string, *args, **kwargs)

    def split(self, string, *args, **kwargs):
        return self._for(string).split(string, *args, **kwargs)

    def sub(self, repl, string, *args, **kwargs):
        return self._for(string).sub(repl, string, *args, **kwargs)

    def subn(self, repl, string, *args, **kwargs):
        return self._for(string).subn(repl, string, *args, **kwargs)

    def __repr__(self) -> str:
        return f"nocase.compile({self.pattern[:60]!r}, {self.flags!r})"


def rewritten(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern | None:
    """The pattern compiled without IGNORECASE, matching as the pattern with it on any text without ODD
    characters; None when this module cannot rewrite it. (For tests and measurement.)"""
    return _rewritten(pattern, flags)


def _rewritten(pattern: str, flags: int) -> re.Pattern | None:
    if _sre_parse is None:
        return None
    try:
        tree = _sre_parse.parse(pattern, flags)
        state_flags = int(tree.state.flags)  # with any the pattern sets itself ("(?s)")
        if state_flags & ~(_I | _PLAIN_FLAGS) or not state_flags & _I:
            return None
        _Rewriter(tree.state).sequence(tree, True)
        tree.state.flags = state_flags & ~_I
        with _COMPILING:
            _sre_compile._optimize_charset = _optimize_charset
            try:
                return _sre_compile.compile(tree, int(flags) & ~_I)
            finally:
                _sre_compile._optimize_charset = _ORIGINAL_OPTIMIZE
    except _Unwritable:
        return None
    except Exception:  # noqa: BLE001 - a pattern the parser reads differently: compiled as given
        return None


class _Unwritable(Exception):
    pass


class _Rewriter:
    """Changes a parsed tree in place: each item matched without case as IGNORECASE matched it."""

    def __init__(self, state):
        self.state = state

    def sequence(self, seq, fold: bool) -> None:
        data = seq.data
        for i, (op, av) in enumerate(data):
            data[i] = self.item(op, av, fold)

    def keep_ignorecase(self, op, av):
        """The item inside (?i:...): compiled with IGNORECASE where it stands, as it was."""
        return _c.SUBPATTERN, (None, _I, 0, _sre_parse.SubPattern(self.state, [(op, av)]))

    def item(self, op, av, fold: bool):  # noqa: C901 - one case per parsed operation
        if op is _c.LITERAL:
            if not fold or not _sre.unicode_iscased(av):
                return op, av
            if av < 128:
                return _c.IN, _LETTER[av]
            return self.keep_ignorecase(op, av)
        if op is _c.NOT_LITERAL:
            if not fold or not _sre.unicode_iscased(av):
                return op, av
            if av < 128:
                return _c.IN, _ascii_class((av,), True)
            return self.keep_ignorecase(op, av)
        if op is _c.IN:
            return self.klass(av, fold)
        if op in (_c.ANY, _c.AT, _c.CATEGORY):
            return op, av
        if op is _c.BRANCH:
            for alt in av[1]:
                self.sequence(alt, fold)
            return op, av
        if op is _c.SUBPATTERN:
            group, add, remove, body = av
            inner_fold = (fold or bool(add & _I)) and not remove & _I
            self.sequence(body, inner_fold)
            # IGNORECASE is now spelt out in the classes; other scoped flags stay
            return op, (group, add & ~_I, remove & ~_I, body)
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            self.sequence(av[2], fold)
            return op, av
        if op is _c.ATOMIC_GROUP:
            self.sequence(av, fold)
            return op, av
        if op in (_c.ASSERT, _c.ASSERT_NOT):
            self.sequence(av[1], fold)
            return op, av
        if op is _c.GROUPREF:
            # IGNORECASE compares a group's text without case
            return self.keep_ignorecase(op, av) if fold else (op, av)
        if op is _c.GROUPREF_EXISTS:
            _group, yes, no = av
            self.sequence(yes, fold)
            if no is not None:
                self.sequence(no, fold)
            return op, av
        raise _Unwritable(op)

    def klass(self, items, fold: bool):
        if not fold:
            return _c.IN, items
        negate = bool(items) and items[0][0] is _c.NEGATE
        body = items[1:] if negate else items
        codes: list[int] = []
        cased = outside = categories = False
        for op, av in body:
            if op is _c.LITERAL:
                cased = cased or _sre.unicode_iscased(av)
                outside = outside or av >= 128
                codes.append(av)
            elif op is _c.RANGE:
                low, high = av
                if high >= 128:
                    outside = cased = True  # (taken as cased: then kept case-insensitive as written, which is exact)
                else:
                    cased = cased or any(map(_sre.unicode_iscased, range(low, high + 1)))
                    codes.extend(range(low, high + 1))
            elif op is _c.CATEGORY:
                categories = True
            else:
                raise _Unwritable(op)
        if not cased:
            return _c.IN, items  # re compiles a class without a cased character as it is under IGNORECASE
        if categories or outside:
            return self.keep_ignorecase(_c.IN, items)
        return _c.IN, _ascii_class(tuple(codes), negate)


# The compiler's reading of a class (its _optimize_charset) is the costliest step of compiling a rewritten pattern
# (one class per letter: 200,000 in the casualty patterns). The classes this module makes are few distinct lists,
# each shared by all its occurrences, so their readings are kept, by identity, and handed to the compiler while
# it compiles a rewritten pattern. Any other class (and any class when the compiler asks with IGNORECASE) is read
# by the compiler's own function, which is a pure function of its arguments; the lock keeps one compile at a time.
_ORIGINAL_OPTIMIZE = getattr(_sre_compile, "_optimize_charset", None)
_READINGS: dict[int, tuple[list, object]] = {}
_COMPILING = threading.Lock()


def _optimize_charset(charset, iscased=None, fixup=None, fixes=None):
    kept = _READINGS.get(id(charset)) if iscased is None else None
    if kept is not None and kept[0] is charset:
        return kept[1]
    return _ORIGINAL_OPTIMIZE(charset, iscased, fixup, fixes)


@functools.lru_cache(maxsize=4096)
def _ascii_class(codes: tuple[int, ...], negate: bool) -> list:
    """A class of the ASCII characters `codes` and their other case, as parsed items (runs as ranges)."""
    members = set()
    for code in codes:
        c = chr(code)
        members.update((ord(c.lower()), ord(c.upper())))
    items = [(_c.NEGATE, None)] if negate else []
    ordered = sorted(members)
    start = prev = ordered[0]
    for code in ordered[1:] + [None]:
        if code is not None and code == prev + 1:
            prev = code
            continue
        items.append((_c.LITERAL, start) if start == prev else (_c.RANGE, (start, prev)))
        if code is not None:
            start = prev = code
    if _ORIGINAL_OPTIMIZE is not None:
        _READINGS[id(items)] = (items, _ORIGINAL_OPTIMIZE(items))  # (held here: never freed, its id never reused)
    return items


# A cased ASCII letter's class, by code (one list shared by every occurrence: the compiler only reads it).
_LETTER = {code: _ascii_class((code,), False) for code in range(128) if chr(code).isalpha()}


class _ReModule:
    """The re module with this module's compile: `re = nocase.RE` at the top of a function that builds rules
    makes its `re.compile(..., re.I)` calls compile through `compile` without editing each of them."""

    compile = staticmethod(compile)

    def __getattr__(self, name: str):
        return getattr(re, name)


RE = _ReModule()
