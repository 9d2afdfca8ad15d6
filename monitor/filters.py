"""The analyst's filters (the same ones a shared link carries) applied to the events table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd


@dataclass(frozen=True)
class Filters:
    """Date range, countries (ISO3), event types, actors, datasets and dyad; empty means all."""

    start: date | None = None
    end: date | None = None
    countries: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    dyad: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)


def filter_mask(events: pd.DataFrame, f: Filters) -> pd.Series:
    """Boolean mask of the rows that pass every filter."""
    mask = pd.Series(True, index=events.index)
    if f.start is not None:
        mask &= events["event_date"] >= pd.Timestamp(f.start)
    if f.end is not None:
        mask &= events["event_date"] <= pd.Timestamp(f.end)
    if f.countries:
        mask &= events["iso3"].isin(f.countries).fillna(False)
    if f.types:
        mask &= events["event_type"].isin(f.types)
    if f.actors:
        mask &= (events["actor1"].isin(f.actors) | events["actor2"].isin(f.actors)).fillna(False)
    if f.datasets:
        mask &= events["dataset"].isin(f.datasets)
    if f.dyad:
        mask &= (events["dyad"] == f.dyad).fillna(False)
    return mask.astype(bool)


def apply_filters(events: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The rows that pass every filter."""
    return events[filter_mask(events, f)]


def active_dyads(events: pd.DataFrame) -> list[str]:
    """Dyads in the data, the most reported first."""
    counts = events["dyad"].dropna().value_counts()
    return list(counts.index)


def actor_options(events: pd.DataFrame) -> list[str]:
    """Every actor named in the table, sorted."""
    return sorted(set(events["actor1"].dropna().unique()) | set(events["actor2"].dropna().unique()))
