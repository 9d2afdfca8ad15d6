"""Incident tolls and totals with honest ranges (SPEC §3): incidents are counted, not rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

COARSE = ("month", "year")


@dataclass(frozen=True)
class Range:
    """A count of people: low..high, high None when open-ended ("at least low")."""

    low: int
    high: int | None
    best: int | None = None

    @property
    def open(self) -> bool:
        return self.high is None

    def __str__(self) -> str:
        if self.high is None:
            return f"at least {self.low:,}"
        if self.low == self.high:
            return f"{self.low:,}"
        return f"{self.low:,}–{self.high:,}"


def _claims(group: pd.DataFrame, low: str, high: str) -> pd.DataFrame:
    return group[group[low].notna() | group[high].notna()]


TOLL_COLUMNS = ["incident_id", "event_date", "date_precision", "dyad", "event_type", "location",
                "killed_low", "killed_best", "killed_high", "killed_open", "injured_low", "injured_high",
                "injured_open", "contested", "claims", "reports", "datasets", "gdelt_only", "event_ids"]
DATASET_ORDER = ["acled", "gdelt", "manual", "news", "ucdp"]  # sorted: the order `datasets` lists them in


def incident_tolls(events: pd.DataFrame, *, details: bool = True,
                   codes: tuple[np.ndarray, pd.Index] | None = None) -> pd.DataFrame:
    """One row per incident: killed and injured ranges over its reports, contested flag and claims.

    Computed with column-wise group reductions (a million reports in well under a second).
    details=False leaves `claims` and `event_ids` empty: joining text per incident is the one slow
    part, and pages fill them in with incident_details() for the incidents they list. `codes` may
    give the rows' incident_ids already factorised: (code per row, the distinct ids)."""
    if events.empty:
        return pd.DataFrame(columns=TOLL_COLUMNS)
    if codes is None:
        codes, uniques = pd.factorize(events["incident_id"])
    else:  # factorised once for the whole table (pd.factorize of a million ids costs ~0.3 s)
        full, uniques_all = codes
        used, codes = np.unique(full, return_inverse=True)
        uniques = uniques_all[used]
    n = len(uniques)
    first_pos = np.full(n, len(events), dtype=np.int64)
    np.minimum.at(first_pos, codes, np.arange(len(events)))
    groups = _Groups(codes, n)
    out = pd.DataFrame({"incident_id": pd.array(uniques, dtype="string")})
    days = events["event_date"].to_numpy().astype("datetime64[us]").astype(np.int64)
    out["event_date"] = groups.min_int(days).astype("datetime64[us]")
    out["date_precision"] = _category_at(events["date_precision"], first_pos)
    out["dyad"] = _first_valid(events["dyad"], codes, n)
    out["event_type"] = _category_at(events["event_type"], first_pos)
    out["location"] = _first_valid(events["location"], codes, n)
    # Plain float arrays (tolls are whole numbers far below 2**53): reductions without index alignment.
    num = lambda col: events[col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)  # noqa: E731
    low, best, high = num("fatalities_low"), num("fatalities_best"), num("fatalities_high")
    has_low = ~np.isnan(low)
    lo_min, lo_max = groups.reduce(low, "min"), groups.reduce(low, "max")
    hi = np.where(has_low, high, np.nan)
    hi_min, hi_max = groups.reduce(hi, "min"), groups.reduce(hi, "max")
    out["killed_low"] = _ints(lo_min)
    out["killed_best"] = _ints(np.round(_reduce(np.where(has_low, best, np.nan), codes, n, "median")))
    # A claim with a low but no high is open-ended, and so is the incident.
    out["killed_high"] = _ints(hi_max)
    out["killed_open"] = np.bincount(codes[has_low & np.isnan(high)], minlength=n) > 0
    inj_low, inj_high = num("injured_low"), num("injured_high")
    has_inj = ~np.isnan(inj_low)
    out["injured_low"] = _ints(groups.reduce(inj_low, "min"))
    out["injured_high"] = _ints(groups.reduce(np.where(has_inj, inj_high, np.nan), "max"))
    out["injured_open"] = np.bincount(codes[has_inj & np.isnan(inj_high)], minlength=n) > 0
    # Reports disagree when their lows (or highs) differ.
    with np.errstate(invalid="ignore"):
        out["contested"] = (lo_min != lo_max) & ~np.isnan(lo_min) | (hi_min != hi_max) & ~np.isnan(hi_min)
    out["claims"] = None
    out["reports"] = np.bincount(codes, minlength=n)
    ds = events["dataset"]
    ds_codes = ds.cat.codes.to_numpy() if isinstance(ds.dtype, pd.CategoricalDtype) else None
    present = {}
    for d in DATASET_ORDER:
        hit = (ds_codes == ds.cat.categories.get_loc(d)) if ds_codes is not None and d in ds.cat.categories \
            else (ds.astype("string") == d).fillna(False).to_numpy()
        present[d] = np.bincount(codes[hit], minlength=n) > 0
    combo = sum(present[d].astype(np.int64) << i for i, d in enumerate(DATASET_ORDER))
    names = {c: ";".join(d for i, d in enumerate(DATASET_ORDER) if c >> i & 1) for c in np.unique(combo)}
    out["datasets"] = pd.Series(combo).map(names).to_numpy()
    out["gdelt_only"] = out["datasets"] == "gdelt"
    out["event_ids"] = None
    out["killed_open"] = out["killed_open"].astype("boolean").fillna(False)
    out["injured_open"] = out["injured_open"].astype("boolean").fillna(False)
    out["killed_low"] = out["killed_low"].astype("Int64")
    out["killed_high"] = out["killed_high"].where(~out["killed_open"])
    out["injured_high"] = out["injured_high"].where(~out["injured_open"])
    out = out.take(np.argsort(first_pos, kind="stable")).reset_index(drop=True)  # first-seen order
    if details:
        out = incident_details(events, out)
    return out[TOLL_COLUMNS]


