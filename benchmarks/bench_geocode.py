"""On-demand benchmark (not part of the test run): the offline gazetteer's build, start, speed and memory.

    .venv/bin/python benchmarks/bench_geocode.py [--lookups N]

Prints one line per measurement, `name value unit`, so runs can be compared. Targets: cold start with
the index built < 2 s, warm lookups >= 20,000/s, memory the gazetteer adds < 150 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Run in a fresh interpreter: import, load the cached index, build the province grid, one lookup.
COLD = r"""
import os, sys, time
sys.path.insert(0, sys.argv[1])
def rss_mb():
    try:
        import psutil
        return psutil.Process().memory_info().rss / 2**20
    except ImportError:  # psutil is optional: peak RSS from the kernel (KiB on Linux)
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
import pandas, numpy, pyarrow  # the app imports them anyway: not counted as the gazetteer's
import loaders  # nor the rest of the loaders (pandera, the readers)
base_mb, t_base = rss_mb(), time.perf_counter()
from loaders.geocode import lookup, _admin1_grid, geonames_index, curated_by_key
geonames_index(); curated_by_key(); _admin1_grid()
lookup("Kandahar"); lookup("Pokrovsk", "UKR"); lookup("Qwertyville")
print(f"{time.perf_counter() - t_base:.3f} {rss_mb() - base_mb:.1f} {time.perf_counter() - t:.3f}")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lookups", type=int, default=50_000, help="lookups in the warm-speed run")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="faultline-bench-geo-")
    os.environ["FAULTLINE_HOME"] = home
    env = {**os.environ, "FAULTLINE_HOME": home}

    t = time.perf_counter()
    import importlib

    geocode = importlib.import_module("loaders.geocode")
    geocode.geonames_index()
    print(f"geonames_index_build_once {time.perf_counter() - t:.2f} s (cities500 JSON -> parquet in FAULTLINE_HOME/cache)")
    index = geocode.geonames_index()
    print(f"geonames_index_rows {len(index):,} rows ({index['geonameid'].nunique():,} places)")
    size = sum(p.stat().st_size for p in (Path(home) / "cache").glob("*.parquet"))
    print(f"geonames_index_file {size / 2**20:.1f} MiB")

    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", COLD, str(ROOT)], env=env, capture_output=True, text=True,
                             check=True).stdout.split()
        runs.append([float(x) for x in out])
    best = min(runs)
    print(f"cold_start_with_index {best[0]:.3f} s (load the cached index, curated table, province grid, first "
          f"lookups in a fresh process; best of 3; target < 2 s)")
    print(f"cold_process_total {best[2]:.3f} s (the same plus importing pandas, pyarrow and the loaders)")
    print(f"gazetteer_memory {min(r[1] for r in runs):.0f} MB (RSS added by the gazetteer; target < 150 MB)")

    # Warm speed: a realistic mix of names, with and without a country, repeated as in a batch of articles.
    import numpy as np

    rng = np.random.default_rng(1)
    places = index.drop_duplicates("geonameid")
    sample = places.sample(2_000, random_state=1)
    names = [(str(n), (str(c) if i % 2 else None)) for i, (n, c) in enumerate(zip(sample["name"], sample["iso3"]))]
    names += [("Spin Boldak", None), ("near Chaman", "PAK"), ("Kandahar province", None), ("Qwertyville", None)]
    order = rng.integers(0, len(names), args.lookups)
    geocode._geocode.cache_clear()
    t = time.perf_counter()
    for i in order[: len(names)]:
        geocode.lookup(*names[i])
    first = time.perf_counter() - t
    t = time.perf_counter()
    distinct = [names[i] for i in range(len(names))]
    geocode._geocode.cache_clear()
    for n, c in distinct:
        geocode.lookup(n, c)
    uncached = time.perf_counter() - t
    print(f"lookups_uncached {len(distinct) / uncached:,.0f} /s ({len(distinct)} distinct names, empty cache)")
    t = time.perf_counter()
    for i in order:
        geocode.lookup(*names[i])
    warm = time.perf_counter() - t
    print(f"lookups_warm {args.lookups / warm:,.0f} /s ({args.lookups:,} lookups over {len(names):,} names; "
          f"target >= 20,000/s)")
    pts = places.sample(20_000, random_state=2)
    t = time.perf_counter()
    for a, b, c in zip(pts["latitude"], pts["longitude"], pts["iso3"].astype("string").fillna("")):
        geocode.admin1_at(a, b, c or None)
    print(f"admin1_reverse {len(pts) / (time.perf_counter() - t):,.0f} /s (nearest GeoNames place's province)")
    del first


if __name__ == "__main__":
    main()
