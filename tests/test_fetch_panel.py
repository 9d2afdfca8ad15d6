"""The Sources page's online fetch: off by default, into the inbox when on, a failure said not crashed."""

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
ZIP = (Path(__file__).parent / "fixtures" / "datasets" / "gdelt_20251107.export.CSV.zip").read_bytes()
STAMP = "20251107003000"


@pytest.fixture(autouse=True)
def fresh(tmp_path, monkeypatch):
    st.cache_data.clear()
    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FAULTLINE_READ_ONLY", raising=False)
    yield
    st.cache_data.clear()


def serve(broken: bool):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if broken:
                body, code = b"not here", 404
            elif self.path.endswith("lastupdate.txt"):
                url = f"http://127.0.0.1:{self.server.server_port}/gdeltv2/{STAMP}.export.CSV.zip"
                body, code = f"{len(ZIP)} {hashlib.md5(ZIP).hexdigest()} {url}\n".encode(), 200
            elif self.path.endswith(f"{STAMP}.export.CSV.zip"):
                body, code = ZIP, 200
            else:
                body, code = b"", 404
            self.send_response(code)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def sources_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/5_Sources.py")
    at.run()
    return at


def test_fetching_is_off_unless_switched_on(monkeypatch):
    monkeypatch.delenv("FAULTLINE_ONLINE", raising=False)
    at = sources_page()
    assert not at.exception
    assert any("Online fetching" in c.value and "is off" in c.value for c in at.caption)


@pytest.mark.parametrize("broken", [True, False], ids=["server-fails", "server-answers"])
def test_fetch_into_the_inbox_or_say_why_not(monkeypatch, tmp_path, broken):
    server = serve(broken)
    try:
        monkeypatch.setenv("FAULTLINE_ONLINE", "1")
        monkeypatch.setenv("FAULTLINE_GDELT_URL", f"http://127.0.0.1:{server.server_port}")
        at = sources_page()
        at.text_input[0].set_value("AF, PK")
        at.text_input[1].set_value("1")
        next(b for b in at.button if "Fetch into the inbox" in str(b.label)).click()
        at.run()
        assert not at.exception
        inbox = tmp_path / "home" / "inbox"
        fetched = list(inbox.glob("gdelt-*.export.CSV"))
        if broken:
            assert any("The fetch failed and nothing was added" in e.value for e in at.error)
            assert not fetched
        else:
            assert any("GDELT:" in s.value for s in at.success)
            assert len(fetched) == 1
    finally:
        server.shutdown()
