"""Faults injected on purpose: a local server on 127.0.0.1 that misbehaves (timeout, 429, 500, malformed
JSON, truncated body), damaged caches and pins under FAULTLINE_HOME, broken inbox entries, and the
whole app run from a read-only copy of the repository. Each leaves every page working with a clear
message. FAULTS below counts what is injected (see the report of issue 8)."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import streamlit as st
from local_server import LocalServer
from streamlit.testing.v1 import AppTest

import loaders
from loaders import fetch
from loaders.fetch import FetchError

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "fixtures" / "datasets"
PAGES = ["pages/1_Map.py", "pages/2_Casualties.py", "pages/3_Diplomacy.py", "pages/4_Events.py", "pages/5_Sources.py"]
MODES = ["timeout", "429", "500", "malformed", "truncated"]
SOURCES = ["acled", "ucdp", "gdelt"]


@pytest.fixture(autouse=True)
def fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path / "home"))
    for var in ("FAULTLINE_ONLINE", "FAULTLINE_READ_ONLY", "FAULTLINE_NO_RAW_DOWNLOAD"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ACLED_EMAIL", "a@example.org")
    monkeypatch.setenv("ACLED_PASSWORD", "pw")
    monkeypatch.setenv("UCDP_TOKEN", "tok")
    monkeypatch.setattr(fetch, "_sleep", lambda s: None)
    st.cache_data.clear()
    yield tmp_path / "home"
    st.cache_data.clear()


class FaultyServer(LocalServer):
    """Every answer broken in one way. ACLED's login succeeds, so the fault hits the data request."""

    def __init__(self, mode: str):
        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                outer.hits += 1
                if self.path.startswith("/oauth/token"):
                    return self._send(200, json.dumps({"access_token": "t0k"}).encode())
                if mode == "timeout":
                    time.sleep(1.5)
                    return self._send(200, b"late")
                if mode == "429":
                    return self._send(429, b"slow down", {"Retry-After": "1"})
                if mode == "500":
                    return self._send(500, b"<html>Internal Server Error</html>")
                if mode == "malformed":
                    if self.path.endswith("lastupdate.txt"):  # GDELT: a listing that names no file
                        return self._send(200, b"{\"not\": \"a listing\"")
                    return self._send(200, b"{\"Result\": [ {\"id\": 1,, }")
                # truncated: the header promises more bytes than are sent, then the connection closes
                self.send_response(200)
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.write(b"id,relid,year\n1,2")
                self.wfile.flush()

            def _send(self, code, body, headers=None):
                try:
                    self.send_response(code)
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

            do_GET = do_POST = _serve

            def log_message(self, *args):
                pass

        LocalServer.__init__(self, Handler)


def _fetch(source: str, base: str, dest: Path):
    common = {"dest_dir": dest, "base_url": base, "timeout": 0.5, "retries": 2}
    if source == "acled":
        return fetch.fetch_acled(countries=["Pakistan"], start="2025-10-01", end="2025-11-30", **common)
    if source == "ucdp":
        return fetch.fetch_ucdp(version="25.1", **common)
    return fetch.fetch_gdelt(countries_fips=["AF"], **common)


EXPECTED_WORDS = {"timeout": "no answer within", "429": "rate limited (HTTP 429)", "500": "server error (HTTP 500)",
                  "malformed": "", "truncated": ""}


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("mode", MODES)
def test_a_misbehaving_server_gives_one_clear_error_and_writes_nothing(tmp_path, source, mode):
    server = FaultyServer(mode)
    dest = tmp_path / "inbox"
    try:
        with pytest.raises(FetchError) as err:
            _fetch(source, server.base, dest)
    finally:
        server.close()
    message = str(err.value)
    assert "\n" not in message and message.startswith(source.upper()) and EXPECTED_WORDS[mode] in message, message
    assert not dest.exists() or not [p for p in dest.iterdir()]  # nothing half-written
    assert server.hits >= 1


