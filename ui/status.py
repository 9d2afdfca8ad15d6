"""The diplomatic-status indicator of one dyad: talks, ceasefire, trend, alert, and the evidence."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from monitor import DyadStatus, Filters, StatusTable, all_dyad_statuses, dyad_status, prepare_statuses
from ui.data import events_key
from ui.text import day, is_signal, md, report_kind, short, when

STATE_WORDS = {"strained": "holding but strained"}
ALERT_WORDS = {None: "none", "conflict_risk": "conflict risk", "resolution_opportunity": "resolution opportunity"}
TREND_ICONS = {"deteriorated": "▼", "improved": "▲", "unchanged": "■"}
EVIDENCE_LABELS = {"talks": "talks", "ceasefire": "ceasefire", "violence": "violence", "trend": "trend window"}


def indicator_rows(events: pd.DataFrame, dyad: str, f: Filters) -> pd.DataFrame:
    """The dyad's rows filtered by dataset only: a place, type or date filter never hides a clash."""
    rows = events[(events["dyad"] == dyad).fillna(False)]
    if f.datasets:
        rows = rows[rows["dataset"].isin(f.datasets)]
    return rows


def status_for(rows: pd.DataFrame, dyad: str, as_of: date | None, include_gdelt: bool = False) -> DyadStatus:
    """The dyad's status; GDELT-only incidents change it only when the analyst counts them."""
    a, _, b = dyad.partition("-")
    return dyad_status(rows, a, b or a, as_of=as_of, include_gdelt=include_gdelt)


