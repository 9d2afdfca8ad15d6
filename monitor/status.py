"""Where a dyad stands: talks and ceasefire as small state machines over its incidents, plus a trend."""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date

import numpy as np
import pandas as pd


PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}

# Talks: which diplomatic action puts talks in which state, and how strongly it speaks when two
# reports of one period disagree (a failure outranks a meeting on that date). A ceasefire
# concludes talks only when it was reached at talks: mediators named or a host abroad (see
# _reached_at_talks); a truce the two sides declare between themselves leaves talks as they were.
TALKS_TRANSITIONS = {
    "talks_scheduled": ("scheduled", 1),
    "talks_held": ("ongoing", 2),
    "talks_stalled": ("stalled", 3),
    "ceasefire_agreed": ("concluded", 4),
    "agreement_signed": ("concluded", 4),
    "talks_failed": ("failed", 5),
}

# Ceasefire: (state before, what happened) -> state after. "clash" is one violent incident between
# the parties wholly after the ceasefire began; "major" one with >= MAJOR_KILLED dead or a repeat.
CEASEFIRE_TRANSITIONS = {
    ("*", "ceasefire_agreed"): "agreed",
    ("agreed", "ceasefire_reaffirmed"): "holding",
    ("holding", "ceasefire_reaffirmed"): "holding",
    ("strained", "ceasefire_reaffirmed"): "strained",  # recorded, but one clash is not undone by words
    ("violated", "ceasefire_reaffirmed"): "strained",
    ("collapsed", "ceasefire_reaffirmed"): "holding",
    ("expired", "ceasefire_reaffirmed"): "holding",
    ("none", "ceasefire_reaffirmed"): "holding",
    ("agreed", "clash"): "strained",
    ("holding", "clash"): "strained",
    ("strained", "clash"): "violated",
    ("violated", "clash"): "violated",
    ("agreed", "major"): "violated",
    ("holding", "major"): "violated",
    ("strained", "major"): "violated",
    ("violated", "major"): "violated",
    ("agreed", "ceasefire_violated"): "violated",
    ("holding", "ceasefire_violated"): "violated",
    ("strained", "ceasefire_violated"): "violated",
    ("violated", "ceasefire_violated"): "violated",
    ("agreed", "hostilities"): "collapsed",
    ("holding", "hostilities"): "collapsed",
    ("strained", "hostilities"): "collapsed",
    ("violated", "hostilities"): "collapsed",
    ("agreed", "ceasefire_ended"): "collapsed",
    ("holding", "ceasefire_ended"): "collapsed",
    ("strained", "ceasefire_ended"): "collapsed",
    ("violated", "ceasefire_ended"): "collapsed",
    ("agreed", "expiry"): "expired",
    ("holding", "expiry"): "expired",
    ("strained", "expiry"): "expired",
    ("violated", "expiry"): "expired",
}
# Within one day, things happen in their natural order: a deal is struck before it can be breached
# or reaffirmed, and talks are held before they end.
SAME_DAY_ORDER = {"talks_scheduled": 0, "ceasefire_agreed": 0, "talks_held": 1, "agreement_signed": 2}
MAJOR_KILLED = 10          # one incident this deadly violates a ceasefire at once
HOSTILITIES_INCIDENTS = 3  # this many clashes within HOSTILITIES_DAYS means fighting has resumed
HOSTILITIES_DAYS = 7
HOSTILITIES_KILLED = 50    # or this many dead counted from the day it started

# Trend: the last RECENT_DAYS against the BASELINE_DAYS before, as rates per day.
RECENT_DAYS = 30
BASELINE_DAYS = 90
RISE = 1.5   # recent rate above RISE x baseline (and at least MIN_RECENT incidents) = deteriorated
FALL = 0.5   # recent rate below FALL x baseline (with at least MIN_BASELINE incidents before) = improved
MIN_RECENT = 1
MIN_BASELINE = 2

CEASEFIRE_WORDS = {"strained": "holding but strained"}


@dataclass(frozen=True)
class Transition:
    """One change of state, with the events that caused it."""

    on: date
    field: str
    before: str
    after: str
    reason: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class DyadStatus:
    """Where a dyad stands on a date."""

    dyad: str
    as_of: date | None
    talks: str
    ceasefire: str
    trend: str
    alert: str | None
    changed_on: date | None
    headline: str
    evidence: dict[str, tuple[str, ...]]
    rationale: str = ""
    transitions: tuple[Transition, ...] = field(default_factory=tuple)


def dyad_key(a: str, b: str) -> str:
    """The dyad of two keys in either order: 'PAK','AFG' -> 'AFG-PAK'."""
    return "-".join(sorted([a.upper(), b.upper()]))


