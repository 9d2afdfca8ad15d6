"""Casualty words -> ranges (SPEC §4), driven by the word tables in data/."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from loaders import nocase, prefilter
from loaders.paths import DATA_DIR

OPEN = None  # an open upper bound ("at least 15")


@dataclass(frozen=True)
class Count:
    """A number of people as a range; high None means open-ended."""

    low: int
    high: int | None

    def __add__(self, other: "Count") -> "Count":
        high = None if self.high is None or other.high is None else self.high + other.high
        return Count(self.low + other.low, high)

    def span(self, other: "Count") -> "Count":
        """The range covering two competing figures."""
        high = None if self.high is None or other.high is None else max(self.high, other.high)
        return Count(min(self.low, other.low), high)


@dataclass
class Toll:
    """What one passage says about the dead and injured."""

    killed: Count | None = None
    civilians: int | None = None
    injured: Count | None = None
    texts: list[str] = field(default_factory=list)
    groups: set[str] = field(default_factory=set)
    killed_groups: set[str] = field(default_factory=set)  # the groups of the dead alone (not of the injured)
    # Every figure counts the speaker's own side ("we lost 4 guards", "six of its troops died"): two
    # sides' counts of their own losses are parts of one toll, not competing claims (SPEC §4).
    own: bool = False

    @property
    def text(self) -> str | None:
        return "; ".join(self.texts) if self.texts else None


@functools.lru_cache(maxsize=1)
def _number_words() -> dict[str, int]:
    df = pd.read_csv(DATA_DIR / "number_words.csv", dtype={"word": str, "value": int})
    return dict(zip(df["word"], df["value"]))


@functools.lru_cache(maxsize=1)
def _victim_groups() -> dict[str, tuple[str, bool]]:
    df = pd.read_csv(DATA_DIR / "victim_groups.csv", dtype=str)
    return {w: (g, c == "1") for w, g, c in zip(df["word"], df["group"], df["civilian"])}


# Plural forms that do not end in "s": a victim word ending in "s" or in one of these names many people.
_PLURAL_ENDINGS = ("men", "people", "children", "police", "personnel", "folk", "youth", "staff", "crew")
# Names of groups that take no plural ending ("the <movement>" is the movement, not one of its men).
_COLLECTIVES = ("taliban", "khawarij", "mujahideen", "fedayeen")
# Determiners that name one person when a singular victim word follows ("the driver", "his son").
_ONE_DETERMINERS = ("the", "his", "her", "its", "their", "a", "an")


@functools.lru_cache(maxsize=1)
def _singular_victims() -> tuple[str, ...]:
    """Victim words that name one person (data/victim_groups.csv, told apart by their ending)."""
    return tuple(w for w in _victim_groups()
                 if not w.lower().endswith("s") and not w.lower().endswith(_PLURAL_ENDINGS)
                 and w.lower() not in _COLLECTIVES and not w.lower().startswith("passers"))


def _alternation(words) -> str:
    """One alternative of the words, their common beginnings shared ("t(?:en|wo|hree)"): where several words match
    at one place (each a beginning of the next), the longest is tried first, as in a list of them longest
    first, but a place where none begins is left after one letter, not one try per word."""
    words = list(words)
    root = prefilter.word_tree(words)

    def distinct(node: dict) -> bool:
        """No two branches of a node are one letter in two cases (the patterns ignore case: both could match,
        and the longer word would no longer come first)."""
        letters = [prefilter.fold(ch) for ch in node if ch]
        return len(letters) == len(set(letters)) and all(distinct(child) for child in node.values())

    if not distinct(root):
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return prefilter.tree_pattern(root)


@functools.lru_cache(maxsize=1)
def _number_re() -> str:
    words = _number_words()
    tens = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    units = "one|two|three|four|five|six|seven|eight|nine"
    # "two dozen", "three hundred": a figure may be multiplied
    return (rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|(?:{tens})[- ](?:{units})|{_alternation(words)})"
            rf"(?:[- ](?:{_MULTIPLIERS})(?![\w-]))?")


_MULTIPLIERS = "dozen|hundred|thousand"


def parse_number(text: str) -> int | None:
    """'23', '1,200', 'twenty-three', 'a dozen' -> int."""
    t = text.strip().lower()
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", t):
        return int(t.replace(",", ""))
    words = _number_words()
    if t in words:
        return words[t]
    m = re.fullmatch(rf"(.+?)[- ]({_MULTIPLIERS})", t)
    if m:
        n = parse_number(m.group(1))
        return None if n is None else n * words[m.group(2)]
    m = re.fullmatch(r"(\w+)[- ](\w+)", t)
    if m and m.group(1) in words and m.group(2) in words:
        return words[m.group(1)] + words[m.group(2)]
    return None


@functools.lru_cache(maxsize=1)
def _phrase_rules() -> list[tuple[re.Pattern, str, str]]:
    df = pd.read_csv(DATA_DIR / "casualty_words.csv", dtype=str, keep_default_na=False)
    num = _number_re()
    rules = []
    for phrase, low, high in zip(df["phrase"], df["low"], df["high"]):
        pattern = re.escape(phrase).replace(r"\{N\}", f"(?P<n>{num})").replace(r"\{M\}", f"(?P<m>{num})")
        pattern = pattern.replace(r"\ ", r"\s+").replace(r"\-", r"\s*[-–]\s*")
        rules.append((re.compile(pattern, re.I), low, high))
    return rules


def _evaluate(expr: str, n: int | None, m: int | None) -> int | None:
    if expr == "open":
        return OPEN
    if expr == "N":
        return n
    if expr == "M":
        return m
    if expr == "N+1":
        return n + 1
    if expr == "ceil(0.8N)":
        return math.ceil(0.8 * n)
    return int(expr)


def parse_quantity(text: str) -> Count | None:
    """A quantity phrase of SPEC §4 ('at least 15', 'dozens', 'nearly 40') -> Count."""
    t = re.sub(r"\s+", " ", text.strip())
    for rx, low, high in _phrase_rules():
        m = rx.fullmatch(t)
        if not m:
            continue
        n = parse_number(m.group("n")) if "n" in rx.groupindex else None
        mm = parse_number(m.group("m")) if "m" in rx.groupindex else None
        if ("n" in rx.groupindex and n is None) or ("m" in rx.groupindex and mm is None):
            continue
        if mm is not None and mm <= n:  # "twenty-three" is one number, not a range
            continue
        return Count(_evaluate(low, n, mm), _evaluate(high, n, mm))
    return None


@functools.lru_cache(maxsize=1)
def _quantity_re() -> str:
    """Any quantity phrase, longest alternatives first, as one regex fragment."""
    num = _number_re()
    parts = []
    df = pd.read_csv(DATA_DIR / "casualty_words.csv", dtype=str, keep_default_na=False)

    def fragment(text: str) -> str:
        p = re.escape(text).replace(r"\{N\}", num).replace(r"\{M\}", num)
        return p.replace(r"\ ", r"\s+").replace(r"\-", r"\s*[-–]\s*")

    # The phrases that begin with the figure ("{N} or more", "{N}-{M}", "{N}") become one alternative, the
    # figure read once and then its optional endings, where the bare figure stands in the table: the same
    # matches as one alternative each, without reading the figure again for each ending.
    endings = [fragment(ph[3:]) for ph in df["phrase"] if ph.startswith("{N}") and ph != "{N}"]
    for phrase in df["phrase"]:
        if phrase == "{N}":
            parts.append(rf"{num}(?:{'|'.join(endings)})?" if endings else num)
        elif not phrase.startswith("{N}"):
            parts.append(fragment(phrase))
    return "(?:" + "|".join(parts) + r")(?![\w-])"


_DEATH = (r"(?:killed|dead|died|martyred|slain|neutrali[sz]ed|eliminated|lost\s+their\s+lives|perished"
          r"|shot\s+dead|gunned\s+down|(?:stabbed|beaten|hacked|burned|burnt|shot)\s+to\s+death|lynched|executed|beheaded"
          r"|embraced\s+(?:martyrdom|shahadat))")
_INJURY = (r"(?:injured|wounded|hurt|hospitali[sz]ed"
           # someone who lost a limb or an eye: maimed, so wounded
           r"|lost\s+(?:his|her|their|a|an|one|both)\s+(?:(?:left|right|lower|upper)\s+)?(?:legs?|arms?|foot|feet|hands?|eyes?|limbs?)"
           r"|(?:sustained|suffered|received)\s+(?:\w+\s+)?(?:injuries|wounds)"
           r"|treated\s+(?:in\s+hospital\s+)?for\s+(?:\w+\s+)?(?:injuries|wounds)"
           r"|treated\s+(?:in|at)\s+(?:a\s+|the\s+)?(?:\w+\s+)?hospitals?"
           r"|(?:taken|rushed|admitted|brought|evacuated)\s+to\s+(?:a\s+|the\s+)?(?:\w+\s+)?hospitals?)")
_AUX = (r"(?:(?:were|was|have|has|had|been|are|is|being|reportedly|also|all|later|allegedly|found|confirmed|"
        r"seriously|critically|severely|badly|gravely|lightly|slightly|mortally|fatally|now|since|subsequently)\s+){0,3}")


def _fragments() -> dict[str, str]:
    """The pieces the casualty patterns are made of: a quantity (q), one figure of a toll (q1: a quantity or a
    word that names one person), the victims after it (victim, its word in group v), a possessive before a
    list's later figure (poss), and the victim words alone (victims). Each cached builder calls it once."""
    q = _quantity_re()
    victims = _alternation(_victim_groups())
    # A victim word, maybe after "of the", a few adjectives or "members of the"; or a capitalised plural
    # (a people named by its nationality: "five <Nationals> were killed"), which counts as people.
    # ("some 4 of them died": a partitive pronoun names people told of before)
    victim = (rf"(?:\s+of\s+(?:them|those)(?=\s+(?:were|was|had|have|are|died|killed|wounded|injured)\b)|\s+(?:of\s+(?:its|their|his|her|the)\s+)?(?:[\w’'-]+\s+of\s+(?:its|their|his|her|the)\s+)?"
              # up to two words before the victim word, or a three-word unit name in capitals
              rf"(?:(?:[\w’'-]+\s+){{0,2}}?|(?:(?-i:[A-Z])[\w’'-]*\s+){{3}})(?P<v>{victims}|(?-i:[A-Z][a-z]+s))\b"
              # a second group joined without a figure of its own ("fighters and allied militants"): one count
              rf"(?:\s+(?:and|or)\s+(?:their\s+(?=[\w’'-]+s\b)|(?!(?:{_alternation(_number_words())}|the|his|her|its|their|dozens|scores|several|some)\s)(?![\w’'-]*ing\s)[a-z][\w’'-]*\s+)?"
              rf"(?:{victims})\b(?!\s+(?:said|say|says|told|added)\b))?)")
    # "the driver", "his son", "its pilot": one person, named by a determiner before a singular victim word.
    # ("a" and "an" are numbers already: only the other determiners need the singular word after them)
    one = (rf"(?:{_alternation(d for d in _ONE_DETERMINERS if d not in _number_words())})(?=\s+(?:[\w’'-]+\s+){{0,2}}?(?:{_alternation(_singular_victims())})\b"
           # not a word that qualifies a plural or a whole ("the civilian population", "the soldier deaths")
           r"(?!\s+(?:(?!(?:was|is|has|his|its|this|as|us|whose)\b)[\w-]+s|population|toll|death|casualty)\b))")
    # "killed one and wounded another", "one died and another was hurt": one more person
    another = (r"another(?=\s*(?:[,.;]|$)|\s+(?:(?:was|had\s+been|has\s+been)\s+)?(?:(?:seriously|critically|badly|"
               r"lightly|slightly)\s+)?(?:injured|wounded|hurt|killed)\b)")
    # "took a trader away and killed him": the one person told of before
    pron = r"(?:him|her)(?=\s*(?:[,.;]|$)|\s+(?:and|in|at|on|near|with|after|before|during|while|as|outside|inside)\b)"
    q1 = rf"(?:{q}|{one}|{another}|{pron})"
    # a second figure of one list may follow a possessive ("a farmer and his two sons")
    poss = r"(?:(?:his|her|their|its)\s+)?"
    return {"q": q, "q1": q1, "victim": victim, "poss": poss, "victims": victims}


