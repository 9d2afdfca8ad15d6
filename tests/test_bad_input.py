"""Bad input everywhere: the corpus in tests/fixtures/bad/ (answer key MANIFEST.json, written by
make_corpus.py) and large or hostile inputs made at test time. No input may raise; every rejected
row is named with its file and physical line; every good row is kept, counted exactly."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

import loaders
from loaders import pipeline
from loaders.schema import validate

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "fixtures" / "bad"
MANIFEST = json.loads((CORPUS / "MANIFEST.json").read_text(encoding="utf-8"))
FILES = sorted({key.split("!")[0] for key in MANIFEST})
SEED = ROOT / "seeds" / "afghanistan-pakistan-talks-fail.txt"
GOOD = Path(__file__).parent / "fixtures" / "datasets"
# A reader that raised: the pipeline's last-resort catch. Never acceptable for any input.
CRASHED = "could not be read as"


@pytest.fixture(scope="module")
def seed_events() -> int:
    return len(loaders.load(SEED))


def check_report(result: loaders.LoadResult, key: str, path: str, seed_events: int) -> None:
    """One file (or zip member) against its answer key."""
    want = MANIFEST[key]
    reports = [r for r in result.files if r.path == path]
    assert len(reports) == 1, (path, [r.path for r in result.files])
    report = reports[0]
    mine = [p for p in result.problems if p.file == path]
    assert not [p for p in mine if CRASHED in p.message], [str(p) for p in mine]
    assert report.format == want["format"], [str(p) for p in mine]

    rows_rejected = [p for p in mine if p.kind == "rejected" and p.line > 0]
    rejected = {p.line: p.message for p in rows_rejected}
    if want["any_rejected"]:
        assert rows_rejected and all(want["any_rejected"] in p.message for p in rows_rejected), [str(p) for p in mine]
    else:
        assert sorted(rejected) == sorted(int(k) for k in want["rejected"]), [str(p) for p in mine]
    for line, words in want["rejected"].items():
        assert words in rejected[int(line)], (line, rejected[int(line)])
    duplicates = sorted(p.line for p in mine if p.kind == "duplicate")
    assert duplicates == want["duplicates"], [str(p) for p in mine]
    if want["file"]:
        assert any(p.kind == "file" and want["file"] in p.message for p in mine), [str(p) for p in mine]
    else:
        assert not [p for p in mine if p.kind == "file"], [str(p) for p in mine]
    for words in want["notes"]:
        assert any(words in p.message for p in mine), (words, [str(p) for p in mine])
    for line in want["outside"]:
        assert any(p.kind == "note" and str(line) in p.message and "outside conflict" in p.message for p in mine)

    kept = seed_events if want["kept"] == -1 else report.rows_kept if want["kept"] is None else want["kept"]
    assert report.rows_kept == kept, [str(p) for p in mine]
    if want["format"]:
        # Nothing disappears: every data row (or article event) read is kept, rejected with its line,
        # a duplicate, or (GDELT) outside conflict and diplomacy and named in a note.
        assert report.rows_read == kept + len(rows_rejected) + len(duplicates) + len(want["outside"]), report


@pytest.mark.parametrize("name", FILES)
def test_corpus_file_is_read_to_the_answer_key(name, seed_events):
    path = CORPUS / name
    result = loaders.load_files(path)  # never raises
    validate(result.events)
    assert not [p for p in result.problems if CRASHED in p.message], [str(p) for p in result.problems]
    keys = [k for k in MANIFEST if k.split("!")[0] == name]
    for key in keys:
        member = key.partition("!")[2]
        check_report(result, key, f"{path}!{member}" if member else str(path), seed_events)
    assert len(result.events) == sum(r.rows_kept for r in result.files)
    assert all(p.file.startswith(str(path)) for p in result.problems)


def test_the_whole_corpus_at_once_keeps_every_good_row(seed_events):
    """One load of the folder: the same answer per file, and one file's breakage never touches another."""
    result = loaders.load_files(CORPUS)
    by_path = {r.path: r for r in result.files}
    for key, want in MANIFEST.items():
        outer, _, member = key.partition("!")
        report = by_path[str(CORPUS / outer) + (f"!{member}" if member else "")]
        if want["kept"] is not None:
            assert report.rows_kept == (seed_events if want["kept"] == -1 else want["kept"]), (key, report)
    assert len(result.events) == sum(r.rows_kept for r in result.files)


def test_corpus_answer_key_covers_every_file():
    on_disk = {p.name for p in CORPUS.iterdir() if p.name not in ("MANIFEST.json", "make_corpus.py", "README.md")}
    assert on_disk == set(FILES)


def test_formula_cells_in_a_dataset_are_kept_as_text():
    events = loaders.load(CORPUS / "acled_formula_cells.csv")
    assert set(events["actor1"]) >= {"+cmd"}
    assert any(str(q).startswith("=HYPERLINK") for q in events["source_quote"])


def test_windows_1252_names_are_read_right():
    events = loaders.load(CORPUS / "acled_windows1252.csv")
    assert "Türkiye" in set(events["location"])
    assert any("“holding”" in str(q) for q in events["source_quote"])


# ------------------------------------------------------------------------------ made at test time

