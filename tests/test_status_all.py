"""monitor.all_dyad_statuses: every dyad's status at once, the same as dyad_status pair by pair."""

from datetime import date, timedelta

import numpy as np
import pytest

from monitor import all_dyad_statuses, dyad_status, prepare_statuses
from tests.factories import make_events

ACTIONS = ["talks_scheduled", "talks_held", "talks_stalled", "talks_failed", "ceasefire_agreed",
           "ceasefire_reaffirmed", "ceasefire_violated", "ceasefire_ended", "agreement_signed", "threat"]
DYADS = ["AAA-BBB", "AAA-CCC", "BBB-DDD", "CCC-GRP1", "DDD-GRP2", "EEE-FFF", "FFF-GRP3", "GGG-HHH"]
CONFIDENCE = {"manual": 1.0, "acled": 1.0, "news": 0.7, "gdelt": 0.4}
START = date(2024, 1, 1)


def generated(seed: int = 11, per_dyad: int = 260) -> list[dict]:
    """Invented reports of several dyads over a year: clashes with and without tolls, every diplomatic
    action, truces with a stated end, vague dates, several sources of one incident, GDELT-only ones."""
    rng = np.random.default_rng(seed)
    rows = []
    for n, dyad in enumerate(DYADS):
        a = dyad.split("-")[0]
        places = [(f"Place {n}-{k}", 30.0 + n + k * 0.5, 60.0 + k * 0.5) for k in range(6)]
        busy = n % 3 == 0  # some pairs see much more diplomacy than others
        for _ in range(per_dyad if n != len(DYADS) - 1 else 12):
            day = START + timedelta(days=int(rng.integers(0, 400)))
            place, lat, lon = places[int(rng.integers(0, len(places)))]
            row = dict(date=day.isoformat(), dyad=dyad, location=place, lat=lat, lon=lon, iso3=a,
                       precision=str(rng.choice(["day", "week", "month"], p=[0.85, 0.1, 0.05])),
                       dataset=str(rng.choice(["manual", "acled", "news", "gdelt"], p=[0.3, 0.3, 0.25, 0.15])))
            if rng.random() < (0.35 if busy else 0.12):
                action = str(rng.choice(ACTIONS))
                row.update(action=action, location=None if rng.random() < 0.2 else place)
                if rng.random() < 0.3:
                    row.update(mediators="Mediator A;Mediator B")
                if rng.random() < 0.3:
                    row.update(iso3="ZZZ", location="Venue", lat=10.0, lon=10.0)  # talks abroad
                if row["location"] is None:
                    row.update(lat=None, lon=None, iso3=None if rng.random() < 0.5 else a)  # a statement
                if action == "ceasefire_agreed" and rng.random() < 0.5:
                    row.update(date_end=(day + timedelta(days=int(rng.integers(1, 20)))).isoformat())
                if rng.random() < 0.2:
                    row.update(type="Battles")  # a diplomatic action coded on a violent row
            else:
                row.update(type=str(rng.choice(["Battles", "Explosions/Remote violence", "Violence against civilians"])))
                r = rng.random()
                if r < 0.2:
                    pass  # no toll stated
                elif r < 0.3:
                    row.update(killed=(int(rng.integers(10, 40)), int(rng.integers(40, 90))))
                else:
                    k = int(rng.integers(0, 8))
                    row.update(killed=(k, k + int(rng.integers(0, 3))))
            rows.append(row)
            # The same incident from other sources: same day or a day later, same place, other tolls.
            for _ in range(int(rng.choice([0, 0, 0, 1, 2]))):
                again = dict(row, dataset=str(rng.choice(["news", "gdelt", "manual"])),
                             date=(day + timedelta(days=int(rng.integers(0, 2)))).isoformat(), precision="day")
                if "killed" in row and rng.random() < 0.5:
                    again["killed"] = (int(rng.integers(0, 12)), None)  # "at least N"
                if rng.random() < 0.3:
                    again["location"] = None if row.get("lat") is None else row["location"] + " outskirts"
                rows.append(again)
    return rows


@pytest.fixture(scope="module")
def events():
    ev = make_events([dict(r, event_id=f"gen:{i:05d}", source=f"source {r['dataset']}")
                      for i, r in enumerate(generated())])
    ev["confidence"] = ev["dataset"].astype(str).map(CONFIDENCE).astype(float)
    return ev


def test_the_generated_data_has_what_the_comparison_needs(events):
    per_incident = events.groupby("incident_id")
    assert (per_incident.size() > 1).sum() > 50, "incidents reported by several sources"
    assert (per_incident["event_date"].nunique() > 1).sum() > 10, "incidents reported on two days"
    only = per_incident["dataset"].agg(lambda s: (s.astype(str) == "gdelt").all())
    assert only.sum() > 20, "GDELT-only incidents"
    assert events["date_end"].notna().sum() > 5 and events["mediators"].notna().sum() > 10
    assert events["iso3"].isna().sum() > 5 and events["location"].isna().sum() > 5


def _straddling_days(events) -> list[date]:
    """Days inside incidents reported on two days: the status date cuts them in two."""
    g = events.groupby("incident_id")["event_date"]
    spans = g.min()[g.max() > g.min()]
    return [d.date() for d in sorted(spans)[:: max(1, len(spans) // 4)]]


@pytest.mark.parametrize("include_gdelt", [False, True])
def test_every_dyad_matches_dyad_status(events, include_gdelt):
    table = prepare_statuses(events)
    recut, rebuilt = table.recut, []
    table.recut = lambda *args: rebuilt.append(args) or recut(*args)  # incidents cut by the status date
    as_ofs = [None, date(2023, 6, 1), date(2024, 3, 15), date(2024, 9, 30), date(2025, 3, 1)]
    as_ofs += _straddling_days(events)
    checked = 0
    for as_of in as_ofs:
        fast = all_dyad_statuses(table, as_of, include_gdelt=include_gdelt)
        assert list(fast) == list(dict.fromkeys(events["dyad"].dropna()))
        for dyad, got in fast.items():
            a, b = dyad.split("-")
            want = dyad_status(events, a, b, as_of=as_of, include_gdelt=include_gdelt)
            assert got == want, (dyad, as_of)
            checked += bool(want.transitions)
    assert checked > 20 and rebuilt


def test_dataset_filter_and_gdelt_only_pairs(events):
    """The overview passes each pair's rows filtered by dataset: the same from one table of those rows."""
    for datasets in (["manual"], ["news", "gdelt"], ["gdelt"]):
        rows = events[events["dataset"].isin(datasets)]
        fast = all_dyad_statuses(rows)
        for dyad, got in fast.items():
            assert got == dyad_status(rows, *dyad.split("-")), (datasets, dyad)
    only = events[events["dataset"] == "gdelt"]
    table = prepare_statuses(only)
    assert table.signal_only == set(only["dyad"].dropna())
    assert all(s.as_of is None and "No events" in s.headline for s in all_dyad_statuses(table).values())


def test_named_dyads_and_a_dyad_not_in_the_data(events):
    fast = all_dyad_statuses(events, dyads=["BBB-AAA", "XXX-YYY"])
    assert fast["BBB-AAA"] == dyad_status(events, "BBB", "AAA")
    assert fast["XXX-YYY"] == dyad_status(events, "XXX", "YYY")
    assert all_dyad_statuses(events.iloc[:0]) == {}
