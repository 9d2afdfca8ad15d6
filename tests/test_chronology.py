"""The diplomatic indicator against real chronologies (facts from public reporting, rows written here)."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from monitor import dyad_status
from tests.factories import make_events

HERE = Path(__file__).parent / "fixtures" / "chronology"


def chronology(name: str, dyad: str) -> pd.DataFrame:
    df = pd.read_csv(HERE / name, dtype=str, keep_default_na=False)
    rows = []
    for r in df.to_dict("records"):
        killed = (int(r["killed_low"]), int(r["killed_high"])) if r["killed_low"] else None
        rows.append(dict(date=r["date"], date_end=r["date_end"] or None, action=r["action"] or None,
                         type=r["type"], location=r["location"] or None, iso3=r["iso3"] or None,
                         lat=float(r["lat"]) if r["lat"] else None, lon=float(r["lon"]) if r["lon"] else None,
                         killed=killed, claimed_by=r["claimed_by"] or None, casualty_text=r["note"],
                         mediators=r["mediators"] or None, dyad=dyad, source="chronology fixture",
                         sub="Agreement" if r["action"] in ("ceasefire_agreed", "agreement_signed",
                                                          "ceasefire_reaffirmed") else None))
    return make_events(rows)


@pytest.fixture(scope="module")
def afpak():
    return chronology("afg_pak_2025.csv", "AFG-PAK")


@pytest.mark.parametrize("on, talks, ceasefire, headline_words", [
    # Clashes, no talks, no truce yet.
    (date(2025, 10, 12), "none", "none", ["Kurram"]),
    # The 48-hour truce the two sides declared themselves: agreed, and no talks behind it.
    (date(2025, 10, 16), "none", "agreed", []),
    # The truce ran out on 17 Oct, the day of the Paktika strikes.
    (date(2025, 10, 18), "none", "expired", []),
    # Doha: a ceasefire reached with Qatari and Turkish mediation concludes those talks.
    (date(2025, 10, 20), "concluded", "agreed", ["Doha"]),
    # Istanbul round ended with the ceasefire extended and a monitoring mechanism.
    (date(2025, 10, 31), "concluded", "holding", ["Istanbul", "Doha"]),
    # Third round failed; fire at Spin Boldak; the Taliban say the ceasefire holds.
    (date(2025, 11, 8), "failed", "strained", ["Istanbul", "Doha", "Spin Boldak", "holding but strained"]),
])
def test_afghanistan_pakistan_autumn_2025(afpak, on, talks, ceasefire, headline_words):
    s = dyad_status(afpak, "PAK", "AFG", as_of=on)
    assert (s.talks, s.ceasefire) == (talks, ceasefire), s.headline
    for word in headline_words:
        assert word in s.headline
    assert all(t.evidence for t in s.transitions)  # every change names the rows behind it
    assert set(i for ids in s.evidence.values() for i in ids) <= set(afpak["event_id"])


def test_the_violence_of_mid_october_deteriorates_and_raises_the_alert(afpak):
    s = dyad_status(afpak, "AFG", "PAK", as_of=date(2025, 10, 12))
    assert s.trend == "deteriorated" and s.alert == "conflict_risk"
    assert "3 violent incident(s)" in s.rationale


def test_failed_talks_with_a_clash_raise_the_alert_on_8_november(afpak):
    s = dyad_status(afpak, "AFG", "PAK", as_of=date(2025, 11, 8))
    assert s.trend == "deteriorated" and s.alert == "conflict_risk"
    assert s.changed_on == date(2025, 11, 7)


def test_the_truce_end_is_its_own_transition(afpak):
    s = dyad_status(afpak, "AFG", "PAK", as_of=date(2025, 10, 18))
    expiry = [t for t in s.transitions if t.after == "expired"]
    assert expiry and expiry[0].on == date(2025, 10, 18) and "17 Oct" in expiry[0].reason


@pytest.fixture(scope="module")
def indpak():
    return chronology("ind_pak_2025.csv", "IND-PAK")


@pytest.mark.parametrize("on, talks, ceasefire", [
    (date(2025, 5, 6), "none", "none"),
    (date(2025, 5, 9), "none", "none"),
    (date(2025, 5, 10), "concluded", "violated"),   # US-brokered halt, breached within hours
    (date(2025, 5, 11), "concluded", "strained"),   # recommitted, but the breach is not forgotten
    (date(2025, 5, 12), "ongoing", "strained"),     # the operations chiefs talk by hotline
])
def test_india_pakistan_may_2025(indpak, on, talks, ceasefire):
    s = dyad_status(indpak, "IND", "PAK", as_of=on)
    assert (s.talks, s.ceasefire) == (talks, ceasefire), s.headline


def test_india_pakistan_before_the_truce_is_a_conflict_risk(indpak):
    s = dyad_status(indpak, "IND", "PAK", as_of=date(2025, 5, 9))
    assert s.trend == "deteriorated" and s.alert == "conflict_risk"
