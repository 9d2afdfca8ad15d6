"""ACLED, UCDP GED and GDELT files -> the events table, field by field; bad files; cross-source incidents."""

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import loaders
from loaders.schema import COLUMNS, validate
from monitor import incident_tolls

DATA = Path(__file__).parent / "fixtures" / "datasets"
BAD = DATA / "bad"
SEED = Path(__file__).resolve().parent.parent / "seeds"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
# A revised row (same id, newer timestamp, later line) is the one that must be loaded.
EXPECTED = [e for i, e in enumerate(EXPECTED)
            if not any(o["file"] == e["file"] and o["id"] == e["id"] for o in EXPECTED[i + 1:])]
PREFIX = {"acled": "acled:", "ucdp": "ucdp:", "gdelt": "gdelt:"}
ACLED_TIME = {1: "day", 2: "week", 3: "month"}
UCDP_DATE = {1: "day", 2: "week", 3: "week", 4: "month", 5: "year"}
UCDP_WHERE = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 4, 7: 4}
GDELT_GEO = {1: 4, 2: 3, 5: 3, 3: 1, 4: 1}
OUTSIDE_CAMEO = {"1211", "163"}  # look-alikes of talks codes that are not about talks


@pytest.fixture(scope="module")
def loaded():
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = loaders.load_report(DATA / name)
        return cache[name]
    return get


def _source(file: str) -> str:
    return file.split("_")[0]


@pytest.mark.parametrize("exp", EXPECTED, ids=lambda e: f"{e['file']}:{e['line']}")
def test_rows_map_field_by_field(loaded, exp):
    events, _ = loaded(exp["file"])
    src = _source(exp["file"])
    rows = events[events["event_id"] == PREFIX[src] + exp["id"]]
    if src == "gdelt" and exp["event_code"] in OUTSIDE_CAMEO:
        assert rows.empty  # counted in the problems, not loaded as an event
        return
    assert len(rows) == 1, f"{exp['id']} not loaded"
    r = rows.iloc[0]
    assert r["event_date"] == pd.Timestamp(exp["event_date"])
    assert abs(r["latitude"] - exp["latitude"]) < 1e-6 and abs(r["longitude"] - exp["longitude"]) < 1e-6
    assert r["geocoder"] == "source"
    if src == "acled":
        assert r["date_precision"] == ACLED_TIME[exp["time_precision_or_date_prec"]]
        assert r["geo_precision"] == exp["where_prec_or_geo_precision"]
        assert (r["fatalities_low"], r["fatalities_best"], r["fatalities_high"]) == (exp["fatalities_best"],) * 3
        assert r["event_type"] == exp["event_type"] and r["sub_event_type"] == exp["sub_event_type"]
        assert r["location"] == exp["location"] and r["confidence"] == 1.0
        assert isinstance(r["source_quote"], str) and " 2025" in r["source_quote"]  # the notes, verbatim
    elif src == "ucdp":
        assert r["date_precision"] == UCDP_DATE[exp["time_precision_or_date_prec"]]
        assert r["geo_precision"] == UCDP_WHERE[exp["where_prec_or_geo_precision"]]
        assert (r["fatalities_low"], r["fatalities_best"], r["fatalities_high"]) == (
            exp["fatalities_low"], exp["fatalities_best"], exp["fatalities_high"])
        assert r["fatalities_civilians"] == exp["deaths_civilians"]
        assert r["event_type"] == ("Violence against civilians" if exp["event_type"] == "3" else "Battles")
        if exp["date_end"] and exp["date_end"] != exp["event_date"]:
            assert r["date_end"] == pd.Timestamp(exp["date_end"])
        assert exp["location"].startswith(r["location"])
    else:
        assert r["geo_precision"] == GDELT_GEO[exp["where_prec_or_geo_precision"]]
        assert r["location"] == exp["location"].split(",")[0]
        assert 0 < r["confidence"] < 1 and r["dataset"] == "gdelt"
    want = exp["expected_diplomatic_action"]
    if want and not (src == "acled" and exp["id"] == "TUR241792"):
        assert r["diplomatic_action"] == want, r["source_quote"]