class _Groups:
    """Rows sorted once by group (codes 0..n-1, every group present), for min/max per group with
    ufunc.reduceat: one sort instead of a hash grouping per column."""

    def __init__(self, codes: np.ndarray, n: int):
        self.order = np.argsort(codes, kind="stable")
        self.starts = np.searchsorted(codes[self.order], np.arange(n))
        self.n = n

    def reduce(self, values: np.ndarray, how: str) -> np.ndarray:
        """Min or max of the non-missing values per group; NaN where a group has none (fmin/fmax
        skip NaN)."""
        if not self.n:
            return np.full(0, np.nan)
        return (np.fmin if how == "min" else np.fmax).reduceat(values[self.order], self.starts)

    def min_int(self, values: np.ndarray) -> np.ndarray:
        return np.minimum.reduceat(values[self.order], self.starts) if self.n else values[:0]


def _reduce(values: np.ndarray, codes: np.ndarray, n: int, how: str) -> np.ndarray:
    """Per group (0..n-1), min/max/median of the non-missing values; NaN where a group has none."""
    ok = ~np.isnan(values)
    red = pd.Series(values[ok]).groupby(codes[ok]).agg(how)
    out = np.full(n, np.nan)
    out[red.index.to_numpy()] = red.to_numpy()
    return out