@functools.lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    re = nocase.RE  # the patterns below are compiled by nocase.compile: the same matches, faster (loaders/nocase.py)
    f = _fragments()
    q, q1, victim, poss, victims = f["q"], f["q1"], f["victim"], f["poss"], f["victims"]
    # an aside ("including ...", "among them ...") between the figure and the verb
    aside = (r"(?:\s*,\s*(?:including|among\s+them|most\s+of\s+them|many\s+of\s+them)\s+[^,.;]{1,40}?,"
             r"|\s*,\s*(?:an?|the|his|her|their|two|three)\s+[^,.;]{1,40}?,"
             r"|\s*,\s*(?-i:[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,3}),"  # a name in apposition ("its mayor, <Name>,")
             r"|\s+(?:from|on|of)\s+(?:both|either|each|the\s+two|all)\s+sides"
             # whose they were or where they came from, before the verb ("nine herders of a single clan were killed",
             # "three workers from the port were hurt"): a qualifier of the victims, no figure of its own
             r"|\s+(?:of|from)\s+(?:the\s+same|one|the|an?|their|his|her|its)\s+(?:[\w’'-]+\s+){0,2}?[\w’'-]+(?=\s+(?:were|was|had|have|has)\s)"
             # "<N> <victims> including <one of them> <verb>": the aside told without commas
             r"|\s+(?:including|among\s+them)\s+[^,.;]{1,40}?(?=\s+(?:were|was|have|has|had)\s)"
             r"|\s+who\s+(?:had|have|has)\s+been\s+[\w-]+(?:\s+(?:by|in|from|at)\s+[^,.;]{1,30}?)?"
             # "a cousin who ran over was hurt": a short relative clause in the past
             r"|\s+who\s+(?:had\s+)?(?-i:[a-z]+ed|ran|came|went)\b[^,.;]{0,30}?(?=\s+(?:was|were|had)\s))?")
    more = r"(?:\s+(?:more|second|third|fourth|fifth|sixth))?"  # "five more died", "a fifth was hurt": more of the same, counted as told
    # "the mayor of <Town> and three more people": the office's place between a victim and the
    # next figure of the list (a capitalised name, at most three words)
    of_name = r"(?:\s+of\s+(?:the\s+)?(?-i:[A-Z])[\w’'-]*(?:\s+(?!and\b)[\w’'-]+){0,2}?(?=\s*,?\s+and\s))?"
    flags = re.I
    patterns = {
        "subset": re.compile(rf"\bincluding\s+(?P<q>{q})(?:\s+[\w-]+)?\s+(?P<v>civilians|women and children|children|women)\b", flags),
        # nobody, none of them: zero; "no casualties", "no deaths or injuries", "without casualties". (Not "no
        # civilians were harmed": one group spared says nothing of the others.)
        "none": re.compile(rf"\b(?:no\s+one|nobody|none(?:\s+of\s+(?:them|the\s+(?:[\w’'-]+\s+){{0,2}}?(?:{victims}|crew)))?)"
                           # where the spared were (aboard a vessel, inside a house, at a post)
                           r"(?:\s+(?:on\s+board|aboard|inside|(?:in|at|on|inside|aboard)\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?(?:[\w’'-]+\s+){0,2}?[\w’'-]+))?"
                           r"\s+(?:was|were|had\s+been|has\s+been|have\s+been)\s+(?:(?:reported|reportedly)\s+)?(?P<k>killed|hurt|harmed|injured|wounded)\b"
                           r"(?P<both3>\s+or\s+(?:injured|wounded|hurt|harmed))?"
                           r"|\b(?P<k2>killing|hurting|harming|injuring|wounding|killed|hurt|harmed|injured|wounded)\s+(?:no\s+one|nobody)\b"
                           r"|\b(?:no\s+|without\s+(?:causing\s+|any\s+)?)(?P<c>casualties|deaths|fatalities|injuries)(?P<both>\s+or\s+(?:injuries|injured))?\b"
                           # "no loss of life", "without loss of life", "no lives were lost": no one dead (the wounded untold)
                           r"|\b(?P<life>(?:no|without(?:\s+any)?)\s+loss\s+of\s+(?:human\s+)?life|no\s+lives\s+(?:were|had\s+been|have\s+been)\s+lost)\b", flags),
        "dead_after": re.compile(rf"\b(?P<q>{q1}){more}{victim}?{aside}\s+(?:(?:and|,)\s+{poss}(?P<q2>{q1}){more}{victim.replace('?P<v>', '?P<v2>')}?\s+)?{_AUX}{_DEATH}\b", flags),
        "lost": re.compile(rf"\b(?:lost|losing)\s+(?P<q>{q}){victim}", flags),
        "losses_at": re.compile(rf"\b(?:put|puts|putting|put\s+the\s+number\s+of)\s+(?:its|their|his|her|the)\s+(?:own\s+)?(?:losses|dead|(?:death\s+)?toll|casualties)\s+(?:\w+\s+){{0,2}}?at\s+(?P<q>{q})", flags),
        "kill_verb": re.compile(rf"\b(?:killing|killed|kill|kills|martyring|martyred|shot\s+dead|shooting\s+dead|gunned\s+down|executed|massacred|beheaded|beheading|claimed\s+the\s+lives\s+of|(?:neutrali[sz]|eliminat)(?:ed|ing)|(?:killings?|massacre|murders?|deaths|martyrdom)\s+of|(?:bodies|corpses)\s+of)[\"“”’']?\s+[\"“]?(?:(?:all|the|all\s+the|another)\s+)?(?P<q>{q1}){victim}?{of_name}(?:\s*(?:,|and|,\s+and)\s+{poss}(?P<q2>(?!(?:[\w’'-]+\s+){{1,4}}?(?:said|says|told|added|reported|confirmed)\b){q1}){victim.replace('?P<v>', '?P<v2>')})?", flags),
        "left_dead": re.compile(rf"\b(?:left|leaving|leaves)\s+(?P<q>{q}){victim}?\s+(?:people\s+)?dead\b", flags),
        # "claimed 12 lives", "costing 3 lives"? ("claimed the lives of N" belongs to kill_verb)
        "lives": re.compile(rf"\b(?:claimed|claiming|claims|cost|costing|costs)\s+(?P<q>{q})\s+(?:more\s+)?(?:[\w-]+\s+)?lives\b", flags),
        # "nine bodies were recovered", "received five bodies": the dead counted as bodies
        "bodies": re.compile(rf"\b(?P<q>{q})\s+(?:more\s+)?(?:dead\s+)?(?:bodies|corpses)\b", flags),
        "toll": re.compile(rf"\b(?:death\s+)?toll\s+(?:\w+\s+){{0,3}}?(?:to|at|of)\s+(?P<q>{q})\b", flags),
        "deaths": re.compile(rf"\b(?P<q>{q})\s+(?:deaths|fatalities)\b", flags),
        "injured_after": re.compile(rf"\b(?P<q>{q1}){more}{victim}?{aside}\s+(?:(?:and|,)\s+{poss}(?P<q2>{q1}){more}{victim.replace('?P<v>', '?P<v2>')}?\s+)?{_AUX}{_INJURY}\b", flags),
        "injure_verb": re.compile(rf"\b(?:injuring|wounding|hurting|injured|wounded|leaving|left|received|receiving|treated|treating|admitted)[\"“”’']?\s+[\"“]?(?:(?:all|the|all\s+the|another)\s+)?(?P<q>{q1}){victim}?(?:\s*(?:,|and|,\s+and)\s+{poss}(?P<q2>(?!(?:[\w’'-]+\s+){{1,4}}?(?:said|says|told|added|reported|confirmed)\b){q1}){victim.replace('?P<v>', '?P<v2>')})?(?:\s+(?:people\s+)?(?:{_INJURY})|\s+for\s+(?:[\w-]+\s+)?(?:injuries|wounds))?", flags),
        "casualties": re.compile(rf"\b(?:{q}|heavy|many|numerous|significant|serious)\s+(?:[\w-]+\s+)?casualties\b", flags),
        # "the toll has risen to N", "the number of <victims> killed rose to N", "revised the figure to N"
        "risen_to": re.compile(rf"\b(?:(?:toll|number\s+of\s+(?:the\s+)?(?:dead|deaths|fatalities|injured|wounded|(?:people|those|{victims})\s+(?:killed|dead|who\s+died|injured|wounded|hurt)))\b[^.;]{{0,160}}?\b(?:has\s+|had\s+|have\s+)?(?:risen|rose|climbed|increased|jumped|reached)"
                               rf"|\b(?:revised|revising|updated|updating|corrected|correcting)\s+(?:the|its|their|his|her)\s+(?:death\s+)?(?:toll|figure|count|tally)(?:\s+of\s+(?:the\s+)?(?:dead|injured|wounded))?)\s+(?:up(?:wards?)?\s+|down(?:wards?)?\s+)?to\s+(?P<q>{q}){victim}?", flags),
    }
    prefilter.prepare(patterns.values())
    return patterns


