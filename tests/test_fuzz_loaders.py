"""Property-based tests of every loader (hypothesis; profiles in tests/conftest.py).

1. Random bytes, alone or behind a real header, to each loader: never an exception, never the
   pipeline's last-resort catch, every problem names its file, and the counts balance.
2. Well-shaped rows built from the good fixtures with random cells put in: a row whose only change
   is free text is kept with that text unchanged; a row with a cell the loader must refuse is
   rejected at its physical line; kept + rejected == rows, nothing else.

CI runs a few examples per test; HYPOTHESIS_PROFILE=long runs hundreds for fuzzing on demand.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

import loaders
from loaders.export import to_csv
from loaders.schema import EVENT_TYPES, SUB_EVENT_TYPES, validate

GOOD = Path(__file__).parent / "fixtures" / "datasets"
CRASHED = "could not be read as"
FORMATS = ["auto", "acled", "ucdp", "gdelt", "faultline", "news"]


def _table(name: str, delimiter: str = ",", header: bool = True):
    with open(GOOD / name, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL if delimiter == "," else csv.QUOTE_NONE))
    return (rows[0], rows[1:]) if header else (None, rows)


ACLED_HEAD, ACLED_ROWS = _table("acled_afpak_2025.csv")
UCDP_HEAD, UCDP_ROWS = _table("ucdp_ged_candidate_2025.csv")
_, GDELT_ROWS = _table("gdelt_20251107.export.CSV", "\t", header=False)
GDELT_ROWS = [r for r in GDELT_ROWS if r[26] not in ("1211", "163", "125", "036")]  # conflict/diplomacy codes only
GDELT_COLUMNS = __import__("loaders.gdelt", fromlist=["COLUMNS"]).COLUMNS


def load_bytes(data: bytes, name: str = "input.csv", format: str = "auto"):
    """Load bytes written to a throwaway file; (path, result) after checking what holds for any input."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        result = loaders.load_files(path, format=format)
        assert_sound(result, str(path))
        return str(path), result


def assert_sound(result: loaders.LoadResult, path: str) -> None:
    """Any input: no crash, a valid table, every problem on its file, read = kept + rejected + ..."""
    assert not [p for p in result.problems if CRASHED in p.message], [str(p) for p in result.problems]
    validate(result.events)
    assert len(result.events) == sum(r.rows_kept for r in result.files)
    for p in result.problems:
        assert p.file.startswith(path) and p.line >= 0 and p.message.strip()
        assert p.kind in ("rejected", "file", "duplicate", "note")
    for r in result.files:
        mine = [p for p in result.problems if p.file == r.path]
        rejected = sum(1 for p in mine if p.kind == "rejected" and p.line > 0)
        duplicates = sum(1 for p in mine if p.kind == "duplicate")
        assert r.rows_read == r.rows_kept + rejected + duplicates + sum(p.rows for p in mine), (r, mine)


# --------------------------------------------------------------------------- 1. random bytes

def _header(head, delimiter=",") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerow(head)
    return buf.getvalue().encode()


PREFIXES = {
    "acled": _header(ACLED_HEAD),
    "ucdp": _header(UCDP_HEAD),
    "gdelt": ("\t".join(GDELT_ROWS[0]) + "\n").encode(),
    "faultline": _header(list(loaders.schema.COLUMNS)),
    "news": b"Title: A report\nPublished: 2025-11-08\nSource: Example\n\n",
}


@given(data=st.binary(max_size=3000), fmt=st.sampled_from(FORMATS))
def test_random_bytes_never_crash_any_loader(data, fmt):
    load_bytes(data, format=fmt)


@given(kind=st.sampled_from(sorted(PREFIXES)), tail=st.one_of(st.binary(max_size=3000),
                                                              st.text(max_size=3000).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_random_bytes_behind_a_real_header(kind, tail):
    """Past recognition, into each reader's parsing: still no crash, and the header is what it says."""
    load_bytes(PREFIXES[kind] + tail, name="input.txt" if kind == "news" else "input.csv")


@given(text=st.text(min_size=1, max_size=1500))
def test_random_article_text(text):
    load_bytes(PREFIXES["news"] + text.encode("utf-8", "surrogatepass"), name="article.txt", format="news")


# ------------------------------------------------------------------ 2. well-shaped rows, bad cells

# Free text: anything a person could type (controls, quotes, delimiters, other scripts, formulas).
FORMULAS = ["=1+1", "+cmd", "-x", "@SUM(A1)", "\tx", "\rx", "'=x", "''+y", "=HYPERLINK(\"http://x\")"]
free_text = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40),
    st.builds(lambda a, b: a + b, st.sampled_from(FORMULAS), st.text(max_size=10)),
).filter(lambda s: s.strip())
# Cells a loader must refuse.
not_a_date = st.one_of(st.sampled_from(["2025-13-01", "2025-02-30", "31/31/2025", "0000-00-00", "nope", "20251399", "--"]),
                       st.text(alphabet="qxzk#", min_size=1, max_size=12))
