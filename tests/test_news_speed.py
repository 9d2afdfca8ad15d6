"""The speed-ups of the news loader change nothing it reads: articles typed as one frame per load give the
table, problems and reports that typing each file on its own gives, and a row that does not fit is still
reported with its file and line while every other row is kept."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders.pipeline import combine, expand, read_path, typed_together

FIXTURES = Path(__file__).parent / "fixtures"


def _inputs() -> list[Path]:
    """Articles, a feed and a web page, with a dataset CSV in the middle (it splits the articles into two runs)."""
    articles = sorted((FIXTURES / "articles").glob("*.txt")) + sorted((FIXTURES / "articles_dev").glob("*.txt"))[:6]
    pages = [FIXTURES / "pages" / "regional-wire.xml", FIXTURES / "pages" / "mekong-border-clash.html"]
    return articles[:3] + [FIXTURES / "datasets" / "acled_afpak_2025.csv"] + articles[3:] + pages


def _same_result(a, b) -> None:
    pdt.assert_frame_equal(a.events, b.events)
    assert a.problems == b.problems
    assert [(r.path, r.format, r.rows_read, r.rows_kept, r.problems, r.first_date, r.last_date) for r in a.files] == \
        [(r.path, r.format, r.rows_read, r.rows_kept, r.problems, r.first_date, r.last_date) for r in b.files]
    pdt.assert_frame_equal(a.unresolved, b.unresolved)


def test_one_frame_per_load_gives_the_table_of_one_frame_per_file():
    files = _inputs()
    alone = combine([read_path(p) for p in files], curation=False)
    parts = [read_path(p, defer_typing=True) for p in files]
    assert sum(1 for p in parts if p.untyped) >= len(files) - 2  # the articles, the feed and the page wait
    together = typed_together(parts)
    assert len(together) == 3  # articles, the CSV, the rest: two runs typed as one frame each
    result = combine(together, curation=False)
    assert len(result.events) > 20
    _same_result(result, alone)


def test_a_folder_of_articles_is_typed_as_one_frame():
    parts = typed_together([read_path(p, defer_typing=True) for p in expand([FIXTURES / "articles_dev"])
                            if p.suffix == ".txt"])
    assert len(parts) == 1 and parts[0].rows is not None and not parts[0].untyped
    assert parts[0].rows["_report"].nunique() == len(parts[0].reports)


def test_a_row_that_does_not_fit_is_reported_by_file_and_the_rest_kept():
    files = sorted((FIXTURES / "articles").glob("*.txt"))
    parts = [read_path(p, defer_typing=True) for p in files]
    bad = parts[1].untyped[0]
    good_count = len(bad.rows)
    for line, row in enumerate(bad.rows, 3):
        row["_line"] = line  # as a feed's items carry theirs
    bad.rows.append({**bad.rows[0], "event_id": "news:broken", "fatalities_low": "a great many", "_line": 7})
    result = combine(typed_together(parts), curation=False)
    # The broken row, by file and line, and nothing else of that file or the others lost.
    rejected = [p for p in result.problems if p.kind == "rejected"]
    assert [(p.file, p.line) for p in rejected] == [(str(files[1]), 7)]
    assert "row does not fit the events table" in rejected[0].message
    assert rejected[0] in result.files[1].problems
    expected = combine([read_path(p) for p in files], curation=False)
    pdt.assert_frame_equal(result.events, expected.events)
    assert result.files[1].rows_kept == expected.files[1].rows_kept == good_count


@pytest.mark.parametrize("folder", ["articles", "pages"])
def test_load_files_types_together(folder, monkeypatch):
    """load_files goes through typed_together; the table is the same as reading file by file."""
    import loaders.pipeline as pipeline

    files = expand([FIXTURES / folder])
    alone = combine([read_path(p) for p in files], curation=False)
    calls = []
    real = pipeline.typed_together
    monkeypatch.setattr(pipeline, "typed_together", lambda parts: calls.append(len(parts)) or real(parts))
    result = pipeline.load_files([FIXTURES / folder], curation=False)
    assert calls == [len(files)]
    _same_result(result, alone)
    assert isinstance(result.events, pd.DataFrame) and not result.events.empty


@given(st.lists(st.one_of(st.none(), st.sampled_from(["AFG", "PAK", "IND", "IRN", "QAT", "", "TUR"])), max_size=30))
def test_ranked_counts_as_pandas_value_counts(values):
    """The article's country and party votes are counted without pandas, in the order value_counts gives."""
    from loaders.news import ranked

    counts = pd.Series(values, dtype="string").value_counts()
    assert ranked(values) == list(zip(counts.index, counts.tolist()))
    unsorted = pd.Series(values, dtype="string").value_counts(sort=False).sort_values(ascending=False, kind="stable")
    assert [v for v, _ in ranked(values)] == list(unsorted.index)