@functools.lru_cache(maxsize=1)
def _list_items() -> tuple[re.Pattern, re.Pattern]:
    """Lists of three victims or more ("four children, two women and a man"): the readings take two figures;
    the items before a subject's last two (the first pattern, searched up to the list's next item), or after
    an object's first two (the second, matched where the list goes on), are read by these."""
    f = _fragments()
    q1, victim, poss = f["q1"], f["victim"], f["poss"]
    said = r"(?!(?:[\w’'-]+\s+){1,4}?(?:said|says|told|added|reported|confirmed)\b)"
    return (re.compile(rf"(?<![\w’'-])(?P<q>{q1}){victim}\s*,\s+\Z", re.I),
            re.compile(rf"\s*(?:,\s*(?:and\s+)?|\s+and\s+){poss}{said}(?P<q>{q1}){victim}\b", re.I))


_SUBJECT_LISTS = ("dead_after", "injured_after")
_OBJECT_LISTS = ("kill_verb", "injure_verb")


def _more_of_the_list(sentence: str, m: re.Match, name: str) -> list[re.Match]:
    """The other items of a list whose last two (a subject) or first two (an object) figures m read."""
    out = []
    if name in _SUBJECT_LISTS:
        rx, end = _list_items()[0], m.start("q")
        while end > 0 and sentence[:end].rstrip().endswith(","):
            item = rx.search(sentence, 0, end)
            if item is None:
                break
            out.append(item)
            end = item.start()
    elif name in _OBJECT_LISTS:
        rx, start = _list_items()[1], m.end()
        while (item := rx.match(sentence, start)) is not None:
            out.append(item)
            start = item.end()
    return out


