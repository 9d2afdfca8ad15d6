"""On-demand benchmark (not part of the test run): news loading speed and memory.

    .venv/bin/python benchmarks/bench_news.py [--copies N]

Prints one line per measurement, `name value unit`, so runs can be compared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=50, help="copies of each test article to load at once")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="faultline-bench-")
    os.environ["FAULTLINE_HOME"] = home

    t = time.perf_counter()
    import loaders
    from loaders.geocode import geonames_index
    print(f"import_loaders {time.perf_counter() - t:.3f} s")

    t = time.perf_counter()
    geonames_index()
    print(f"geonames_index_build_cold {time.perf_counter() - t:.3f} s")
    geonames_index.cache_clear()
    t = time.perf_counter()
    geonames_index()
    print(f"geonames_index_load_warm {time.perf_counter() - t:.3f} s")

    articles = [ROOT / "seeds"] + [p for d in ("articles", "articles_holdout")
                                   for p in sorted((ROOT / "tests" / "fixtures" / d).glob("*.txt"))]
    t = time.perf_counter()
    events = loaders.load(articles)
    first = time.perf_counter() - t
    print(f"load_{len(articles)}_inputs_first {first:.3f} s ({len(events)} rows)")

    folder = Path(tempfile.mkdtemp(prefix="faultline-bench-articles-"))
    for src in [p for p in articles if p.is_file()]:
        for i in range(args.copies):
            shutil.copy(src, folder / f"{i:04d}-{src.name}")
    n = len(list(folder.iterdir()))
    tracemalloc.start()
    t = time.perf_counter()
    events = loaders.load(folder)
    elapsed = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"load_{n}_articles {elapsed:.3f} s ({len(events)} rows, {1000 * elapsed / n:.1f} ms/article)")
    print(f"load_{n}_articles_peak_python_memory {peak / 2**20:.1f} MiB")
    shutil.rmtree(folder)
    shutil.rmtree(home)


if __name__ == "__main__":
    main()
