"""Optional online fetchers for ACLED, UCDP GED and GDELT 2.0 (SPEC §7: opt-in, with timeouts).

Nothing here runs unless called: the dashboard and the tests stay offline. Each fetcher writes one
file into ``dest_dir`` (by default the inbox, ``$FAULTLINE_HOME/inbox``) in the dataset's own export
layout, so ``loaders.load_report(path)`` reads it like a downloaded file. The file name is generated
from a fixed set of characters, never taken from input. Credentials travel in headers or a POST body,
never in a URL, and no error message contains them.

CLI::

    python -m loaders.fetch acled --country NAME [--country NAME2] --start YYYY-MM-DD --end YYYY-MM-DD
    python -m loaders.fetch ucdp --version 25.0.10 [--country-id GW_ID] [--start ...] [--end ...]
    python -m loaders.fetch gdelt --country-fips XX [--country-fips YY] --last 4

ACLED credentials come from ACLED_EMAIL / ACLED_PASSWORD, the UCDP token from UCDP_TOKEN (never from
the command line, where other users could read them in the process list).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import http.client
import io
import json
import os
import re
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

ACLED_BASE = "https://acleddata.com"
UCDP_BASE = "https://ucdpapi.pcr.uu.se"
GDELT_BASE = "http://data.gdeltproject.org"
USER_AGENT = "Faultline/1.0 (conflict monitor)"
MAX_RETRY_AFTER = 60.0      # seconds: a server asking for longer is not waited for that long
MAX_BACKOFF = 30.0
MAX_PAGES = 1000            # a runaway pagination stops here
MAX_BODY = 100 * 2**20      # any single response (a GDELT zip is a few MB)
MAX_UNZIPPED = 1024 * 2**20  # a GDELT export unzipped; guards against zip bombs
SECRET_HEADERS = {"authorization", "x-ucdp-access-token"}

_sleep = time.sleep  # tests replace this to record delays instead of waiting


class FetchError(Exception):
    """A fetch failed; the message is one line for a person and never contains a credential."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status  # the HTTP status behind the failure, when there was one


@dataclass(frozen=True)
class FetchResult:
    path: Path
    rows: int
    pages: int
    message: str


# --------------------------------------------------------------------------------------------- HTTP

class _NoSecretRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but never carry a credential header to another host or scheme."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            old, nxt = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(new.full_url)
            if (old.scheme, old.netloc) != (nxt.scheme, nxt.netloc):
                for name in list(new.headers):
                    if name.lower() in SECRET_HEADERS:
                        del new.headers[name]
        return new


_OPENER = urllib.request.build_opener(_NoSecretRedirects)


