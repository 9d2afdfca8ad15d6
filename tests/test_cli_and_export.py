"""python -m loaders, loaders.load_report, the schema and the CSV round trip."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pandera.errors
import pytest

import loaders
from loaders.export import to_csv
from loaders.schema import COLUMNS, empty_events, validate
from tests.factories import make_events

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_cli_writes_the_events_table_and_is_repeatable(tmp_path):
    out1, out2 = tmp_path / "a.csv", tmp_path / "b.csv"
    r = run_cli("seeds/afghanistan-pakistan-talks-fail.txt", "--out", str(out1))
    assert r.returncode == 0, r.stderr
    run_cli("seeds/afghanistan-pakistan-talks-fail.txt", "--out", str(out2))
    assert out1.read_bytes() == out2.read_bytes()
    df = pd.read_csv(out1)
    assert list(df.columns) == list(COLUMNS)
    assert df["event_date"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()
    spin = df[df["location"] == "Spin Boldak"].iloc[0]
    assert (spin["event_date"], spin["event_type"], spin["fatalities_low"], spin["fatalities_high"]) == (
        "2025-11-07", "Battles", 5, 5)


def test_cli_reports_bad_files_with_file_and_line_and_exit_codes(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(COLUMNS) + "\n" + ",".join(["x"] * 5) + "\n", encoding="utf-8")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    r = run_cli(str(bad), str(binary))
    assert r.returncode == 2
    assert f"{bad}:2: expected 34 fields, found 5" in r.stderr
    assert f"{binary}: format not recognised" in r.stderr
    ok = run_cli(str(bad), "seeds/afghanistan-pakistan-talks-fail.txt")
    assert ok.returncode == 0 and "expected 34 fields" in ok.stderr


def test_load_report_returns_problems_and_keeps_good_rows(tmp_path):
    good = make_events([dict(date="2025-11-07", killed=5, location="Town", lat=31.0, lon=66.4, iso3="AFG")])
    path = tmp_path / "events.csv"
    text = to_csv(good)
    path.write_text(text + "only,three,cells\n", encoding="utf-8")
    events, problems = loaders.load_report(path)
    assert len(events) == 1 and len(problems) == 1
    assert (problems[0].file, problems[0].line) == (str(path), 3)


def test_faultline_csv_round_trip_is_unchanged_in_meaning(tmp_path):
    events = loaders.load(ROOT / "seeds")
    events.loc[0, "source_quote"] = "=HYPERLINK(\"http://evil\")"
    path = tmp_path / "download.csv"
    path.write_text(to_csv(events, excel_safe=True), encoding="utf-8")
    assert "'=HYPERLINK" in path.read_text(encoding="utf-8")
    back = loaders.load(path)
    pd.testing.assert_frame_equal(back, events)


def test_excel_safe_never_touches_numbers():
    ev = make_events([dict(date="2025-11-07", killed=5, location="-Town", lat=-31.5, lon=-66.4, iso3="AFG")])
    text = to_csv(ev, excel_safe=True)
    assert ",-31.5,-66.4," in text and "'-Town" in text


def test_schema_rejects_what_the_contract_forbids():
    ev = make_events([dict(date="2025-11-07", killed=(5, 9))])
    validate(ev)
    with pytest.raises((pandera.errors.SchemaError, pandera.errors.SchemaErrors)):
        validate(ev.assign(fatalities_high=pd.array([2], dtype="Int64")))  # low above high
    with pytest.raises((pandera.errors.SchemaError, pandera.errors.SchemaErrors)):
        validate(ev.assign(latitude=[123.0]))
    with pytest.raises((pandera.errors.SchemaError, pandera.errors.SchemaErrors)):
        validate(ev[list(COLUMNS)[::-1]])  # order is part of the contract
    assert list(empty_events().columns) == list(COLUMNS)
    validate(empty_events())


def test_the_same_report_loaded_twice_is_kept_once_and_reported(tmp_path):
    seed = ROOT / "seeds" / "afghanistan-pakistan-talks-fail.txt"
    once = loaders.load(seed)
    events, problems = loaders.load_report([seed, seed])
    assert len(events) == len(once)
    assert len(problems) == len(once) and all("loaded more than once" in p.message for p in problems)