def _figure(text: str) -> Count | None:
    """A figure of a toll pattern: a quantity phrase, or a determiner that names one person ("the driver")."""
    if text.strip().lower() in _ONE_DETERMINERS or text.strip().lower() in ("another", "him", "her"):
        return Count(1, 1)
    return parse_quantity(text)


def _group(word: str | None) -> tuple[str, bool]:
    if not word:
        return "people", False
    return _victim_groups().get(word.lower(), ("people", False))


def _combine(claims: list[tuple[str, Count]]) -> Count | None:
    """Different groups add up; repeated figures for one group become a range; 'people' is a total."""
    by_group: dict[str, Count] = {}
    for group, count in claims:
        by_group[group] = by_group[group].span(count) if group in by_group else count
    if not by_group:
        return None
    # "put its losses at 11" names no group: it answers whatever the other side claimed.
    counter = by_group.pop("counter-claim", None)
    people = by_group.pop("people", None)
    specific = None
    for c in by_group.values():
        specific = c if specific is None else specific + c
    if people is None or specific is None:
        combined = people or specific
    else:
        high = None if people.high is None or specific.high is None else max(people.high, specific.high)
        combined = Count(max(people.low, specific.low), high)
    if counter is not None:
        combined = combined.span(counter) if combined else counter
    return combined


