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


# --- A quicker check for frames that keep the contract --------------------------------------------------------
#
# pandera's validation of EVENTS_SCHEMA costs ~60 ms whatever the frame's size (it builds a check object per
# column and check), which is half of loading a few articles. `surely_valid` asks the same of a frame directly
# (numpy and pandas over each column): True only when every column, check and frame-wide check of the schema
# holds; False when one does not, or when the schema holds something it does not read, and then pandera
# validates as before, so a broken frame is reported by pandera with its own messages.

_DTYPE_VERDICTS: dict = {}  # (column, dtype) -> whether pandera's dtype check accepts the column's dtype


def _dtype_accepted(name: str, column: pa.Column, dtype) -> bool:
    key = (name, dtype)
    verdict = _DTYPE_VERDICTS.get(key)
    if verdict is None:
        from pandera.engines import pandas_engine

        try:
            verdict = bool(column.dtype is None or column.dtype.check(pandas_engine.Engine.dtype(dtype)))
        except Exception:  # noqa: BLE001 - a dtype pandera's engine does not know: let pandera say so
            verdict = False
        _DTYPE_VERDICTS[key] = verdict
    return verdict


def _check_holds(check, values: pd.Series) -> bool | None:
    """Whether one of pandera's built-in column checks holds on the column's values (missing values ignored, as
    pandera does with ignore_na); None for a check this function does not read."""
    if not check.ignore_na or check.element_wise or check.groupby is not None:
        return None
    stats = check.statistics
    if check.name in ("greater_than_or_equal_to", "in_range", "isin"):
        if not (pd.api.types.is_float_dtype(values.dtype) or pd.api.types.is_integer_dtype(values.dtype)):
            return None
        # as floats, missing values NaN (every figure of the contract is far below 2**53: exact)
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        present = numbers[~np.isnan(numbers)]
        if check.name == "greater_than_or_equal_to":
            return bool((present >= stats["min_value"]).all())
        if check.name == "in_range":
            low, high = stats["min_value"], stats["max_value"]
            above = present >= low if stats.get("include_min", True) else present > low
            below = present <= high if stats.get("include_max", True) else present < high
            return bool((above & below).all())
        return bool(np.isin(present, np.asarray(stats["allowed_values"], dtype="float64")).all())
    if check.name == "str_startswith":
        return all(v.startswith(stats["string"]) for v in values.dropna().tolist())
    if check.name == "str_matches" and stats.get("pattern") == r"^[A-Z]{3}$":
        # (stricter than pandera's re.match: a trailing newline, which `$` lets through, is left to pandera)
        return all(len(v) == 3 and v.isascii() and v.isalpha() and v.isupper() for v in values.dropna().tolist())
    return None


def surely_valid(df: pd.DataFrame, schema: pa.DataFrameSchema | None = None) -> bool:
    """True only if schema.validate(df) would pass (EVENTS_SCHEMA by default); see above."""
    schema = EVENTS_SCHEMA if schema is None else schema
    if (schema is not EVENTS_SCHEMA or not schema.strict or schema.coerce or schema.unique
            or schema.index is not None or schema.add_missing_columns or schema.drop_invalid_rows
            or getattr(schema, "parsers", None)):
        return False
    columns = schema.columns
    if list(df.columns) != list(columns) or not df.columns.is_unique:
        return False
    for name, column in columns.items():
        if column.regex or column.coerce or getattr(column, "parsers", None) or not column.required:
            return False
        values = df[name]
        if not _dtype_accepted(name, column, values.dtype):
            return False
        if not column.nullable and values.array.isna().any():
            return False
        if column.unique and not values.is_unique:
            return False
        for check in column.checks:
            if not _check_holds(check, values):
                return False
    for check in schema.checks:
        if check._check_fn not in (_lows_not_above_highs, _coordinates_in_pairs) or not check.ignore_na:
            return False
        out = check._check_fn(df)
        if (not isinstance(out, pd.Series) or not (out.dtype == bool or out.dtype == "boolean")
                or out.isna().any() or not out.all()):
            return False
    return True
