"""Gazetteer lookups: curated places, phrases, countries, GeoNames fallback, pins, Nominatim opt-in."""

import json
from pathlib import Path
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer  # noqa: F401
import time

import pandas as pd
import pytest

from loaders import geocode
import importlib

geocode_module = importlib.import_module("loaders.geocode")
from loaders.geocode import PLACES_CSV, NominatimClient, pin_place

CRISIS_PLACES = ["Spin Boldak", "Chaman", "Torkham", "Kurram", "Angoor Adda", "Bajaur", "Kabul", "Kandahar",
                 "Paktika", "Islamabad", "Istanbul", "Doha"]


def test_curated_gazetteer_cites_a_source_for_every_row():
    df = pd.read_csv(PLACES_CSV, dtype=str, keep_default_na=False)
    assert list(df.columns) == ["name", "alternate_names", "iso3", "country", "admin1", "latitude", "longitude",
                                "geo_precision", "feature", "source"]
    assert (df["source"].str.match(r"^(geonames:\d+|https?://)")).all()
    assert not df.duplicated(["name", "iso3"]).any()
    assert df["latitude"].astype(float).between(-90, 90).all()


@pytest.mark.parametrize("name", CRISIS_PLACES)
def test_crisis_places_resolve_from_the_curated_table(name):
    place = geocode(name)
    assert place is not None and place.geocoder == "places"


def test_spin_boldak_spellings_meet():
    for variant in ("Spin Boldak", "Spīn Bōldak", "spin buldak", "Wesh"):
        p = geocode(variant)
        assert p.name == "Spin Boldak" and p.iso3 == "AFG"
        assert abs(p.latitude - 31.0) < 0.1 and abs(p.longitude - 66.4) < 0.1


def test_phrases_set_precision():
    assert geocode("near Chaman").geo_precision == 2
    assert geocode("the Spin Boldak border area").geo_precision == 2
    province = geocode("Kandahar province")
    assert province.geo_precision == 3 and province.feature == "province"
    assert geocode("Kandahar").feature in ("town", "capital")  # the city, not the province
    assert geocode("Afghanistan").geo_precision == 4


def test_country_narrows_ambiguous_names():
    torkham_pak = geocode("Torkham", "PAK")
    torkham_afg = geocode("Torkham", "AFG")
    assert torkham_pak.iso3 == "PAK" and torkham_afg.iso3 == "AFG"
    assert geocode("Spin Boldak", "PAK") is None or geocode("Spin Boldak", "PAK").iso3 == "PAK"


def test_geonames_fills_what_the_curated_table_lacks():
    p = geocode("Kantharalak", "THA")
    assert p is not None and p.geocoder == "geonames" and p.iso3 == "THA"


def test_unknown_name_is_none_and_offline_makes_no_request(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("network used while offline")
    monkeypatch.setattr(NominatimClient, "lookup", boom)
    assert geocode("Qwxzyville") is None


def test_pins_win_and_persist(tmp_path, monkeypatch):
    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path))
    pin_place("Zazi Maidan", 33.5, 69.9, "AFG", 1, "analyst check")
    p = geocode("Zazi Maidan")
    assert p.geocoder == "user" and (p.latitude, p.longitude) == (33.5, 69.9)
    with pytest.raises(ValueError):
        pin_place("Nowhere", 123.0, 0.0)


class _FakeNominatim(BaseHTTPRequestHandler):
    calls = 0
    times: list = []      # when each request arrived (server clock)
    status = 200          # what the next requests get: 200, 429, 503
    delay = 0.0           # seconds the server sleeps before answering

    def do_GET(self):  # noqa: N802
        cls = type(self)
        cls.calls += 1
        cls.times.append(time.monotonic())
        if cls.delay:
            time.sleep(cls.delay)
        if cls.status != 200:
            self.send_response(cls.status)
            if cls.status == 429:
                self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = [{"lat": "34.5", "lon": "69.1", "name": "Testabad", "display_name": "Testabad",
                 "address": {"country_code": "af", "state": "Kabul", "country": "Afghanistan"}}]
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_nominatim(tmp_path, monkeypatch):
    """A Nominatim stand-in on 127.0.0.1 that the geocoder uses; FAULTLINE_HOME is a fresh folder."""
    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path))
    monkeypatch.setattr(geocode_module, "_online_down_until", 0.0)
    _FakeNominatim.calls, _FakeNominatim.times, _FakeNominatim.status, _FakeNominatim.delay = 0, [], 200, 0.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeNominatim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = NominatimClient(domain=f"127.0.0.1:{server.server_port}", scheme="http", min_delay=0)
    monkeypatch.setattr(geocode_module, "_nominatim", lambda: client)
    _FakeNominatim.client = client
    _FakeNominatim.port = server.server_port
    yield _FakeNominatim
    server.shutdown()