@pytest.mark.parametrize("source, mode", [("acled", "timeout"), ("ucdp", "malformed"), ("gdelt", "500"),
                                          ("acled", "truncated"), ("ucdp", "429")])
def test_a_failing_fetch_on_the_page_leaves_every_page_working(monkeypatch, fresh, source, mode):
    import ui.fetch_panel as panel

    server = FaultyServer(mode)
    monkeypatch.setenv("FAULTLINE_ONLINE", "1")
    monkeypatch.setenv(f"FAULTLINE_{source.upper()}_URL", server.base)
    for name in ("fetch_acled", "fetch_ucdp", "fetch_gdelt"):  # short timeouts: the page's code path unchanged
        monkeypatch.setattr(panel, name, functools.partial(getattr(fetch, name), timeout=0.5, retries=2))
    try:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.run()
        at.switch_page("pages/5_Sources.py")
        at.run()
        at.selectbox[0].set_value(source)
        at.text_input[0].set_value({"acled": "Pakistan", "ucdp": "770", "gdelt": "AF"}[source])
        at.text_input[1].set_value("25.1" if source == "ucdp" else "1")
        next(b for b in at.button if "Fetch into the inbox" in str(b.label)).click()
        at.run()
    finally:
        server.close()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("The fetch failed and nothing was added"), errors
    assert not [p for p in (fresh / "inbox").iterdir() if not p.name.startswith(".")]
    for page in PAGES:
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])


# ------------------------------------------------------------------------------- filesystem faults

def test_a_damaged_geonames_cache_is_rebuilt_with_a_note(fresh):
    geocode = sys.modules["loaders.geocode"]

    cache = geocode._geonames_index_path()
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"PAR1" + os.urandom(2000))  # a parquet header, then garbage (a write cut short)
    geocode.geonames_index.cache_clear()
    geocode._INDEX_ARRAYS.clear()
    try:
        events, problems = loaders.load_report(ROOT / "seeds")
        assert len(events) and any("GeoNames index cache was damaged" in p.message and p.kind == "note"
                                   for p in problems), [str(p) for p in problems]
        assert cache.stat().st_size > 1_000_000  # rebuilt in place
    finally:
        geocode.geonames_index.cache_clear()
        geocode._INDEX_ARRAYS.clear()


@pytest.mark.parametrize("content", [b"\x00\xff\xfe garbage\n\"unclosed,\n",
                                     b"name,iso3,latitude,longitude,geo_precision,note\nX,AFG,abc,,9,\n",
                                     b"name,iso3,latitude\n"])
def test_a_damaged_pins_file_never_sinks_the_articles(fresh, content):
    geocode = sys.modules["loaders.geocode"]

    pins = fresh / geocode.PINS_FILE
    fresh.mkdir(parents=True, exist_ok=True)
    pins.write_bytes(content)
    events, problems = loaders.load_report(ROOT / "seeds")
    assert len(events) == len(loaders.load(ROOT / "seeds")) > 0
    assert not [p for p in problems if "could not be read as" in p.message], [str(p) for p in problems]
    assert pins.read_bytes() == content  # the analyst's file is never rewritten or deleted


def test_broken_inbox_entries_are_named_and_the_pages_work(fresh):
    inbox = fresh / "inbox"
    inbox.mkdir(parents=True)
    shutil.copy(DATA / "acled_afpak_2025.csv", inbox / "good.csv")
    (inbox / "dangling.csv").symlink_to(inbox / "gone.csv")  # a link to nothing
    (inbox / "folder.csv").mkdir()                           # a folder that looks like a file
    (inbox / "folder.csv" / "inner.csv").write_bytes(b"")
    (inbox / "cut.zip").write_bytes((DATA / "gdelt_20251107.export.CSV.zip").read_bytes()[:300])
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    for page in PAGES:
        at.switch_page(page)
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
    events, problems = loaders.load_report(inbox)
    assert len(events) == 17
    said = "\n".join(str(p) for p in problems)
    assert "dangling.csv" in said and "cut.zip" in said and "inner.csv" in said


