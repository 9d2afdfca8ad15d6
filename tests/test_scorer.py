"""The news scorer on the dev articles (floors a little under today's figures, so a regression fails),
its matching rule, and the calibrated confidence."""

from pathlib import Path

import pandas as pd
import pytest

from loaders import news
from tests.articles_eval import HELDOUT, PARTS, _match_rank, coarse_kind, row_matches, score

# Dev figures on 2026-11-25 after blind batch 4 joined dev (40 articles, 264 events): recall 0.970, precision 0.992,
# killed overlap 0.943, injured overlap 0.848. Blind batches 5a and 5b then joined untuned (60 articles, 360
# events): 0.881, 0.936, 0.903, 0.779; after the rules for them (news-rules5a/5b): 0.950, 0.985, 0.939, 0.861.
# Blind batches 6a and 6b (multi-event articles) joined after the rules for them (news-rules6) and the scorer's
# quote tie-break (76 articles, 457 events): 0.950, 0.980, 0.968, 0.902.
# Blind batches 7a (the real Afghanistan-Pakistan crisis) and 7b (long-form pages) joined after news-rules7/7b
# (87 articles, 531 events): 0.949, 0.967 (0.888 with repeats counted wrong), 0.976, 0.893.
# The first held-out part (heldout1) then joined dev untuned, replaced by heldout2 (99 articles, 614 events): 0.933,
# 0.954 (0.882), 0.950, 0.843.
# Blind batches 8a and 8b joined untuned (111 articles, 695 events): 0.914, 0.926 (0.854), 0.910, 0.795.
# After news-rules8 (heldout1), news-rules9 (blind8) and news-repeats: 0.950, 0.961 (0.918), 0.921, 0.838.
# Blind batches 9a and 9b joined untuned (123 articles, 817 events): 0.920, 0.941 (0.886), 0.883, 0.789.
# One held-out article (seen by a rule writer) joined dev; after news-rules10 (tolls), news-rules11 (blind9's events),
# news-places2 and news-speed6 (124 articles, 824 events): 0.938, 0.952 (0.900), 0.908, 0.833.
# After news-tolls12, news-places3 and news-speed7 (124 articles): 0.950, 0.964 (0.916), 0.926, 0.874.
# Blind batches 10a and 10b joined untuned (136 articles, 952 events): 0.922, 0.946 (0.884), 0.897, 0.813.
FLOORS = {"recall": 0.92, "precision": 0.94, "killed_overlap": 0.89, "injured_overlap": 0.81}


@pytest.fixture(scope="module")
def dev():
    return score(PARTS["dev"])


def test_dev_scores_stay_above_their_floors(dev):
    assert dev["articles"] >= 6 and dev["expected"] >= 50
    low = {k: round(dev[k], 3) for k, floor in FLOORS.items() if not dev[k] >= floor}
    assert not low, f"below the floor: {low} (floors {FLOORS})"


def test_heldout_part_scores_when_present_and_is_empty_otherwise():
    result = score(PARTS["heldout"])
    if not HELDOUT.is_dir():
        assert result["articles"] == 0 and result["incidents"] == 0
    else:
        assert result["expected"] >= 0


def test_match_rule_date_kind_and_place():
    exp = {"event_date": "2025-05-10", "event_type": "Battles", "diplomatic_action": None, "location": "Kotli",
           "iso3": "PAK"}
    row = pd.Series({"event_date": pd.Timestamp("2025-05-11"), "event_type": "Explosions/Remote violence",
                     "diplomatic_action": None, "location": "Elsewhere", "iso3": "PAK"})
    assert row_matches(row, exp)  # a day apart, both violence, same country
    assert not row_matches(row.replace({pd.Timestamp("2025-05-11"): pd.Timestamp("2025-05-12")}), exp)
    assert not row_matches(pd.Series({**row, "iso3": "IND"}), exp)
    assert not row_matches(pd.Series({**row, "event_type": "Protests"}), exp)
    statement = {**exp, "event_type": "Strategic developments", "diplomatic_action": "threat", "location": None,
                 "iso3": None}
    said = pd.Series({**row, "event_type": "Strategic developments", "diplomatic_action": "threat", "iso3": None})
    assert row_matches(said, statement)
    assert not row_matches(pd.Series({**said, "diplomatic_action": "ceasefire_agreed"}), statement)
    assert coarse_kind("Strategic developments", "talks_failed") == coarse_kind("Strategic developments", "talks_held")