def test_online_lookup_uses_nominatim_once_then_the_cache(fake_nominatim):
    place = geocode("Testabad", online=True)
    assert place.geocoder == "nominatim" and place.iso3 == "AFG" and place.latitude == 34.5
    geocode("Testabad", online=True)
    assert fake_nominatim.calls == 1  # asked once ever; the second answer came from the disk cache


def test_news_places_an_unknown_village_only_when_online(tmp_path, fake_nominatim):
    import loaders

    article = tmp_path / "a.txt"
    article.write_text("Published: 2025-11-08\n\nAfghan and Pakistani troops clashed in Testabad on Thursday, "
                       "killing two soldiers, officials said.\n", encoding="utf-8")
    offline = loaders.load(article)
    assert offline["location"].isna().all()
    online = loaders.load(article, online=True)
    assert list(online["location"]) == ["Testabad"] and list(online["geocoder"]) == ["nominatim"]


def test_an_unreachable_geocoder_never_breaks_an_article(tmp_path, monkeypatch):
    import loaders

    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path))
    monkeypatch.setenv("FAULTLINE_ONLINE", "1")
    monkeypatch.setattr(geocode_module, "_online_down_until", 0.0)
    # A closed port on loopback: the connection is refused at once.
    client = NominatimClient(domain="127.0.0.1:9", scheme="http", min_delay=0, timeout=1)
    monkeypatch.setattr(geocode_module, "_nominatim", lambda: client)
    article = tmp_path / "a.txt"
    article.write_text("Published: 2025-11-08\n\nAfghan and Pakistani troops clashed in Qwertabad on Thursday, "
                       "killing two soldiers, officials said.\n", encoding="utf-8")
    events, problems = loaders.load_report([Path(__file__).resolve().parent.parent / "seeds", article])
    monkeypatch.delenv("FAULTLINE_ONLINE")
    offline = loaders.load([Path(__file__).resolve().parent.parent / "seeds", article])
    assert list(events["event_id"]) == list(offline["event_id"]) and len(events) == 10
    notes = [p for p in problems if "online geocoding failed" in p.message]
    assert len(notes) == 1 and notes[0].kind == "note" and notes[0].file == str(article)


# --- provinces (admin1) by reverse lookup --------------------------------------------------------------

def _geonames_point(name: str, iso3: str) -> tuple[float, float]:
    hits = geocode_module.geonames_hits(geocode_module.normalise(name))
    hits = hits[hits["iso3"] == iso3].sort_values("population", ascending=False)
    return float(hits.iloc[0]["latitude"]), float(hits.iloc[0]["longitude"])


@pytest.mark.parametrize("town, iso3, province", [
    ("Spin Boldak", "AFG", "Kandahar"), ("Chaman", "PAK", "Balochistan"), ("Miranshah", "PAK", "Khyber Pakhtunkhwa"),
    ("Bakhmut", "UKR", "Donetsk"), ("El Fasher", "SDN", "North Darfur"), ("Goma", "COD", "North Kivu"),
    ("Khan Yunis", "PSE", "Gaza Strip"), ("Nabatieh", "LBN", "Nabatieh"), ("Marib", "YEM", "Ma’rib"),
    ("Myawadi", "MMR", "Kayin State"), ("Kantharalak", "THA", "Si Sa Ket"),
])
def test_a_point_gets_the_province_it_lies_in(town, iso3, province):
    lat, lon = _geonames_point(town, iso3)
    # A little off the town itself (a village nearby): still the same province.
    assert geocode_module.admin1_at(lat + 0.03, lon - 0.03, iso3) == province