def _redact(text: str, secrets: Iterable[str | None]) -> str:
    for s in secrets:
        if s:
            text = text.replace(s, "***")
            quoted = urllib.parse.quote_plus(s)
            if quoted != s:
                text = text.replace(quoted, "***")
    return " ".join(text.split())  # one line


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:  # an HTTP date
            when = parsedate_to_datetime(value)
            seconds = (when - datetime.now(when.tzinfo)).total_seconds()
        except (TypeError, ValueError, IndexError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


class _Http:
    """GET/POST with a timeout on every request and retries with exponential backoff."""

    def __init__(self, name: str, *, timeout: float, retries: int, secrets: Sequence[str | None] = ()):
        if timeout <= 0:
            raise FetchError(f"{name}: timeout must be positive")
        self.name, self.timeout, self.tries = name, timeout, max(1, int(retries))
        self.secrets = [s for s in secrets if s]

    def fail(self, message: str, status: int | None = None) -> FetchError:
        return FetchError(_redact(f"{self.name}: {message}", self.secrets), status)

    def request(self, url: str, *, what: str, data: dict[str, str] | None = None,
                headers: dict[str, str] | None = None, max_bytes: int = MAX_BODY,
                auth_hint: str = "") -> bytes:
        """The response body, or FetchError after `retries` attempts (in total) or on a non-retryable error."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        hdrs = {"User-Agent": USER_AGENT, **(headers or {})}
        last = ""
        for attempt in range(self.tries):
            wait = min(2.0 ** attempt, MAX_BACKOFF)
            req = urllib.request.Request(url, data=body, headers=hdrs, method="POST" if body is not None else "GET")
            try:
                with _OPENER.open(req, timeout=self.timeout) as resp:
                    length = resp.headers.get("Content-Length")
                    if length and length.isdigit() and int(length) > max_bytes:
                        raise self.fail(f"{what} is {int(length)} bytes, more than the {max_bytes}-byte limit")
                    content = resp.read(max_bytes + 1)
                    if len(content) > max_bytes:
                        raise self.fail(f"{what} is larger than the {max_bytes}-byte limit")
                    return content
            except urllib.error.HTTPError as err:
                code = err.code
                err.close()
                if code == 429:
                    last = f"{what}: rate limited (HTTP 429)"
                    after = _retry_after(err.headers.get("Retry-After") if err.headers else None)
                    wait = after if after is not None else wait
                elif 500 <= code < 600:
                    last = f"{what}: server error (HTTP {code})"
                elif code in (401, 403):
                    raise self.fail(f"{what}: access refused (HTTP {code}){auth_hint}", code) from None
                elif code == 404:
                    raise self.fail(f"{what}: not found (HTTP 404)", code) from None
                else:
                    raise self.fail(f"{what}: request rejected (HTTP {code})", code) from None
            except TimeoutError:
                last = f"{what}: no answer within {self.timeout:g} s"
            except urllib.error.URLError as err:
                reason = err.reason
                last = (f"{what}: no answer within {self.timeout:g} s" if isinstance(reason, TimeoutError)
                        else f"{what}: cannot connect ({reason})")
            except (OSError, http.client.HTTPException) as err:
                last = f"{what}: connection failed ({type(err).__name__}: {err})"
            if attempt + 1 < self.tries:
                _sleep(wait)
        raise self.fail(f"{last} (gave up after {self.tries} attempt{'s' if self.tries != 1 else ''})")


# ------------------------------------------------------------------------------------------ helpers

_SLUG_KEEP = re.compile(r"[^a-z0-9]+")


def _slug(parts: Iterable[str], limit: int = 60) -> str:
    """Lower-case letters, digits and '-' only: a file name part that cannot be a path."""
    slug = "-".join(p for p in (_SLUG_KEEP.sub("-", str(x).lower()).strip("-") for x in parts) if p)
    return slug[:limit].strip("-") or "all"


def _iso_day(value: str | date | None, name: str, source: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise FetchError(f"{source}: {name} {value!r} is not a date YYYY-MM-DD") from None


def _base(url: str | None, default: str, source: str) -> str:
    url = (url or default).rstrip("/")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.username or parts.password:
        raise FetchError(f"{source}: base URL must be http(s)://host[/path] without credentials")
    return url


def _write_atomic(dest_dir: str | Path, name: str, write) -> Path:
    """Write through a temporary file in dest_dir, then rename: a failed fetch leaves nothing behind."""
    dest = Path(dest_dir)
    try:
        dest.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest, prefix=".fetch-", suffix=".part")
    except OSError as err:
        raise FetchError(f"cannot write into {dest}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            write(fh)
        path = dest / name
        os.replace(tmp, path)
        return path
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -------------------------------------------------------------------------------------------- ACLED

def _acled_token(http: _Http, base: str, email: str, password: str) -> str:
    raw = http.request(f"{base}/oauth/token", what="login",
                       data={"username": email, "password": password, "grant_type": "password",
                             "client_id": "acled"},
                       auth_hint=": check ACLED_EMAIL and ACLED_PASSWORD")
    try:
        token = json.loads(raw.decode("utf-8")).get("access_token")
    except (ValueError, UnicodeDecodeError, AttributeError):
        raise http.fail("login answer is not the expected JSON with an access_token") from None
    if not isinstance(token, str) or not token:
        raise http.fail("login answer has no access_token")
    http.secrets.append(token)
    return token


def _acled_page(http: _Http, raw: bytes, page: int) -> list[list[str]]:
    text = raw.decode("utf-8-sig", errors="replace")
    if text.lstrip().startswith(("{", "[")):
        try:
            payload = json.loads(text)
            detail = payload.get("error") or payload.get("message") if isinstance(payload, dict) else None
        except ValueError:
            detail = None
        raise http.fail(f"page {page} is JSON, not CSV" + (f": {str(detail)[:200]}" if detail else ""))
    return [row for row in csv.reader(io.StringIO(text, newline="")) if row]


def fetch_acled(*, countries: Sequence[str], start: str | date, end: str | date, dest_dir: str | Path,
                email: str | None = None, key: str | None = None, base_url: str | None = None,
                timeout: float = 10, retries: int = 3, page_size: int = 5000) -> FetchResult:
    """ACLED events of `countries` between `start` and `end` (inclusive) -> one ACLED CSV in dest_dir.

    `key` is the ACLED account password (else ACLED_PASSWORD); `email` else ACLED_EMAIL.
    `retries` counts attempts per request in total.
    """
    countries = [c.strip() for c in ([countries] if isinstance(countries, str) else countries) if c and c.strip()]
    if not countries:
        raise FetchError("ACLED: name at least one country")
    first, last = _iso_day(start, "start", "ACLED"), _iso_day(end, "end", "ACLED")
    if not first or not last:
        raise FetchError("ACLED: start and end dates are required")
    if first > last:
        raise FetchError(f"ACLED: start {first} is after end {last}")
    email = email or os.environ.get("ACLED_EMAIL") or ""
    password = key or os.environ.get("ACLED_PASSWORD") or ""
    if not email or not password:
        raise FetchError("ACLED: credentials missing: set ACLED_EMAIL and ACLED_PASSWORD")
    base = _base(base_url, ACLED_BASE, "ACLED")
    http = _Http("ACLED", timeout=timeout, retries=retries, secrets=[password, email])
    token = _acled_token(http, base, email, password)
    auth = {"Authorization": f"Bearer {token}"}

    header: list[str] | None = None
    rows: list[list[str]] = []
    pages = 0
    for country in countries:
        for page in range(1, MAX_PAGES + 1):
            query = urllib.parse.urlencode({"_format": "csv", "country": country, "event_date": f"{first}|{last}",
                                            "event_date_where": "BETWEEN", "limit": str(page_size),
                                            "page": str(page)})
            raw = http.request(f"{base}/api/acled/read?{query}", what=f"{country} page {page}", headers=auth,
                               auth_hint=": check the account's API access")
            pages += 1
            table = _acled_page(http, raw, page)
            if not table:
                break
            page_header = [h.strip() for h in table[0]]
            if "event_id_cnty" not in page_header:
                raise http.fail(f"{country} page {page} is not an ACLED CSV (no event_id_cnty column)")
            if header is None:
                header = page_header
            data = table[1:]
            if not data:
                break
            if page_header != header:  # same columns in another order, or a column more or less
                pos = {h: i for i, h in enumerate(page_header)}
                data = [[r[pos[h]] if h in pos and pos[h] < len(r) else "" for h in header] for r in data]
            rows.extend(data)
        else:
            raise http.fail(f"{country}: more than {MAX_PAGES} pages; narrow the dates")
    if not rows or header is None:
        raise http.fail(f"no events for {', '.join(countries)} between {first} and {last}")

    def write(fh):
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)

    path = _write_atomic(dest_dir, f"acled-{_slug(countries)}-{first}-{last}.csv", write)
    return FetchResult(path, len(rows), pages, f"ACLED: {len(rows)} events from {pages} pages -> {path.name}")


# --------------------------------------------------------------------------------------------- UCDP

_VERSION = re.compile(r"^\d{1,3}\.\d{1,3}(\.\d{1,3})?$")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def fetch_ucdp(*, version: str, dest_dir: str | Path, token: str | None = None, base_url: str | None = None,
               country_ids: Sequence[int | str] | None = None, start: str | date | None = None,
               end: str | date | None = None, timeout: float = 10, retries: int = 3,
               page_size: int = 1000) -> FetchResult:
    """UCDP GED events (one release `version`, e.g. "25.1" or Candidate "25.0.10") -> one GED CSV in dest_dir.

    `token` else UCDP_TOKEN; `country_ids` are Gleditsch-Ward country numbers.
    """
    from loaders.ucdp import COLUMNS

    version = str(version).strip()
    if not _VERSION.match(version):
        raise FetchError(f"UCDP: version {version!r} is not like 25.1 or 25.0.10")
    ids: list[str] = []
    for c in country_ids or []:
        if not str(c).strip().isdigit():
            raise FetchError(f"UCDP: country id {c!r} is not a number")
        ids.append(str(int(str(c).strip())))
    first, last = _iso_day(start, "start", "UCDP"), _iso_day(end, "end", "UCDP")
    if first and last and first > last:
        raise FetchError(f"UCDP: start {first} is after end {last}")
    token = token or os.environ.get("UCDP_TOKEN") or None
    base = _base(base_url, UCDP_BASE, "UCDP")
    http = _Http("UCDP", timeout=timeout, retries=retries, secrets=[token])
    headers = {"Accept": "application/json"}
    if token:
        headers["x-ucdp-access-token"] = token
    params = {"pagesize": str(page_size)}
    if ids:
        params["Country"] = ",".join(ids)
    if first:
        params["StartDate"] = first
    if last:
        params["EndDate"] = last

    lower = {c.lower(): c for c in COLUMNS}
    rows: list[list[str]] = []
    page, total_pages = 0, 1
    while page < total_pages:
        if page >= MAX_PAGES:
            raise http.fail(f"more than {MAX_PAGES} pages; narrow the query")
        query = urllib.parse.urlencode({**params, "page": str(page)})
        raw = http.request(f"{base}/api/gedevents/{version}?{query}", what=f"page {page}", headers=headers,
                           auth_hint=": UCDP needs an access token in UCDP_TOKEN")
        try:
            payload = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as err:
            raise http.fail(f"page {page} is malformed JSON ({type(err).__name__}: {str(err)[:120]})") from None
        if not isinstance(payload, dict) or not isinstance(payload.get("Result"), list):
            raise http.fail(f"page {page} is malformed JSON: no \"Result\" list")
        pages_field = payload.get("TotalPages")
        if not isinstance(pages_field, int) or isinstance(pages_field, bool) or pages_field < 0:
            raise http.fail(f"page {page} is malformed JSON: \"TotalPages\" is not a whole number")
        total_pages = pages_field
        for i, item in enumerate(payload["Result"]):
            if not isinstance(item, dict):
                raise http.fail(f"page {page} is malformed JSON: result {i} is not an object")
            by_col = {lower[k.lower()]: v for k, v in item.items() if isinstance(k, str) and k.lower() in lower}
            rows.append([_cell(by_col.get(c)) for c in COLUMNS])
        page += 1
    if not rows:
        raise http.fail(f"no events in GED {version} for this query")

    def write(fh):
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(COLUMNS)
        out.writerows(rows)

    parts = ["ucdp-ged", version] + ([f"c{'-'.join(ids)}"] if ids else []) + [p for p in (first, last) if p]
    path = _write_atomic(dest_dir, f"{_slug(parts, 90)}.csv", write)
    return FetchResult(path, len(rows), page, f"UCDP: {len(rows)} events from {page} pages -> {path.name}")


# -------------------------------------------------------------------------------------------- GDELT

_STAMP = re.compile(r"(\d{14})\.export\.CSV\.zip$")
_FIPS = re.compile(r"^[A-Z]{2}$")
ACTION_GEO_COUNTRY = 53  # ActionGeo_CountryCode, 0-based


def _stamps(latest: str, n: int) -> list[str]:
    """The latest 15-minute stamp and the n-1 before it, oldest first."""
    t = datetime.strptime(latest, "%Y%m%d%H%M%S")
    t = t.replace(minute=t.minute - t.minute % 15, second=0)
    return [(t - timedelta(minutes=15 * i)).strftime("%Y%m%d%H%M%S") for i in reversed(range(n))]


def _gdelt_rows(http: _Http, content: bytes, stamp: str, keep: set[str]) -> tuple[list[str], int]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise http.fail(f"{stamp}: not a zip file") from None
    members = [m for m in zf.infolist() if m.filename.lower().endswith(".csv") and not m.is_dir()]
    if not members:
        raise http.fail(f"{stamp}: the zip holds no .CSV file")
    kept: list[str] = []
    seen = 0
    for m in members:
        if m.file_size > MAX_UNZIPPED:
            raise http.fail(f"{stamp}: {m.file_size} bytes unzipped, more than the {MAX_UNZIPPED}-byte limit")
        try:
            with zf.open(m) as raw:
                for line in io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline=""):
                    line = line.rstrip("\r\n")
                    if not line:
                        continue
                    seen += 1
                    fields = line.split("\t")
                    if len(fields) > ACTION_GEO_COUNTRY and fields[ACTION_GEO_COUNTRY] in keep:
                        kept.append(line)
        except (zipfile.BadZipFile, OSError, EOFError) as err:
            raise http.fail(f"{stamp}: damaged zip ({err})") from None
    return kept, seen


def fetch_gdelt(*, dest_dir: str | Path, countries_fips: Sequence[str], last_n: int = 1,
                base_url: str | None = None, timeout: float = 10, retries: int = 3,
                max_bytes: int = MAX_BODY) -> FetchResult:
    """The last `last_n` 15-minute GDELT 2.0 events exports, rows whose ActionGeo_CountryCode is in
    `countries_fips` (two-letter FIPS 10-4 codes) -> one tab-separated .export.CSV in dest_dir.

    An older slice the server does not have (HTTP 404; GDELT has gaps) is skipped and named in the message.
    """
    keep = {str(c).strip().upper() for c in ([countries_fips] if isinstance(countries_fips, str) else countries_fips)}
    keep.discard("")
    if not keep:
        raise FetchError("GDELT: name at least one two-letter FIPS country code")
    bad = sorted(c for c in keep if not _FIPS.match(c))
    if bad:
        raise FetchError(f"GDELT: {', '.join(repr(b) for b in bad)} not a two-letter FIPS code")
    if not isinstance(last_n, int) or not 1 <= last_n <= 96:
        raise FetchError("GDELT: last must be between 1 and 96 (15-minute files; 96 is one day)")
    base = _base(base_url, GDELT_BASE, "GDELT")
    http = _Http("GDELT", timeout=timeout, retries=retries)

    listing = http.request(f"{base}/gdeltv2/lastupdate.txt", what="lastupdate.txt", max_bytes=65536)
    latest = None
    for line in listing.decode("utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 3 and _STAMP.search(parts[2]):
            latest = (_STAMP.search(parts[2]).group(1), parts[0], parts[1].lower())
            break
    if latest is None:
        raise http.fail("lastupdate.txt names no .export.CSV.zip file")
    stamps = _stamps(latest[0], last_n)

    kept: list[str] = []
    seen = fetched = 0
    skipped: list[str] = []
    for stamp in stamps:
        url = f"{base}/gdeltv2/{stamp}.export.CSV.zip"
        try:
            content = http.request(url, what=f"{stamp}.export.CSV.zip", max_bytes=max_bytes)
        except FetchError as err:
            if err.status == 404 and stamp != latest[0]:
                skipped.append(stamp)
                continue
            raise
        if stamp == latest[0] and re.fullmatch(r"[0-9a-f]{32}", latest[2]) \
                and hashlib.md5(content).hexdigest() != latest[2]:
            raise http.fail(f"{stamp}.export.CSV.zip does not match the MD5 in lastupdate.txt")
        rows, n = _gdelt_rows(http, content, stamp, keep)
        kept.extend(rows)
        seen += n
        fetched += 1
    codes = ", ".join(sorted(keep))
    if not kept:
        raise http.fail(f"none of the {seen} rows in {fetched} file(s) took place in {codes}"
                        + (f" (missing on the server: {', '.join(skipped)})" if skipped else ""))

    def write(fh):
        fh.writelines(line + "\n" for line in kept)

    name = f"gdelt-{_slug([stamps[-1], f'last{last_n}', *sorted(keep)])}.export.CSV"
    path = _write_atomic(dest_dir, name, write)
    note = f"; missing on the server: {', '.join(skipped)}" if skipped else ""
    return FetchResult(path, len(kept), fetched,
                       f"GDELT: {len(kept)} of {seen} rows in {codes} from {fetched} file(s) -> {path.name}{note}")


# ---------------------------------------------------------------------------------------------- CLI

def _parser() -> argparse.ArgumentParser:
    from loaders.paths import user_home

    inbox = user_home() / "inbox"
    p = argparse.ArgumentParser(prog="python -m loaders.fetch",
                                description="Fetch conflict data online into the inbox (opt-in; needs network).")
    sub = p.add_subparsers(dest="source", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--dest", type=Path, default=inbox, help=f"folder to write into (default {inbox})")
    common.add_argument("--timeout", type=float, default=10, help="seconds per request (default 10)")
    common.add_argument("--retries", type=int, default=3, help="attempts per request (default 3)")
    common.add_argument("--base-url", default=None, help=argparse.SUPPRESS)

    a = sub.add_parser("acled", parents=[common], help="ACLED API (ACLED_EMAIL, ACLED_PASSWORD)")
    a.add_argument("--country", action="append", required=True, help="ACLED country name (repeatable)")
    a.add_argument("--start", required=True, help="YYYY-MM-DD")
    a.add_argument("--end", required=True, help="YYYY-MM-DD")

    u = sub.add_parser("ucdp", parents=[common], help="UCDP GED API (UCDP_TOKEN)")
    u.add_argument("--version", required=True, help="GED release, e.g. 25.1 or Candidate 25.0.10")
    u.add_argument("--country-id", action="append", default=[], help="Gleditsch-Ward id (repeatable)")
    u.add_argument("--start", default=None, help="YYYY-MM-DD")
    u.add_argument("--end", default=None, help="YYYY-MM-DD")

    g = sub.add_parser("gdelt", parents=[common], help="GDELT 2.0 15-minute events exports")
    g.add_argument("--country-fips", action="append", required=True, help="two-letter FIPS 10-4 country code (repeatable)")
    g.add_argument("--last", type=int, default=1, help="how many 15-minute files, newest first (default 1)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    common = {"dest_dir": args.dest, "timeout": args.timeout, "retries": args.retries, "base_url": args.base_url}
    try:
        if args.source == "acled":
            result = fetch_acled(countries=args.country, start=args.start, end=args.end, **common)
        elif args.source == "ucdp":
            result = fetch_ucdp(version=args.version, country_ids=args.country_id, start=args.start, end=args.end,
                                **common)
        else:
            result = fetch_gdelt(countries_fips=args.country_fips, last_n=args.last, **common)
    except FetchError as err:
        print(f"fetch {args.source}: {' '.join(str(err).split())}", file=sys.stderr)
        return 2
    print(f"{result.message} ({result.path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
