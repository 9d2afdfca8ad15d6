"""The incident rule of SPEC §3 and incident tolls."""

from monitor.casualties import counted_incidents, incident_tolls, total
from tests.factories import make_events

A = dict(location="Town A", lat=31.0, lon=66.4, iso3="AFG")
NEAR_A = dict(location="Town A outskirts", lat=31.03, lon=66.43, iso3="AFG")  # ~4 km away
FAR = dict(location="Town B", lat=32.0, lon=67.4, iso3="AFG")


def test_reports_a_day_apart_at_one_place_are_one_incident():
    ev = make_events([dict(date="2025-11-07", killed=5, **A), dict(date="2025-11-08", killed=4, **NEAR_A)])
    assert ev["incident_id"].nunique() == 1


def test_far_apart_or_two_days_apart_are_separate():
    ev = make_events([dict(date="2025-11-07", **A), dict(date="2025-11-07", **FAR),
                      dict(date="2025-11-10", **A)])
    assert ev["incident_id"].nunique() == 3


def test_no_chains_across_a_week():
    ev = make_events([dict(date=f"2025-11-0{d}", **A) for d in range(1, 6)])
    # 1 and 2 join the first incident; 3 is two days from its anchor and starts a new one, and so on.
    assert ev["incident_id"].nunique() == 3


def test_violence_and_diplomacy_never_merge_and_dyads_matter():
    ev = make_events([dict(date="2025-11-07", **A), dict(date="2025-11-07", action="talks_failed", **A),
                      dict(date="2025-11-07", dyad="PAK-TTP", **A)])
    assert ev["incident_id"].nunique() == 3


def test_month_precision_never_joins_a_dated_incident():
    ev = make_events([dict(date="2025-10-12", killed=23, **A), dict(date="2025-10-01", precision="month", killed=(24, 99))])
    assert ev["incident_id"].nunique() == 2
    tolls = incident_tolls(ev)
    counted = counted_incidents(tolls)
    # The month report counts only when no dated incident of the dyad falls inside its period.
    assert len(counted) == 1 and int(counted["killed_low"].iloc[0]) == 23


def test_month_report_counts_when_nothing_dated_covers_it():
    ev = make_events([dict(date="2025-10-01", precision="month", killed=(24, 99))])
    assert str(total(counted_incidents(incident_tolls(ev)))) == "24–99"


def test_competing_claims_make_a_contested_range_with_claimants():
    ev = make_events([dict(date="2025-11-07", killed=(40, 40), claimed_by="Army", **A),
                      dict(date="2025-11-07", killed=(5, 5), claimed_by="Ministry", **NEAR_A),
                      dict(date="2025-11-08", killed=(12, None), claimed_by="Hospital", **A)])
    t = incident_tolls(ev).iloc[0]
    assert (t["killed_low"], t["killed_open"], t["contested"]) == (5, True, True)
    assert "Army" in t["claims"] and "Ministry" in t["claims"] and "Hospital" in t["claims"]
    assert int(t["killed_best"]) == 12  # the median of 40, 5 and 12
    assert str(total(incident_tolls(ev))) == "at least 5"


def test_gdelt_only_incidents_stay_out_unless_asked():
    ev = make_events([dict(date="2025-11-07", killed=3, dataset="gdelt", **A),
                      dict(date="2025-11-09", killed=2, **FAR)])
    tolls = incident_tolls(ev)
    assert str(total(counted_incidents(tolls))) == "2"
    assert str(total(counted_incidents(tolls, include_gdelt=True))) == "5"
