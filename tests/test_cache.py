"""The derived cache (loaders.cache): reused when inputs are unchanged, rebuilt per changed file, rebuilt
after corruption with a note, never written on a read-only deployment; and the table it holds is compact."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

import loaders
import loaders.cache as cache
from loaders.export import to_csv
from loaders.schema import COLUMNS, EVENTS_SCHEMA

DATASETS = Path(__file__).parent / "fixtures" / "datasets"
FILES = ["acled_afpak_2025.csv", "ucdp_ged_candidate_2025.csv", "gdelt_20251107.export.CSV"]


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    for name in FILES:
        shutil.copy(DATASETS / name, home / "inbox" / name)
    monkeypatch.setenv("FAULTLINE_HOME", str(home))
    monkeypatch.delenv("FAULTLINE_READ_ONLY", raising=False)
    return home


@pytest.fixture
def parsed(monkeypatch):
    """The inputs the cache had to parse (a spy on loaders.cache.read_path)."""
    calls: list[str] = []
    real = cache.read_path

    def spy(path, **kwargs):
        calls.append(Path(path).name)
        return real(path, **kwargs)

    monkeypatch.setattr(cache, "read_path", spy)
    return calls


def inputs(home: Path) -> list[Path]:
    return sorted((home / "inbox").iterdir())


def same_table(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_first_load_matches_the_loaders_and_a_restart_parses_nothing(home, parsed):
    direct = loaders.load_files(inputs(home))
    first = cache.load_cached(inputs(home))
    assert sorted(parsed) == sorted(FILES)
    same_table(first.events, direct.events)
    assert [str(p) for p in first.problems] == [str(p) for p in direct.problems]
    parsed.clear()
    again = cache.load_cached(inputs(home))
    assert parsed == [], "unchanged inputs are read from the cache, never parsed"
    same_table(again.events, direct.events)
    assert [str(p) for p in again.problems] == [str(p) for p in direct.problems]
    assert [(r.path, r.format, r.rows_read, r.rows_kept, r.first_date, r.last_date) for r in again.files] == \
           [(r.path, r.format, r.rows_read, r.rows_kept, r.first_date, r.last_date) for r in direct.files]
    assert again.fingerprint == first.fingerprint and not again.notes


def test_a_changed_file_is_the_only_one_parsed_again(home, parsed):
    cache.load_cached(inputs(home))
    ucdp = home / "inbox" / "ucdp_ged_candidate_2025.csv"
    lines = ucdp.read_text(encoding="utf-8").splitlines(keepends=True)
    ucdp.write_text("".join(lines[:-1]), encoding="utf-8")  # the newest release drops one row
    parsed.clear()
    result = cache.load_cached(inputs(home))
    assert parsed == [ucdp.name]
    same_table(result.events, loaders.load_files(inputs(home)).events)
    # A new file: only it is parsed; the cross-file steps (incidents) are redone over all of them.
    extra = home / "inbox" / "acled_revision.csv"
    shutil.copy(DATASETS / "acled_revision.csv", extra)
    parsed.clear()
    result = cache.load_cached(inputs(home))
    assert parsed == [extra.name]
    direct = loaders.load_files(inputs(home))
    same_table(result.events, direct.events)
    assert [str(p) for p in result.problems] == [str(p) for p in direct.problems]


def test_the_key_sees_an_edit_that_keeps_the_size(home, parsed):
    cache.load_cached(inputs(home))
    acled = home / "inbox" / "acled_afpak_2025.csv"
    text = acled.read_text(encoding="utf-8")
    before = acled.stat()
    acled.write_text(text.replace("Spin Boldak", "Spin Boldaq", 1), encoding="utf-8")  # same size
    os.utime(acled, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    parsed.clear()
    cache.load_cached(inputs(home))
    assert parsed == [acled.name]


@pytest.mark.parametrize("victim", ["events-*.parquet", "events-*.json", "part-*.parquet"])
def test_a_damaged_cache_file_is_rebuilt_from_the_inputs_with_a_note(home, parsed, victim):
    good = cache.load_cached(inputs(home)).events
    (target,) = [p for p in (home / "cache" / "events").glob(victim)][:1] or [None]
    assert target is not None
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data[: len(data) - 7]))
    if victim.startswith("part-"):  # a part is only read when the combined table must be rebuilt
        for p in (home / "cache" / "events").glob("events-*"):
            p.unlink()
    parsed.clear()
    result = cache.load_cached(inputs(home))
    same_table(result.events, good)
    assert result.notes and "rebuilt from the input files" in result.notes[0]
    assert any(p.kind == "note" and "damaged" in p.message for p in result.problems)
    if victim.startswith("part-"):
        assert len(parsed) == 1, "the damaged part's input was parsed again, and only it"
    else:
        assert parsed == [], "the combined table is rebuilt from the per-file parts"
    parsed.clear()
    healed = cache.load_cached(inputs(home))
    assert parsed == [] and not healed.notes
    same_table(healed.events, good)


def test_the_ui_says_a_rebuilt_cache_is_a_warning_not_a_rejected_file():
    from ui.data import problem_kind

    note = loaders.Problem("/x/cache/events", 0, cache.CACHE_NOTE.format(why="checksum mismatch"), kind="note")
    assert problem_kind(note) == "warning"


def test_read_only_mode_writes_nothing_and_still_loads(home, parsed, monkeypatch):
    monkeypatch.setenv("FAULTLINE_READ_ONLY", "1")
    before = sorted(p.relative_to(home) for p in home.rglob("*"))
    result = cache.load_cached(inputs(home))
    same_table(result.events, loaders.load_files(inputs(home)).events)
    assert sorted(p.relative_to(home) for p in home.rglob("*")) == before
    assert not (home / "cache").exists()


def test_read_only_mode_still_reads_an_existing_cache(home, parsed, monkeypatch):
    cache.load_cached(inputs(home))
    monkeypatch.setenv("FAULTLINE_READ_ONLY", "1")
    parsed.clear()
    cache.load_cached(inputs(home))
    assert parsed == []


def test_a_cache_write_leaves_no_temporary_files(home):
    cache.load_cached(inputs(home))
    names = [p.name for p in (home / "cache" / "events").iterdir()]
    assert names and not [n for n in names if n.startswith(".") or n.endswith(".tmp")]
    # One part per input plus the combined table, each with its sidecar.
    assert len([n for n in names if n.startswith("part-")]) == 2 * len(FILES)
    assert len([n for n in names if n.startswith("events-")]) == 2


def test_the_cached_table_is_compact_and_keeps_the_contract(home):
    cache.load_cached(inputs(home))
    events = cache.load_cached(inputs(home)).events
    assert list(events.columns) == list(COLUMNS)
    assert not [c for c in events.columns if events[c].dtype == object], "no object columns"
    for col, dtype in COLUMNS.items():
        if dtype == "string":
            assert isinstance(events[col].dtype, pd.StringDtype) and events[col].dtype.storage == "pyarrow", col
        elif isinstance(dtype, pd.CategoricalDtype):
            assert events[col].dtype == dtype, col  # same categories, same order
        elif dtype in ("Int64", "Int8"):
            assert str(events[col].dtype) == dtype, col
    EVENTS_SCHEMA.validate(events)
    assert to_csv(events) == to_csv(loaders.load_files(inputs(home)).events)


def test_loaded_text_columns_are_one_contiguous_array_each(home):
    """Every filter takes rows from the table; a chunked column (one chunk per input file, or per 128Ki
    rows read from Parquet) takes about twice as long. The values stay the same."""
    parts = [loaders.load_files([p]).events for p in inputs(home)]
    joined = pd.concat(parts, ignore_index=True)
    chunked = [c for c in joined.columns if getattr(joined[c].array, "_pa_array", None) is not None
               and joined[c].array._pa_array.num_chunks > 1]
    assert chunked, "pd.concat of arrow-backed strings gives chunked columns"
    one = cache.one_chunk(joined.copy())
    pd.testing.assert_frame_equal(one, joined)
    assert all(one[c].array._pa_array.num_chunks == 1 for c in chunked)
    first = cache.load_cached(inputs(home)).events  # parsed, then read back from the cache: both one chunk
    again = cache.load_cached(inputs(home)).events
    for frame in (first, again):
        assert all(frame[c].array._pa_array.num_chunks <= 1 for c in frame.columns
                   if getattr(frame[c].array, "_pa_array", None) is not None)


def test_a_parsed_part_waits_on_disk_until_every_input_is_read(home, monkeypatch):
    """Memory of a cold load: the rows of one input are written to the cache and dropped while the next
    input is parsed, then read back for the cross-file steps; the table is the loaders' own."""
    events: list[str] = []
    real_read, real_frame = cache.read_path, cache._read_frame

    def read(path, **kwargs):
        events.append("parse")
        return real_read(path, **kwargs)

    def frame(stem, meta):
        events.append("read back")
        return real_frame(stem, meta)

    monkeypatch.setattr(cache, "read_path", read)
    monkeypatch.setattr(cache, "_read_frame", frame)
    result = cache.load_cached(inputs(home))
    assert events == ["parse"] * len(FILES) + ["read back"] * len(FILES)
    direct = loaders.load_files(inputs(home))
    same_table(result.events, direct.events)
    assert [str(p) for p in result.problems] == [str(p) for p in direct.problems]
    assert [(r.path, r.rows_read, r.rows_kept) for r in result.files] == \
           [(r.path, r.rows_read, r.rows_kept) for r in direct.files]


def test_a_part_damaged_before_it_is_read_back_is_parsed_again(home, parsed, monkeypatch):
    """A part written by this load but gone bad before the cross-file steps read it back (another
    process, a full disk): its input is parsed a second time, with a note, and the table is complete."""
    good = loaders.load_files(inputs(home)).events
    first = inputs(home)[0]
    victim = home / "cache" / "events" / f"part-{cache.file_key(first, ('auto', None, False))}.parquet"
    spy = cache.read_path  # the `parsed` fixture's

    def read_then_damage(path, **kwargs):
        part = spy(path, **kwargs)
        if len(parsed) == len(FILES):  # the last input is parsed: the first one's part goes bad
            victim.write_bytes(victim.read_bytes()[:-9])
        return part

    monkeypatch.setattr(cache, "read_path", read_then_damage)
    result = cache.load_cached(inputs(home))
    same_table(result.events, good)
    assert len(result.notes) == 1 and "checksum mismatch" in result.notes[0]
    assert parsed == [p.name for p in inputs(home)] + [first.name]
    parsed.clear()
    again = cache.load_cached(inputs(home))  # the part was written again: nothing left to heal
    assert parsed == [] and not again.notes
    same_table(again.events, good)
