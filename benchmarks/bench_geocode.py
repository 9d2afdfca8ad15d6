"""On-demand benchmark (not part of the test run): the offline gazetteer's build, start, speed and memory.

    .venv/bin/python benchmarks/bench_geocode.py [--lookups N]

Prints one line per measurement, `name value unit`, so runs can be compared. Targets: cold start with
the index built < 2 s, warm lookups >= 20,000/s, memory the gazetteer adds < 150 MB.

Measured on the shared 2-core machine (load average 1.6-5 from other jobs, so times vary a lot), this
benchmark run on both layouts one after the other, twice; cold start and memory are medians of 3 fresh
processes (the three values in brackets):

| measurement                     | v7: Parquet table, one row per spelling | v8: numpy arrays (.npz), per place |
|---------------------------------|-----------------------------------------|------------------------------------|
| index build, once               | 24.4 s / 12.7 s                         | 16.0 s / 16.4 s                    |
| index file                      | 37.7 MiB                                | 43.6 MiB                           |
| cold start with the index built | 1.05 s (1.73, 1.05, 0.59) / 0.54 s      | 0.36 s (0.38, 0.35, 0.36) / 0.30 s |
| memory the gazetteer adds (RSS) | 250 MB (250, 262, 240) / 252 MB (246, 252, 262) | 84 MB (84, 84, 84) / 86 MB (86, 86, 86) |
| lookups, warm                   | 156,000 / 173,000 /s                    | 82,000 / 130,000 /s                |
| lookups, uncached               | 14,500 / 21,700 /s                      | 14,700 / 13,300 /s                 |
| admin1_reverse                  | 53,000 / 58,000 /s                      | 19,000 / 40,000 /s                 |

The speed rows move with the machine's load more than with the layout: warm lookups are answered from the
same lru_cache in both, and the same uncached and admin1 loops run side by side in fresh processes gave
11,600-13,500 vs 12,600-23,300 uncached lookups/s and 37,000-51,000 vs 43,000-49,000 admin1/s (v7 vs v8).
The build is a few seconds slower (it also packs the strings and numbers the places); it runs once.

Where v7's memory went: reading the Parquet file took ~170 MB of Arrow buffers (69 MB of table plus
decoding), converting it to pandas ~125 MB more, and mimalloc kept most of it after it was freed; the
data itself was ~60 MB. v8 stores coordinates, population, country and province once per place (235k)
instead of once per spelling (730k), keeps spellings and names as one UTF-8 buffer plus offsets, and reads
the uncompressed .npz straight into those arrays (44 MB), so nothing transient is left behind.
`geonames_index()` (the whole table as pandas, for tests and tools) is built only on demand.
"""

from __future__ import annotations

import argparse
import os
import statistics
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
from loaders.geocode import lookup, _admin1_grid, _index_arrays, curated_by_key
_index_arrays(); curated_by_key(); _admin1_grid()  # what lookups load (geonames_index()'s frame is for tools)
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
    geocode._index_arrays()
    print(f"geonames_index_build_once {time.perf_counter() - t:.2f} s (cities500 JSON -> .npz arrays in FAULTLINE_HOME/cache)")
    index = geocode.geonames_index()
    print(f"geonames_index_rows {len(index):,} rows ({index['geonameid'].nunique():,} places)")
    size = sum(p.stat().st_size for p in (Path(home) / "cache").glob("geonames_index_v*"))
    print(f"geonames_index_file {size / 2**20:.1f} MiB")

    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", COLD, str(ROOT)], env=env, capture_output=True, text=True,
                             check=True).stdout.split()
        runs.append([float(x) for x in out])
    def median(i):
        return statistics.median(r[i] for r in runs)

    def each(i, fmt):
        return ", ".join(format(r[i], fmt) for r in runs)

    print(f"cold_start_with_index {median(0):.3f} s (load the cached index, curated table, province grid, first "
          f"lookups in a fresh process; median of 3: {each(0, '.3f')}; target < 2 s)")
    print(f"cold_process_total {median(2):.3f} s (the same plus importing pandas, pyarrow and the loaders; "
          f"median of 3: {each(2, '.3f')})")
    print(f"gazetteer_memory {median(1):.0f} MB (RSS added by the gazetteer; median of 3: {each(1, '.0f')}; "
          f"target < 150 MB)")

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