_INJURED_TOLL = re.compile(r"\b(?:injur\w*|wounded|wounds)\s+(?:toll|count|figure)\b|\bnumber\s+of\s+(?:the\s+)?(?:[\w-]+\s+)?(?:injured|wounded|hurt)\b"
                           r"|\b(?:toll|figure|count|tally)\s+of\s+(?:the\s+)?(?:injured|wounded)\b", re.I)
# "12 were killed or wounded", "killed or injured 30": one count of dead and wounded mixed, a toll of neither.
_MIXED_AFTER = re.compile(r"\s*(?:or|and/or)\s+(?:(?:seriously|badly)\s+)?(?:injured|wounded|hurt|maimed)\b", re.I)
_MIXED_BEFORE = re.compile(r"\b(?:killed|dead)\s+(?:or|and/or)\s+$", re.I)
_SEVERITY = re.compile(r"\b(?:seriously|critically|badly|gravely|severely|mortally)\b", re.I)
_TOTAL_VERB = re.compile(r"\b(?:bring|brings|brought|bringing|rais\w+|rose|risen|climbed|increased|jumped|reached|revis\w+|updat\w+|correct\w+|"
                         r"push\w*|took|taking|takes|stands?|stood)\b", re.I)


# After a bare death verb, an object ("the governor", "two guards", "his ...") makes the verb active: the
# figure before it is the killer ("one of their gunmen killed a ..."), not the dead.
_ACTIVE_OBJECT = re.compile(r"\s+(?:the|a|an|his|her|its|their|at\s+least|more\s+than|dozens|scores|several|"
                            r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s", re.I)
# The speaker's own side: "six of its troops", "its own soldiers", "our men"; "we lost 4 guards".
_OWN = re.compile(r"\b(?:of\s+(?:its|their|our)\s+(?:own\s+)?|(?:its|their|our)\s+own\s+|our\s+)[\w’'-]+", re.I)
_OWN_LOSS = re.compile(r"\b(?:it|they|we)\s+(?:had\s+|has\s+|have\s+)?(?:lost|losing)\b", re.I)
_YEAR = re.compile(r"(?:19|20)\d\d")
_DATE_BEFORE = re.compile(r"(?:\b(?:in|since|of|by|during|until|from|early|late|mid)|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|"
                          r"jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*|spring|summer|autumn|winter)[-\s]+$", re.I)


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in taken)