def test_ceasefire_continued_is_a_reaffirmation_not_a_new_deal(loaded):
    events, _ = loaded("acled_afpak_2025.csv")
    r = events[events["event_id"] == "acled:TUR241792"].iloc[0]
    assert r["diplomatic_action"] == "ceasefire_reaffirmed"


def test_every_file_passes_the_schema_in_contract_order(loaded):
    for name in ("acled_afpak_2025.csv", "acled_older_export.csv", "ucdp_ged_candidate_2025.csv",
                 "ucdp_ged_candidate_noheader.csv", "ucdp_ged_yearly_2024.csv", "gdelt_20251107.export.CSV"):
        events, problems = loaded(name)
        assert list(events.columns) == list(COLUMNS)
        validate(events)
        assert not events.empty


def test_actors_and_dyads_are_canonical(loaded):
    events, _ = loaded("acled_afpak_2025.csv")
    clash = events[events["event_id"] == "acled:AFG53402"].iloc[0]
    assert {clash["actor1"], clash["actor2"]} == {"Taliban (Afghanistan)", "Military Forces of Pakistan"}
    assert clash["dyad"] == "AFG-PAK" and clash["iso3"] == "AFG"
    strike = events[events["event_id"] == "acled:AFG53140"].iloc[0]
    assert strike["dyad"] == "AFG-PAK"  # a state striking another country's civilians
    doha = events[events["event_id"] == "acled:QAT1021"].iloc[0]
    assert doha["iso3"] == "QAT" and "Qatar" in doha["mediators"]


def test_truce_with_a_duration_ends_by_itself(loaded):
    events, _ = loaded("acled_afpak_2025.csv")
    truce = events[events["event_id"] == "acled:AFG53119"].iloc[0]
    assert truce["diplomatic_action"] == "ceasefire_agreed"
    assert truce["date_end"] == pd.Timestamp("2025-10-17")


def test_older_export_with_numeric_inter_codes_loads(loaded):
    events, problems = loaded("acled_older_export.csv")
    assert len(events) == 5 and not [p for p in problems if p.line > 0]


def test_newer_timestamp_replaces_the_older_row_and_says_so(loaded):
    events, problems = loaded("acled_revision.csv")
    row = events[events["event_id"] == "acled:AFG53140"]
    assert len(row) == 1 and int(row.iloc[0]["fatalities_best"]) == 10
    assert any(p.line == 2 and "newer revision" in p.message for p in problems)


def test_gdelt_plain_and_zipped_are_the_same(loaded):
    plain, _ = loaded("gdelt_20251107.export.CSV")
    zipped, problems = loaded("gdelt_20251107.export.CSV.zip")
    pd.testing.assert_frame_equal(plain, zipped)
    assert any("outside conflict and diplomacy" in p.message for p in problems)


def test_gdelt_reemissions_share_one_incident(loaded):
    events, _ = loaded("gdelt_20251107.export.CSV")
    pair = events[events["event_id"].isin(["gdelt:1271834733", "gdelt:1271836377"])]
    assert len(pair) == 2 and pair["incident_id"].nunique() == 1


def test_gdelt_stays_out_of_totals_unless_asked(loaded):
    from monitor import counted_incidents
    events, _ = loaded("gdelt_20251107.export.CSV")
    tolls = incident_tolls(events)
    assert tolls["gdelt_only"].all()
    assert counted_incidents(tolls).empty and len(counted_incidents(tolls, include_gdelt=True)) == len(tolls)