def _moments(rows: pd.DataFrame) -> pd.DataFrame:
    """One moment per incident: its dates, kind, place, lowest stated toll and the event_ids behind it."""
    # An incident is described by its most trusted report (a curated dataset before a wire copy).
    rows = rows.sort_values(["confidence", "event_date", "event_id"], ascending=[False, True, True], kind="stable")
    inc = rows["incident_id"]
    g = rows.groupby(inc, sort=False, observed=True)
    m = pd.DataFrame({
        "start": g["event_date"].min(),
        "precision": g["date_precision"].first().astype("string"),
        "action": g["diplomatic_action"].first().astype("string"),
        "violent": g["event_type"].first().astype("string") != "Strategic developments",
        "location": g["location"].first(),
        "date_end": g["date_end"].max(),
        "at_talks": _reached_at_talks(rows).groupby(inc, observed=True).any(),
        "killed": g["fatalities_low"].min().astype("Int64"),  # NA: no toll stated
    })
    # An incident lasts until the end of its latest report's period (talks confirmed failed on two days).
    ends = _period_ends(rows["event_date"], rows["date_precision"])
    m["end"] = ends.groupby(inc, observed=True).max().reindex(m.index)
    ids = rows["event_id"].to_numpy(dtype=object)
    positions = g.indices
    m["evidence"] = [";".join(ids[positions[k]]) for k in m.index]
    m["rank"] = m["action"].map(lambda a: TALKS_TRANSITIONS.get(a, (None, 0))[1] if isinstance(a, str) else 0)
    m["prec_rank"] = m["precision"].map(PRECISION_RANK)
    m["order"] = m["action"].map(lambda a: SAME_DAY_ORDER.get(a, 3) if isinstance(a, str) else 3)
    # Ties (two clashes on one day) in incident_id order: the frame above is aligned on the sorted index of
    # at_talks, so this states the order it always had.
    return m.sort_index().sort_values(["start", "prec_rank", "order", "rank"], kind="stable")


def _reached_at_talks(rows: pd.DataFrame) -> pd.Series:
    """Per report: mediators named, or a host country that is neither party (the deal came out of talks)."""
    parties = rows["dyad"].astype(object).fillna("").str.split("-")
    a, b = parties.str[0], parties.str[1]
    iso = rows["iso3"].astype(object)
    abroad = iso.notna() & (iso != a) & (iso != b)
    return (rows["mediators"].notna() | abroad).astype(bool)


def _period_ends(starts: pd.Series, precisions: pd.Series) -> pd.Series:
    """Last day of each row's period, for a whole column at once."""
    p = precisions.astype(str).to_numpy()
    ends = starts.copy()
    for name, shift in (("week", pd.Timedelta(days=6)), ("month", pd.offsets.MonthEnd(0)),
                        ("year", pd.offsets.YearEnd(0))):
        mask = p == name
        if mask.any():
            ends[mask] = starts[mask] + shift
    return ends


def _period_end(start: pd.Timestamp, precision: str) -> pd.Timestamp:
    if precision == "week":
        return start + pd.Timedelta(days=6)
    if precision == "month":
        return start + pd.offsets.MonthEnd(0)
    if precision == "year":
        return start + pd.offsets.YearEnd(0)
    return start


def _known(killed) -> int:
    return 0 if killed is None or pd.isna(killed) else int(killed)


def _toll_words(killed) -> str:
    return "a clash with no stated toll" if killed is None or pd.isna(killed) else f"{int(killed)} killed"


def _place(m) -> str:
    return m["location"] if isinstance(m["location"], str) else "an unnamed place"


@lru_cache(maxsize=8192)
def _fmt(day) -> str:
    d = day if isinstance(day, date) else pd.Timestamp(day)  # a Timestamp is a date too
    return f"{d.day} {d.strftime('%b')}"


def _ids(m) -> tuple[str, ...]:
    return tuple(str(m["evidence"]).split(";")) if isinstance(m["evidence"], str) else ()