def test_what_the_place_rules_ask_of_a_spelling_is_what_its_rows_say():
    """The summaries of a spelling's GeoNames rows, read from the index arrays without a frame, agree with
    the rows geonames_hits gives: on every capitalised name of the fixture articles and a few large places."""
    from loaders import news
    from loaders.geocode import geonames_hit_columns, geonames_hits, normalise

    names = {"kabul", "sudan", "paris", "springfield", "san jose", "georgia", "lagos", "tripoli", "santiago"}
    for path in sorted((FIXTURES / "articles").glob("*.txt")) + sorted((FIXTURES / "articles_dev").glob("*.txt"))[:8]:
        names |= {normalise(m.group(0)) for m in news._CAPITALISED.finditer(path.read_text(encoding="utf-8"))}
    checked = 0
    for key in sorted(k for k in names if k):
        hits = geonames_hits(key)
        iso3, population, primary = geonames_hit_columns(key)
        assert iso3 == [None if pd.isna(v) else v for v in hits["iso3"]]
        assert population.tolist() == hits["population"].tolist() and primary.tolist() == hits["primary"].tolist()
        assert news._hit_countries(key) == frozenset(hits["iso3"].dropna())
        assert news._largest_place(key) == (None if hits.empty else hits["population"].max())
        assert news._largest_by_country(key) == hits.groupby("iso3")["population"].max().to_dict()
        million = hits.loc[(hits["population"] >= 1000000) & hits["primary"], "iso3"].dropna()
        assert news._million_city_countries(key) == frozenset(million)
        checked += not hits.empty
    assert checked > 20


def _home_with(tmp_path, monkeypatch, sources: list[Path]) -> list[Path]:
    """A writable FAULTLINE_HOME whose inbox holds copies of `sources`; the inbox's files."""
    import shutil

    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    for src in sources:
        shutil.copy(src, home / "inbox" / src.name)
    monkeypatch.setenv("FAULTLINE_HOME", str(home))
    monkeypatch.delenv("FAULTLINE_READ_ONLY", raising=False)
    return sorted((home / "inbox").iterdir())


def _article_home(tmp_path, monkeypatch, count: int = 5) -> list[Path]:
    return _home_with(tmp_path, monkeypatch, sorted((FIXTURES / "articles").glob("*.txt"))[:count])


def test_the_cache_types_new_articles_together_and_keeps_a_part_per_file(tmp_path, monkeypatch):
    """load_cached types the articles it parses as one frame, stores that frame once (a batch) and each
    file's part as its slice of it: the table is the loaders', each stored part holds what typing that file
    alone gives, a restart parses nothing."""
    import loaders
    import loaders.cache as cache

    files = _home_with(tmp_path, monkeypatch, _inputs())
    typed_at_once = []
    real = cache.type_each
    monkeypatch.setattr(cache, "type_each", lambda parts: typed_at_once.append(len(parts)) or real(parts))
    first = cache.load_cached(files)
    assert typed_at_once == [len(files) - 1]  # every article, the feed and the page; not the CSV
    direct = loaders.load_files(files)
    pdt.assert_frame_equal(first.events, direct.events)
    assert [str(p) for p in first.problems] == [str(p) for p in direct.problems]
    for path in files:
        stem = cache.cache_dir() / f"part-{cache.file_key(path, ('auto', None, False))}"
        meta = cache._read_meta(stem)
        alone = read_path(path).rows
        if alone is None:
            assert meta["rows"] == 0
            continue
        pdt.assert_frame_equal(cache.stored_rows(stem), cache._restore_dtypes(alone))
    again = cache.load_cached(files)
    assert again.parsed == []
    pdt.assert_frame_equal(again.events.reset_index(drop=True), first.events.reset_index(drop=True))


class _Everything(frozenset):
    def __contains__(self, item) -> bool:
        return True


def _actor_words() -> list[str]:
    from loaders import news

    words = sorted({w for k in news._actor_keys()[0] for w in k.split()})
    return words[::7] + ["the", "islamic", "emirate", "taliban", "army", "south", "sudan", "al", "u", "s"]