def test_country_keeps_the_province_on_its_own_side_of_a_border():
    lat, lon = _geonames_point("Chaman", "PAK")
    assert geocode_module.admin1_at(lat, lon, "PAK") == "Balochistan"
    lat, lon = _geonames_point("Spin Boldak", "AFG")
    assert geocode_module.admin1_at(lat, lon, "AFG") == "Kandahar"
    assert geocode_module.admin1_at(0.0, -30.0) is None  # mid-Atlantic: no province


def test_every_geonames_and_pinned_place_has_a_province(tmp_path, monkeypatch):
    assert geocode("Kantharalak", "THA").admin1 == "Si Sa Ket"
    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path))
    lat, lon = _geonames_point("Spin Boldak", "AFG")
    pin_place("Qwertkili", lat + 0.05, lon + 0.05, "AFG")
    assert geocode("Qwertkili").admin1 == "Kandahar"


def test_loaded_rows_without_a_province_get_one():
    events = pd.DataFrame({"admin1": pd.array([None, "Given", None, None], dtype="string"),
                           "latitude": [31.0057, 31.0057, None, 33.0],
                           "longitude": [66.40, 66.40, None, 65.0],
                           "iso3": pd.array(["AFG", "AFG", "AFG", "AFG"], dtype="string"),
                           "geo_precision": pd.array([1, 1, None, 4], dtype="Int8")})
    out = geocode_module.fill_admin1(events)
    assert list(out["admin1"].astype(object).where(out["admin1"].notna(), None)) == ["Kandahar", "Given", None, None]


def test_news_rows_carry_a_province():
    import loaders

    events = loaders.load(Path(__file__).resolve().parent.parent / "seeds")
    located = events[events["latitude"].notna() & (events["geo_precision"] < 4)]
    assert len(located) and located["admin1"].notna().all()



# --- online path against the fake Nominatim: rate limit, timeout, refusals, cache -----------------------

def test_requests_reach_the_server_at_least_a_second_apart(fake_nominatim, monkeypatch):
    client = NominatimClient(domain=f"127.0.0.1:{fake_nominatim.port}", scheme="http")  # default: 1 per second
    monkeypatch.setattr(geocode_module, "_nominatim", lambda: client)
    assert geocode("Testabad", online=True).geocoder == "nominatim"
    assert geocode("Qwertabad", online=True) is not None  # another name: a second request
    assert fake_nominatim.calls == 2
    assert fake_nominatim.times[1] - fake_nominatim.times[0] >= 1.0


def test_a_slow_server_times_out_without_breaking_anything(fake_nominatim, monkeypatch):
    monkeypatch.setenv("FAULTLINE_NOMINATIM_TIMEOUT", "0.3")
    client = NominatimClient(domain=f"127.0.0.1:{fake_nominatim.port}", scheme="http", min_delay=0)
    assert client.timeout == 0.3
    monkeypatch.setattr(geocode_module, "_nominatim", lambda: client)
    fake_nominatim.delay = 2.0
    geocode_module.ONLINE_ERRORS.clear()
    start = time.monotonic()
    assert geocode("Testabad", online=True) is None
    assert time.monotonic() - start < 1.5  # gave up after the timeout, did not wait for the server
    assert any("timeout" in e for e in geocode_module.ONLINE_ERRORS)
    # Offline answers are still given, and the failed name was not stored as a miss.
    assert geocode("Kabul", online=True).geocoder == "places"
    cache = Path(geocode_module.writable_home()) / "cache" / "nominatim.json"
    assert not cache.exists() or "testabad|" not in json.loads(cache.read_text())


