"""On-demand benchmark (not part of the test run): news loading speed and memory.

    .venv/bin/python benchmarks/bench_news.py [--copies N]
    .venv/bin/python benchmarks/bench_news.py --distinct [--copies N]

Prints one line per measurement, `name value unit`, so runs can be compared.

The default run loads N copies of each of the 38 benchmark articles (and the seed): anything a rule keeps from
one call to the next with the same text is reused by every copy after the first, which a folder of different
articles does not allow. `--distinct` times articles that are each new to the process instead (run it in a
process of its own): every fixture article once (the held-out part heldout2 excepted), a second pass over them,
and N copies of the benchmark articles in which no sentence repeats (see `varied`).
"""

from __future__ import annotations

import argparse
import os
import re
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
    parser.add_argument("--distinct", action="store_true",
                        help="time articles each new to the process (no sentence read twice) instead of copies")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="faultline-bench-")
    os.environ["FAULTLINE_HOME"] = home
    if args.distinct:
        distinct(args.copies)
        shutil.rmtree(home)
        return

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


# A header line of an article file (SPEC §5), left as it is by `varied`.
_HEADER = re.compile(r"^(?:Title|Published|Source|URL):", re.I)
_WORD_GAP = re.compile(r"(?<=\S) (?=\S)")
_STOP_BEFORE = re.compile(r"[.!?][\"”’')]*$")  # a word that ends a sentence, closing quotes or brackets after it


def varied(text: str, copy: int) -> str:
    """The article with the spacing of each sentence varied by the copy's number, so that no sentence of one copy
    is the text of a sentence of another: the single spaces before a word in lower case are numbered from 0 in
    each sentence (from the last word ending in '.', '!' or '?', closing quotes or brackets after it), and copy
    k widens space i by digit i mod 3 of k + 1 written in base 3 (0, 1 or 2 more spaces; k < 26): any three
    such spaces tell the copy. Names (capitalised words) keep their spacing, so place and actor names read as
    in the original. The rules
    read any run of spaces as one, so each copy is the same article to them; but every sentence, clause and
    prefix of one is a text no other copy holds, so nothing kept by sentence text is reused across copies.
    (A few rules look at single characters, so a copy's rows may differ from the original's in rare cases.)"""
    code = copy + 1
    out = []
    for line in text.split("\n"):
        if _HEADER.match(line):
            out.append(line)
            continue
        k = 0  # single spaces seen in the sentence so far
        pieces = []
        last = 0
        for m in _WORD_GAP.finditer(line):
            if line[m.end()].islower():  # (names, which start with a capital, keep their single spaces)
                pieces.append(line[last:m.start()])
                pieces.append(" " * (1 + code // 3 ** (k % 3) % 3))
                last = m.end()
                k += 1
            if _STOP_BEFORE.search(line, max(0, m.start() - 4), m.start()):
                k = 0
        pieces.append(line[last:])
        out.append("".join(pieces))
    return "\n".join(out)


def distinct(copies: int) -> None:
    """Articles each new to the process: the rate when nothing is read twice."""
    import loaders
    from loaders.geocode import _index_arrays

    fixtures = ROOT / "tests" / "fixtures"
    _index_arrays()  # the GeoNames arrays (built once per FAULTLINE_HOME), as the default run does before timing
    t = time.perf_counter()
    loaders.load([ROOT / "seeds"])  # the rules' patterns are compiled and read here, not in a timed load
    print(f"load_seed_first {time.perf_counter() - t:.3f} s")

    def rate(paths, label: str) -> None:
        n = len(list(paths.iterdir())) if isinstance(paths, Path) else len(paths)
        t, cpu = time.perf_counter(), time.process_time()
        events = loaders.load(paths)
        elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
        print(f"load_{n}_{label} {elapsed:.3f} s wall, {cpu:.3f} s CPU ({len(events)} rows, "
              f"{n / elapsed:.0f} articles/s wall, {n / cpu:.0f} articles/s CPU)")

    # Every fixture article once (heldout2 is never read by tools: it is the held-out part), then again.
    every = sorted(p for d in fixtures.glob("articles*") if d.name != "articles_heldout2" for p in d.glob("*.txt"))
    rate(every, "distinct_fixture_articles_first_pass")
    rate(every, "distinct_fixture_articles_second_pass")

    # The copies benchmark's 38 articles, each copy with its sentences varied (see `varied`).
    bench = [p for d in ("articles", "articles_holdout", "articles_dev", "articles_heldout1")
             for p in sorted((fixtures / d).glob("*.txt"))]
    folder = Path(tempfile.mkdtemp(prefix="faultline-bench-varied-"))
    for src in bench:
        text = src.read_text(encoding="utf-8")
        for i in range(min(copies, 26)):
            (folder / f"{i:04d}-{src.stem}.txt").write_text(varied(text, i), encoding="utf-8")
    rate(folder, "varied_copies")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