def _acled_text(n_rows: int, **cells) -> str:
    import csv

    with open(GOOD / "acled_afpak_2025.csv", newline="", encoding="utf-8") as fh:
        head, *rows = list(csv.reader(fh))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(head)
    for i in range(n_rows):
        r = list(rows[i % len(rows)])
        r[0] = f"GEN{i:06d}"
        for k, v in cells.items():
            r[head.index(k)] = v
        w.writerow(r)
    return buf.getvalue()


def test_a_huge_line_is_one_rejected_row_not_a_crash(tmp_path):
    text = _acled_text(3)
    lines = text.splitlines(keepends=True)
    huge = "x" * (20 * 1024 * 1024) + "\n"  # 20 MB on one line, no delimiters
    path = tmp_path / "huge_line.csv"
    path.write_text("".join(lines[:2]) + huge + "".join(lines[2:]), encoding="utf-8")
    result = loaders.load_files(path)
    assert len(result.events) == 3
    rejected = [p for p in result.problems if p.kind == "rejected"]
    assert [p.line for p in rejected] == [3] and "field larger than field limit" in rejected[0].message


def test_a_huge_cell_is_kept_whole(tmp_path):
    notes = "On 7 November 2025, " + "word " * 400_000  # 2 MB of notes in one quoted cell
    path = tmp_path / "huge_cell.csv"
    path.write_text(_acled_text(2, notes=notes), encoding="utf-8")
    events = loaders.load(path)
    assert len(events) == 2 and events["source_quote"].str.len().min() == len(notes)


def test_an_article_of_one_huge_line_loads(tmp_path):
    seed = SEED.read_text(encoding="utf-8")
    header, _, body = seed.partition("\n\n")
    path = tmp_path / "one_line.txt"
    path.write_text(header + "\n\n" + body.replace("\n", " ") + (" Nothing else happened." * 20_000), encoding="utf-8")
    result = loaders.load_files(path)
    assert result.files[0].format == "news"
    assert not [p for p in result.problems if CRASHED in p.message]


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.csv"
    path.write_text(_acled_text(5), encoding="utf-8")
    events, problems = loaders.load_report(path)
    assert events.empty and "limit is 1,000" in problems[0].message and problems[0].line == 0


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_zip_with_too_many_members_is_refused(tmp_path):
    path = tmp_path / "many.zip"
    path.write_bytes(_zip({f"m{i}.csv": b"a" for i in range(pipeline.MAX_ZIP_MEMBERS + 1)}))
    events, problems = loaders.load_report(path)
    assert events.empty and len(problems) == 1 and f"limit is {pipeline.MAX_ZIP_MEMBERS}" in problems[0].message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    """100 MB of zeros packs into about 100 KB: refused by size, and by ratio, without unpacking."""
    bomb = _zip({"bomb.csv": b"0" * (100 * 1024 * 1024)})
    assert len(bomb) < 200_000
    path = tmp_path / "bomb.zip"
    path.write_bytes(bomb)
    monkeypatch.setattr(pipeline, "MAX_UNZIPPED_BYTES", 50 * 1024 * 1024)
    events, problems = loaders.load_report(path)
    assert events.empty and "size limit" in problems[0].message
    monkeypatch.setattr(pipeline, "MAX_UNZIPPED_BYTES", 2 * 1024**3)
    events, problems = loaders.load_report(path)  # under the total limit, but packed 1000:1
    assert events.empty and "compression ratio" in problems[0].message


def test_a_zip_that_lies_about_its_sizes_is_cut_off(tmp_path, monkeypatch):
    """A member whose header claims 10 bytes but unpacks to megabytes never fills memory."""
    data = bytearray(_zip({"liar.csv": b"1" * (4 * 1024 * 1024)}))
    # Patch the declared size in the local header and the central directory to 10 bytes.
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(sig)
        data[at + offset:at + offset + 4] = (10).to_bytes(4, "little")
    path = tmp_path / "liar.zip"
    path.write_bytes(bytes(data))
    events, problems = loaders.load_report(path)
    assert events.empty and problems and all(p.line == 0 for p in problems)
    assert not [p for p in problems if CRASHED in p.message]


def test_zip_member_names_never_become_paths(tmp_path):
    good = (GOOD / "gdelt_20251107.export.CSV").read_bytes()
    names = ["../../outside.export.CSV", "/etc/passwd", "C:\\Windows\\evil.CSV", "a/../../b.CSV", "nul\x00.CSV"]
    path = tmp_path / "inbox" / "slip.zip"
    path.parent.mkdir()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.writestr(zipfile.ZipInfo(n), good.replace(b"127183", b"12718" + str(names.index(n)).encode()))
    path.write_bytes(buf.getvalue())
    before = sorted(p for p in tmp_path.rglob("*"))
    result = loaders.load_files(path)
    assert sorted(p for p in tmp_path.rglob("*")) == before  # nothing written anywhere
    for r in result.files:
        label = r.path.split("!", 1)[1]
        assert "/" not in label and "\x00" not in label and ".." != label
    assert not [p for p in result.problems if CRASHED in p.message]


def test_a_zip_inside_a_zip_is_named_not_opened(tmp_path):
    inner = _zip({"g.export.CSV": (GOOD / "gdelt_20251107.export.CSV").read_bytes()})
    path = tmp_path / "nested.zip"
    path.write_bytes(_zip({"inner.zip": inner}))
    events, problems = loaders.load_report(path)
    assert events.empty and len(problems) == 1 and problems[0].line == 0
    assert "zip" in problems[0].message
