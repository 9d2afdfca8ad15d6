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