def dyad_status(events: pd.DataFrame, a: str, b: str, as_of: date | str | None = None, *,
                include_gdelt: bool = False) -> DyadStatus:
    """The talks, ceasefire, trend and alert of dyad a-b from the given rows up to as_of.

    GDELT is media signal: incidents only GDELT reports change the status only with include_gdelt.
    """
    dyad = dyad_key(a, b)
    rows = events[events["dyad"] == dyad]
    if not include_gdelt and len(rows):
        is_gdelt = (rows["dataset"] == "gdelt").astype(bool)
        gdelt_only = is_gdelt.groupby(rows["incident_id"], observed=True).transform("all")
        rows = rows[~gdelt_only.to_numpy(dtype=bool)]
    if as_of is None:
        as_of_ts = rows["event_date"].max() if not rows.empty else None
    else:
        as_of_ts = pd.Timestamp(as_of)
    if as_of_ts is None or pd.isna(as_of_ts):
        return DyadStatus(dyad, None, "none", "none", "unchanged", None, None,
                          f"No events for {dyad} in the data.", {})
    rows = rows[rows["event_date"] <= as_of_ts]
    moments = _moments(rows) if not rows.empty else pd.DataFrame()
    trans: list[Transition] = []
    talks, talks_m = "none", None
    cf, cf_m = "none", None
    cf_end = None
    clashes: list = []  # violent moments wholly after the current ceasefire began
    last_clash = None
    evidence: dict[str, list[str]] = {"talks": [], "ceasefire": [], "violence": []}

    def set_cf(new: str, m, reason: str) -> None:
        nonlocal cf
        if new != cf:
            trans.append(Transition(m["start"].date() if hasattr(m["start"], "date") else m["start"],
                                    "ceasefire", cf, new, reason, _ids(m)))
        cf = new

    for m in (moments.reset_index().to_dict("records") if len(moments) else []):
        # A truce with a stated end expires by itself once an event falls wholly after it.
        if cf_end is not None and cf in ("agreed", "holding", "strained", "violated") and m["start"] > cf_end:
            set_cf("expired", {"start": cf_end + pd.Timedelta(days=1), "evidence": cf_m["evidence"]},
                   f"the truce ran to {_fmt(cf_end)}")
        action = m["action"] if isinstance(m["action"], str) else None
        if action in TALKS_TRANSITIONS and (action != "ceasefire_agreed" or m["at_talks"]):
            new, rank = TALKS_TRANSITIONS[action]
            later = talks_m is None or m["start"] > talks_m["end"]
            overlapping_but_surer = talks_m is not None and not later and (
                m["prec_rank"] < talks_m["prec_rank"]
                or (m["prec_rank"] == talks_m["prec_rank"] and rank >= talks_m["rank"]))
            if later or overlapping_but_surer:
                if new != talks:
                    trans.append(Transition(m["start"].date(), "talks", talks, new, action, _ids(m)))
                    evidence["talks"] = list(_ids(m))
                else:
                    evidence["talks"].extend(_ids(m))
                talks, talks_m = new, m
        if action and action.startswith("ceasefire"):
            key = ("*", action) if action == "ceasefire_agreed" else (cf, action)
            new = CEASEFIRE_TRANSITIONS.get(key)
            if action == "ceasefire_agreed":
                cf_m, clashes = m, []
                cf_end = m["date_end"] if pd.notna(m["date_end"]) else None
                set_cf("agreed", m, "ceasefire agreed")
                evidence["ceasefire"] = list(_ids(m))
            elif new:
                if action == "ceasefire_reaffirmed":
                    cf_end = None  # a reaffirmed or extended truce no longer runs out on its first date
                set_cf(new, m, action.replace("_", " "))
                evidence["ceasefire"].extend(_ids(m))
        if m["violent"]:
            last_clash = m
            if m["start"] > as_of_ts - pd.Timedelta(days=RECENT_DAYS + BASELINE_DAYS):
                evidence["violence"].extend(_ids(m))  # the violence the trend weighs, not every clash ever
            if cf_m is not None and m["start"] > cf_m["end"] and cf in ("agreed", "holding", "strained", "violated"):
                clashes.append(m)
                recent = [c for c in clashes if (m["start"] - c["start"]).days <= HOSTILITIES_DAYS]
                killed = sum(_known(c["killed"]) for c in clashes)
                if len(recent) >= HOSTILITIES_INCIDENTS or killed >= HOSTILITIES_KILLED:
                    event = "hostilities"
                elif _known(m["killed"]) >= MAJOR_KILLED:
                    event = "major"
                else:
                    event = "clash"
                set_cf(CEASEFIRE_TRANSITIONS[(cf, event)], m, f"{_toll_words(m['killed'])} at {_place(m)}")
                evidence["ceasefire"].extend(_ids(m))
    if cf_end is not None and cf in ("agreed", "holding", "strained", "violated") and as_of_ts > cf_end:
        set_cf("expired", {"start": cf_end + pd.Timedelta(days=1), "evidence": cf_m["evidence"]},
               f"the truce ran to {_fmt(cf_end)}")

    trend, rationale, trend_ids = _trend(moments, as_of_ts, talks, cf)
    evidence["trend"] = list(trend_ids)
    alert = None
    if trend == "deteriorated" and talks in ("failed", "stalled", "none") and cf in ("strained", "violated", "collapsed", "expired", "none"):
        alert = "conflict_risk"
    elif trend != "deteriorated" and talks in ("ongoing", "scheduled", "concluded") and cf in ("agreed", "holding"):
        alert = "resolution_opportunity"
    headline = _headline(dyad, talks, talks_m, cf, cf_m, clashes, last_clash)
    changed = max((t.on for t in trans), default=None)
    return DyadStatus(dyad, as_of_ts.date(), talks, cf, trend, alert, changed, headline,
                      {k: tuple(v) for k, v in evidence.items() if v}, rationale, tuple(trans))


def _trend(moments: pd.DataFrame, as_of: pd.Timestamp, talks: str, cf: str) -> tuple[str, str, tuple[str, ...]]:
    """CrisisWatch-style: the last 30 days against the 90 before, in violent incidents and deaths."""
    if moments.empty:
        return "unchanged", "No events.", ()
    recent_from = as_of - pd.Timedelta(days=RECENT_DAYS)
    base_from = recent_from - pd.Timedelta(days=BASELINE_DAYS)
    violent = moments[moments["violent"]]
    # An imprecise report belongs to a window only if its whole period does.
    recent = violent[(violent["start"] > recent_from) & (violent["end"] <= as_of)]
    base = violent[(violent["start"] > base_from) & (violent["end"] <= recent_from)]
    r_n, b_n = len(recent), len(base)
    r_k, b_k = int(recent["killed"].fillna(0).sum()), int(base["killed"].fillna(0).sum())
    dip = moments[(moments["start"] > recent_from) & moments["action"].notna()]
    bad_dip = dip["action"].isin(["talks_failed", "ceasefire_violated", "ceasefire_ended"]).any()
    good_dip = dip["action"].isin(["ceasefire_agreed", "agreement_signed"]).any()
    ids = tuple(i for e in pd.concat([recent, dip])["evidence"].dropna() for i in str(e).split(";"))
    return (*_trend_words(r_n, b_n, r_k, b_k, bad_dip, good_dip), ids)


