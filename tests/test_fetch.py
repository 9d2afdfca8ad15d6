"""Online fetchers against a local HTTP server: never the network."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from local_server import LocalServer

import loaders
from loaders import fetch
from loaders.fetch import FetchError, fetch_acled, fetch_gdelt, fetch_ucdp
from loaders.paths import ROOT

FIX = Path(__file__).parent / "fixtures" / "datasets"
EMAIL, PASSWORD, TOKEN = "analyst@example.org", "s3cret-Pa55+word", "tok-abc123XYZ"


class Server(LocalServer):
    """A local server whose answers the test sets: `handle(req) -> (status, headers, body)`."""

    def __init__(self):
        self.requests: list[dict] = []
        self.handle = lambda req: (404, {}, b"")
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                url = urllib.parse.urlsplit(self.path)
                req = {"method": self.command, "path": url.path, "url": self.path,
                       "query": dict(urllib.parse.parse_qsl(url.query)), "headers": {k.lower(): v for k, v in self.headers.items()},
                       "body": self.rfile.read(length).decode() if length else ""}
                outer.requests.append(req)
                status, headers, body = outer.handle(req)
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (timeout test)

            do_GET = do_POST = _serve

            def log_message(self, *args):
                pass

        LocalServer.__init__(self, Handler)


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    """Record the delays the fetchers ask for instead of waiting."""
    slept: list[float] = []
    monkeypatch.setattr(fetch, "_sleep", slept.append)
    for var in ("ACLED_EMAIL", "ACLED_PASSWORD", "UCDP_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    return slept


# ------------------------------------------------------------------------------------------ ACLED

def _acled_table():
    with open(FIX / "acled_afpak_2025.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _csv_bytes(rows) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode()


def acled_handler(header, data, *, token=TOKEN):
    """Token on POST /oauth/token; CSV pages filtered by country and dates, `limit` rows a page."""
    ci, di = header.index("country"), header.index("event_date")

    def handle(req):
        if req["path"] == "/oauth/token":
            form = dict(urllib.parse.parse_qsl(req["body"]))
            if req["method"] == "POST" and form == {"username": EMAIL, "password": PASSWORD,
                                                    "grant_type": "password", "client_id": "acled"}:
                return 200, {"Content-Type": "application/json"}, json.dumps(
                    {"access_token": token, "token_type": "Bearer", "expires_in": 86400}).encode()
            return 401, {}, b'{"error": "invalid_grant"}'
        if req["path"] == "/api/acled/read":
            if req["headers"].get("authorization") != f"Bearer {token}":
                return 401, {}, b"no"
            q = req["query"]
            lo, hi = q["event_date"].split("|")
            assert q["_format"] == "csv" and q["event_date_where"] == "BETWEEN"
            match = [r for r in data if r[ci] == q["country"] and lo <= r[di] <= hi]
            limit, page = int(q["limit"]), int(q["page"])
            return 200, {"Content-Type": "text/csv"}, _csv_bytes([header] + match[(page - 1) * limit: page * limit])
        return 404, {}, b""
    return handle


def test_acled_token_and_pagination_load(server, tmp_path):
    header, data = _acled_table()
    server.handle = acled_handler(header, data)
    result = fetch_acled(countries=["Afghanistan", "Pakistan"], start="2025-01-01", end="2025-12-31",
                         dest_dir=tmp_path, email=EMAIL, key=PASSWORD, base_url=server.base, page_size=5)
    assert result.path.parent == tmp_path
    assert result.path.name == "acled-afghanistan-pakistan-2025-01-01-2025-12-31.csv"
    ours = [r for r in data if r[header.index("country")] in ("Afghanistan", "Pakistan")]
    per_country = [sum(r[header.index("country")] == c for r in data) for c in ("Afghanistan", "Pakistan")]
    assert result.rows == len(ours) == sum(per_country) and 0 < len(ours) < len(data)
    assert result.pages == sum(-(-n // 5) + 1 for n in per_country)  # full pages, then the empty one
    text = result.path.read_text(encoding="utf-8")
    assert text.count("event_id_cnty") == 1  # the header once
    events, problems = loaders.load_report(result.path)
    reference = tmp_path / "reference" / "acled.csv"
    reference.parent.mkdir()
    reference.write_bytes(_csv_bytes([header] + ours))
    expected, expected_problems = loaders.load_report(reference)
    assert len(expected) > 0
    assert len(events) == len(expected) and set(events["dataset"]) == {"acled"}
    assert len(problems) == len(expected_problems)

    reads = [r for r in server.requests if r["path"] == "/api/acled/read"]
    assert reads and all(r["headers"].get("authorization") == f"Bearer {TOKEN}" for r in reads)
    for r in server.requests:
        assert PASSWORD not in r["url"] and urllib.parse.quote_plus(PASSWORD) not in r["url"]
        assert EMAIL not in r["url"] and urllib.parse.quote_plus(EMAIL) not in r["url"]
        assert TOKEN not in r["url"]
    assert [r["method"] for r in server.requests if r["path"] == "/oauth/token"] == ["POST"]


def test_acled_credentials_from_env_and_narrow_dates(server, tmp_path, monkeypatch):
    header, data = _acled_table()
    server.handle = acled_handler(header, data)
    monkeypatch.setenv("ACLED_EMAIL", EMAIL)
    monkeypatch.setenv("ACLED_PASSWORD", PASSWORD)
    result = fetch_acled(countries=["Pakistan"], start="2025-10-12", end="2025-10-31", dest_dir=tmp_path,
                         base_url=server.base)
    di, ci = header.index("event_date"), header.index("country")
    assert result.rows == sum(r[ci] == "Pakistan" and "2025-10-12" <= r[di] <= "2025-10-31" for r in data)


def test_acled_wrong_password_and_missing_credentials(server, tmp_path):
    header, data = _acled_table()
    server.handle = acled_handler(header, data)
    with pytest.raises(FetchError) as err:
        fetch_acled(countries=["Pakistan"], start="2025-10-01", end="2025-11-30", dest_dir=tmp_path,
                    email=EMAIL, key="wrong-" + PASSWORD, base_url=server.base)
    assert "401" in str(err.value) and PASSWORD not in str(err.value)
    with pytest.raises(FetchError, match="ACLED_EMAIL"):
        fetch_acled(countries=["Pakistan"], start="2025-10-01", end="2025-11-30", dest_dir=tmp_path,
                    base_url=server.base)
    assert list(tmp_path.iterdir()) == []


def test_429_retry_after_is_honoured(server, tmp_path, no_sleep):
    header, data = _acled_table()
    inner = acled_handler(header, data)
    calls = {"n": 0}

    def handle(req):
        if req["path"] == "/api/acled/read" and calls["n"] == 0:
            calls["n"] += 1
            return 429, {"Retry-After": "2"}, b"slow down"
        return inner(req)
    server.handle = handle
    result = fetch_acled(countries=["Pakistan"], start="2025-01-01", end="2025-12-31", dest_dir=tmp_path,
                         email=EMAIL, key=PASSWORD, base_url=server.base)
    assert result.rows > 0
    assert no_sleep == [2.0]


def test_retry_after_is_capped(server, tmp_path, no_sleep):
    server.handle = lambda req: (429, {"Retry-After": "86400"}, b"")
    with pytest.raises(FetchError, match="429"):
        fetch_gdelt(dest_dir=tmp_path, countries_fips=["AF"], base_url=server.base, retries=2)
    assert no_sleep == [fetch.MAX_RETRY_AFTER]


def test_500_three_times_gives_up_without_secret(server, tmp_path, no_sleep):
    server.handle = lambda req: (500, {}, f"internal error for {PASSWORD}".encode())
    with pytest.raises(FetchError) as err:
        fetch_acled(countries=["Pakistan"], start="2025-10-01", end="2025-11-30", dest_dir=tmp_path,
                    email=EMAIL, key=PASSWORD, base_url=server.base)
    message = str(err.value)
    assert "500" in message and "3 attempts" in message
    assert PASSWORD not in message and EMAIL not in message and "\n" not in message
    assert len(server.requests) == 3
    assert no_sleep == [1.0, 2.0]  # exponential backoff between attempts
    assert list(tmp_path.iterdir()) == []


def test_timeout_gives_fetch_error(server, tmp_path):
    def slow(req):
        time.sleep(1.2)
        return 200, {}, b"late"
    server.handle = slow
    started = time.monotonic()
    with pytest.raises(FetchError, match="no answer within 0.5 s"):
        fetch_ucdp(version="25.0.10", dest_dir=tmp_path, token=TOKEN, base_url=server.base, timeout=0.5,
                   retries=2)
    assert time.monotonic() - started < 3
    assert len(server.requests) == 2


def test_secret_redacted_even_if_echoed(server, tmp_path):
    server.handle = lambda req: (200, {}, json.dumps({"error": f"bad token {TOKEN}"}).encode())
    with pytest.raises(FetchError) as err:
        fetch_ucdp(version="25.0.10", dest_dir=tmp_path, token=TOKEN, base_url=server.base)
    assert TOKEN not in str(err.value)


# ------------------------------------------------------------------------------------------- UCDP

def _ucdp_items():
    with open(FIX / "ucdp_ged_candidate_2025.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    items = []
    for r in rows:  # as the API gives them: numbers as numbers, one key missing
        item = {k: (int(v) if v.isdigit() and k not in ("relid",) else v) for k, v in r.items()}
        item["latitude"], item["longitude"] = float(r["latitude"]), float(r["longitude"])
        item.pop("gwnob")
        items.append(item)
    return items


def test_ucdp_pages_to_ged_csv(server, tmp_path):
    items = _ucdp_items()
    size = 3
    pages = (len(items) + size - 1) // size

    def handle(req):
        if req["headers"].get("x-ucdp-access-token") != TOKEN:
            return 401, {}, b""
        assert req["path"] == "/api/gedevents/25.0.10"
        q = req["query"]
        assert q["Country"] == "770,700" and q["StartDate"] == "2025-10-01" and q["EndDate"] == "2025-11-30"
        page = int(q["page"])
        body = {"TotalCount": len(items), "TotalPages": pages, "Result": items[page * size:(page + 1) * size]}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()
    server.handle = handle
    result = fetch_ucdp(version="25.0.10", dest_dir=tmp_path, token=TOKEN, base_url=server.base,
                        country_ids=[770, 700], start="2025-10-01", end="2025-11-30", page_size=size)
    assert result.rows == len(items) and result.pages == pages
    assert result.path.name == "ucdp-ged-25-0-10-c770-700-2025-10-01-2025-11-30.csv"
    with open(result.path, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == loaders.ucdp.COLUMNS
    events, _ = loaders.load_report(result.path)
    expected, _ = loaders.load_report(FIX / "ucdp_ged_candidate_2025.csv")
    assert len(events) == len(expected) and set(events["dataset"]) == {"ucdp"}
    assert sorted(events["fatalities_best"]) == sorted(expected["fatalities_best"])
    assert all(TOKEN not in r["url"] for r in server.requests)


@pytest.mark.parametrize("body, problem", [
    (b"{not json", "malformed JSON"),
    (b'{"TotalPages": 1}', '"Result"'),
    (b'{"Result": [], "TotalPages": "many"}', '"TotalPages"'),
])
def test_ucdp_malformed_json(server, tmp_path, body, problem):
    server.handle = lambda req: (200, {"Content-Type": "application/json"}, body)
    with pytest.raises(FetchError) as err:
        fetch_ucdp(version="25.0.10", dest_dir=tmp_path, token=TOKEN, base_url=server.base)
    assert problem in str(err.value) and "UCDP" in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_ucdp_rejects_path_like_version(tmp_path):
    with pytest.raises(FetchError, match="version"):
        fetch_ucdp(version="../../etc", dest_dir=tmp_path, base_url="http://127.0.0.1:9")


# ------------------------------------------------------------------------------------------ GDELT

def gdelt_handler(zip_bytes, latest="20251107230000", md5=None, present=None):
    present = present if present is not None else {latest}

    def handle(req):
        if req["path"] == "/gdeltv2/lastupdate.txt":
            digest = md5 or hashlib.md5(zip_bytes).hexdigest()
            text = (f"{len(zip_bytes)} {digest} http://data.gdeltproject.org/gdeltv2/{latest}.export.CSV.zip\n"
                    f"1234 0123456789abcdef0123456789abcdef http://data.gdeltproject.org/gdeltv2/{latest}.mentions.CSV.zip\n")
            return 200, {"Content-Type": "text/plain"}, text.encode()
        stamp = req["path"].removeprefix("/gdeltv2/").removesuffix(".export.CSV.zip")
        if stamp in present:
            return 200, {"Content-Type": "application/zip"}, zip_bytes
        return 404, {}, b""
    return handle


def test_gdelt_filter_keeps_chosen_countries(server, tmp_path):
    zip_bytes = (FIX / "gdelt_20251107.export.CSV.zip").read_bytes()
    server.handle = gdelt_handler(zip_bytes)
    result = fetch_gdelt(dest_dir=tmp_path, countries_fips=["af", "PK"], last_n=1, base_url=server.base)
    lines = (FIX / "gdelt_20251107.export.CSV").read_text(encoding="utf-8").splitlines()
    wanted = [ln for ln in lines if ln.split("\t")[53] in ("AF", "PK")]
    assert 0 < len(wanted) < len(lines)
    assert result.rows == len(wanted) and result.pages == 1
    assert result.path.name == "gdelt-20251107230000-last1-af-pk.export.CSV"
    assert result.path.read_text(encoding="utf-8").splitlines() == wanted
    events, _ = loaders.load_report(result.path)
    assert len(events) > 0 and set(events["dataset"]) == {"gdelt"}
    assert set(events["iso3"]) <= {"AFG", "PAK"}


def test_gdelt_last_n_stamps_and_gaps(server, tmp_path):
    zip_bytes = (FIX / "gdelt_20251107.export.CSV.zip").read_bytes()
    server.handle = gdelt_handler(zip_bytes, latest="20251108000000", present={"20251108000000", "20251107233000"})
    result = fetch_gdelt(dest_dir=tmp_path, countries_fips=["QA"], last_n=3, base_url=server.base)
    asked = [r["path"] for r in server.requests if r["path"].endswith(".zip")]
    assert asked == ["/gdeltv2/20251107233000.export.CSV.zip", "/gdeltv2/20251107234500.export.CSV.zip",
                     "/gdeltv2/20251108000000.export.CSV.zip"]
    assert result.pages == 2 and "20251107234500" in result.message


def test_gdelt_md5_mismatch_and_no_rows(server, tmp_path):
    zip_bytes = (FIX / "gdelt_20251107.export.CSV.zip").read_bytes()
    server.handle = gdelt_handler(zip_bytes, md5="0" * 32)
    with pytest.raises(FetchError, match="MD5"):
        fetch_gdelt(dest_dir=tmp_path, countries_fips=["AF"], base_url=server.base)
    server.handle = gdelt_handler(zip_bytes)
    with pytest.raises(FetchError, match="none of the"):
        fetch_gdelt(dest_dir=tmp_path, countries_fips=["ZZ"], base_url=server.base)
    assert list(tmp_path.iterdir()) == []


# -------------------------------------------------------------------------------------------- CLI

def test_cli_failure_exit_2_one_line(server, tmp_path):
    server.handle = lambda req: (500, {}, b"")
    env = {k: v for k, v in os.environ.items() if k not in ("ACLED_EMAIL", "ACLED_PASSWORD", "UCDP_TOKEN")}
    env["FAULTLINE_HOME"] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "loaders.fetch", "acled", "--country", "Pakistan",
                           "--start", "2025-10-01", "--end", "2025-11-30"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "ACLED_PASSWORD" in proc.stderr
    assert not (tmp_path / "inbox").exists() or not any((tmp_path / "inbox").iterdir())


def test_cli_in_process(server, tmp_path, capsys, monkeypatch):
    zip_bytes = (FIX / "gdelt_20251107.export.CSV.zip").read_bytes()
    server.handle = gdelt_handler(zip_bytes)
    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path))
    assert fetch.main(["gdelt", "--country-fips", "AF", "--country-fips", "PK", "--base-url", server.base]) == 0
    assert list((tmp_path / "inbox").glob("gdelt-*.export.CSV"))
    server.handle = lambda req: (500, {}, b"")
    assert fetch.main(["ucdp", "--version", "25.0.10", "--dest", str(tmp_path / "x"), "--retries", "1",
                       "--base-url", server.base]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("fetch ucdp: ")


def test_redirect_to_another_host_drops_credentials(server, tmp_path):
    other = Server()
    try:
        other.handle = lambda req: (200, {}, b'{"Result": [], "TotalPages": 0}')
        server.handle = lambda req: (302, {"Location": other.base + req["url"]}, b"")
        with pytest.raises(FetchError, match="no events"):
            fetch_ucdp(version="25.0.10", dest_dir=tmp_path, token=TOKEN, base_url=server.base)
        assert server.requests[0]["headers"].get("x-ucdp-access-token") == TOKEN
        assert other.requests and "x-ucdp-access-token" not in other.requests[0]["headers"]
    finally:
        other.close()