def dataset_rows(events: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Every pair's rows filtered by dataset only (indicator_rows for all pairs at once)."""
    return events[events["dataset"].isin(f.datasets)] if f.datasets else events


# Above this many reports the overview does not prepare every pair's status unasked (about 5 s and
# 500 MB at a million reports): the two busiest pairs get their cards from their own rows, and the
# analyst switches the table of every other pair on (then it is kept for every visitor).
EAGER_STATUS_ROWS = 200_000
_PREPARED: set[tuple] = set()  # (data key, datasets) whose table _status_table has built


@st.cache_resource(max_entries=4, show_spinner="Preparing the status of every pair (once per data)…")
def _status_table(key: str, datasets: tuple[str, ...], _events: pd.DataFrame) -> StatusTable:
    """The incident table every pair's status is read from: once per loaded data and dataset filter.
    Kept as one shared object (not copied per run like st.cache_data); it is never modified."""
    table = prepare_statuses(_events[_events["dataset"].isin(datasets)] if datasets else _events)
    _PREPARED.add((key, datasets))
    return table


def every_status_cheap(events: pd.DataFrame, f: Filters) -> bool:
    """True when all_statuses costs little now: small data, or its table is already prepared."""
    key = events_key(events)
    return len(events) <= EAGER_STATUS_ROWS or (key is not None and (key, tuple(sorted(f.datasets))) in _PREPARED)


@st.cache_resource(max_entries=16, show_spinner=False)
def _statuses(key: str, datasets: tuple[str, ...], as_of: date | None, include_gdelt: bool,
              _table: StatusTable) -> dict[str, DyadStatus]:
    return all_dyad_statuses(_table, as_of, include_gdelt=include_gdelt)


def all_statuses(events: pd.DataFrame, f: Filters, as_of: date | None,
                 include_gdelt: bool = False) -> tuple[dict[str, DyadStatus], set[str]]:
    """(status of every pair, the pairs only GDELT reports), each as status_for gives it for that pair.

    For the table load_events returned, the preparation is cached with the data (its input files) and the
    dataset filter, and the statuses with the date and the GDELT choice too; any other table is computed."""
    datasets = tuple(sorted(f.datasets))
    key = events_key(events)
    if key is None:
        table = prepare_statuses(dataset_rows(events, f))
        return all_dyad_statuses(table, as_of, include_gdelt=include_gdelt), table.signal_only
    table = _status_table(key, datasets, events)
    return _statuses(key, datasets, as_of, include_gdelt, table), table.signal_only


def signal_only(rows: pd.DataFrame) -> bool:
    """True when every incident in these rows is reported by GDELT alone."""
    return len(rows) > 0 and bool((rows["dataset"].astype(str) == "gdelt").all())


def signal_only_note(rows: pd.DataFrame, include_gdelt: bool) -> str | None:
    """A sentence when GDELT-only incidents of the pair are left out of the status (or counted)."""
    if rows.empty:
        return None
    from ui.tables import signal_only_incidents

    n = len(signal_only_incidents(rows))
    if not n:
        return None
    if include_gdelt:
        return (f"{n} GDELT-only incident(s) of this pair count in this status (the sidebar's 'Count GDELT-only "
                "incidents' is on): machine-coded media signal that no other source confirms.")
    if n == rows["incident_id"].nunique():
        return ("Every report of this pair here is GDELT media signal, and incidents only GDELT reports do not change "
                "the status: switch on 'Count GDELT-only incidents in totals' in the sidebar to use them.")
    return (f"{n} GDELT-only incident(s) of this pair are left out of this status (machine-coded media signal); "
            "switch on 'Count GDELT-only incidents in totals' in the sidebar to count them.")


def evidence_table(status: DyadStatus, events: pd.DataFrame) -> pd.DataFrame:
    """One line per event behind the status, oldest first: what it backs, date, what, place, toll,
    quote and source."""
    by_id = events.set_index("event_id")
    backs: dict[str, list[str]] = {}
    for name, ids in status.evidence.items():
        for eid in ids:
            if eid in by_id.index and EVIDENCE_LABELS.get(name, name) not in backs.setdefault(eid, []):
                backs[eid].append(EVIDENCE_LABELS.get(name, name))
    out = []
    for eid, labels in backs.items():
        r = by_id.loc[eid]
        action = r["diplomatic_action"]
        out.append({
            "backs": ", ".join(labels),
            "sort": r["event_date"],
            "date": when(r["event_date"], r["date_precision"]),
            "what": str(action).replace("_", " ") if isinstance(action, str) else str(r["event_type"]),
            "place": r["location"] if isinstance(r["location"], str) else "",
            "toll": r["casualty_text"] if isinstance(r["casualty_text"], str) else "",
            "quote": r["source_quote"] if isinstance(r["source_quote"], str) else "",
            "source": (f"{report_kind(r['dataset'], r['confidence'])} · {r['source_name']}"
                       if is_signal(r["dataset"]) else r["source_name"]),
            "event_id": eid,
        })
    cols = ["backs", "date", "what", "place", "toll", "quote", "source", "event_id"]
    if not out:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame(out).sort_values(["sort", "event_id"])[cols].reset_index(drop=True)


def transitions_table(status: DyadStatus, events: pd.DataFrame) -> pd.DataFrame:
    quotes = events.set_index("event_id")["source_quote"]
    rows = []
    for t in status.transitions:
        q = [short(quotes.get(e), 200) for e in t.evidence if isinstance(quotes.get(e), str)]
        rows.append({"date": day(t.on), "what": t.field,
                     "change": f"{STATE_WORDS.get(t.before, t.before)} → {STATE_WORDS.get(t.after, t.after)}",
                     "why": t.reason.replace("_", " "), "quote": " | ".join(q), "event_ids": ";".join(t.evidence)})
    return pd.DataFrame(rows, columns=["date", "what", "change", "why", "quote", "event_ids"])


def status_card(status: DyadStatus, events: pd.DataFrame, title: str) -> None:
    """Draw the indicator in a bordered box. All data text is escaped or shown as plain text."""
    with st.container(border=True):
        st.subheader(md(title), anchor=False)
        top, bottom = st.columns(2), st.columns(2)  # two by two: "holding but strained" needs the room
        top[0].metric("Talks", status.talks)
        top[1].metric("Ceasefire", STATE_WORDS.get(status.ceasefire, status.ceasefire))
        bottom[0].metric("Trend (30 days)", f"{TREND_ICONS.get(status.trend, '')} {status.trend}",
                         help="CrisisWatch-style: the last 30 days of violence and diplomacy against the 90 before.")
        bottom[1].metric("Alert", ALERT_WORDS.get(status.alert, str(status.alert)))
        st.markdown(f"**{md(status.headline)}**")
        changed = day(status.changed_on) if status.changed_on else "never"
        st.caption(f"Status as of {md(day(status.as_of)) or 'n/a'} · last change {md(changed)} · {md(status.rationale)}")
        table = evidence_table(status, events)
        with st.expander(f"Evidence: the {len(table)} report(s) behind this status"):
            if table.empty:
                st.text("No events back this status.")
            for _, r in table.iterrows():
                meta = [f"**{md(r['date'])}**", md(r["what"])] + [md(r[k]) for k in ("place", "toll") if r[k]]
                st.markdown(" · ".join(meta) + f" — *backs: {md(r['backs'])}*")
                st.markdown(f"> {md(r['quote']) or '(no quote)'}")
                st.caption(f"Source: {md(r['source'])} · {md(r['event_id'])}")