@functools.lru_cache(maxsize=1)
def _breakdown_re() -> re.Pattern:
    """'<N> <victims>, <A> <kind> and <B> <kind>,': a breakdown in apposition of the figure before it."""
    num = _number_re()
    return re.compile(rf"(?<![\w-])(?P<n>{num})\s+[\w’'-]+\s*,\s+(?P<a>{num})\s+[\w’'-]+\s+and\s+(?P<b>{num})\s+[\w’'-]+"
                      r"(?=\s*,)", re.I)


def _without_breakdowns(sentence: str) -> str:
    """The sentence with each appositive breakdown blanked out (same length, so spans still hold): 'six
    pupils, two of one kind and four of another, and a teacher' counts the six pupils and the teacher. Only when
    the parts add up to the figure they break down."""
    if "," not in sentence or " and " not in sentence:
        return sentence
    out = sentence
    for m in _breakdown_re().finditer(sentence):
        n, a, b = (parse_number(m.group(k)) for k in ("n", "a", "b"))
        if n is not None and a is not None and b is not None and a + b == n:
            start = sentence.rfind(",", m.end("n"), m.start("a"))
            end = sentence.index(",", m.end()) + 1  # its closing comma too: "..., and a teacher" is one more of the list
            out = out[:start] + " " * (end - start) + out[end:]
    return out


# The casualty rules read in turn for each sentence, in this order.
_READINGS = ("risen_to", "dead_after", "lost", "losses_at", "kill_verb", "left_dead", "lives", "bodies", "toll", "deaths",
             "injured_after", "injure_verb")
_READING_PATTERNS: dict[int, tuple[dict, prefilter.Table]] = {}


def _reading_patterns(pats: dict[str, re.Pattern]) -> prefilter.Table:
    """The patterns of _READINGS as one prefilter table (made again when the patterns are)."""
    kept = _READING_PATTERNS.get(id(pats))
    if kept is None or kept[0] is not pats:
        _READING_PATTERNS.clear()
        kept = _READING_PATTERNS[id(pats)] = (pats, prefilter.Table(pats[name] for name in _READINGS))
    return kept[1]


