"""Where a dyad stands: talks and ceasefire as small state machines over its incidents, plus a trend."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

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
HOSTILITIES_KILLED = 50    # or this many dead since the ceasefire began

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
    return m.sort_values(["start", "prec_rank", "order", "rank"], kind="stable")


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


def _fmt(day) -> str:
    d = pd.Timestamp(day)
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
    r_rate, b_rate = r_n / RECENT_DAYS, b_n / BASELINE_DAYS
    dip = moments[(moments["start"] > recent_from) & moments["action"].notna()]
    bad_dip = dip["action"].isin(["talks_failed", "ceasefire_violated", "ceasefire_ended"]).any()
    good_dip = dip["action"].isin(["ceasefire_agreed", "agreement_signed"]).any()
    ids = tuple(i for e in pd.concat([recent, dip])["evidence"].dropna() for i in str(e).split(";"))
    facts = (f"{r_n} violent incident(s), {r_k} killed in the last {RECENT_DAYS} days against "
             f"{b_n} and {b_k} in the {BASELINE_DAYS} before")
    rising = r_n >= MIN_RECENT and (r_rate > RISE * b_rate or (r_k / RECENT_DAYS) > RISE * (b_k / BASELINE_DAYS))
    if rising or bad_dip:
        why = "violence rose" if rising else "diplomacy broke down"
        if rising and bad_dip:
            why = "violence rose while diplomacy broke down"
        return "deteriorated", f"Deteriorated: {why} ({facts}).", ids
    if (b_n >= MIN_BASELINE and r_rate < FALL * b_rate) or (good_dip and r_n == 0):
        why = "violence fell" if b_n >= MIN_BASELINE and r_rate < FALL * b_rate else "a ceasefire or deal was agreed"
        return "improved", f"Improved: {why} ({facts}).", ids
    return "unchanged", f"Unchanged ({facts}).", ids


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