def _headline(dyad, talks, talks_m, cf, cf_m, clashes, last_clash) -> str:
    parts = []
    if talks != "none" and talks_m is not None:
        where = f" in {talks_m['location']}" if isinstance(talks_m["location"], str) else ""
        parts.append(f"Talks {talks}{where} ({_fmt(talks_m['start'])})")
    if cf != "none" and cf_m is not None:
        name = f"{cf_m['location']} ceasefire" if isinstance(cf_m["location"], str) else "Ceasefire"
        words = CEASEFIRE_WORDS.get(cf, cf)
        text = f"{name} {words}"
        if cf == "agreed":
            text += f" ({_fmt(cf_m['start'])})"
        if clashes:
            c = clashes[-1]
            place = f" at {c['location']}" if isinstance(c["location"], str) else ""
            text += f": {_toll_words(c['killed'])}{place} on {_fmt(c['start'])}"
        parts.append(text)
    elif last_clash is not None:
        place = f" at {last_clash['location']}" if isinstance(last_clash["location"], str) else ""
        parts.append(f"Latest violence{place} on {_fmt(last_clash['start'])}")
    if not parts:
        return f"No talks or ceasefire reported for {dyad}."
    return "; ".join(parts)




# ---------------------------------------------------------------------------------------------------
# Every dyad at once. dyad_status above is the reference; all_dyad_statuses gives the same DyadStatus
# for each dyad (tests/test_status_all.py compares them), so that a page can show every pair.
#
# One-time, per events table (prepare_statuses; the UI caches it with the data): one moment per incident
# of each dyad, sorted as dyad_status sorts them, and one run of the state machine over each dyad's whole
# history that records the state after every moment it reads. The machine reads only the moments that can
# change it: every moment with a talks or ceasefire action, and the moments that follow while a ceasefire
# is live (agreed, holding, strained or violated, once agreed); any other moment leaves it as it was.
# Per status date (all_dyad_statuses): the state after the last moment on or before that date, the truce's
# expiry, and the trend and violence of the last RECENT_DAYS + BASELINE_DAYS. An incident reported both
# before and after the date is rebuilt from its reports up to the date, and its dyad run again.

_ACTIVE = ("agreed", "holding", "strained", "violated")
_MACHINE_ACTIONS = frozenset(TALKS_TRANSITIONS) | {a for _, a in CEASEFIRE_TRANSITIONS if a.startswith("ceasefire")}
_TABLE_COLUMNS = ["event_id", "incident_id", "dyad", "event_date", "date_end", "date_precision", "event_type",
                  "diplomatic_action", "location", "iso3", "mediators", "fatalities_low", "confidence", "dataset"]
_ORDER = {a: SAME_DAY_ORDER.get(a, 3) for a in (*TALKS_TRANSITIONS, *SAME_DAY_ORDER)}
_RANK = {a: r for a, (_, r) in TALKS_TRANSITIONS.items()}
_DAY0 = date(1970, 1, 1).toordinal()
_EMPTY = {"dyad": object, "incident": object, "start": np.int64, "end": np.int64, "last": np.int64,
          "date_end": "datetime64[ns]", "action": object, "violent": bool, "location": object, "at_talks": bool,
          "killed": float, "gdelt_only": bool, "ids": object, "prec_rank": np.int64, "order": np.int64,
          "rank": np.int64}


