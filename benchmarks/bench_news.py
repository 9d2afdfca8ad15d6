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
    from loaders.geocode import _INDEX_ARRAYS, _index_arrays
    print(f"import_loaders {time.perf_counter() - t:.3f} s")

    # What lookups load (the arrays of the GeoNames index; geonames_index()'s frame is for tools only).
    t = time.perf_counter()
    _index_arrays()
    print(f"geonames_index_build_cold {time.perf_counter() - t:.3f} s")
    _INDEX_ARRAYS.clear()
    t = time.perf_counter()
    _index_arrays()
    print(f"geonames_index_load_warm {time.perf_counter() - t:.3f} s")

    fixtures = ROOT / "tests" / "fixtures"
    articles = [ROOT / "seeds"] + [p for d in ("articles", "articles_holdout", "articles_dev", "articles_heldout1")
                                   for p in sorted((fixtures / d).glob("*.txt"))]
    t = time.perf_counter()
    events = loaders.load(articles)
    first = time.perf_counter() - t
    print(f"load_{len(articles)}_inputs_first {first:.3f} s ({len(events)} rows)")

    def copies(sources: list[Path], suffix: str) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="faultline-bench-articles-"))
        for src in sources:
            for i in range(args.copies):
                shutil.copy(src, folder / f"{i:04d}-{src.stem}{suffix}")
        return folder

    def rate(folder: Path, label: str, unit: str) -> None:
        """Load the folder once; print wall and CPU time and the rate of each."""
        n = len(list(folder.iterdir()))
        t, cpu = time.perf_counter(), time.process_time()
        events = loaders.load(folder)
        elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
        print(f"load_{n}_{label} {elapsed:.3f} s wall, {cpu:.3f} s CPU ({len(events)} rows, "
              f"{n / elapsed:.0f} {unit}/s wall, {n / cpu:.0f} {unit}/s CPU)")

    # Plain text: the rate on one core (this process), then the peak Python memory in a second run
    # (tracemalloc slows the run several times, so it is never on while timing).
    folder = copies([p for p in articles if p.is_file()], ".txt")
    rate(folder, "articles", "articles")
    tracemalloc.start()
    loaders.load(folder)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"load_{len(list(folder.iterdir()))}_articles_peak_python_memory {peak / 2**20:.1f} MiB")
    shutil.rmtree(folder)

    # Saved web pages: trafilatura's extraction plus the same reading, reported apart.
    pages = sorted((fixtures / "pages" / "articles").glob("*.htm*")) + sorted((fixtures / "pages").glob("*.htm*"))
    if pages:
        folder = copies(pages, ".html")
        rate(folder, "html_pages", "pages")
        shutil.rmtree(folder)
    shutil.rmtree(home)


if __name__ == "__main__":
    main()
