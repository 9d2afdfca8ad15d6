"""Files the analyst uploads on the Sources page, saved into the inbox safely.

An upload is stored under a name the app makes: a short hash of its content plus an extension
chosen from an allow-list by looking at the content (never by trusting the uploaded name). The
uploaded name is only a label: it is kept, as text, in a hidden sidecar `.<saved name>.name`
beside the file (hidden files are skipped by the loaders), so the Sources page can show it.
Saving the same content twice keeps one file. Originals are never modified.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from loaders.paths import user_home, writable_home
from loaders.pipeline import MAX_ZIP_RATIO, bomb_member, zip_refusal

MAX_UPLOAD_MB = 50  # per file; .streamlit/config.toml sets server.maxUploadSize to the same
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
# What the uploader offers (the browser filters by these; the content decides the saved extension).
UPLOAD_TYPES = [".csv", ".CSV", ".tsv", ".txt", ".md", ".html", ".htm", ".xml", ".rss", ".atom", ".zip"]
SAVED_EXTENSIONS = (".csv", ".tsv", ".txt", ".md", ".zip")  # the only extensions a saved file gets
HASH_CHARS = 16
_SNIFF_BYTES = 64 * 1024
_NAME_CHARS = 200


class UploadRefused(Exception):
    """The upload was not saved; the message says why, in words for the analyst."""


@dataclass(frozen=True)
class SavedUpload:
    path: Path        # where it was saved (inside the inbox)
    original: str     # the uploaded name, as a label only
    kind: str         # what the content looked like ("comma-separated table", ...)
    already: bool     # the same content was already in the inbox: nothing was written


def inbox() -> Path:
    return user_home() / "inbox"


def upload_refusal() -> str | None:
    """Why uploads are switched off here, or None when they are allowed."""
    if os.environ.get("FAULTLINE_READ_ONLY", "") == "1":
        return "this deployment is read-only (FAULTLINE_READ_ONLY=1), so uploaded files could not be kept."
    if writable_home() is None:
        return (f"the data folder ({user_home()}) cannot be written (a read-only deployment), so uploaded "
                "files could not be kept.")
    folder = inbox()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return f"the inbox ({folder}) cannot be written, so uploaded files could not be kept."
    return None


def display_name(name: str) -> str:
    """The uploaded name as a one-line label: its last path component, no control characters."""
    base = PureWindowsPath(str(name)).name  # handles both / and \ separators
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    return (base[:_NAME_CHARS] or "(unnamed upload)")


def _head_text(data: bytes) -> str | None:
    """The start of the content as text (UTF-8, else Windows-1252), or None when it is binary."""
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return None
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=len(data) <= _SNIFF_BYTES)
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError:
            return None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    if text and controls > max(2, len(text) // 200):
        return None
    return text


def _grid(lines: list[str], delimiter: str) -> bool:
    """Two or more records with the same number (3+) of fields when read with this delimiter."""
    if len(lines) < 2:
        return False
    try:
        rows = [r for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter) if r]
    except csv.Error:
        return False
    if len(rows) > 2:
        rows = rows[:-1]  # the last line may be cut by the sniffing window
    return len(rows) >= 2 and len({len(r) for r in rows}) == 1 and len(rows[0]) >= 3


def detect_extension(data: bytes) -> tuple[str, str]:
    """(extension from SAVED_EXTENSIONS, what the content is) — decided by the content alone.

    Raises UploadRefused for content that is empty, binary, or not a readable zip."""
    if not data.strip():
        raise UploadRefused("the file is empty.")
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                members = [m for m in zf.infolist() if not m.is_dir()]
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise UploadRefused(f"it starts like a zip archive but cannot be opened ({exc}).") from None
        if refusal := zip_refusal(members):
            raise UploadRefused(f"{refusal}.")
        if bombs := [m for m in members if bomb_member(m)]:
            raise UploadRefused(f"{len(bombs)} file(s) in it are packed more than {MAX_ZIP_RATIO}:1, like a zip bomb.")
        if not members:
            raise UploadRefused("the zip archive holds no files.")
        return ".zip", "zip archive"
    text = _head_text(data)
    if text is None:
        raise UploadRefused("it is not text or a zip archive (binary content); Faultline reads CSV/TSV "
                            "exports, GDELT files, articles (.txt/.md, saved web pages, RSS/Atom feeds) and zips of them.")
    lines = [line for line in text.splitlines() if line.strip()][:25]
    if _grid(lines, "\t"):
        return ".tsv", "tab-separated table"
    if any(_grid(lines, d) for d in (",", ";", "|")):
        return ".csv", "delimited table"
    if len(lines) == 1 and lines[0].count(",") >= 2 and not re.search(r"[.!?]\s", lines[0]):
        return ".csv", "delimited table (one line)"
    if lines and lines[0].lstrip().startswith("#"):
        return ".md", "text (Markdown)"
    return ".txt", "text"


def save_upload(name: str, data: bytes) -> SavedUpload:
    """Save one uploaded file into the inbox under `<content hash><extension>`.

    The uploaded name is never used as a path; it is kept in a hidden sidecar as a label.
    Raises UploadRefused (with the reason) when uploads are off, the file is too large, or its
    content is not something Faultline can read."""
    label = display_name(name)
    refusal = upload_refusal()
    if refusal:
        raise UploadRefused(f"Uploads are off: {refusal}")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"{label} is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_UPLOAD_MB} MB "
                            "per file. Put larger files in the inbox folder directly.")
    try:
        ext, kind = detect_extension(data)
    except UploadRefused as exc:
        raise UploadRefused(f"{label} was not saved: {exc}") from None
    assert ext in SAVED_EXTENSIONS
    target_dir = inbox()
    digest = hashlib.sha256(data).hexdigest()[:HASH_CHARS]
    target = target_dir / f"{digest}{ext}"
    already = target.exists()
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        if not already:
            _write_atomically(target, data)
        sidecar = target_dir / f".{target.name}.name"
        if not sidecar.exists():
            _write_atomically(sidecar, label.encode("utf-8"))
    except OSError as exc:
        raise UploadRefused(f"{label} could not be saved: {exc.strerror or exc}") from None
    return SavedUpload(target, label, kind, already)


def _write_atomically(target: Path, data: bytes) -> None:
    """Write to a hidden temporary file, then rename: a loader never sees half a file."""
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def uploaded_names(folder: Path | None = None) -> dict[str, str]:
    """Saved file name -> the name it was uploaded under, for every upload in the inbox."""
    folder = folder or inbox()
    names = {}
    try:
        sidecars = list(folder.glob(".*.name"))
    except OSError:
        return {}
    for sidecar in sidecars:
        saved = sidecar.name[1:-len(".name")]
        try:
            names[saved] = display_name(sidecar.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    return names


# ---------------------------------------------------------------- the Sources page's upload panel

ROUND_KEY = "_faultline_upload_round"    # session: bumps the uploader's key, so it empties after saving
MESSAGES_KEY = "_faultline_upload_news"  # session: what happened to the last uploads, shown after the rerun


def upload_panel(on_saved) -> None:
    """The uploader, or why there is none. After saving, `on_saved()` (drop the cached events) and
    rerun, so the new files load at once."""
    import streamlit as st

    from ui.text import md

    refusal = upload_refusal()
    for level, text in st.session_state.pop(MESSAGES_KEY, []):
        getattr(st, level)(text)
    if refusal:
        st.info(f"Uploads are off: {refusal} The files already in the inbox and the bundled seeds are "
                "still loaded.", icon=":material/lock:")
        return
    n = st.session_state.get(ROUND_KEY, 0)
    files = st.file_uploader(
        f"Upload files (up to {MAX_UPLOAD_MB} MB each)", type=UPLOAD_TYPES, accept_multiple_files=True,
        key=f"upload_{n}", max_upload_size=MAX_UPLOAD_MB,
        help="ACLED or UCDP GED CSV exports, GDELT 2.0 event files (plain or zipped), Faultline CSVs, "
             "articles as .txt/.md, saved web pages (.html) and RSS/Atom feeds. Each file is saved into the inbox under a name made from its content; "
             "the format is recognised from the content, not the file name.")
    if not files:
        return
    news = []
    for f in files:
        try:
            saved = save_upload(f.name, f.getvalue())
        except UploadRefused as exc:
            news.append(("error", md(str(exc))))
            continue
        if saved.already:
            news.append(("info", f"{md(saved.original)}: the same content is already in the inbox "
                                 f"(inbox/{md(saved.path.name)}); nothing new to load."))
        else:
            news.append(("success", f"{md(saved.original)} saved as inbox/{md(saved.path.name)} "
                                    f"({md(saved.kind)}); loaded below."))
    st.session_state[ROUND_KEY] = n + 1
    st.session_state[MESSAGES_KEY] = news
    on_saved()
    st.rerun()