def test_among_matching_rows_the_one_quoting_the_event_is_compared():
    # Two events of one country and day, each placed at country level (towns the gazetteer lacks): the
    # toll compared must be the one of the row quoting the expected event's sentence, whatever the order.
    exp = {"event_date": "2025-03-02", "event_type": "Battles", "diplomatic_action": None, "location": "Upper Ford",
           "iso3": "KEN", "quote_contains": "ambush near Upper Ford"}
    first = pd.Series({"event_date": pd.Timestamp("2025-03-02"), "event_type": "Battles", "diplomatic_action": None,
                       "location": "Kenya", "iso3": "KEN", "source_quote": "Raiders burned a school in Lower Ford."})
    second = pd.Series({**first, "source_quote": "Four herders died in an ambush near Upper Ford on Sunday."})
    assert row_matches(first, exp) and row_matches(second, exp)
    for rows in ([first, second], [second, first]):
        assert min(rows, key=lambda r: _match_rank(r, exp)) is second
    # The same place still comes before the quote.
    placed = pd.Series({**first, "location": "Upper Ford"})
    assert min([second, placed], key=lambda r: _match_rank(r, exp)) is placed


def test_confidence_is_never_overconfident_on_dev(dev):
    """Rows at a confidence are right at least about that often on the dev articles (bands of >= 10 rows,
    confidence at most 0.1 above the observed share).

    The table (data/confidence_calibration.csv) is fitted on articles the rules were NOT tuned on (blind
    batch 4, fitted before any rule change for it: `python -m scripts.calibrate_confidence --parts blind4`).
    On the dev articles the rules were tuned until nearly every reading is right, so a table fitted there
    maps every band to its cap and promises new text the same; the untuned batch tells how often a reading
    of a given anchoring is right on reporting the rules have never seen. On dev the table is therefore
    expected to be *under*confident (rows right more often than it says): that is the honest direction,
    and only overconfidence is a failure here."""
    rows = pd.DataFrame(dev["rows"])
    assert rows["confidence"].between(0.05, 0.95).all()
    bins = pd.cut(rows["confidence"], [0, 0.5, 0.7, 0.85, 1.0], include_lowest=True)
    checked = 0
    for interval, g in rows.groupby(bins, observed=True):
        if len(g) >= 10:
            checked += 1
            assert g["confidence"].mean() - g["right"].mean() <= 0.1, (interval, len(g), g["right"].mean())
    assert checked >= 1


def test_confidence_separates_readings_on_untuned_text():
    """The shipped table is not one number for everything: fitted on untuned text it spreads readings
    over several bands, and its lowest band says well under its top one."""
    table = news.calibration_table()
    assert table["confidence"].nunique() >= 3
    assert table["confidence"].iloc[0] <= table["confidence"].iloc[-1] - 0.2


def test_calibration_table_is_monotone():
    table = news.calibration_table()
    assert len(table) >= 2 and table["raw_from"].is_monotonic_increasing
    assert table["confidence"].is_monotonic_increasing and table["confidence"].max() <= 0.95


def test_better_anchored_readings_score_higher(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Published: 2025-10-16\n\nTroops clashed near Chaman on Wednesday, killing 3 soldiers, the army said.\n"
                 "Several people were killed in fighting elsewhere, residents said.\n",
                 encoding="utf-8")
    article = news.read_article(Path(f), f.read_text(encoding="utf-8"))
    drafts = news.extract(article)
    scores = {d.sentence.text[:6]: news.raw_confidence(d) for d in drafts}
    features = {d.sentence.text[:6]: news.confidence_features(d) for d in drafts}
    assert features["Troops"] == {"cue": "strong", "date": "relative", "place": "near", "toll": "number",
                                  "attributed": "yes"}
    assert len(scores) == 2 and all(scores["Troops"] > s for k, s in scores.items() if k != "Troops")


def test_repeats_are_incidents_left_out_of_a_one_to_one_pairing():
    from tests.articles_eval import _assign
    # Incident 0 matches events 0 and 1 (a day apart, one country); incident 1 matches only event 0.
    # Pairing 0->1 and 1->0 leaves nobody out: no repeat, whatever the order.
    assert _assign([[0, 1], [0]]) == {0, 1}
    # Two incidents that both match only event 0: one of them repeats it.
    assert len(_assign([[0], [0], [1]])) == 2
    assert _assign([[], [2]]) == {1}