def _actors_both_ways(text: str, monkeypatch) -> tuple[list, list]:
    from loaders import news

    pruned = news._find_actors(text)
    with monkeypatch.context() as m:
        m.setattr(news, "_actor_key_beginnings", lambda: _Everything())  # every span is looked up
        full = news._find_actors(text)
    return pruned, full


def test_actor_spans_not_looked_up_could_not_have_matched(monkeypatch):
    """Spans whose first words begin no actor's key are skipped: the actors found are those found when every
    span is looked up, on every fixture sentence and article."""
    from loaders import news

    for folder in ("articles", "articles_dev", "articles_heldout1"):
        for path in sorted((FIXTURES / folder).glob("*.txt")):
            article = news.read_article(path, path.read_text(encoding="utf-8"))
            texts = [s.text for s in news.sentences(article)]
            for text in texts + [" ".join(texts)]:
                pruned, full = _actors_both_ways(text, monkeypatch)
                assert pruned == full, text[:100]


@given(st.lists(st.tuples(st.sampled_from(_actor_words()), st.sampled_from(["title", "upper", "lower"]),
                          st.sampled_from([" ", ", ", "’s ", "‘", "`", "-", " ™ ", "\u0301 ", ". "])),
                min_size=1, max_size=10))
def test_actor_spans_pruned_on_generated_text(parts):
    import pytest as _pytest

    text = "".join(getattr(w, case)() + sep for w, case, sep in parts)
    with _pytest.MonkeyPatch.context() as mp:
        pruned, full = _actors_both_ways(text, mp)
    assert pruned == full, text


def test_a_zip_of_articles_and_a_table_is_typed_as_read_file_by_file(tmp_path):
    """A zip holding articles and a dataset: its articles' rows are typed in place among the table's rows
    (or left for typed_together when it holds only articles); either way the part is the one read_path
    gives when it types every member on its own."""
    import zipfile

    articles = sorted((FIXTURES / "articles").glob("*.txt"))
    mixed, only_articles = tmp_path / "mixed.zip", tmp_path / "articles.zip"
    with zipfile.ZipFile(mixed, "w") as zf:
        zf.write(articles[0], articles[0].name)
        zf.write(FIXTURES / "datasets" / "acled_afpak_2025.csv", "acled.csv")
        zf.write(articles[1], articles[1].name)
    with zipfile.ZipFile(only_articles, "w") as zf:
        for a in articles:
            zf.write(a, a.name)
    deferred = read_path(mixed, defer_typing=True)
    assert not deferred.untyped
    alone = read_path(mixed)
    pdt.assert_frame_equal(deferred.rows, alone.rows)
    assert deferred.problems == alone.problems and deferred.reports == alone.reports
    waiting = read_path(only_articles, defer_typing=True)
    assert len(waiting.untyped) == len(articles) and waiting.rows is None
    _same_result(combine(typed_together([waiting]), curation=False), combine([read_path(only_articles)], curation=False))


def test_an_article_is_split_into_sentences_once(monkeypatch):
    """load_article reads the unresolved place names from the sentences extract() split, not a second split;
    the records and names are those of splitting twice."""
    from loaders import news

    path = sorted((FIXTURES / "articles").glob("*.txt"))[0]
    text = path.read_text(encoding="utf-8")
    before_names: list = []
    before_rows, _ = news.load_news(path, text, unresolved=before_names)
    article = news.read_article(path, text)
    news.extract(article)
    split_again = news.unresolved_places(news.sentences(article), article.countries)
    assert [n for n, _, _ in before_names] == [n for n, _ in split_again]
    calls = []
    real = news.sentences
    monkeypatch.setattr(news, "sentences", lambda article: calls.append(1) or real(article))
    names: list = []
    rows, _ = news.load_news(path, text, unresolved=names)
    assert calls == [1]
    assert rows == before_rows and names == before_names
    assert [s.text for s in article.sentences] == [s.text for s in real(article)]