def _ints(values: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.array(pd.Series(values).astype("Int64"))


def _category_at(values: pd.Series, positions: np.ndarray) -> pd.Series:
    """The values at these positions, as text (a categorical is read through its codes)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = np.asarray(values.cat.categories, dtype=object)
        idx = values.cat.codes.to_numpy()[positions]
        out = np.where(idx >= 0, cats[np.maximum(idx, 0)], None)
        return pd.array(out, dtype="string")
    return pd.array(values.to_numpy()[positions], dtype="string")


def _first_valid(values: pd.Series, codes: np.ndarray, n: int) -> pd.Series:
    """Per group, the first non-missing value (like groupby.first)."""
    ok = values.notna().to_numpy()
    pos = np.flatnonzero(ok)
    grp = codes[pos]
    # first occurrence of each group among the valid positions (positions are increasing)
    seen, first = np.unique(grp, return_index=True)
    take = np.full(n, -1, dtype=np.int64)
    take[seen] = pos[first]
    arr = values.array.take(take, allow_fill=True)
    return pd.Series(arr).array


def incident_details(events: pd.DataFrame, tolls: pd.DataFrame) -> pd.DataFrame:
    """Fill `claims` (who gives which toll) and `event_ids` of the incidents in `tolls` from their reports."""
    rows = events[events["incident_id"].isin(tolls["incident_id"])]
    claim = (rows["claimed_by"].fillna(rows["source_name"]).astype("string")
             + " (" + rows["casualty_text"].fillna("").astype("string") + ")")
    stated = rows["fatalities_low"].notna()
    claims = (pd.DataFrame({"i": rows["incident_id"][stated], "c": claim[stated]})
              .drop_duplicates().groupby("i", sort=False)["c"].agg(" | ".join))
    ids = rows.groupby("incident_id", sort=False, observed=True)["event_id"].agg(";".join)
    tolls = tolls.copy()
    tolls["claims"] = tolls["incident_id"].map(claims).astype(object).where(lambda s: s.notna(), None)
    tolls["event_ids"] = tolls["incident_id"].map(ids).astype(object)
    return tolls


def counted_incidents(tolls: pd.DataFrame, *, include_gdelt: bool = False) -> pd.DataFrame:
    """The incidents that count in totals: month/year reports only where no dated incident covers them."""
    if tolls.empty:
        return tolls
    return tolls[counted_mask(tolls, include_gdelt=include_gdelt)]


def counted_mask(tolls: pd.DataFrame, *, include_gdelt: bool = False) -> np.ndarray:
    """counted_incidents as a boolean mask over `tolls` (no copy of a large table)."""
    keep = np.ones(len(tolls), dtype=bool) if include_gdelt else ~tolls["gdelt_only"].to_numpy(dtype=bool)
    coarse = tolls["date_precision"].isin(COARSE).to_numpy(dtype=bool) & keep
    if not coarse.any():
        return keep
    has_dyad = tolls["dyad"].notna().to_numpy(dtype=bool)
    fine_rows = np.flatnonzero(keep & ~coarse & tolls["killed_low"].notna().to_numpy(dtype=bool)
                               & (tolls["event_type"] != "Strategic developments").to_numpy(dtype=bool) & has_dyad)
    wide_rows = np.flatnonzero(coarse & has_dyad)
    if not len(fine_rows) or not len(wide_rows):
        return keep
    # A coarse incident is dropped when a dated one of its dyad falls inside its month or year:
    # look each one up in the dated incidents sorted by (dyad, day).
    dyad = tolls["dyad"]
    codes, _ = pd.factorize(pd.concat([dyad.iloc[wide_rows], dyad.iloc[fine_rows]], ignore_index=True))
    dates = tolls["event_date"]
    day = lambda s: s.to_numpy().astype("datetime64[D]").astype(np.int64)  # noqa: E731
    span = 1 << 20  # more days than any date range
    fine_key = np.sort(codes[len(wide_rows):].astype(np.int64) * span + day(dates.iloc[fine_rows]))
    start = dates.iloc[wide_rows]
    end = start + pd.offsets.MonthEnd(0)
    yearly = (tolls["date_precision"].iloc[wide_rows] == "year").to_numpy(dtype=bool)
    if yearly.any():
        end = end.where(~yearly, start + pd.offsets.YearEnd(0))
    base = codes[:len(wide_rows)].astype(np.int64) * span
    lo = np.searchsorted(fine_key, base + day(start), "left")
    hi = np.searchsorted(fine_key, base + day(end), "right")
    keep[wide_rows[hi > lo]] = False
    return keep


def total(tolls: pd.DataFrame, kind: str = "killed") -> Range | None:
    """Sum incident ranges; any open-ended incident makes the sum open-ended. None when nothing stated."""
    low_col, high_col, open_col = f"{kind}_low", f"{kind}_high", f"{kind}_open"
    # Plain arrays: selecting the stated rows of a large frame would copy its text columns.
    arr = lambda col: tolls[col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)  # noqa: E731
    low = arr(low_col)
    stated = ~np.isnan(low)
    if not stated.any():
        return None
    is_open = bool(tolls[open_col].astype("boolean").to_numpy(dtype=bool, na_value=False)[stated].any())
    high = None if is_open else int(np.nansum(arr(high_col)[stated]))
    best = None
    if kind == "killed":
        b = arr("killed_best")
        best = int(np.where(np.isnan(b), low, b)[stated].sum())
    return Range(int(low[stated].sum()), high, best)