# --------------------------------------------------------------------- the app from a read-only copy

RUNNER = r'''
import json, sys
from streamlit.testing.v1 import AppTest
out = {}
import os
at = AppTest.from_file(os.path.join(os.getcwd(), "dashboard.py"), default_timeout=300)
at.run()
out["overview"] = {"exception": [e.value for e in at.exception], "info": [i.value for i in at.info],
                   "title": [t.value for t in at.title]}
for page in sys.argv[1:]:
    at.switch_page(page)
    at.run()
    out[page] = {"exception": [e.value for e in at.exception], "info": [i.value for i in at.info],
                 "title": [t.value for t in at.title], "uploaders": len(at.file_uploader)}
print("RESULT" + json.dumps(out))
'''


@pytest.fixture
def open_tmp():
    """A temporary folder another user can reach (pytest's own tmp_path sits in a private folder)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="faultline-ro-"))
    folder.chmod(0o755)
    yield folder
    for p in [folder, *folder.rglob("*")]:
        if not p.is_symlink():
            p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(folder, ignore_errors=True)


def test_the_app_runs_from_a_read_only_folder(open_tmp):
    """The repository copied and made read-only, FAULTLINE_HOME left to its default inside it (so it
    cannot be created), no secrets.toml, online fetching asked for: every page works and says why
    nothing can be kept. As root, the app runs as 'nobody' so the permissions really bind."""
    tmp_path = open_tmp
    app = tmp_path / "app"
    app.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "user", "*.pyc")
    for part in ("dashboard.py", "pages", "ui", "loaders", "monitor", "data", "seeds", ".streamlit"):
        src = ROOT / part
        (shutil.copytree(src, app / part, ignore=ignore) if src.is_dir() else shutil.copy(src, app / part))
    assert not (app / ".streamlit" / "secrets.toml").exists()
    (tmp_path / "runner.py").write_text(RUNNER, encoding="utf-8")
    (tmp_path / "runner.py").chmod(0o644)
    for p in [app, *app.rglob("*")]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    home = tmp_path / "user-home"
    home.mkdir()
    home.chmod(0o777)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "PYTHONPATH": str(app),
           "PYTHONDONTWRITEBYTECODE": "1", "FAULTLINE_ONLINE": "1"}
    cmd = [sys.executable, str(tmp_path / "runner.py"), *PAGES]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: a read-only folder would still be writable")
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    before = sorted(str(p) for p in app.rglob("*"))
    try:
        r = subprocess.run(cmd, cwd=app, env=env, capture_output=True, text=True, timeout=600)
    finally:
        for p in [app, *app.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
    assert "RESULT" in r.stdout, r.stderr[-3000:]
    out = json.loads(r.stdout.split("RESULT", 1)[1])
    for page, seen in out.items():
        assert not seen["exception"], (page, seen["exception"])
        assert seen["title"], page
    assert any("Read-only deployment" in i for i in out["overview"]["info"]), out["overview"]["info"]
    sources = out["pages/5_Sources.py"]
    assert sources["uploaders"] == 0
    assert any("Uploads are off" in i for i in sources["info"]) and any("Online fetching is off" in i for i in sources["info"])
    assert sorted(str(p) for p in app.rglob("*")) == before  # nothing was written into the app folder


def test_streamlit_config_is_ready_to_share():
    import tomllib

    from ui.uploads import MAX_UPLOAD_MB

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB
    assert config["browser"]["gatherUsageStats"] is False
    assert not (ROOT / ".streamlit" / "secrets.toml").exists() or "secrets.toml" in (ROOT / ".gitignore").read_text()
    from streamlit import config as st_config

    for section, values in config.items():
        for key in values:
            assert f"{section}.{key}" in st_config._config_options_template, f"{section}.{key}"