def extract_toll(sentence: str) -> Toll:
    """Read the killed, civilian and injured figures of one sentence."""
    original = sentence
    sentence = _without_breakdowns(sentence)
    pats = _patterns()
    toll = Toll()
    taken: list[tuple[int, int]] = []
    any_subset = False
    screen = prefilter.screen_of(sentence)  # a pattern whose words the sentence lacks is not tried
    subset = 0  # "including 3 children": civilians among the dead, whom a civilian toll already counts
    for m in screen.finditer(pats["subset"]):
        c = parse_quantity(m.group("q"))
        if c is not None:
            subset += c.low
            any_subset = True
            taken.append(m.span())
    killed: list[tuple[str, Count]] = []
    injured: list[tuple[str, Count]] = []
    owns: list[bool] = []  # per figure read: it counts the speaker's own side
    totals: list[tuple[str, Count]] = []
    for m in screen.finditer(pats["none"]):
        taken.append(m.span())
        kind = "casualties" if m.group("both") or m.group("both3") else (
            "deaths" if m.group("life") else (m.group("k") or m.group("k2") or m.group("c") or "").lower())
        # nobody hurt means nobody dead as well; "no casualties": neither dead nor wounded
        if kind in ("killed", "killing", "deaths", "fatalities", "casualties", "hurt", "hurting", "harmed", "harming"):
            killed.append(("people", Count(0, 0)))
        if kind in ("hurt", "hurting", "harmed", "harming", "injured", "injuring", "wounded", "wounding", "casualties", "injuries"):
            injured.append(("people", Count(0, 0)))
        toll.texts.append(m.group(0))
    for name, may in zip(_READINGS, screen.passing(_reading_patterns(pats))):
        if not may:
            continue  # a rule the sentence lacks every required word of is not tried
        for m in pats[name].finditer(sentence):
            target = injured if name.startswith("injur") else killed
            if name in ("risen_to", "toll") and _INJURED_TOLL.search(sentence[max(0, m.start() - 30):m.end()]):
                target = injured  # "the number of wounded rose to 60", "the injury toll"
            if _overlaps(m.span("q"), taken):
                continue
            if _YEAR.fullmatch(m.group("q")) and _DATE_BEFORE.search(sentence, max(0, m.start("q") - 20), m.start("q")):
                continue  # "in <month> <year> a gunman of the group shot ...": a year, not a figure
            if (name == "injure_verb" and re.match(r"(?:leaving|left|receiv|treat|admitt)", m.group(0), re.I)
                    and not re.search(_INJURY, m.group(0), re.I) and not re.search(r"\b(?:injuries|wounds)\b", m.group(0), re.I)):
                continue  # "leaving <number> <things> stranded", "received 3 delegations": no injury word, no injured
            after = _MIXED_AFTER.match(sentence, m.end())
            before = _MIXED_BEFORE.search(sentence, max(0, m.start() - 25), m.start())
            if after or before:
                # "killed or wounded": dead and wounded mixed, kept in the words like "casualties"
                start, end = before.start() if before else m.start(), after.end() if after else m.end()
                toll.texts.append(sentence[start:end].strip())
                taken.append((start, end))
                continue
            if name == "dead_after" and _ACTIVE_OBJECT.match(sentence, m.end()):
                continue  # "one of their gunmen killed a judge": the verb's subject did the killing
            count = _figure(m.group("q"))
            if count is None or (count == Count(0, 0) and _SEVERITY.search(m.group(0))):
                continue  # "no one was seriously hurt": some were, lightly
            group, is_civ = _group(m.groupdict().get("v"))
            if name == "losses_at":
                group = "counter-claim"
            _note(toll, group, is_civ, count, target is killed)
            if m.groupdict().get("q2"):
                c2 = _figure(m.group("q2"))
                if c2 is not None:
                    g2, civ2 = _group(m.group("v2"))
                    _note(toll, g2, civ2, c2, target is killed)
                    subset_of = re.match(r"\s+(?:[\w’'-]+\s+)?of\s+(?:them|whom|those)\b", m.string[m.end("q2"):m.end()], re.I)
                    if subset_of and g2 == "people":
                        pass  # "12 people, 5 of them ...": a part of the figure before, no more dead
                    elif g2 == group or ("people" in (group, g2) and not subset_of):
                        # "5 farmers and 2 boys", "four <Nationals> and a guard": one list, so the figures add (a
                        # word read as plain people is a part of the list here, not a total of it)
                        count = count + c2
                    else:
                        target.append((g2, c2))
                for item in _more_of_the_list(sentence, m, name):
                    if _overlaps(item.span("q"), taken) or _YEAR.fullmatch(item.group("q")):
                        break
                    c3 = _figure(item.group("q"))
                    if c3 is None:
                        break
                    g3, civ3 = _group(item.group("v"))
                    _note(toll, g3, civ3, c3, target is killed)
                    count = count + c3  # one list: its items add, whatever their groups (never rival claims)
                    taken.append(item.span())
            target.append((group, count))
            owns.append(bool(_OWN.search(m.group(0)) or (name == "lost" and _OWN_LOSS.search(
                sentence, max(0, m.start() - 30), m.start() + 6))))
            if target is killed and name in ("risen_to", "toll") and _TOTAL_VERB.search(sentence[max(0, m.start() - 30):m.end()]):
                totals.append(("people", count))
            taken.append(m.span())
            toll.texts.append(m.group(0).strip())
    # "30 casualties", "heavy casualties": dead and wounded mixed, so no figure of either; the words are kept
    # as the source's own (SPEC §4).
    if "casualt" in sentence.lower():
        for m in pats["casualties"].finditer(sentence):
            if not _overlaps(m.span(), taken):
                toll.texts.append(m.group(0).strip())
    # "Two more died, bringing the toll to 11": the toll is the total; the other figures are part of it.
    toll.killed = _combine(totals) if totals else _combine(killed)
    toll.injured = _combine(injured)
    toll.own = bool(owns) and all(owns)
    if sentence != original:
        toll.texts = [re.sub(r"\s+,", ",", re.sub(r"\s{2,}", " ", t)) for t in toll.texts]
    if any_subset:
        toll.civilians = max(toll.civilians or 0, subset)
    return toll


def _note(toll: Toll, group: str, is_civ: bool, count: Count, dead: bool) -> None:
    """One figure read: its victims' group noted (among the dead's groups too when it counts the dead), and
    its civilian dead added to the toll's civilians."""
    toll.groups.add(group)
    if dead:
        toll.killed_groups.add(group)
        if is_civ:
            toll.civilians = (toll.civilians or 0) + count.low


# ---------------------------------------------------------------------------------------------------
# Figures told place by place inside one sentence ("killing eight in A and five in B", "a guard died at A
# and a farmer at B"): each place's own toll, not the sum put on one of them.

_LOCATIVE_END = r"\s+(?:in|at|near|around|outside|inside)\s+(?:the\s+)?(?:(?:town|village|city|district|province|area)\s+of\s+)?$"
_KIND_WORD = re.compile(rf"\b(?:kill\w*|shot\s+dead|shooting\s+dead|{_DEATH}|die|dying)\b|(?P<inj>\b(?:injur\w*|wound\w*|hurt\w*|hospitali[sz]ed)\b)", re.I)