def test_seed_acled_and_ucdp_report_one_spin_boldak_incident():
    events = loaders.load([SEED, DATA / "acled_afpak_2025.csv", DATA / "ucdp_ged_candidate_2025.csv"])
    nov7 = events[(events["event_date"] == "2025-11-07") & (events["event_type"] == "Battles")]
    assert nov7["incident_id"].nunique() == 1
    assert set(nov7["dataset"]) == {"news", "acled", "ucdp"} and len(nov7) == 3
    t = incident_tolls(events).set_index("incident_id").loc[nov7["incident_id"].iloc[0]]
    assert (t["killed_low"], t["killed_high"], t["contested"], t["reports"]) == (5, 7, True, 3)
    assert "ucdp" in t["datasets"] and "acled" in t["datasets"]


def test_curated_rows_of_one_dataset_never_merge(loaded):
    events, _ = loaded("acled_afpak_2025.csv")
    assert events["incident_id"].is_unique


@pytest.mark.parametrize("name, line, words", [
    ("acled_bad_rows.csv", 5, "unreadable event_date '2025-13-45'"),
    ("acled_bad_rows.csv", 6, "latitude 123.5 out of range"),
    ("acled_bad_rows.csv", 7, "fatalities 'many'"),
    ("acled_truncated.csv", 5, "ends partway through this row"),
    ("acled_duplicate_ids.csv", 3, "loaded more than once"),
    ("acled_latin1.csv", 0, "not valid UTF-8"),
    ("acled_semicolon.csv", 1, "separated by ';'"),
])
def test_bad_rows_are_named_by_line_and_good_rows_kept(name, line, words):
    events, problems = loaders.load_report(BAD / name)
    hits = [p for p in problems if words in p.message and (line == 0 or p.line == line)]
    assert hits, [str(p) for p in problems]
    assert hits[0].file == str(BAD / name)
    assert len(events) >= 2  # the good rows survive
    validate(events)


def test_latin1_names_read_correctly():
    events, _ = loaders.load_report(BAD / "acled_latin1.csv")
    text = " ".join(events["country"].dropna()) + " ".join(events["location"].dropna())
    assert "ü" in text


@pytest.mark.parametrize("name, words", [
    ("empty.csv", "empty file"),
    ("binary.dat", "format not recognised"),
    ("ucdp_wrong_columns.csv", "format not recognised"),
])
def test_unreadable_files_say_what_was_expected(name, words):
    events, problems = loaders.load_report(BAD / name)
    assert events.empty and len(problems) == 1
    assert words in problems[0].message and "ACLED" in problems[0].message


def test_gdelt_1_rows_are_widened_not_dropped():
    events, problems = loaders.load_report(BAD / "gdelt_short_rows.CSV")
    assert not [p for p in problems if p.line in (2, 4)]
    assert len(events) >= 4


def test_forced_format_that_does_not_fit_is_refused():
    events, problems = loaders.load_report(DATA / "ucdp_ged_yearly_2024.csv", format="gdelt")
    assert events.empty and "not a gdelt file" in problems[0].message


def test_zip_bombs_and_many_members_are_bounded(tmp_path):
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(60):
            zf.writestr(f"f{i}.txt", "x")
    events, problems = loaders.load_report(many)
    assert events.empty and "limit" in problems[0].message


def test_cli_loads_each_format(tmp_path):
    import subprocess
    import sys
    for name in ("acled_afpak_2025.csv", "ucdp_ged_candidate_noheader.csv", "gdelt_20251107.export.CSV.zip"):
        out = tmp_path / f"{name}.csv"
        r = subprocess.run([sys.executable, "-m", "loaders", str(DATA / name), "--out", str(out)],
                           capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent, timeout=120)
        assert r.returncode == 0, r.stderr
        assert len(pd.read_csv(out)) > 0


def test_inbox_folder_loads_everything_at_once(tmp_path):
    for f in ("acled_afpak_2025.csv", "ucdp_ged_candidate_2025.csv", "gdelt_20251107.export.CSV"):
        shutil.copy(DATA / f, tmp_path / f)
    result = loaders.load_files(tmp_path)
    assert {r.format for r in result.files} == {"acled", "ucdp", "gdelt"}
    assert all(r.rows_kept > 0 and r.first_date is not None for r in result.files)
    assert sum(r.rows_kept for r in result.files) == len(result.events)