@pytest.mark.parametrize("status, words", [(429, "too many requests (HTTP 429)"), (503, "unavailable (HTTP 503)")])
def test_refusals_are_noted_kept_offline_and_not_cached(fake_nominatim, monkeypatch, status, words):
    fake_nominatim.status = status
    geocode_module.ONLINE_ERRORS.clear()
    assert geocode("Testabad", online=True) is None
    assert any(words in e for e in geocode_module.ONLINE_ERRORS), geocode_module.ONLINE_ERRORS
    assert geocode("Spin Boldak", online=True).geocoder == "places"  # offline result kept
    calls = fake_nominatim.calls
    assert geocode("Testabad", online=True) is None and fake_nominatim.calls == calls  # paused: no hammering
    # Once the server is back (and the pause is over) the name is asked again: it was not cached as a miss.
    fake_nominatim.status = 200
    monkeypatch.setattr(geocode_module, "_online_down_until", 0.0)
    geocode_module._geocode.cache_clear()
    assert geocode("Testabad", online=True).geocoder == "nominatim"
    assert fake_nominatim.calls == calls + 1


def test_a_refusal_in_an_article_is_one_clear_note(tmp_path, fake_nominatim):
    import loaders

    fake_nominatim.status = 429
    article = tmp_path / "a.txt"
    article.write_text("Published: 2025-11-08\n\nAfghan and Pakistani troops clashed in Testabad on Thursday, "
                       "killing two soldiers, officials said.\n", encoding="utf-8")
    events, problems = loaders.load_report(article, online=True)
    assert len(events) == 1 and events["location"].isna().all()
    notes = [p for p in problems if "online geocoding failed" in p.message]
    assert len(notes) == 1 and "HTTP 429" in notes[0].message and notes[0].kind == "note"


def _pin_article(folder: Path, name: str, place: str) -> Path:
    path = folder / name
    path.write_text("Title: Checkpoint attacked\nPublished: 2025-03-04\n\n"
                    f"Gunmen attacked a police checkpoint in {place} on Monday, killing three officers, "
                    "a district official said.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("cached", [False, True])
def test_a_load_is_a_snapshot_of_the_pins(tmp_path, monkeypatch, cached):
    """The pins file is read once per load: a pin saved before a load is used by it; one saved while a load
    runs is used by the next load (never by half of the articles of the one running)."""
    import os
    import sys

    import loaders
    from loaders import news
    from loaders.cache import load_cached

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("FAULTLINE_HOME", str(home))
    monkeypatch.delenv("FAULTLINE_READ_ONLY", raising=False)
    folder = tmp_path / "in"
    folder.mkdir()
    _pin_article(folder, "a.txt", "Qarvendi")
    _pin_article(folder, "b.txt", "Zormalak")
    load = (lambda: load_cached(folder).events) if cached else (lambda: loaders.load_files(folder).events)

    def where(events) -> dict:
        return {str(n): (lat, lon) for n, lat, lon in zip(events["location"], events["latitude"], events["longitude"])
                if isinstance(n, str)}

    assert not {"Qarvendi", "Zormalak"} & set(where(load()))  # unknown names: no place
    pin_place("Qarvendi", 34.25, 69.5, "AFG")  # saved between loads: the next load uses it
    assert where(load()) == {"Qarvendi": (34.25, 69.5)}

    stats = []
    real_stat = sys.modules["loaders.geocode"]._pins_file_stamp
    monkeypatch.setattr(sys.modules["loaders.geocode"], "_pins_file_stamp",
                        lambda: stats.append(1) or real_stat())
    real_load = news.load_news

    def pin_during(path, *args, **kwargs):  # the analyst pins the second name while the first is read
        if Path(path).name == "a.txt":
            pin_place("Zormalak", 34.75, 70.25, "AFG")
        return real_load(path, *args, **kwargs)

    monkeypatch.setattr(news, "load_news", pin_during)
    for path in folder.iterdir():  # edited: the cached load parses them again
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    stats.clear()
    during = where(load())
    assert during == {"Qarvendi": (34.25, 69.5)}, "a pin saved during a load waits for the next load"
    assert 1 <= len(stats) <= 2, "the pins file is looked at once per load, not at every lookup"
    monkeypatch.setattr(news, "load_news", real_load)
    assert where(load()) == {"Qarvendi": (34.25, 69.5), "Zormalak": (34.75, 70.25)}