# A figure that is part of a date, a route or a page ("on March 12 in", "since 2019 in"), not a count of people.
_NOT_A_TOLL_BEFORE = re.compile(r"\b(?:on|since|until|till|from|by|of|route|highway|road|page|no\.?|number|"
                                r"jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)\s*$", re.I)


@functools.lru_cache(maxsize=1)
def _placed_figure() -> re.Pattern:
    """A figure ending a text right before a place: the figure, at most five words (victims, a verb), a
    locative preposition."""
    return re.compile(rf"(?<![\w’'-])(?P<q>{_quantity_re()})(?P<mid>(?:\s+(?!(?:in|at|near|around|outside|inside|and|or|but)\b)"
                      # (a word, not a dash: "nine dead - six in A and three in B" gives A its six)
                      rf"[\w’'][\w’'-]*){{0,5}}?){_LOCATIVE_END}", re.I)


def placed_figure(before: str) -> tuple[str | None, Count, str] | None:
    """The figure `before` ends on, just ahead of a place named next: (kind, count, group). The kind is
    "killed" or "injured" from the nearest death or injury word (between the figure and the place, else the
    last one before the figure), None when the text gives none ("... and five in"). None when the text does
    not end on a figure of people: the words between figure and place must name victims or a death or injury
    ("a house in" is not a toll)."""
    m = _placed_figure().search(before)
    if m is None or _NOT_A_TOLL_BEFORE.search(before[:m.start()]):
        return None
    count = _figure(m.group("q"))
    if count is None:
        return None
    mid = m.group("mid")
    words = re.findall(r"[\w’'-]+", mid.lower())
    victims = _victim_groups()
    victim = next((w for w in words if w in victims), None)
    kinds = list(_KIND_WORD.finditer(mid))
    # "killed five, four of them at A and one at B": a share of the victims told before, of their group
    share = victim is None and not kinds and bool(_OF_THEM.fullmatch(mid))
    if words and victim is None and not kinds and not share:
        return None
    if share:
        victim = next((w for w in reversed(re.findall(r"[\w’'-]+", before[:m.start()].lower())) if w in victims), None)
    if not kinds:
        earlier = before[:m.start()]
        # only the words of the same list: a figure's own verb, not one of an earlier clause
        earlier = re.split(r"[;.]|,\s+(?:but|while|whereas|and\s+then|then)\b|\bsaid\b", earlier)[-1]
        kinds = list(_KIND_WORD.finditer(earlier))
    kind = None if not kinds else ("injured" if kinds[-1].group("inj") else "killed")
    group, _ = _group(victim)
    return kind, count, group


# A share of the victims told before the figure: "three of them", "two of whom".
_OF_THEM = re.compile(r"\s+of\s+(?:them|those|whom|these)", re.I)


@functools.lru_cache(maxsize=1)
def _each_place() -> re.Pattern:
    """A figure given for each of the places told before it: "one at each post", "three at each site"."""
    return re.compile(rf"(?<![\w’'-])(?P<q>{_quantity_re()})(?:\s+[\w’'-]+){{0,2}}?\s+(?:in|at|from|on)\s+(?:each|either|both)"
                      r"(?:\s+of\s+(?:them|the\s+[\w’'-]+))?(?:\s+(?!(?:and|or|but|of)\b)[\w’'-]+)?(?![\w’'-])", re.I)


def each_place_toll(text: str, toll: Toll) -> Toll | None:
    """The toll each place of a list gets when the text gives one figure for each of them ("wounded six
    civilians in A and B, three at each site"): that figure, of the one kind the toll states (dead or
    wounded). None when the text gives no figure for each place or the toll states both kinds."""
    if "each" not in text and "either" not in text and "both" not in text:
        return None
    m = _each_place().search(text)
    if m is None or (toll.killed is None) == (toll.injured is None):
        return None
    count = _figure(m.group("q"))
    if count is None:
        return None
    killed = toll.killed is not None
    return Toll(killed=count if killed else None, injured=None if killed else count, texts=[m.group(0)],
                civilians=count.low if killed and toll.civilians else None,
                groups=set(toll.killed_groups if killed else toll.groups),
                killed_groups=set(toll.killed_groups) if killed else set())


def place_tolls(segments: list[str]) -> list[Toll | None] | None:
    """Each segment is the text from where the last place ends (or the clause start) up to a place, in order.
    The toll each place is given by a figure told right before it; an elliptic figure ("and five in B") is of
    the kind told before it. None unless at least two places have a figure of their own."""
    out: list[Toll | None] = []
    last_kind = None
    for seg in segments:
        got = placed_figure(seg)
        if got is None:
            out.append(None)
            continue
        kind, count, group = got
        kind = kind or last_kind
        if kind is None:
            out.append(None)
            continue
        last_kind = kind
        text = re.sub(_LOCATIVE_END, "", seg[_placed_figure().search(seg).start():], flags=re.I).strip()
        victims = _victim_groups()
        civ = count.low if kind == "killed" and group in {g for g, c in victims.values() if c} else None
        out.append(Toll(killed=count if kind == "killed" else None, injured=count if kind == "injured" else None,
                        civilians=civ, texts=[text], groups={group},
                        killed_groups={group} if kind == "killed" else set()))
    return out if sum(t is not None for t in out) >= 2 else None