not_a_coordinate = st.one_of(st.text(alphabet="qxzk#,", min_size=1, max_size=8),
                             st.floats(min_value=180.01, max_value=1e12).map(repr),
                             st.floats(min_value=180.01, max_value=1e12).map(lambda f: repr(-f)),
                             st.sampled_from(["inf", "-inf", "nan", "1e400"]))
not_a_count = st.one_of(st.integers(max_value=-1).map(str), st.sampled_from(["1.5", "many", "inf", "1e30", "-0.5", "x"]),
                        st.text(alphabet="qxzk#", min_size=1, max_size=6))
not_a_type = st.text(alphabet="qxzk# ", min_size=1, max_size=15).filter(lambda s: s not in EVENT_TYPES + SUB_EVENT_TYPES)

ACLED_FREE = ["actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "admin1", "admin2", "admin3", "location", "source",
              "notes", "tags", "region", "disorder_type", "interaction", "civilian_targeting", "inter1", "inter2",
              "source_scale", "country", "year"]
ACLED_REFUSE = {"event_date": not_a_date, "latitude": not_a_coordinate, "longitude": not_a_coordinate,
                "fatalities": not_a_count, "event_type": not_a_type, "sub_event_type": not_a_type}
UCDP_FREE = ["conflict_name", "dyad_name", "side_a", "side_b", "source_article", "source_office", "source_headline",
             "source_original", "where_description", "adm_1", "adm_2", "geom_wkt", "region", "where_coordinates",
             "country", "relid", "code_status"]
UCDP_REFUSE = {"date_start": not_a_date, "type_of_violence": st.sampled_from(["0", "4", "x", "", "1.0"]),
               "best": not_a_count, "low": not_a_count, "high": not_a_count, "deaths_civilians": not_a_count,
               "latitude": not_a_coordinate, "longitude": not_a_coordinate}
GDELT_FREE = ["Actor1Name", "Actor2Name", "ActionGeo_FullName", "SOURCEURL", "Actor1Code", "Actor2Code",
              "Actor1Geo_FullName", "ActionGeo_ADM1Code"]
GDELT_REFUSE = {"Day": not_a_date.filter(lambda s: "\t" not in s), "ActionGeo_Lat": not_a_coordinate,
                "ActionGeo_Long": not_a_coordinate}
