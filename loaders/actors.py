"""Actor names -> canonical actor, dyad key and kind, from data/actors.csv and the state's name."""

from __future__ import annotations

import functools
import re

import pandas as pd

from loaders.geocode import country_names, curated_places, normalise
from loaders.paths import DATA_DIR

NON_PARTIES = re.compile(r"^(?:civilians|protesters|rioters|refugees|migrants|journalists|aid workers|prisoners|"
                         r"unidentified)\b", re.I)
STATE_FORMS = re.compile(r"^(?:government|military forces|police forces|armed forces|navy|air force|army|"
                         r"security forces|border guards?)\s+of\s+(?:the\s+)?(?P<state>[^():]+?)\s*(?:\(.*\))?$", re.I)


@functools.lru_cache(maxsize=1)
def actor_table() -> pd.DataFrame:
    """Actor name variants -> canonical actor, dyad key, kind; country names count as their state."""
    df = pd.read_csv(DATA_DIR / "actors.csv", dtype=str, keep_default_na=False)
    places = curated_places()
    countries = places[places["feature"] == "country"][["key", "name", "iso3"]]
    extra = [{"variant": k, "actor": None, "dyad_key": iso, "iso3": iso, "kind": "state"}
             for k, iso in zip(countries["key"], countries["iso3"])]
    df = pd.concat([df, pd.DataFrame(extra)], ignore_index=True)
    every = _every_state()
    # A state the table already knows keeps its kind in its new spellings ("<Country>'s army" of a listed state
    # is that state, of a listed mediator that mediator).
    known = df.drop_duplicates("dyad_key").set_index("dyad_key")["kind"]
    every["kind"] = every["dyad_key"].map(known).fillna(every["kind"])
    df = pd.concat([df, every], ignore_index=True)
    df["key"] = df["variant"].map(normalise)
    canonical = df[df["kind"].isin(("state", "country"))].dropna(subset=["actor"]).drop_duplicates("dyad_key")
    by_key = dict(zip(canonical["dyad_key"], canonical["actor"]))
    names = _state_names()
    df["actor"] = [a if isinstance(a, str) and a else by_key.get(k) or (f"Military Forces of {names[k]}" if k in names else k)
                   for a, k in zip(df["actor"], df["dyad_key"])]
    return df.drop_duplicates("key")


# The words after a country's adjective that name its state as a party ("<Adjective> border guards").
_STATE_NOUNS = ("forces", "troops", "army", "military", "soldiers", "border guards", "border guard", "border service",
                "border troops", "security forces", "armed forces", "air force", "navy", "defence ministry",
                "defense ministry", "government", "authorities", "interior ministry")
_NOT_ARMED = ("government", "authorities", "interior ministry")
# A mention that names a country's forces or government, not only the country.
FORCE_FORM = re.compile(r"\s(?:" + "|".join(n.replace(" ", r"\s+") for n in _STATE_NOUNS) + r")$", re.I)
# One that names its armed forces: a party of the act its sentence tells ("<Adjective> soldiers were killed").
ARMED_FORM = re.compile(r"\s(?:" + "|".join(n.replace(" ", r"\s+") for n in _STATE_NOUNS
                                              if n not in _NOT_ARMED) + r")$", re.I)


def _state_names() -> dict[str, str]:
    """ISO3 -> English name of every country GeoNames lists (geocode.country_names without its ISO2 keys)."""
    return {iso3: name for iso3, name in country_names().values() if iso3}


def _every_state() -> pd.DataFrame:
    """Every country as a possible party, for conflicts data/actors.csv does not list: its name, its adjective
    (and aliases) from data/country_words.csv, alone and with a force's noun ("<Adjective> troops"). Their kind
    is "country": a party of a row only when it is among its article's two most named parties and the article
    names its forces or government (news._parties); a country named once, as a host, a patron or the nationality
    of a victim, is no party. Rows that data/actors.csv or the curated places already give come first and win
    (a country listed there as a mediator stays one)."""
    words = pd.read_csv(DATA_DIR / "country_words.csv", dtype=str, keep_default_na=False)
    rows = []
    for iso, name in _state_names().items():
        rows.append((name, iso))
        rows += [(f"{name}'s {noun}", iso) for noun in _STATE_NOUNS]  # "<Country>'s defence ministry"
    for word, iso, kind in zip(words["word"], words["iso3"], words["kind"]):
        if kind == "territory":  # a part of a country ("the West Bank"): a place, not the state
            continue
        rows.append((word, iso))
        rows += [(f"{word} {noun}", iso) for noun in _STATE_NOUNS]  # "<Adjective> troops", "U.S. forces"
        if kind == "alias":
            rows += [(f"{word}'s {noun}", iso) for noun in _STATE_NOUNS]
    return pd.DataFrame([{"variant": v, "actor": None, "dyad_key": iso, "iso3": iso, "kind": "country"} for v, iso in rows])


@functools.lru_cache(maxsize=1)
def _by_key() -> dict[str, tuple[str, str, str]]:
    t = actor_table()
    return {k: (a, d, kind) for k, a, d, kind in zip(t["key"], t["actor"], t["dyad_key"], t["kind"])}


@functools.lru_cache(maxsize=20_000)
def resolve_actor(name: str) -> tuple[str | None, str | None, str | None]:
    """(canonical actor, dyad key, kind) for a dataset's actor string; kind 'other' for non-parties."""
    if not name or not name.strip():
        return None, None, None
    raw = name.strip()
    table = _by_key()
    for candidate in (raw, re.sub(r"\s*\(.*?\)\s*$", "", raw), raw.split(":")[0]):
        hit = table.get(normalise(candidate))
        if hit:
            # A dataset's actor column names a party: a country known only by its name is its state here.
            return (hit[0], hit[1], "state") if hit[2] == "country" else hit
    if NON_PARTIES.match(raw):
        return raw, None, "other"
    m = STATE_FORMS.match(raw)
    if m:
        hit = table.get(normalise(m.group("state")))
        if hit and hit[2] in ("state", "country"):
            return hit[0], hit[1], "state"
    if ":" in raw:  # ACLED writes "ACRONYM: Full Name"
        short = raw.split(":")[0].strip()
        return raw, short.upper() if len(short) <= 8 else normalise(short).upper().replace(" ", "_"), "nonstate"
    core = re.sub(r"\s*\(.*?\)\s*$", "", raw)
    return raw, normalise(core).upper().replace(" ", "_")[:24] or None, "nonstate"


def victims_state(name: str | None) -> str | None:
    """ISO3 of the country named in "Civilians (<country>)", for violence that crosses a border."""
    if not isinstance(name, str) or not NON_PARTIES.match(name):
        return None
    m = re.search(r"\(([^()]+)\)\s*$", name)
    hit = _by_key().get(normalise(m.group(1))) if m else None
    return hit[1] if hit and hit[2] == "state" else None


def dyad_with_victims(key_a, key_b, name_b, kind_a) -> str | None:
    """The dyad, or for a state striking another country's civilians, that pair of states."""
    dyad = dyad_of(key_a, key_b)
    if dyad is None and kind_a == "state":
        dyad = dyad_of(key_a, victims_state(name_b))
    return dyad


def dyad_of(key_a: str | None, key_b: str | None) -> str | None:
    """The pair in conflict, keys sorted and joined by '-'; None without two distinct parties."""
    if not isinstance(key_a, str) or not isinstance(key_b, str) or not key_a or not key_b or key_a == key_b:
        return None
    return "-".join(sorted([key_a, key_b]))
