"""Incident tolls and totals with honest ranges (SPEC §3): incidents are counted, not rows."""

from __future__ import annotations

from dataclasses import dataclass

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


def incident_tolls(events: pd.DataFrame) -> pd.DataFrame:
    """One row per incident: killed and injured ranges over its reports, contested flag and claims."""
    cols = ["incident_id", "event_date", "date_precision", "dyad", "event_type", "location",
            "killed_low", "killed_best", "killed_high", "killed_open", "injured_low", "injured_high",
            "injured_open", "contested", "claims", "reports", "datasets", "gdelt_only", "event_ids"]
    if events.empty:
        return pd.DataFrame(columns=cols)
    df = events.copy()
    df["_claim"] = (df["claimed_by"].fillna(df["source_name"]).astype("string")
                    + " (" + df["casualty_text"].fillna("").astype("string") + ")")
    g = df.groupby("incident_id", sort=False, observed=True)
    first = g.first()
    has_low = df["fatalities_low"].notna()
    killed = df[has_low].groupby("incident_id", observed=True)
    inj = df[df["injured_low"].notna()].groupby("incident_id", observed=True)
    out = pd.DataFrame(index=first.index)
    out["event_date"] = g["event_date"].min()
    out["date_precision"] = first["date_precision"].astype("string")
    out["dyad"] = first["dyad"]
    out["event_type"] = first["event_type"].astype("string")
    out["location"] = first["location"]
    out["killed_low"] = killed["fatalities_low"].min()
    out["killed_best"] = killed["fatalities_best"].median().round().astype("Int64")
    out["killed_high"] = killed["fatalities_high"].max()
    # A claim with a low but no high is open-ended, and so is the incident.
    out["killed_open"] = df[has_low].assign(o=lambda d: d["fatalities_high"].isna()).groupby(
        "incident_id", observed=True)["o"].any()
    out["injured_low"] = inj["injured_low"].min()
    out["injured_high"] = inj["injured_high"].max()
    out["injured_open"] = df[df["injured_low"].notna()].assign(o=lambda d: d["injured_high"].isna()).groupby(
        "incident_id", observed=True)["o"].any()
    spread = killed.agg(lo_n=("fatalities_low", "nunique"), hi_n=("fatalities_high", "nunique"))
    out["contested"] = ((spread["lo_n"] > 1) | (spread["hi_n"] > 1)).reindex(out.index, fill_value=False)
    out["claims"] = df[has_low].groupby("incident_id", observed=True)["_claim"].agg(lambda s: " | ".join(dict.fromkeys(s)))
    out["reports"] = g.size()
    out["datasets"] = g["dataset"].agg(lambda s: ";".join(sorted(set(map(str, s)))))
    out["gdelt_only"] = out["datasets"] == "gdelt"
    out["event_ids"] = g["event_id"].agg(lambda s: ";".join(s))
    out["killed_open"] = out["killed_open"].astype("boolean").fillna(False)
    out["injured_open"] = out["injured_open"].astype("boolean").fillna(False)
    out["contested"] = out["contested"].astype(bool)
    out["killed_high"] = out["killed_high"].where(~out["killed_open"])
    out["injured_high"] = out["injured_high"].where(~out["injured_open"])
    return out.reset_index()[cols]


def counted_incidents(tolls: pd.DataFrame, *, include_gdelt: bool = False) -> pd.DataFrame:
    """The incidents that count in totals: month/year reports only where no dated incident covers them."""
    if tolls.empty:
        return tolls
    keep = tolls if include_gdelt else tolls[~tolls["gdelt_only"]]
    coarse = keep["date_precision"].isin(COARSE)
    fine = keep[~coarse & keep["killed_low"].notna()]
    drop = []
    for idx, row in keep[coarse].iterrows():
        start = row["event_date"]
        end = start + (pd.offsets.MonthEnd(0) if row["date_precision"] == "month" else pd.offsets.YearEnd(0))
        same = fine[(fine["dyad"] == row["dyad"]) & (fine["event_date"] >= start) & (fine["event_date"] <= end)
                    & (fine["event_type"] != "Strategic developments")]
        if not same.empty:
            drop.append(idx)
    return keep.drop(index=drop)


def total(tolls: pd.DataFrame, kind: str = "killed") -> Range | None:
    """Sum incident ranges; any open-ended incident makes the sum open-ended. None when nothing stated."""
    low_col, high_col, open_col = f"{kind}_low", f"{kind}_high", f"{kind}_open"
    stated = tolls[tolls[low_col].notna()]
    if stated.empty:
        return None
    low = int(stated[low_col].sum())
    is_open = bool(stated[open_col].any())
    high = None if is_open else int(stated[high_col].sum())
    best = int(stated["killed_best"].fillna(stated[low_col]).sum()) if kind == "killed" else None
    return Range(low, high, best)