tab_free_text = free_text.map(lambda s: "".join(" " if c in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029" else c for c in s)) \
    .filter(lambda s: s.strip())


@st.composite
def shaped_rows(draw, base_rows, head, free_cols, refuse, text=free_text):
    """(rows, plan): plan[i] is ("ok", None), ("free", (column, value)) or ("refuse", (column, value))."""
    n = draw(st.integers(1, 6))
    rows, plan = [], []
    for i in range(n):
        row = list(draw(st.sampled_from(base_rows)))
        what = draw(st.sampled_from(["ok", "free", "refuse"]))
        if what == "free":
            col = draw(st.sampled_from(free_cols))
            change = (col, draw(text))
        elif what == "refuse":
            col = draw(st.sampled_from(sorted(refuse)))
            change = (col, draw(refuse[col]))
        else:
            change = None
        if change:
            row[head.index(change[0])] = change[1]
        rows.append(row)
        plan.append((what, change))
    return rows, plan


def _write(head, rows, delimiter=",", ids=None) -> tuple[bytes, list[int]]:
    """CSV bytes and the physical line each row starts on."""
    buf = io.StringIO()
    quoting = csv.QUOTE_MINIMAL if delimiter == "," else csv.QUOTE_NONE
    # "\r\n" ends: the csv writer then quotes a cell holding a bare "\r" (with "\n" ends it would not).
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n", quoting=quoting)
    if head:
        w.writerow(head)
    lines = []
    for r in rows:
        lines.append(buf.getvalue().count("\n") + 1)
        w.writerow(r)
    return buf.getvalue().encode("utf-8"), lines


def _check_plan(result, path, plan, lines, ids, prefix):
    rejected = {p.line for p in result.problems if p.kind == "rejected" and p.line > 0}
    kept_ids = set(result.events["event_id"])
    for (what, change), line, eid in zip(plan, lines, ids):
        if what == "refuse":
            assert line in rejected and prefix + eid not in kept_ids, (change, line, [str(p) for p in result.problems])
        else:
            assert prefix + eid in kept_ids and line not in rejected, (change, line, [str(p) for p in result.problems])
    report = result.files[0]
    assert report.rows_read == len(plan) and report.rows_kept + len(rejected) == len(plan)


@given(shaped_rows(ACLED_ROWS, ACLED_HEAD, ACLED_FREE, ACLED_REFUSE))
def test_acled_rows_with_random_cells(case):
    rows, plan = case
    ids = [f"FZ{i}" for i in range(len(rows))]
    for r, eid in zip(rows, ids):
        r[0] = eid
    data, lines = _write(ACLED_HEAD, rows)
    path, result = load_bytes(data)
    _check_plan(result, path, plan, lines, ids, "acled:")
    by_id = result.events.set_index("event_id")
    for (what, change), eid in zip(plan, ids):
        if what == "free" and change[0] in ("notes", "location", "admin1"):
            col = {"notes": "source_quote", "location": "location", "admin1": "admin1"}[change[0]]
            assert by_id.loc["acled:" + eid, col] == change[1]  # free text kept exactly


@given(shaped_rows(UCDP_ROWS, UCDP_HEAD, UCDP_FREE, UCDP_REFUSE))
def test_ucdp_rows_with_random_cells(case):
    rows, plan = case
    ids = [str(700000 + i) for i in range(len(rows))]
    for r, eid in zip(rows, ids):
        r[0] = eid
    # A refused death count is only refused when it breaks the row: an empty deaths_civilians is fine.
    plan = [("ok", c) if what == "refuse" and c[0] == "deaths_civilians" and c[1] == "" else (what, c)
            for what, c in plan]
    data, lines = _write(UCDP_HEAD, rows)
    path, result = load_bytes(data)
    _check_plan(result, path, plan, lines, ids, "ucdp:")


@given(shaped_rows(GDELT_ROWS, GDELT_COLUMNS, GDELT_FREE, GDELT_REFUSE, text=tab_free_text))
def test_gdelt_rows_with_random_cells(case):
    rows, plan = case
    ids = [str(1400000000 + i) for i in range(len(rows))]
    for r, eid in zip(rows, ids):
        r[0] = eid
    data = "".join("\t".join(r) + "\n" for r in rows).encode("utf-8")
    path, result = load_bytes(data, name="fuzz.export.CSV")
    _check_plan(result, path, plan, list(range(1, len(rows) + 1)), ids, "gdelt:")


FAULTLINE_EVENTS = loaders.load([GOOD / "acled_afpak_2025.csv", GOOD / "ucdp_ged_candidate_2025.csv"])
FAULTLINE_TEXT = ["actor1", "actor2", "mediators", "country", "admin1", "location", "casualty_text", "claimed_by",
                  "source_name", "source_url", "source_quote"]


@given(st.lists(st.tuples(st.sampled_from(FAULTLINE_TEXT), free_text), min_size=1, max_size=8),
       st.booleans())
def test_faultline_csv_round_trip_keeps_any_text(changes, excel_safe):
    """The download loads back unchanged in meaning, whatever text its cells hold."""
    events = FAULTLINE_EVENTS.head(len(changes)).copy()
    for i, (col, value) in enumerate(changes):
        events.loc[events.index[i], col] = value
    path, result = load_bytes(to_csv(events, excel_safe=excel_safe).encode("utf-8"))
    back = result.events.set_index("event_id").loc[events["event_id"]]
    for i, (col, value) in enumerate(changes):
        assert back.iloc[i][col] == value, (col, value, back.iloc[i][col])
    assert not [p for p in result.problems if p.kind != "note"]
    numeric = ["latitude", "longitude", "fatalities_low", "fatalities_best", "fatalities_high", "confidence"]
    pd.testing.assert_frame_equal(back[numeric].reset_index(drop=True), events[numeric].reset_index(drop=True))
