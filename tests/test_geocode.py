"""Gazetteer lookups: curated places, phrases, countries, GeoNames fallback, pins, Nominatim opt-in."""

import json
from pathlib import Path
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

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

    def do_GET(self):  # noqa: N802
        type(self).calls += 1
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
    _FakeNominatim.calls = 0
    server = HTTPServer(("127.0.0.1", 0), _FakeNominatim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = NominatimClient(domain=f"127.0.0.1:{server.server_port}", scheme="http", min_delay=0)
    monkeypatch.setattr(geocode_module, "_nominatim", lambda: client)
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
