"""monitor.dyad_status: the talks and ceasefire machines, precision, trend and headline."""

from datetime import date
from pathlib import Path

import pytest

import loaders
from monitor import dyad_status
from tests.factories import make_events

SEED = Path(__file__).resolve().parent.parent / "seeds"
CITY = dict(location="Venue City", lat=41.0, lon=29.0, iso3="TUR")
TOWN = dict(location="Border Town", lat=31.0, lon=66.4, iso3="AFG")


@pytest.fixture(scope="module")
def seed():
    return loaders.load(SEED)


def test_seed_status_on_the_latest_date(seed):
    s = dyad_status(seed, "AFG", "PAK")
    assert (s.talks, s.ceasefire) == ("failed", "strained")
    for place in ("Istanbul", "Doha", "Spin Boldak"):
        assert place in s.headline
    assert "holding but strained" in s.headline
    assert s.as_of == date(2025, 11, 8) and s.changed_on == date(2025, 11, 7)
    ids = set(seed["event_id"])
    assert s.evidence["talks"] and set(s.evidence["talks"]) <= ids
    assert set(s.evidence["ceasefire"]) <= ids


def test_seed_status_in_either_order_and_on_a_past_date(seed):
    assert dyad_status(seed, "PAK", "AFG").headline == dyad_status(seed, "AFG", "PAK").headline
    past = dyad_status(seed, "AFG", "PAK", as_of=date(2025, 10, 20))
    assert past.ceasefire == "agreed" and "Doha" in past.headline


def test_one_clash_strains_a_major_one_violates_repeated_ones_collapse():
    base = [dict(date="2025-10-19", action="ceasefire_agreed", **CITY)]
    one = make_events(base + [dict(date="2025-10-25", killed=2, **TOWN)])
    assert dyad_status(one, "AFG", "PAK").ceasefire == "strained"
    major = make_events(base + [dict(date="2025-10-25", killed=12, **TOWN)])
    assert dyad_status(major, "AFG", "PAK").ceasefire == "violated"
    clashes = [dict(date=f"2025-10-2{d}", killed=1, location=f"Post {d}", lat=31.0 + d, lon=66.0, iso3="AFG")
               for d in (1, 3, 5)]
    assert dyad_status(make_events(base + clashes), "AFG", "PAK").ceasefire == "collapsed"


def test_a_clash_reported_by_three_sources_counts_once():
    rows = [dict(date="2025-10-19", action="ceasefire_agreed", **CITY)]
    rows += [dict(date="2025-10-25", killed=2, source=f"wire {i}", **TOWN) for i in range(3)]
    assert dyad_status(make_events(rows), "AFG", "PAK").ceasefire == "strained"


def test_a_truce_with_a_stated_end_expires_by_itself():
    ev = make_events([dict(date="2025-10-15", date_end="2025-10-17", action="ceasefire_agreed", **CITY),
                      dict(date="2025-10-20", action="talks_held", **CITY)])
    assert dyad_status(ev, "AFG", "PAK", as_of=date(2025, 10, 16)).ceasefire == "agreed"
    assert dyad_status(ev, "AFG", "PAK", as_of=date(2025, 10, 18)).ceasefire == "expired"


def test_reaffirmation_after_a_clash_is_recorded_but_does_not_erase_it():
    ev = make_events([dict(date="2025-10-19", action="ceasefire_agreed", **CITY),
                      dict(date="2025-10-25", killed=2, **TOWN),
                      dict(date="2025-10-26", action="ceasefire_reaffirmed")])
    s = dyad_status(ev, "AFG", "PAK")
    assert s.ceasefire == "strained"
    assert any(t.reason == "ceasefire reaffirmed" for t in s.transitions) or len(s.evidence["ceasefire"]) == 3


def test_month_precision_violence_is_not_after_a_ceasefire_in_that_month():
    ev = make_events([dict(date="2025-10-19", action="ceasefire_agreed", **CITY),
                      dict(date="2025-10-01", precision="month", killed=(24, 99))])
    assert dyad_status(ev, "AFG", "PAK").ceasefire == "agreed"


def test_a_vaguer_report_does_not_overrule_a_dated_failure():
    ev = make_events([dict(date="2025-11-07", action="talks_failed", **CITY),
                      dict(date="2025-11-07", precision="week", action="talks_stalled", location="Elsewhere")])
    assert dyad_status(ev, "AFG", "PAK").talks == "failed"


def test_trend_and_alert():
    quiet = [dict(date="2025-06-01", killed=1, **TOWN)]
    rising = [dict(date=f"2025-10-{d:02d}", killed=3, location=f"P{d}", lat=30.0 + d / 10, lon=66.0, iso3="AFG")
              for d in (5, 12, 20, 28)]
    ev = make_events(quiet + rising + [dict(date="2025-10-29", action="talks_failed", **CITY)])
    s = dyad_status(ev, "AFG", "PAK")
    assert s.trend == "deteriorated" and s.alert == "conflict_risk"
    assert "30 days" in s.rationale


def test_unknown_dyad_says_so():
    s = dyad_status(make_events([dict(date="2025-10-19", action="talks_held", **CITY)]), "IND", "PAK")
    assert s.talks == "none" and "No events" in s.headline