def test_gazetteer_answers_are_keyed_on_the_index_generation(monkeypatch):
    """The per-spelling answers are keyed on a number that changes when the index arrays are loaded again,
    without building geonames_index()'s frame."""
    import sys

    from loaders import news

    geocode = sys.modules["loaders.geocode"]
    built = []
    monkeypatch.setattr(geocode, "geonames_index", lambda: built.append(1))
    first = geocode.index_generation()
    assert first == geocode.index_generation()
    news._largest_place("kabul")
    saved = dict(geocode._INDEX_ARRAYS)
    try:
        geocode._INDEX_ARRAYS.clear()
        second = geocode.index_generation()
        assert second != first
        assert news._largest_place("kabul") == news._largest_place_in("kabul", first)
    finally:
        geocode._INDEX_ARRAYS.clear()
        geocode._INDEX_ARRAYS.update(saved)
    assert built == []


def test_the_articles_a_cold_cache_parses_are_stored_but_not_read_back(tmp_path, monkeypatch):
    """Articles are typed last, when nothing is left to parse: their rows stay in memory while they are
    written (one batch file and a sidecar per article); a restart reads them back and gives the same table."""

    import loaders
    import loaders.cache as cache

    files = _article_home(tmp_path, monkeypatch, 4)
    reads = []
    real = cache._read_frame
    monkeypatch.setattr(cache, "_read_frame", lambda stem, meta: reads.append(stem.name) or real(stem, meta))
    first = cache.load_cached(files)
    assert reads == [] and len(first.parsed) == len(files)
    # One Parquet file for the articles typed together, a sidecar per article naming its rows there.
    assert not list(cache.cache_dir().glob("part-*.parquet"))
    assert len(list(cache.cache_dir().glob("part-*.json"))) == len(files)
    assert len(list(cache.cache_dir().glob("batch-*.parquet"))) == 1
    pdt.assert_frame_equal(first.events, loaders.load_files(files).events)
    for p in cache.cache_dir().glob("events-*"):
        p.unlink()  # the combined table gone: the restart reads the parts back, the batch once
    again = cache.load_cached(files)
    assert again.parsed == [] and len(reads) == 1 and reads[0].startswith("batch-")
    pdt.assert_frame_equal(again.events.reset_index(drop=True), first.events.reset_index(drop=True))


def test_an_edited_article_is_parsed_again_alone_and_the_batch_still_serves_the_others(tmp_path, monkeypatch):
    import os

    import loaders
    import loaders.cache as cache

    files = _article_home(tmp_path, monkeypatch)
    cache.load_cached(files)
    (first_batch,) = cache.cache_dir().glob("batch-*.parquet")
    edited = files[2]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    os.utime(edited, ns=(edited.stat().st_atime_ns, edited.stat().st_mtime_ns + 1_000_000_000))
    result = cache.load_cached(files)
    assert result.parsed == [str(edited)]
    direct = loaders.load_files(files)
    pdt.assert_frame_equal(result.events, direct.events)
    assert [str(p) for p in result.problems] == [str(p) for p in direct.problems]
    # The first batch still holds the other articles' rows (kept), the edited one has a batch of its own.
    assert first_batch.exists() and len(list(cache.cache_dir().glob("batch-*.parquet"))) == 2
    for p in cache.cache_dir().glob("events-*"):
        p.unlink()
    again = cache.load_cached(files)
    assert again.parsed == [] and not again.notes
    pdt.assert_frame_equal(again.events.reset_index(drop=True), direct.events.reset_index(drop=True))


@pytest.mark.parametrize("victim", ["parquet", "json"])
def test_a_damaged_batch_is_parsed_again_with_a_note(tmp_path, monkeypatch, victim):
    import loaders
    import loaders.cache as cache

    files = _article_home(tmp_path, monkeypatch)
    good = cache.load_cached(files).events
    (batch,) = cache.cache_dir().glob(f"batch-*.{victim}")
    if victim == "parquet":
        batch.write_bytes(batch.read_bytes()[:-9])
    else:
        batch.unlink()
    for p in cache.cache_dir().glob("events-*"):
        p.unlink()  # the combined table gone: the parts must be read
    result = cache.load_cached(files)
    assert sorted(result.parsed) == [str(p) for p in files]
    assert len(result.notes) == 1 and "rebuilt from the input files" in result.notes[0]
    pdt.assert_frame_equal(result.events.reset_index(drop=True), good.reset_index(drop=True))
    assert [str(p) for p in result.problems if p.kind != "note" or "cache" not in p.message] == \
        [str(p) for p in loaders.load_files(files).problems]
    healed = cache.load_cached(files)
    assert healed.parsed == [] and not healed.notes
    pdt.assert_frame_equal(healed.events.reset_index(drop=True), good.reset_index(drop=True))
