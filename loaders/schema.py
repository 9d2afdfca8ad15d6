"""The events table (SPEC §2): column order, dtypes and the pandera model that guards it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

EVENT_TYPES = [
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
]

SUB_EVENT_TYPES = [
    "Armed clash",
    "Government regains territory",
    "Non-state actor overtakes territory",
    "Chemical weapon",
    "Air/drone strike",
    "Suicide bomb",
    "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED",
    "Grenade",
    "Sexual violence",
    "Attack",
    "Abduction/forced disappearance",
    "Peaceful protest",
    "Protest with intervention",
    "Excessive force against protesters",
    "Violent demonstration",
    "Mob violence",
    "Agreement",
    "Arrests",
    "Change to group/activity",
    "Disrupted weapons use",
    "Headquarters or base established",
    "Looting/property destruction",
    "Non-violent transfer of territory",
    "Other",
]

DIPLOMATIC_ACTIONS = [
    "talks_scheduled",
    "talks_held",
    "talks_stalled",
    "talks_failed",
    "ceasefire_agreed",
    "ceasefire_reaffirmed",
    "ceasefire_violated",
    "ceasefire_ended",
    "agreement_signed",
    "threat",
]

DATE_PRECISIONS = ["day", "week", "month", "year"]
GEOCODERS = ["source", "places", "user", "geonames", "nominatim", "none"]
DATASETS = ["news", "acled", "ucdp", "gdelt", "manual"]

# Column -> pandas dtype, in the contract's order.
COLUMNS: dict[str, object] = {
    "event_id": "string",
    "incident_id": "string",
    "event_date": "datetime64[us]",
    "date_end": "datetime64[us]",
    "date_precision": pd.CategoricalDtype(DATE_PRECISIONS),
    "event_type": pd.CategoricalDtype(EVENT_TYPES),
    "sub_event_type": pd.CategoricalDtype(SUB_EVENT_TYPES),
    "diplomatic_action": pd.CategoricalDtype(DIPLOMATIC_ACTIONS),
    "actor1": "string",
    "actor2": "string",
    "dyad": "string",
    "mediators": "string",
    "country": "string",
    "iso3": "string",
    "admin1": "string",
    "location": "string",
    "latitude": "float64",
    "longitude": "float64",
    "geo_precision": "Int8",
    "geocoder": pd.CategoricalDtype(GEOCODERS),
    "fatalities_low": "Int64",
    "fatalities_best": "Int64",
    "fatalities_high": "Int64",
    "fatalities_civilians": "Int64",
    "injured_low": "Int64",
    "injured_high": "Int64",
    "casualty_text": "string",
    "claimed_by": "string",
    "dataset": pd.CategoricalDtype(DATASETS),
    "source_name": "string",
    "source_url": "string",
    "published": "datetime64[us]",
    "source_quote": "string",
    "confidence": "float64",
}

DATE_COLUMNS = [c for c, t in COLUMNS.items() if str(t).startswith("datetime")]
INT_COLUMNS = [c for c, t in COLUMNS.items() if t in ("Int64", "Int8")]


def _nonneg(nullable: bool = True) -> pa.Column:
    return pa.Column("Int64", pa.Check.ge(0), nullable=nullable)


def _cat(values: list[str], nullable: bool) -> pa.Column:
    return pa.Column(pd.CategoricalDtype(values), nullable=nullable)


def _lows_not_above_highs(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    for low, high in (("fatalities_low", "fatalities_high"), ("injured_low", "injured_high")):
        both = df[low].notna() & df[high].notna()
        ok &= ~both | (df[low] <= df[high]).fillna(True)
    both = df["fatalities_low"].notna() & df["fatalities_best"].notna()
    ok &= ~both | (df["fatalities_low"] <= df["fatalities_best"]).fillna(True)
    return ok


def _coordinates_in_pairs(df: pd.DataFrame) -> pd.Series:
    """A place has both coordinates or neither: half a pair cannot be drawn or matched."""
    return df["latitude"].isna() == df["longitude"].isna()


EVENTS_SCHEMA = pa.DataFrameSchema(
    {
        "event_id": pa.Column("string", unique=True, nullable=False),
        "incident_id": pa.Column("string", pa.Check.str_startswith("inc:"), nullable=False),
        "event_date": pa.Column("datetime64[us]", nullable=False),
        "date_end": pa.Column("datetime64[us]", nullable=True),
        "date_precision": _cat(DATE_PRECISIONS, False),
        "event_type": _cat(EVENT_TYPES, False),
        "sub_event_type": _cat(SUB_EVENT_TYPES, True),
        "diplomatic_action": _cat(DIPLOMATIC_ACTIONS, True),
        "actor1": pa.Column("string", nullable=True),
        "actor2": pa.Column("string", nullable=True),
        "dyad": pa.Column("string", nullable=True),
        "mediators": pa.Column("string", nullable=True),
        "country": pa.Column("string", nullable=True),
        "iso3": pa.Column("string", pa.Check.str_matches(r"^[A-Z]{3}$"), nullable=True),
        "admin1": pa.Column("string", nullable=True),
        "location": pa.Column("string", nullable=True),
        "latitude": pa.Column("float64", pa.Check.in_range(-90, 90), nullable=True),
        "longitude": pa.Column("float64", pa.Check.in_range(-180, 180), nullable=True),
        "geo_precision": pa.Column("Int8", pa.Check.isin([1, 2, 3, 4]), nullable=True),
        "geocoder": _cat(GEOCODERS, False),
        "fatalities_low": _nonneg(),
        "fatalities_best": _nonneg(),
        "fatalities_high": _nonneg(),
        "fatalities_civilians": _nonneg(),
        "injured_low": _nonneg(),
        "injured_high": _nonneg(),
        "casualty_text": pa.Column("string", nullable=True),
        "claimed_by": pa.Column("string", nullable=True),
        "dataset": _cat(DATASETS, False),
        "source_name": pa.Column("string", nullable=False),
        "source_url": pa.Column("string", nullable=True),
        "published": pa.Column("datetime64[us]", nullable=True),
        "source_quote": pa.Column("string", nullable=True),
        "confidence": pa.Column("float64", pa.Check.in_range(0, 1), nullable=False),
    },
    checks=[pa.Check(_lows_not_above_highs, error="a low toll is above its high or best"),
            pa.Check(_coordinates_in_pairs, error="latitude and longitude come in pairs")],
    strict=True,
    ordered=True,
    name="events",
)


def empty_events() -> pd.DataFrame:
    """An events table with no rows and every column typed."""
    return conform(pd.DataFrame({c: [] for c in COLUMNS}))


SMALL_FRAME = 512  # rows: below this, text columns of plain strings are typed without pandas' string methods


def _text(values: pd.Series) -> pd.Series:
    """A text column as the contract's string dtype, empty strings missing. A short column of plain
    strings and missing values (an article's rows) is built directly: the same result without the
    fixed cost of astype and .str for each of 15 columns."""
    if len(values) <= SMALL_FRAME:
        items = values.tolist()
        if all(isinstance(v, str) or v is None or v is pd.NA or (isinstance(v, float) and v != v) for v in items):
            return pd.Series(pd.array([v if isinstance(v, str) and v else None for v in items], dtype="string"))
    s = values.astype("string")
    return s.where(s.str.len() > 0)


def conform(df: pd.DataFrame) -> pd.DataFrame:
    """Give a frame of event records the contract's columns, order and dtypes (no validation)."""
    src = df.reset_index(drop=True)
    n = len(src)
    out = {}  # one frame built at the end, not 34 column assignments
    for col, dtype in COLUMNS.items():
        values = src[col] if col in src else pd.Series([None] * n, dtype="object")
        if col in DATE_COLUMNS:
            out[col] = pd.to_datetime(values, errors="raise").astype("datetime64[us]").dt.floor("D")
        elif dtype in ("Int64", "Int8"):
            out[col] = pd.array(pd.to_numeric(values, errors="raise"), dtype=dtype)
        elif dtype == "float64":
            out[col] = pd.to_numeric(values, errors="raise").astype("float64")
        elif dtype == "string":
            out[col] = _text(values)
        else:
            out[col] = values.astype(dtype)
    return pd.DataFrame(out, index=pd.RangeIndex(n), copy=False)  # columns built above: not copied again


def validate(df: pd.DataFrame) -> pd.DataFrame:
    """Validate an events table against the contract, raising pandera's SchemaError on failure."""
    return EVENTS_SCHEMA.validate(df)


def event_order(df: pd.DataFrame) -> np.ndarray:
    """Positions that put rows in the contract's order: event_date, then event_id."""
    ids = pd.factorize(df["event_id"], sort=True)[0]
    return np.lexsort((ids, df["event_date"].to_numpy()))


def sort_events(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in the contract's order: event_date, then event_id."""
    return df.take(event_order(df)).reset_index(drop=True)
