"""Whether a pattern that ends in `$` matches the text before a position: `bool(rx.search(text[:end]))`, asked
quickly.

The place rules ask, for every capitalised word of a sentence, whether a locative word stands just before it
("in", "near the", "shelled"): a pattern anchored at the end, searched in everything before the word. A search
tries it at every position of that text, though a match can only be the last few words. Instead the pattern is
read backwards once (its parse tree, each sequence reversed; `$` becomes the start) and matched, anchored,
on the text before the position read backwards: one attempt instead of one per position, and the same
answer, since a match of the pattern ending at `end` is a match of the reversed pattern starting at the
reversed text's start.

Only patterns whose every part reads the same backwards are reversed: literals, classes, alternatives,
groups, repeats, `\\b` and `\\B` (a boundary is one between the same two characters either way), and `$` as
the pattern's last part. A pattern with a look-around, a back-reference, an atomic group, a possessive
repeat or another anchor is searched as before.
"""

from __future__ import annotations

import re
import threading

try:  # the parser of the standard library's re module (a private module, stable since Python 3.11)
    from re import _constants as _c, _parser as _sre_parse
except ImportError:  # pragma: no cover - another Python: every pattern is searched as before
    _c = _sre_parse = None


def ends_with(rx: re.Pattern, text: str) -> bool:
    """bool(rx.search(text)) for a pattern ending in `$` (a match ends the text); any other pattern is searched
    as usual."""
    global _LAST
    kept = _REVERSED.get(id(rx))
    backwards = kept[1] if kept is not None and kept[0] is rx else reversed_pattern(rx)
    if backwards is None:
        return rx.search(text) is not None
    last = _LAST
    if last[0] == text:  # the rules ask several patterns of the same text before a word in turn
        return backwards.match(last[1]) is not None
    reverse = text[::-1]
    _LAST = (text, reverse)
    return backwards.match(reverse) is not None


_LAST: tuple[str, str] = ("", "")  # the last text asked and its reversal (one tuple: read and set in one step)


# Pattern -> (pattern, its reversal or None), by identity (a compiled pattern's hash reads its whole program).
_REVERSED: dict[int, tuple[re.Pattern, re.Pattern | None]] = {}
_LOCK = threading.Lock()


def reversed_pattern(rx: re.Pattern) -> re.Pattern | None:
    """A pattern that matches, where a text read backwards begins, exactly when rx matches the text ending
    at its end; None when rx is not one this module can reverse."""
    kept = _REVERSED.get(id(rx))
    if kept is not None and kept[0] is rx:
        return kept[1]
    backwards = None
    if _sre_parse is not None and isinstance(rx.pattern, str) and not rx.flags & re.MULTILINE:
        try:
            items = list(_sre_parse.parse(rx.pattern, rx.flags))
        except Exception:  # noqa: BLE001 - read differently: searched as usual
            items = []
        body = None
        if items and items[-1] == (_c.AT, _c.AT_END):
            body = _sequence(items[:-1])
        elif items and items[-1][0] is _c.BRANCH and all(
                len(alt) and alt[-1] == (_c.AT, _c.AT_END) for alt in items[-1][1][1]):
            # "A$|B$" (the parser may have moved a common start out of the branches: "\bA$|\bB$" is "\b(?:A$|B$)")
            # is "(?:A|B)$"
            ends = (_c.BRANCH, (None, [list(alt)[:-1] for alt in items[-1][1][1]]))
            body = _sequence(items[:-1] + [ends])
        if body is not None:
            try:
                # `$` also matches before a newline that ends the text: read backwards, one may come first.
                backwards = re.compile("\n?" + body, rx.flags)
            except re.error:
                backwards = None
    with _LOCK:
        if len(_REVERSED) > 1024:
            _REVERSED.clear()
        _REVERSED[id(rx)] = (rx, backwards)
    return backwards


_FLAG_LETTERS = {re.IGNORECASE: "i", re.DOTALL: "s", re.VERBOSE: "x", re.ASCII: "a", re.UNICODE: "u"}
_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
               "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}


def _sequence(seq) -> str | None:
    """The regular expression of a parsed sequence read backwards, or None when a part cannot be."""
    parts = []
    for op, av in reversed(list(seq)):
        part = _item(op, av)
        if part is None:
            return None
        parts.append(part)
    return "".join(parts)


def _item(op, av) -> str | None:
    if op is _c.LITERAL:
        return re.escape(chr(av))
    if op is _c.NOT_LITERAL:
        return f"[^{re.escape(chr(av))}]"
    if op is _c.ANY:
        return "."
    if op is _c.IN:
        return _class(av)
    if op is _c.AT:
        if av is _c.AT_BOUNDARY:
            return r"\b"
        if av is _c.AT_NON_BOUNDARY:
            return r"\B"
        return None  # another anchor: not the same read backwards
    if op is _c.BRANCH:
        alternatives = [_sequence(alt) for alt in av[1]]
        return None if any(a is None for a in alternatives) else "(?:" + "|".join(alternatives) + ")"
    if op is _c.SUBPATTERN:
        _group, add, remove, body = av
        inner = _sequence(body)
        if inner is None or any(flag & ~sum(_FLAG_LETTERS) for flag in (add, remove)):
            return None
        flags = "".join(letter for flag, letter in _FLAG_LETTERS.items() if add & flag)
        if remove:
            flags += "-" + "".join(letter for flag, letter in _FLAG_LETTERS.items() if remove & flag)
        return f"(?{flags}:{inner})"
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, high, body = av
        inner = _sequence(body)
        if inner is None:
            return None
        bounds = f"{{{low},{'' if high is _c.MAXREPEAT else high}}}"
        return f"(?:{inner}){bounds}" + ("?" if op is _c.MIN_REPEAT else "")
    return None  # a look-around, a back-reference, an atomic group, a possessive repeat


def _class(items) -> str | None:
    out = []
    for i, (op, av) in enumerate(items):
        if op is _c.NEGATE and i == 0:
            out.append("^")
        elif op is _c.LITERAL:
            out.append(re.escape(chr(av)))
        elif op is _c.RANGE:
            out.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is _c.CATEGORY and str(av) in _CATEGORIES:
            out.append(_CATEGORIES[str(av)])
        else:
            return None
    return "[" + "".join(out) + "]" if out else None
