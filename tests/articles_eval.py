"""Compare what the news loader extracts from the frozen test articles with their expected events."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

import loaders
from monitor.casualties import incident_tolls

ARTICLES = Path(__file__).parent / "fixtures" / "articles"


HOLDOUT = Path(__file__).parent / "fixtures" / "articles_holdout"


def article_paths(folder: Path = ARTICLES) -> list[Path]:
    return sorted(folder.glob("*.txt"))


def _same(a, b) -> bool:
    if a is None or (isinstance(a, float) and pd.isna(a)) or a is pd.NA:
        return b is None or (isinstance(b, float) and pd.isna(b)) or b is pd.NA
    if b is None or b is pd.NA or (isinstance(b, float) and pd.isna(b)):
        return False
    return a == b


def match_article(path: Path) -> tuple[list[dict], pd.DataFrame]:
    """For each expected event: the row found for it (by quote) and which fields differ."""
    events = loaders.load(path)
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    tolls = incident_tolls(events).set_index("incident_id") if not events.empty else None
    results = []
    for exp in expected:
        rows = events[events["source_quote"].str.contains(exp["quote_contains"], regex=False)]
        if exp["diplomatic_action"]:
            rows = rows[rows["diplomatic_action"] == exp["diplomatic_action"]]
        else:
            rows = rows[rows["diplomatic_action"].isna()]
        if exp["location"]:
            at = rows[rows["location"] == exp["location"]]
            rows = at if not at.empty else rows
        if rows.empty:
            results.append({"expected": exp, "found": False, "diffs": ["no row"]})
            continue
        row = rows.iloc[0]
        inc = tolls.loc[row["incident_id"]]
        got = {
            "event_date": row["event_date"].strftime("%Y-%m-%d"),
            "date_precision": row["date_precision"],
            "event_type": row["event_type"],
            "location": row["location"] if isinstance(row["location"], str) else None,
            "iso3": row["iso3"] if isinstance(row["iso3"], str) else None,
            # Competing claims live in several rows of one incident: compare the incident's range.
            "fatalities_low": None if pd.isna(inc["killed_low"]) else int(inc["killed_low"]),
            "fatalities_high": None if pd.isna(inc["killed_high"]) else int(inc["killed_high"]),
            "injured_low": None if pd.isna(inc["injured_low"]) else int(inc["injured_low"]),
            "injured_high": None if pd.isna(inc["injured_high"]) else int(inc["injured_high"]),
        }
        diffs = [f"{k}: expected {exp[k]!r}, got {v!r}" for k, v in got.items() if not _same(exp[k], v)]
        results.append({"expected": exp, "found": True, "diffs": diffs})
    return results, events


if __name__ == "__main__":
    import sys

    folder = HOLDOUT if "--holdout" in sys.argv else ARTICLES
    total = exact = found = fields = field_ok = 0
    for path in article_paths(folder):
        results, events = match_article(path)
        print(f"\n== {path.name}: {len(events)} rows, {len(results)} expected")
        for r in results:
            total += 1
            found += r["found"]
            exact += not r["diffs"]
            fields += 9
            field_ok += 9 - (9 if not r["found"] else len(r["diffs"]))
            mark = "OK " if not r["diffs"] else "XX "
            print(mark, r["expected"]["quote_contains"][:40], "|", "; ".join(r["diffs"]))
    print(f"\nexpected events found: {found}/{total}; exactly right: {exact}/{total}; fields right: {field_ok}/{fields}")
