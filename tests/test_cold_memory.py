"""The cold load's memory savings change nothing a user sees: a Faultline CSV read in batches gives the
same table, the same problems (file and line) and the same reports as one read at once; a batch reader
failing part-way leaves the file out with a clear problem; combine uses up the parts it is given."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

import loaders
from loaders.export import to_csv
from loaders.pipeline import combine, read_path

FIXTURES = Path(__file__).parent / "fixtures"
DATASETS = FIXTURES / "datasets"


def _result(paths, batch, monkeypatch):
    monkeypatch.setattr(loaders, "FAULTLINE_BATCH", batch)
    return loaders.load_files(paths, curation=False)


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.events, b.events, check_exact=True)
    assert [(p.file, p.line, p.message, p.kind, p.rows) for p in a.problems] == \
           [(p.file, p.line, p.message, p.kind, p.rows) for p in b.problems]
    assert [(r.path, r.format, r.rows_read, r.rows_kept, r.first_date, r.last_date,
             [(p.line, p.message) for p in r.problems]) for r in a.files] == \
           [(r.path, r.format, r.rows_read, r.rows_kept, r.first_date, r.last_date,
             [(p.line, p.message) for p in r.problems]) for r in b.files]
    pd.testing.assert_frame_equal(a.unresolved, b.unresolved)


@pytest.fixture(scope="module")
def export_with_flaws(tmp_path_factory) -> Path:
    """A Faultline CSV (the datasets fixtures exported) with broken rows spread through it: a cell that
    is not a number, a row of the wrong width, blank lines, a value no column type holds (geo_precision
    300 does not fit Int8: the whole batch is typed row by row), a row without a place's coordinates."""
    events = loaders.load_files(sorted(DATASETS.glob("*.csv")) + [DATASETS / "gdelt_20251107.export.CSV"],
                                curation=False).events
    rows = list(csv.reader(io.StringIO(to_csv(events))))
    header, body = rows[0], rows[1:]
    col = {c: i for i, c in enumerate(header)}
    body[3][col["latitude"]] = "north"
    body[5] = body[5][:10]
    body[8][col["geo_precision"]] = "300"
    body[9][col["location"]], body[9][col["latitude"]], body[9][col["longitude"]] = "Nowhere Known", "", ""
    body[17][col["dataset"]] = "rumour"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for i, row in enumerate(body):
        writer.writerow(row)
        if i in (6, 11):
            out.write("\n")
    path = tmp_path_factory.mktemp("export") / "export.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert len(body) > 20
    return path


@pytest.mark.parametrize("batch", [1, 2, 3, 7])
def test_batches_give_the_same_table_problems_and_reports(export_with_flaws, batch, monkeypatch):
    whole = _result([export_with_flaws], None, monkeypatch)
    assert {p.line for p in whole.problems} >= {5, 7, 11}, "the flaws are reported by their line"
    assert any("does not fit the events table" in p.message for p in whole.problems)
    _same(_result([export_with_flaws], batch, monkeypatch), whole)


@pytest.mark.parametrize("name", ["faultline_bad_cells.csv", "faultline_contract_breaks.csv"])
def test_batches_on_the_broken_fixtures(name, monkeypatch):
    path = FIXTURES / "bad" / name
    whole = _result([path], None, monkeypatch)
    assert whole.problems
    for batch in (1, 4):
        _same(_result([path], batch, monkeypatch), whole)


def test_a_batch_reader_failing_part_way_leaves_the_file_out_with_a_problem(export_with_flaws, monkeypatch):
    from loaders import faultline_csv

    real = faultline_csv.faultline_batches

    def breaks_after_two(path, text, size):
        for n, batch in enumerate(real(path, text, size)):
            if n == 2:
                raise RuntimeError("disk went away")
            yield batch

    monkeypatch.setattr(faultline_csv, "faultline_batches", breaks_after_two)
    other = DATASETS / "acled_afpak_2025.csv"
    result = _result([export_with_flaws, other], 5, monkeypatch)
    failed = [p for p in result.problems if p.file == str(export_with_flaws)]
    assert [(p.line, p.kind) for p in failed] == [(0, "file")]
    assert "could not be read as faultline (RuntimeError: disk went away)" in failed[0].message
    assert set(result.events["event_id"]) == set(loaders.load_files([other], curation=False).events["event_id"])
    report = next(r for r in result.files if r.path == str(export_with_flaws))
    assert (report.rows_read, report.rows_kept) == (0, 0)


def test_combine_uses_up_its_parts():
    paths = [DATASETS / "acled_afpak_2025.csv", DATASETS / "ucdp_ged_candidate_2025.csv"]
    parts = [read_path(p) for p in paths]
    assert all(p.rows is not None for p in parts)
    result = combine(parts, curation=False)
    assert all(p.rows is None for p in parts), "a part's rows are moved into the table, not kept twice"
    pd.testing.assert_frame_equal(result.events, loaders.load_files(paths, curation=False).events)
