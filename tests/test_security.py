"""Security without a browser (SPEC §7): the spreadsheet guard of the CSV export and its round trip,
uploads (size, type by content, names never paths, zip bounds), credentials never shown, read-only
mode, and the licence setting that keeps raw rows of some datasets out of the download."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import shutil
import zipfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from local_server import LocalServer
from streamlit.testing.v1 import AppTest

import loaders
from loaders import fetch
from loaders.export import to_csv
from loaders.schema import COLUMNS

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "fixtures" / "datasets"
HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1", "'=already", "''+twice",
           "=HYPERLINK(\"http://evil.example\",\"x\")", "<script>alert(1)</script>", "-", "'", "plain text"]
TEXT = [c for c, t in COLUMNS.items() if t == "string" and c not in ("event_id", "incident_id", "iso3")]
NUMBERS = ["latitude", "longitude", "fatalities_low", "fatalities_best", "fatalities_high", "confidence"]


@pytest.fixture(autouse=True)
def fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path / "home"))
    for var in ("FAULTLINE_ONLINE", "FAULTLINE_READ_ONLY", "FAULTLINE_NO_RAW_DOWNLOAD", "ACLED_EMAIL",
                "ACLED_PASSWORD", "UCDP_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    st.cache_data.clear()
    yield tmp_path / "home"
    st.cache_data.clear()
    st.set_option("client.disableDataExport", False)


# ------------------------------------------------------------------------------ CSV export guard

def hostile_events() -> pd.DataFrame:
    events = loaders.load([DATA / "acled_afpak_2025.csv", DATA / "ucdp_ged_candidate_2025.csv"])
    for i, col in enumerate(TEXT):
        for j in range(len(events)):
            events.loc[events.index[j], col] = HOSTILE[(i + j) % len(HOSTILE)]
    events.loc[events.index[:4], "longitude"] = [-77.0364, -0.1276, -46.6333, -180.0]
    events.loc[events.index[:4], "latitude"] = [38.8951, -51.5, -23.55, -90.0]
    return events


def test_export_guards_formula_cells_and_never_numbers():
    events = hostile_events()
    rows = list(csv.DictReader(io.StringIO(to_csv(events, excel_safe=True), newline="")))
    for row, (_, ev) in zip(rows, events.iterrows()):
        for col in TEXT:
            cell = row[col]
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (col, cell)
            if str(ev[col]).startswith(("=", "+", "-", "@", "\t", "\r", "'")):
                assert cell.startswith("'")
        for col in NUMBERS:  # negative longitudes stay numbers a spreadsheet can add up
            assert not row[col].startswith("'")
            assert (row[col] == "" and pd.isna(ev[col])) or float(row[col]) == float(ev[col])
    assert rows[0]["longitude"] == "-77.0364" and rows[3]["latitude"] == "-90.0"


@pytest.mark.parametrize("excel_safe", [True, False])
def test_hostile_export_loads_back_unchanged_in_meaning(tmp_path, excel_safe):
    events = hostile_events()
    path = tmp_path / "download.csv"
    path.write_bytes(to_csv(events, excel_safe=excel_safe).encode("utf-8"))
    back, problems = loaders.load_report(path)
    assert not [p for p in problems if p.kind != "note"], [str(p) for p in problems]
    back = back.set_index("event_id").loc[events["event_id"]].reset_index()
    pd.testing.assert_frame_equal(back, events.reset_index(drop=True), check_categorical=False)


def test_dashboard_download_is_spreadsheet_safe_and_loads_back(tmp_path):
    from monitor import Filters
    from ui.tables import filtered_csv

    events = hostile_events()
    text = filtered_csv(events, Filters())
    assert "\n=" not in text and ",=" not in text and ",+" not in text and ",@" not in text
    path = tmp_path / "dl.csv"
    path.write_bytes(text.encode("utf-8"))
    assert set(loaders.load(path)["event_id"]) == set(events["event_id"])


# ----------------------------------------------------------------------------------------- uploads

HOSTILE_NAMES = ["../../etc/passwd", "/etc/passwd", "..\\..\\Windows\\win.ini", "C:\\Users\\x\\evil.csv",
                 "a\x00b.csv", "x" * 5000 + ".csv", "line\nbreak\r.csv", "", ".", "..", "~/.bashrc",
                 "%2e%2e%2fetc%2fpasswd", "CON", "名前.csv", "<img src=x onerror=alert(1)>.csv", "inbox/../../up.csv"]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=lambda n: repr(n[:30]))
def test_an_upload_name_is_never_a_path(fresh, tmp_path, name):
    from ui.uploads import save_upload, uploaded_names

    before = {p for p in tmp_path.rglob("*")}
    saved = save_upload(name, (DATA / "acled_afpak_2025.csv").read_bytes())
    inbox = fresh / "inbox"
    assert saved.path.parent == inbox and re.fullmatch(r"[0-9a-f]{16}\.csv", saved.path.name)
    created = {p for p in tmp_path.rglob("*")} - before
    assert all(p == inbox or p.parent == inbox or p == fresh for p in created), created
    label = uploaded_names(inbox)[saved.path.name]
    assert "/" not in label and "\\" not in label and "\x00" not in label and "\n" not in label
    assert 0 < len(label) <= 200


@pytest.mark.parametrize("name, content, outcome", [
    ("report.zip", (DATA / "acled_afpak_2025.csv").read_bytes(), ".csv"),
    ("events.csv", (DATA / "gdelt_20251107.export.CSV.zip").read_bytes(), ".zip"),
    ("events.txt", (DATA / "gdelt_20251107.export.CSV").read_bytes(), ".tsv"),
    ("article.csv", (ROOT / "seeds" / "afghanistan-pakistan-talks-fail.txt").read_bytes(), ".txt"),
    ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "binary"),
    ("tool.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 500, "binary"),
    ("empty.csv", b"   \n", "empty"),
    ("broken.zip", b"PK\x03\x04" + b"\x00" * 100, "cannot be opened"),
])
def test_upload_type_comes_from_the_content(fresh, name, content, outcome):
    from ui.uploads import UploadRefused, save_upload

    if outcome.startswith("."):
        assert save_upload(name, content).path.suffix == outcome
    else:
        with pytest.raises(UploadRefused, match=outcome):
            save_upload(name, content)
        assert not list((fresh / "inbox").glob("*")) if (fresh / "inbox").exists() else True


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in members.items():
            zf.writestr(n, d)
    return buf.getvalue()


def test_upload_zip_members_are_bounded(fresh):
    from loaders import pipeline
    from ui.uploads import UploadRefused, save_upload

    with pytest.raises(UploadRefused, match="limit is"):
        save_upload("many.zip", _zip({f"f{i}.csv": b"a,b,c\n" for i in range(pipeline.MAX_ZIP_MEMBERS + 1)}))
    with pytest.raises(UploadRefused, match="zip bomb"):
        save_upload("bomb.zip", _zip({"zeros.csv": b"0" * (60 * 1024 * 1024)}))
    hollow = io.BytesIO()
    with zipfile.ZipFile(hollow, "w") as zf:
        zf.writestr(zipfile.ZipInfo("folder/"), b"")
    with pytest.raises(UploadRefused, match="no files"):
        save_upload("hollow.zip", hollow.getvalue())
    # Zip-slip names are only labels: the upload is kept as one file, and loading it names no path.
    slip = save_upload("slip.zip", _zip({"../../../etc/evil.export.CSV": (DATA / "gdelt_20251107.export.CSV").read_bytes()}))
    result = loaders.load_files(slip.path)
    assert [r.path for r in result.files] == [f"{slip.path}!evil.export.CSV"] and len(result.events)
    assert not (fresh.parent / "etc").exists()


# ------------------------------------------------------------------------------------- credentials

EMAIL, PASSWORD, TOKEN = "analyst@example.org", "Pa55-w0rd+secret", "ucdp-TOKEN-0123456789"


class EchoServer(LocalServer):
    """Fails every request, echoing what it was sent (body, headers, URL) back in the error body."""

    def __init__(self, status: int):
        self.urls: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                outer.urls.append(self.path)
                echo = json.dumps({"error": f"bad request {self.path} {body} {dict(self.headers)}"}).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(echo)))
                self.end_headers()
                self.wfile.write(echo)

            do_GET = do_POST = _serve

            def log_message(self, *args):
                pass

        LocalServer.__init__(self, Handler)


def everything_shown(at: AppTest) -> str:
    """Every element the page drew (its protobuf, so labels, values, help texts and all), as text."""
    parts: list[str] = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    assert len(parts) > 20
    return "\n".join(parts)


@pytest.mark.parametrize("source, status, via", [("acled", 401, "env"), ("acled", 500, "secrets"),
                                                 ("ucdp", 500, "secrets"), ("ucdp", 403, "env")])
def test_a_failing_fetch_never_shows_or_logs_a_credential(monkeypatch, caplog, capsys, source, status, via):
    server = EchoServer(status)
    monkeypatch.setattr(fetch, "_sleep", lambda s: None)
    monkeypatch.setenv("FAULTLINE_ONLINE", "1")
    monkeypatch.setenv(f"FAULTLINE_{source.upper()}_URL", server.base)
    creds = {"ACLED_EMAIL": EMAIL, "ACLED_PASSWORD": PASSWORD, "UCDP_TOKEN": TOKEN}
    try:
        caplog.set_level(logging.DEBUG)
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        for k, v in creds.items():
            if via == "env":
                monkeypatch.setenv(k, v)
            else:
                at.secrets[k] = v
        at.run()
        at.switch_page("pages/5_Sources.py")
        at.run()
        at.selectbox[0].set_value(source)
        at.text_input[0].set_value("Pakistan" if source == "acled" else "770")
        at.text_input[1].set_value("25.1")
        next(b for b in at.button if "Fetch into the inbox" in str(b.label)).click()
        at.run()
    finally:
        server.close()
    assert not at.exception
    assert any("The fetch failed and nothing was added" in e.value for e in at.error), [e.value for e in at.error]
    assert server.urls, "the fake server was asked"
    out = capsys.readouterr()
    seen = "\n".join([everything_shown(at), caplog.text, out.out, out.err, *server.urls])
    assert "The fetch failed" in seen and "HTTP" in seen  # the walk does see the page's messages
    for secret in (PASSWORD, TOKEN, fetch.urllib.parse.quote_plus(PASSWORD)):
        assert secret not in seen
    assert EMAIL not in "\n".join(server.urls)


def test_secrets_without_a_secrets_file_are_none(tmp_path, monkeypatch):
    """No secrets.toml anywhere: st.secrets raises, the helpers say None/empty instead."""
    from ui.fetch_panel import secret
    from ui.licence import no_raw_download

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert secret("ACLED_PASSWORD") is None
    assert no_raw_download() == (frozenset(), [])


# ----------------------------------------------------------------------------------- read-only mode

def _sources_page(at=None) -> AppTest:
    at = at or AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/5_Sources.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("how", ["flag", "unwritable"])
def test_read_only_turns_off_uploads_and_fetching_and_says_why(monkeypatch, tmp_path, how):
    monkeypatch.setenv("FAULTLINE_ONLINE", "1")
    if how == "flag":
        monkeypatch.setenv("FAULTLINE_READ_ONLY", "1")
    else:
        blocker = tmp_path / "file"
        blocker.write_text("not a folder")
        monkeypatch.setenv("FAULTLINE_HOME", str(blocker / "home"))
    at = _sources_page()
    assert len(at.file_uploader) == 0 and not [b for b in at.button if "Fetch" in str(b.label)]
    infos = [i.value for i in at.info]
    assert any("Uploads are off" in i for i in infos) and any("Online fetching is off here" in i for i in infos)
    with pytest.raises(PermissionError):
        loaders.pin_place("Somewhere", 1.0, 2.0)


# ------------------------------------------------------------------------- licence: raw downloads

def _events_page(fresh: Path, secrets: dict | None = None) -> AppTest:
    inbox = fresh / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for name in ("acled_afpak_2025.csv", "gdelt_20251107.export.CSV"):
        shutil.copy(DATA / name, inbox / name)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for k, v in (secrets or {}).items():
        at.secrets[k] = v
    at.run()
    at.switch_page("pages/4_Events.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_no_raw_download_of_acled_leaves_its_rows_out_and_says_why(fresh, monkeypatch):
    from monitor import Filters
    from ui.tables import filtered_csv

    monkeypatch.setenv("FAULTLINE_NO_RAW_DOWNLOAD", "acled")
    at = _events_page(fresh)
    notes = [i.value for i in at.info if "FAULTLINE_NO_RAW_DOWNLOAD" in i.value]
    assert len(notes) == 1 and "leaves out 17 ACLED row(s)" in notes[0] and "licence" in notes[0]
    button = at.get("download_button")[0]
    assert not button.proto.disabled
    assert st.get_option("client.disableDataExport") is True  # the tables' own CSV export is hidden too
    events = loaders.load([fresh / "inbox", ROOT / "seeds"])
    got = pd.read_csv(io.StringIO(filtered_csv(events, Filters(), frozenset({"acled"}))))
    assert len(got) and "acled" not in set(got["dataset"]) and {"gdelt", "news"} <= set(got["dataset"])


def test_no_raw_download_from_secrets_can_turn_the_download_off(fresh):
    at = _events_page(fresh, {"FAULTLINE_NO_RAW_DOWNLOAD": ["acled", "gdelt", "news", "ucdp"]})
    assert at.get("download_button")[0].proto.disabled
    assert any("The download is off here" in i.value for i in at.info)


def test_without_the_setting_the_download_is_whole(fresh):
    at = _events_page(fresh)
    assert not at.get("download_button")[0].proto.disabled
    assert not [i for i in at.info if "FAULTLINE_NO_RAW_DOWNLOAD" in i.value]
    assert st.get_option("client.disableDataExport") is False