def _days(values) -> np.ndarray:
    """Days since 1970-01-01 of datetimes (NaT gives a meaningless number: mask it)."""
    return np.asarray(values, dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def _on(day: int) -> date:
    return date.fromordinal(_DAY0 + day)


def _period_end_days(start: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Last day of each report's period, in days (as _period_ends)."""
    end = start.copy()
    end[precision == "week"] += 6
    for name, unit in (("month", "M"), ("year", "Y")):
        mask = precision == name
        if mask.any():
            coarse = start[mask].astype("datetime64[D]").astype(f"datetime64[{unit}]")
            end[mask] = (coarse + 1).astype("datetime64[D]").astype(np.int64) - 1
    return end


def _report_columns(rows: pd.DataFrame, gdelt_only: np.ndarray) -> dict[str, np.ndarray]:
    """What a moment is made of, per report, as arrays."""
    start = _days(rows["event_date"])
    precision = rows["date_precision"].astype(object).to_numpy()
    dyad = rows["dyad"].astype(object).to_numpy()
    codes, names = pd.factorize(dyad)
    parties = [(str(d).split("-") + [None])[:2] for d in names]
    a = np.array([p[0] for p in parties] + [None], dtype=object)[codes]
    b = np.array([p[1] for p in parties] + [None], dtype=object)[codes]
    iso = rows["iso3"].astype(object).to_numpy(na_value=None)
    # _reached_at_talks: mediators named, or a host that is neither party.
    abroad = rows["iso3"].notna().to_numpy(dtype=bool) & (iso != a) & (iso != b)
    return {
        "dyad": dyad,
        "incident": rows["incident_id"].astype(object).to_numpy(),
        "start": start,
        "end": _period_end_days(start, precision),
        "date_end": rows["date_end"].to_numpy(dtype="datetime64[ns]"),
        "precision": precision,
        "action": rows["diplomatic_action"].astype(object).to_numpy(),
        "violent": rows["event_type"].astype(object).to_numpy(),
        "location": rows["location"].astype(object).to_numpy(),
        "at_talks": rows["mediators"].notna().to_numpy(dtype=bool) | abroad.astype(bool),
        "killed": rows["fatalities_low"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
        "neg_conf": -rows["confidence"].to_numpy(dtype=float),
        "report": rows["event_id"].astype(object).to_numpy(),
        "gdelt_only": np.asarray(gdelt_only, dtype=bool),
    }


def _incident_moments(rows: pd.DataFrame, group: np.ndarray, gdelt_only: np.ndarray, single: bool = False) -> pd.DataFrame:
    """One moment per group of reports (one incident of one dyad) as _moments makes it, for every dyad.

    rows carry _TABLE_COLUMNS; group numbers the (dyad, incident) of each row; gdelt_only is the flag of
    the whole incident (all its reports GDELT), kept when rows hold only some of its reports; single: every
    group is one report.
    """
    r = _report_columns(rows, gdelt_only)
    if single:  # one report each: the moment is the report
        m = pd.DataFrame({k: r[k] for k in ("dyad", "incident", "start", "end", "date_end", "precision", "action",
                                             "location", "at_talks", "killed", "gdelt_only")})
        m["last"] = r["start"]
        m["violent"] = r["violent"] != "Strategic developments"
        m["ids"] = [tuple(x.split(";")) for x in r["report"]] if any(";" in x for x in r["report"]) else \
            [(x,) for x in r["report"]]
    else:
        frame = pd.DataFrame({"g": group, **r})
        # The most trusted report first (a curated dataset before a wire copy), as in _moments.
        frame = frame.sort_values(["neg_conf", "start", "report"], kind="stable")
        g = frame.groupby("g", sort=False)
        m = pd.DataFrame({
            "dyad": g["dyad"].first(), "incident": g["incident"].first(),
            "start": g["start"].min(), "end": g["end"].max(), "last": g["start"].max(),
            "date_end": g["date_end"].max(), "precision": g["precision"].first(), "action": g["action"].first(),
            "violent": g["violent"].first() != "Strategic developments", "location": g["location"].first(),
            "at_talks": g["at_talks"].any(), "killed": g["killed"].min(), "gdelt_only": g["gdelt_only"].first(),
        })
        g_arr = frame["g"].to_numpy()
        order = np.argsort(g_arr, kind="stable")  # each incident's reports together, most trusted first
        gs, ids = g_arr[order], frame["report"].to_numpy()[order]
        bounds = np.r_[0, np.flatnonzero(gs[1:] != gs[:-1]) + 1, len(gs)]
        evidence = [tuple(";".join(ids[a:b]).split(";")) for a, b in zip(bounds[:-1], bounds[1:])]
        m["ids"] = pd.Series(evidence, index=gs[bounds[:-1]], dtype=object).reindex(m.index)
        m = m.reset_index(drop=True)
    for name, table, missing in (("prec_rank", PRECISION_RANK, -1), ("order", _ORDER, 3), ("rank", _RANK, 0)):
        codes, values = pd.factorize(m["precision" if name == "prec_rank" else "action"], use_na_sentinel=True)
        lookup = np.array([table.get(v, missing) for v in values] + [missing], dtype=np.int64)
        m[name] = lookup[codes]
    return m.drop(columns="precision")


def _sorted(m: pd.DataFrame) -> pd.DataFrame:
    """Dyad by dyad, in dyad_status's order: start, precision, same-day order, talks rank, incident_id."""
    numeric = [m["rank"].to_numpy(), m["order"].to_numpy(), m["prec_rank"].to_numpy(), m["start"].to_numpy(),
               pd.factorize(m["dyad"])[0]]
    first = np.lexsort(numeric)
    keys = np.stack([k[first] for k in numeric])
    tie = np.r_[False, (keys[:, 1:] == keys[:, :-1]).all(axis=0)]
    if tie.any():  # the few moments that only incident_id orders
        run = np.cumsum(~tie)
        tied = tie | np.r_[tie[1:], False]
        pos = np.flatnonzero(tied)
        sub = pd.DataFrame({"run": run[pos], "incident": m["incident"].to_numpy()[first[pos]], "at": first[pos]})
        first[pos] = sub.sort_values(["run", "incident"], kind="stable")["at"].to_numpy()
    return m.iloc[first].reset_index(drop=True)


class _Moments:
    """Moments sorted dyad by dyad as dyad_status sorts them, as plain lists (what the machine reads)."""

    def __init__(self, m: pd.DataFrame, run: bool = True):
        n = len(m)
        self.frame = m
        self.start = m["start"].to_numpy(dtype=np.int64).tolist()
        self.end = m["end"].to_numpy(dtype=np.int64).tolist()
        self.last = m["last"].to_numpy(dtype=np.int64).tolist()
        de = m["date_end"].to_numpy(dtype="datetime64[ns]")
        nat = np.isnat(de)
        self.date_end = [None] * n if nat.all() else \
            [None if x else d for d, x in zip(_days(de).tolist(), nat.tolist())]
        self.action = [a if isinstance(a, str) else None for a in m["action"].tolist()]
        self.violent = m["violent"].to_numpy(dtype=bool).tolist()
        self.location = [x if isinstance(x, str) else None for x in m["location"].tolist()]
        self.at_talks = m["at_talks"].to_numpy(dtype=bool).tolist()
        killed = m["killed"].to_numpy(dtype=float)
        self.killed = [None if k != k else int(k) for k in killed.tolist()]
        self.prec_rank = m["prec_rank"].tolist()
        self.rank = m["rank"].tolist()
        self.ids = m["ids"].tolist()
        self.keys = np.flatnonzero(m["action"].isin(_MACHINE_ACTIONS).to_numpy(dtype=bool)).tolist()
        violent_at = np.where(m["violent"].to_numpy(dtype=bool), np.arange(n), -1)
        self.prev_violent = np.maximum.accumulate(violent_at).tolist() if n else []
        dyads = m["dyad"].to_numpy(dtype=object)
        cuts = (np.flatnonzero(dyads[1:] != dyads[:-1]) + 1).tolist() if n else []
        bounds = [0, *cuts, n] if n else [0]
        self.ranges = {dyads[lo]: (lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:])}
        last = m["last"].to_numpy()
        self.last_day = {d: int(last[lo:hi].max()) for d, (lo, hi) in self.ranges.items()}
        # Incidents reported on several days: a status date inside them cuts some of their reports off.
        self.spans = np.flatnonzero(last > m["start"].to_numpy())
        self.span_start, self.span_last = m["start"].to_numpy()[self.spans], last[self.spans]
        self.span_dyad = dyads[self.spans]
        self.runs = {d: _machine_run(self, lo, hi) for d, (lo, hi) in self.ranges.items()} if run else {}


class _Run:
    """One run of the state machine over a dyad's history: the moments it read, the state after each."""

    __slots__ = ("read", "states", "trans", "talks_log", "cf_log")

    def __init__(self):
        self.read: list[int] = []
        self.states: list[tuple] = []
        self.trans: list[Transition] = []
        self.talks_log: list[str] = []
        self.cf_log: list[str] = []


_START = ("none", None, "none", None, None, 0, 0, 0, 0, 0, None)


def _machine_run(c: _Moments, lo: int, hi: int) -> _Run:
    """dyad_status's loop over moments lo..hi of c, fed only the moments that can change its state."""
    run = _Run()
    read, states, trans, talks_log, cf_log = run.read, run.states, run.trans, run.talks_log, run.cf_log
    talks, tm = "none", None
    cf, cfm, cf_end = "none", None, None
    clashes: list[int] = []
    clash_killed = 0
    t_from = c_from = 0  # where the talks and ceasefire evidence start in their logs
    start, end, action, ids, keys = c.start, c.end, c.action, c.ids, c.keys
    k, i = bisect_left(keys, lo), lo
    while True:
        if cfm is not None and cf in _ACTIVE:
            if i >= hi:
                break
            j = i  # a live ceasefire: any moment may strain, violate or end it, or outlast it
        else:
            k = bisect_left(keys, i, k)
            if k >= len(keys) or keys[k] >= hi:
                break
            j = keys[k]  # nothing live: only a talks or ceasefire moment changes anything
        i = j + 1
        s = start[j]
        if cf_end is not None and cf in _ACTIVE and s > cf_end:
            trans.append(Transition(_on(cf_end + 1), "ceasefire", cf, "expired",
                                    f"the truce ran to {_fmt(_on(cf_end))}", ids[cfm]))
            cf = "expired"
        a = action[j]
        if a in TALKS_TRANSITIONS and (a != "ceasefire_agreed" or c.at_talks[j]):
            new, rank = TALKS_TRANSITIONS[a]
            later = tm is None or s > end[tm]
            surer = tm is not None and not later and (
                c.prec_rank[j] < c.prec_rank[tm] or (c.prec_rank[j] == c.prec_rank[tm] and rank >= c.rank[tm]))
            if later or surer:
                if new != talks:
                    trans.append(Transition(_on(s), "talks", talks, new, a, ids[j]))
                    t_from = len(talks_log)
                talks_log.extend(ids[j])
                talks, tm = new, j
        if a is not None and a.startswith("ceasefire"):
            if a == "ceasefire_agreed":
                cfm, clashes, clash_killed, cf_end = j, [], 0, c.date_end[j]
                if cf != "agreed":
                    trans.append(Transition(_on(s), "ceasefire", cf, "agreed", "ceasefire agreed", ids[j]))
                cf = "agreed"
                c_from = len(cf_log)
                cf_log.extend(ids[j])
            elif new := CEASEFIRE_TRANSITIONS.get((cf, a)):
                if a == "ceasefire_reaffirmed":
                    cf_end = None
                if new != cf:
                    trans.append(Transition(_on(s), "ceasefire", cf, new, a.replace("_", " "), ids[j]))
                cf = new
                cf_log.extend(ids[j])
        if c.violent[j] and cfm is not None and s > end[cfm] and cf in _ACTIVE:
            clashes.append(j)
            killed = c.killed[j]
            clash_killed += killed or 0
            recent = 0
            for x in reversed(clashes):
                if s - start[x] > HOSTILITIES_DAYS:
                    break
                recent += 1
            if recent >= HOSTILITIES_INCIDENTS or clash_killed >= HOSTILITIES_KILLED:
                event = "hostilities"
            elif (killed or 0) >= MAJOR_KILLED:
                event = "major"
            else:
                event = "clash"
            new = CEASEFIRE_TRANSITIONS[(cf, event)]
            if new != cf:
                place = c.location[j] if c.location[j] is not None else "an unnamed place"
                trans.append(Transition(_on(s), "ceasefire", cf, new, f"{_toll_words(killed)} at {place}", ids[j]))
            cf = new
            cf_log.extend(ids[j])
        read.append(j)
        states.append((talks, tm, cf, cfm, cf_end, len(trans), t_from, len(talks_log), c_from, len(cf_log),
                       clashes[-1] if clashes else None))
    return run


class StatusTable:
    """What every dyad's status is read from, built once per events table (prepare_statuses) and kept
    while the data is the same (read-only): the moments of each dyad and the machine's run over them,
    plus the reports of incidents reported on several days, to rebuild them at a status date inside them."""

    def __init__(self, events: pd.DataFrame):
        rows = events.loc[events["dyad"].notna().to_numpy(dtype=bool), _TABLE_COLUMNS]
        self.rows = len(rows)
        d_codes, dyads = pd.factorize(rows["dyad"].astype(object))
        self.dyads = [str(d) for d in dyads]
        i_codes = pd.factorize(rows["incident_id"])[0].astype(np.int64)
        group = pd.factorize(d_codes.astype(np.int64) * (int(i_codes.max(initial=0)) + 1) + i_codes)[0]
        gdelt = (rows["dataset"].astype(object) == "gdelt").to_numpy(dtype=bool)
        n_groups = int(group.max(initial=-1)) + 1
        gdelt_only = (np.bincount(group, weights=~gdelt, minlength=n_groups) == 0)[group]
        not_gdelt = np.bincount(d_codes, weights=~gdelt, minlength=len(dyads))
        self.signal_only = {d for d, n in zip(self.dyads, not_gdelt) if n == 0}  # every report GDELT
        multi = np.bincount(group, minlength=n_groups)[group] > 1
        parts = [_incident_moments(rows[mask], group[mask], gdelt_only[mask], single=mask is not multi)
                 for mask in (~multi, multi) if mask.any()]
        moments = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            {k: pd.Series(dtype=t) for k, t in _EMPTY.items()})
        self.moments = _sorted(moments)
        self.multi_rows = rows[multi]
        self.multi_group = group[multi]
        self.multi_gdelt_only = gdelt_only[multi]
        self.multi_days = _days(self.multi_rows["event_date"])
        # Each incident's reports by (dyad, incident_id), to rebuild it at a status date.
        self.multi_at = pd.Series(np.arange(len(self.multi_rows))).groupby(
            [self.multi_rows["dyad"].astype(object).to_numpy(), self.multi_rows["incident_id"].astype(object).to_numpy()],
            sort=False).indices if len(self.multi_rows) else {}
        self.has_gdelt_only = bool(self.moments["gdelt_only"].any())
        self._variants: dict[bool, _Moments] = {}

    def variant(self, include_gdelt: bool) -> _Moments:
        """The moments the status reads (GDELT-only incidents only with include_gdelt), built on first use."""
        key = include_gdelt or not self.has_gdelt_only
        if key not in self._variants:
            m = self.moments if key else self.moments[~self.moments["gdelt_only"].to_numpy(dtype=bool)]
            self._variants[key] = _Moments(m.reset_index(drop=True))
        return self._variants[key]

    def recut(self, v: _Moments, lo: int, stop: int, straddling: np.ndarray, as_of: int) -> _Moments:
        """A dyad's moments up to as_of when some of its incidents have reports after it: those are
        rebuilt from their reports up to as_of."""
        frame = v.frame.iloc[lo:stop]
        cut = frame.iloc[straddling - lo]
        at = np.concatenate([self.multi_at[k] for k in zip(cut["dyad"], cut["incident"])])
        sel = np.zeros(len(self.multi_rows), dtype=bool)
        sel[at] = True
        sel &= self.multi_days <= as_of
        redone = _incident_moments(self.multi_rows[sel], self.multi_group[sel], self.multi_gdelt_only[sel])
        keep = frame.drop(index=cut.index)
        both = pd.concat([keep, redone], ignore_index=True) if len(keep) else redone
        return _Moments(_sorted(both), run=False)


def prepare_statuses(events: pd.DataFrame, *, include_gdelt: bool | None = None) -> StatusTable:
    """The one-time part of all_dyad_statuses for an events table: keep it while the data stays the same.

    include_gdelt True or False also runs the machine for that choice now (otherwise on first use)."""
    table = StatusTable(events)
    if include_gdelt is not None:
        table.variant(include_gdelt)
    return table


def _query_key(dyad: str) -> str:
    """The dyad dyad_status reads when asked for the pair a dyad string names (as the UI asks it)."""
    a, _, b = dyad.partition("-")
    return dyad_key(a, b or a)


def all_dyad_statuses(events: pd.DataFrame | StatusTable, as_of: date | str | None = None, *,
                      include_gdelt: bool = False, dyads=None) -> dict[str, DyadStatus]:
    """dyad_status for every dyad of the table (or those named), keyed by dyad, from one prepared table.

    events: an events table, or a StatusTable from prepare_statuses (the slow part: build it once per
    events table and keep it). as_of None gives each dyad the date of its own latest report, as
    dyad_status does; a date gives every dyad its status on that day.
    """
    table = events if isinstance(events, StatusTable) else prepare_statuses(events)
    v = table.variant(include_gdelt)
    given = None if as_of is None else pd.Timestamp(as_of)
    given_day = None if given is None else int(_days([given.to_datetime64()])[0])
    straddling: dict[str, np.ndarray] = {}
    if given_day is not None and len(v.spans):
        inside = (v.span_start <= given_day) & (v.span_last > given_day)
        if inside.any():
            for d, at in pd.Series(v.spans[inside]).groupby(v.span_dyad[inside]):
                straddling[d] = at.to_numpy()
    out: dict[str, DyadStatus] = {}
    collecting = gc.isenabled()
    gc.disable()  # many thousands of small objects: no collector passes over the big table meanwhile
    try:
        _fill(out, table, v, table.dyads if dyads is None else dyads, given, given_day, straddling)
    finally:
        if collecting:
            gc.enable()
    return out


def _fill(out: dict, table: StatusTable, v: _Moments, names, given, given_day, straddling) -> None:
    """all_dyad_statuses for each named dyad, into out."""
    for name in names:
        key = _query_key(name)
        lo, hi = v.ranges.get(key, (0, 0))
        if hi == lo and given is None:
            out[name] = DyadStatus(key, None, "none", "none", "unchanged", None, None,
                                   f"No events for {key} in the data.", {})
            continue
        day = v.last_day[key] if given is None else given_day
        stop = bisect_right(v.start, day, lo, hi)
        c, run = v, v.runs.get(key) or _Run()
        if key in straddling:
            c = table.recut(v, lo, stop, straddling[key], day)
            lo, stop = 0, len(c.start)
            run = _machine_run(c, lo, stop)
        out[name] = _status_from_run(c, run, key, lo, stop, day, _on(day) if given is None else given.date())


def _status_from_run(c: _Moments, run: _Run, dyad: str, lo: int, stop: int, as_of: int,
                     as_of_date: date) -> DyadStatus:
    """The status after moments lo..stop: the machine's state after the last of them it read, the truce's
    expiry by as_of, the trend and the headline."""
    n = bisect_left(run.read, stop)
    talks, tm, cf, cfm, cf_end, n_trans, t_from, t_to, c_from, c_to, last_cl = run.states[n - 1] if n else _START
    trans = run.trans[:n_trans]
    ev_talks, ev_cf = run.talks_log[t_from:t_to], run.cf_log[c_from:c_to]
    if cf_end is not None and cf in _ACTIVE and as_of > cf_end:
        trans.append(Transition(_on(cf_end + 1), "ceasefire", cf, "expired",
                                f"the truce ran to {_fmt(_on(cf_end))}", c.ids[cfm]))
        cf = "expired"
    start, end, action, ids, violent, killed = c.start, c.end, c.action, c.ids, c.violent, c.killed
    # The violence the trend weighs and the trend itself: only the last RECENT_DAYS + BASELINE_DAYS.
    recent_from, base_from = as_of - RECENT_DAYS, as_of - RECENT_DAYS - BASELINE_DAYS
    ev_violence: list[str] = []
    recent_ids: list[str] = []
    dip_ids: list[str] = []
    r_n = b_n = r_k = b_k = 0
    bad_dip = good_dip = False
    for j in range(bisect_right(start, base_from, lo, stop), stop):
        s, a = start[j], action[j]
        if violent[j]:
            ev_violence.extend(ids[j])
            if s > recent_from and end[j] <= as_of:
                r_n += 1
                r_k += killed[j] or 0
                recent_ids.extend(ids[j])
            elif end[j] <= recent_from:
                b_n += 1
                b_k += killed[j] or 0
        if a is not None and s > recent_from:
            dip_ids.extend(ids[j])
            bad_dip = bad_dip or a in ("talks_failed", "ceasefire_violated", "ceasefire_ended")
            good_dip = good_dip or a in ("ceasefire_agreed", "agreement_signed")
    if stop > lo:
        trend, rationale = _trend_words(r_n, b_n, r_k, b_k, bad_dip, good_dip)
    else:
        trend, rationale = "unchanged", "No events."
    alert = None
    if trend == "deteriorated" and talks in ("failed", "stalled", "none") and cf in ("strained", "violated", "collapsed", "expired", "none"):
        alert = "conflict_risk"
    elif trend != "deteriorated" and talks in ("ongoing", "scheduled", "concluded") and cf in ("agreed", "holding"):
        alert = "resolution_opportunity"
    last_clash = None
    if (cf == "none" or cfm is None) and stop > lo and c.prev_violent[stop - 1] >= lo:
        last_clash = c.prev_violent[stop - 1]
    headline = _headline(dyad, talks, _record(c, tm), cf, _record(c, cfm),
                         [_record(c, last_cl)] if last_cl is not None else [], _record(c, last_clash))
    evidence = {"talks": ev_talks, "ceasefire": ev_cf, "violence": ev_violence, "trend": recent_ids + dip_ids}
    changed = max((t.on for t in trans), default=None)
    return DyadStatus(dyad, as_of_date, talks, cf, trend, alert, changed, headline,
                      {k: tuple(v) for k, v in evidence.items() if v}, rationale, tuple(trans))


def _record(c: _Moments, j: int | None) -> dict | None:
    """What the headline reads of one moment."""
    if j is None:
        return None
    return {"location": c.location[j], "start": _on(c.start[j]), "killed": c.killed[j]}


def _trend_words(r_n: int, b_n: int, r_k: int, b_k: int, bad_dip: bool, good_dip: bool) -> tuple[str, str]:
    """_trend's verdict and rationale from its counts."""
    r_rate, b_rate = r_n / RECENT_DAYS, b_n / BASELINE_DAYS
    facts = (f"{r_n} violent incident(s), {r_k} killed in the last {RECENT_DAYS} days against "
             f"{b_n} and {b_k} in the {BASELINE_DAYS} before")
    rising = r_n >= MIN_RECENT and (r_rate > RISE * b_rate or (r_k / RECENT_DAYS) > RISE * (b_k / BASELINE_DAYS))
    if rising or bad_dip:
        why = "violence rose" if rising else "diplomacy broke down"
        if rising and bad_dip:
            why = "violence rose while diplomacy broke down"
        return "deteriorated", f"Deteriorated: {why} ({facts})."
    if (b_n >= MIN_BASELINE and r_rate < FALL * b_rate) or (good_dip and r_n == 0):
        why = "violence fell" if b_n >= MIN_BASELINE and r_rate < FALL * b_rate else "a ceasefire or deal was agreed"
        return "improved", f"Improved: {why} ({facts})."
    return "unchanged", f"Unchanged ({facts})."
