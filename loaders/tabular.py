"""Steps the dataset loaders share: read a delimited file with line numbers, check cells, map codes."""

from __future__ import annotations

import csv
import functools
import io
import re

import numpy as np
import pandas as pd

from loaders.geocode import country_table, normalise
from loaders.problems import Problem

csv.field_size_limit(16 * 1024 * 1024)


def first_row(text: str, delimiter: str) -> list[str]:
    """The first record of a delimited text (quoted newlines respected), or []."""
    try:
        return next(csv.reader(io.StringIO(text.lstrip("\ufeff")[:200_000]), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return []


def read_table(path: str, source, columns: list[str], *, delimiter: str = ",", header: bool = True,
               quoting: int = csv.QUOTE_MINIMAL, fix_row=None,
               usecols: list[str] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """All cells as text plus `_line` (the physical line, header = 1); rows of the wrong width are
    reported by line and left out. `fix_row` may repair a row of another known width (or return None).

    The fast path (pyarrow) reads UTF-8 files whose records are one line each; anything else goes
    through the csv module, which is slower but exact."""
    fast = _read_arrow(path, source.data, columns, delimiter, header, quoting, fix_row, usecols)
    if fast is None:
        fast = _read_careful(path, source.text, columns, delimiter, header, quoting, fix_row)
        if usecols:
            fast = (fast[0][[c for c in fast[0].columns if c in usecols or c == "_line"]], fast[1])
    source.release()  # the bytes are parsed; a large file should not sit in memory twice
    if fast[0].empty and not fast[1]:
        fast = (fast[0], [Problem(path, 0, "no data rows: the file holds a header (or blank lines) only", kind="note")])
    return fast


def _read_careful(path, text, columns, delimiter, header, quoting, fix_row):
    """The csv module, record by record: slow, but exact about lines even with quoted newlines."""
    problems: list[Problem] = []
    width = len(columns)
    body = text.lstrip("\ufeff")
    rows: list[list[str]] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(body), delimiter=delimiter, quoting=quoting, strict=False)
    start = 1
    total_lines = body.count("\n") + (0 if body.endswith("\n") else 1)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # One unreadable record (e.g. a line beyond the field size limit) is reported; the reader
            # starts again on the next line, so the rows after it are still read.
            end = max(reader.line_num, start)
            problems.append(Problem(path, start, f"unreadable row ({exc})"))
            start = end + 1
            continue
        end = reader.line_num
        if header and end == 1:
            start = end + 1
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            start = end + 1
            continue
        if len(row) != width and fix_row is not None:
            row = fix_row(row) or row
        if len(row) != width:
            truncated = end == total_lines and not body.endswith("\n") and len(row) < width
            why = "the file ends partway through this row" if truncated else f"expected {width} fields, found {len(row)}"
            if end > start:  # one record over several lines: usually a quote that is never closed
                why += f"; this record runs from line {start} to line {end}, so a quote is probably not closed"
            problems.append(Problem(path, start, why))
        else:
            rows.append(row)
            lines.append(start)
        start = end + 1
    frame = pd.DataFrame(rows, columns=columns, dtype="str") if rows else pd.DataFrame(
        {c: pd.Series([], dtype="str") for c in columns})
    frame["_line"] = np.asarray(lines, dtype="int64")
    return frame, problems


def _read_arrow(path, data: bytes, columns, delimiter, header, quoting, fix_row=None, usecols=None):
    """pyarrow's C++ reader; used when every record is one physical line (checked), else None."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    # Invalid UTF-8 makes pyarrow fail; the careful path then reads it as Windows-1252 and says so.
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    invalid: list = []

    def on_invalid(row):
        # row.number counts the rows pyarrow saw (the header included, blank lines not): it is mapped
        # to the physical line below. A line of only spaces is blank, as in the careful path.
        try:
            blank = not row.text.strip()
        except UnicodeDecodeError:  # the careful path then reads the file (as Windows-1252, with a note)
            blank = False
        invalid.append((row.number, row.actual_columns, blank))
        return "skip"

    def run(threads: bool):
        invalid.clear()
        return pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=columns, skip_rows=1 if header else 0,
                                           use_threads=threads, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(delimiter=delimiter,
                                             quote_char=False if quoting == csv.QUOTE_NONE else '"',
                                             newlines_in_values=False, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in columns},
                                                 include_columns=[c for c in columns if not usecols or c in usecols],
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    try:
        table = run(True)
        if invalid:
            table = run(False)  # row numbers are only known when parsing in one thread
    except (pa.ArrowInvalid, UnicodeDecodeError, ValueError):
        return None
    record_lines = _record_lines(data, header)
    if any(n is None for n, _, _ in invalid) or table.num_rows + len(invalid) != len(record_lines):
        return None
    if invalid and fix_row is not None and not all(blank for _, _, blank in invalid):
        return None  # rows of another known width: the careful path repairs them
    first = 2 if header else 1
    positions = [n - first for n, _, _ in invalid]
    if any(not 0 <= i < len(record_lines) for i in positions):
        return None
    good_lines = np.delete(record_lines, positions) if positions else record_lines
    invalid = [(int(record_lines[i]), actual) for i, (_, actual, blank) in zip(positions, invalid) if not blank]
    frame = table.to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow") if t == pa.string() else None)
    frame["_line"] = good_lines.astype("int64")
    last_line = int(record_lines[-1]) if len(record_lines) else 0
    problems = [Problem(path, int(n), "the file ends partway through this row"
                        if n == last_line and not data.endswith(b"\n") and actual < len(columns)
                        else f"expected {len(columns)} fields, found {actual}") for n, actual in invalid]
    return frame, problems


def _record_lines(data: bytes, header: bool) -> np.ndarray:
    """Physical line numbers of the non-blank lines after the header (header = line 1)."""
    n_lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    first = 2 if header else 1
    if b"\n\n" not in data and b"\n\r\n" not in data and not data.startswith((b"\n", b"\r\n")):
        return np.arange(first, n_lines + 1, dtype="int64")  # no blank lines: no need to look closer
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines = lines[:-1]
    return np.array([i for i, line in enumerate(lines, 1) if i >= first and line.strip(b"\r")], dtype="int64")


def reject(frame: pd.DataFrame, bad: pd.Series, path: str, message) -> tuple[pd.DataFrame, list[Problem]]:
    """Drop rows where `bad` holds, with one problem per row; message(row) says why."""
    if not bad.any():
        return frame, []
    rows = frame[bad]
    problems = [Problem(path, int(line), message(r)) for line, (_, r) in zip(rows["_line"], rows.iterrows())]
    return frame[~bad], problems


_YEAR_FIRST = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})[-/.]|(\d{2}))(\d{1,2})(?:[T ].*)?\s*$")


def parse_dates(values: pd.Series, fmt: str | None = "%Y-%m-%d") -> pd.Series:
    """Dates in the given format, falling back to other common layouts; NaT when unreadable.

    A date written year first (2025-11-07, 2025/11/07) is only ever year-month-day: "2025-13-01" is
    unreadable, never the 13th of January. Other layouts ("07/11/2025", "7 November 2025") read day first."""
    out = pd.to_datetime(values, format=fmt, errors="coerce") if fmt else pd.Series(pd.NaT, index=values.index)
    text = values.astype(str)
    missing = out.isna() & (text.str.strip() != "")
    if missing.any():
        parts = text[missing].str.extract(_YEAR_FIRST)
        year_first = parts[0].notna()
        if year_first.any():
            p = parts[year_first]
            iso = p[0] + "-" + p[1].fillna(p[2]).str.zfill(2) + "-" + p[3].str.zfill(2)
            out[iso.index] = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
        other = year_first.index[~year_first.to_numpy()]
        if len(other):
            out[other] = pd.to_datetime(values[other], errors="coerce", format="mixed", dayfirst=True)
    return out


def numbers(values: pd.Series) -> pd.Series:
    """Numeric cells; NaN for empty or unreadable ones."""
    return pd.to_numeric(values.astype(str).str.strip().replace("", np.nan), errors="coerce")


MAX_COUNT = 10**9  # a death or source count above this is a broken cell, not a figure


def filled(values: pd.Series) -> pd.Series:
    """Cells that hold something other than blanks."""
    return values.astype(str).str.strip() != ""


def not_a_count(text: pd.Series, value: pd.Series, *, required: bool = False) -> pd.Series:
    """Cells that are not a whole number from 0 to MAX_COUNT ("many", 1.5, -1, inf, 1e30); an empty
    cell passes unless `required`."""
    finite = value.where(np.isfinite(value.astype("float64")))
    bad = finite.isna() | (finite < 0) | (finite % 1 != 0) | (finite > MAX_COUNT)
    return bad & (filled(text) | required)


def coordinate_checks(raw: pd.DataFrame, lat: str, lon: str) -> list:
    """(bad rows, why) for a pair of coordinate columns whose text is in `lat`/`lon` and whose numbers
    are in `_lat`/`_lon`: unreadable text, out of range, or one coordinate without the other.
    A row with no coordinates at all passes (it is kept without a pin)."""
    lat_text, lon_text = filled(raw[lat]), filled(raw[lon])
    return [
        (lat_text & raw["_lat"].isna(), lambda r: f"{lat} {r[lat]!r} is not a number"),
        (lon_text & raw["_lon"].isna(), lambda r: f"{lon} {r[lon]!r} is not a number"),
        (raw["_lat"].notna() & ~raw["_lat"].between(-90, 90), lambda r: f"{lat} {r[lat]} out of range"),
        (raw["_lon"].notna() & ~raw["_lon"].between(-180, 180), lambda r: f"{lon} {r[lon]} out of range"),
        (raw["_lat"].isna() != raw["_lon"].isna(),
         lambda r: f"only one coordinate ({lat} {r[lat]!r}, {lon} {r[lon]!r}); a place needs both"),
    ]


@functools.lru_cache(maxsize=1)
def country_lookup() -> dict[str, tuple[str, str]]:
    """Country names, ISO2/ISO3 codes and common variants -> (ISO3, English name)."""
    from loaders.geocode import curated_places

    out: dict[str, tuple[str, str]] = {}
    for r in country_table().itertuples():
        out[normalise(r.name)] = (r.iso3, r.name)
        out[r.iso3.lower()] = (r.iso3, r.name)
    places = curated_places()
    for r in places[places["feature"] == "country"].itertuples():
        out.setdefault(r.key, (r.iso3, r.country or r.name))
    return out


def iso3_from_numeric(codes: pd.Series) -> pd.Series:
    """ISO 3166 numeric codes (ACLED's `iso`) -> ISO3."""
    table = dict(zip(country_table()["isonumeric"], country_table()["iso3"]))
    return map_unique(codes, lambda c: table.get(str(c).strip().lstrip("0")))


def iso3_from_fips(codes: pd.Series) -> pd.Series:
    """FIPS 10-4 country codes (GDELT geography) -> ISO3."""
    table = {f: i for f, i in zip(country_table()["fips"], country_table()["iso3"]) if f}
    return map_unique(codes, lambda c: table.get(str(c).strip()))


def iso3_from_names(names: pd.Series) -> pd.Series:
    """English country names -> ISO3 (None when unknown)."""
    table = country_lookup()
    return map_unique(names, lambda n: table.get(normalise(n), (None, None))[0])


def map_unique(values: pd.Series, func) -> pd.Series:
    """Apply func once per distinct value: datasets repeat the same actor and place names a lot."""
    codes, uniques = pd.factorize(values)
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:-1] = [func(u) for u in uniques]
    results[-1] = None  # code -1: a missing value
    return pd.Series(results[codes], index=values.index, dtype=object)


def unique_parts(values: pd.Series, func, n: int) -> list[pd.Series]:
    """Like map_unique for a func returning an n-tuple: one Series per part, None where missing."""
    codes, uniques = pd.factorize(values)
    parts = [np.empty(len(uniques) + 1, dtype=object) for _ in range(n)]
    for i, u in enumerate(uniques):
        out = func(u) or (None,) * n
        for k in range(n):
            parts[k][i] = out[k]
    for k in range(n):
        parts[k][-1] = None
    return [pd.Series(p[codes], index=values.index, dtype=object) for p in parts]
