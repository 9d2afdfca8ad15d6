"""Tables the pages show (as dataframes: text stays text) and the CSV download."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from loaders.export import to_csv
from monitor import Filters, Range, apply_filters, counted_incidents, incident_tolls, total
from ui.text import md, precision_words, toll_text, when

QUOTE = st.column_config.TextColumn("quote", width="large")


def filtered_csv(events: pd.DataFrame, filters: Filters) -> str:
    """Exactly the rows that pass the filters, all 34 columns, spreadsheet-safe (the download)."""
    return to_csv(apply_filters(events, filters), excel_safe=True)


def counted(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The incidents that count in totals, tolls computed from the reports that pass the filters."""
    return counted_incidents(incident_tolls(events), include_gdelt=bool(filters.extra.get("include_gdelt")))


def range_text(r: Range | None, none: str = "not stated") -> str:
    return str(r) if r is not None else none


def headline_numbers(events: pd.DataFrame, filters: Filters) -> dict[str, str]:
    inc = counted(events, filters)
    latest = events["event_date"].max() if len(events) else None
    return {
        "incidents": f"{events['incident_id'].nunique():,}",
        "killed": range_text(total(inc, "killed")),
        "injured": range_text(total(inc, "injured")),
        "latest": latest.strftime("%Y-%m-%d") if latest is not None and not pd.isna(latest) else "—",
    }


def _what(r) -> str:
    """'talks failed' for diplomacy, 'Battles: Armed clash' for the rest."""
    action = r["diplomatic_action"]
    if isinstance(action, str):
        return str(action).replace("_", " ")
    sub = r["sub_event_type"]
    return str(r["event_type"]) + (f": {sub}" if isinstance(sub, str) else "")


def _place(r) -> str:
    parts = [v for v in (r["location"], r["admin1"], r["iso3"]) if isinstance(v, str)]
    parts = [p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1]]  # "Istanbul, Istanbul"
    return ", ".join(parts) if parts else "(no place)"


def latest_events(events: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    rows = events.sort_values(["event_date", "event_id"], ascending=False).head(n)
    return pd.DataFrame({
        "date": [when(d, p) for d, p in zip(rows["event_date"], rows["date_precision"])],
        "what": [_what(r) for _, r in rows.iterrows()],
        "place": [_place(r) for _, r in rows.iterrows()],
        "toll (source's words)": rows["casualty_text"].fillna(""),
        "quote": rows["source_quote"].fillna(""),
        "source": rows["source_name"],
    })


def show_latest(events: pd.DataFrame, n: int = 8) -> None:
    """The latest reports as a readable list: what/where/toll, then the quote and its source.
    Every piece of data text goes through md(), so it renders as text, never as markup."""
    for _, r in latest_events(events, n).iterrows():
        meta = [f"**{md(r['date'])}**", md(r["what"]), md(r["place"])]
        toll = r["toll (source's words)"]
        if toll:
            meta.append(f"*{md(toll)}*")
        st.markdown(" · ".join(meta))
        st.markdown(f"> {md(r['quote']) or '(no quote)'}")
        st.caption(f"Source: {md(r['source'])}")


def _row_toll(r) -> str:
    if pd.isna(r["fatalities_low"]):
        return ""
    return toll_text(r["fatalities_low"], r["fatalities_high"], pd.isna(r["fatalities_high"]), "killed")


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """The filtered rows, one per report, with the incident each belongs to and its sources."""
    inc = events.groupby("incident_id", observed=True)
    sources = inc["source_name"].agg(lambda s: "; ".join(dict.fromkeys(s.astype(str))))
    datasets = inc["dataset"].agg(lambda s: ";".join(sorted(set(map(str, s)))))
    reports = inc.size()
    text = lambda col: events[col].astype("string").fillna("")  # noqa: E731 - empty, not "None"
    return pd.DataFrame({
        "date": events["event_date"].dt.strftime("%Y-%m-%d"),
        "what": [_what(r) for _, r in events.iterrows()],
        "place": [_place(r) for _, r in events.iterrows()],
        "killed": [_row_toll(r) for _, r in events.iterrows()],
        "injured": [toll_text(lo, hi, pd.isna(hi), "injured") if pd.notna(lo) else ""
                    for lo, hi in zip(events["injured_low"], events["injured_high"])],
        "quote": text("source_quote"),
        "source": text("source_name"),
        "incident sources": events["incident_id"].map(sources),
        "reports of incident": events["incident_id"].map(reports).astype("Int64"),
        "incident_id": events["incident_id"],
        "date precision": text("date_precision"),
        "place precision": [precision_words(v) for v in events["geo_precision"]],
        "dyad": text("dyad"),
        "toll (source's words)": text("casualty_text"),
        "claimed by": text("claimed_by"),
        "dataset": text("dataset"),
        "incident datasets": events["incident_id"].map(datasets),
        "url": text("source_url"),
        "event_id": events["event_id"],
    }).reset_index(drop=True)


def show_report(row: pd.Series | None) -> None:
    """The full text of one row of events_table (table cells cut long quotes), as text."""
    if row is None:
        st.caption("Select a row (the box at its left) to read its full quote and sources here.")
        return
    with st.container(border=True):
        st.markdown(f"**{md(row['date'])}** · {md(row['what'])} · {md(row['place'])}"
                    + (f" · *{md(row['killed'])}*" if row["killed"] else ""))
        st.markdown(f"> {md(row['quote']) or '(no quote)'}")
        st.caption(f"Source: {md(row['source'])}" + (f" · {md(row['url'])}" if row["url"] else "")
                   + f" · incident {md(row['incident_id'])}, {row['reports of incident']} report(s) from: "
                   + md(row["incident sources"]))


EVENTS_COLUMNS = {
    "date": st.column_config.TextColumn("date", width=90, pinned=True),
    "what": st.column_config.TextColumn("what", width=150),
    "place": st.column_config.TextColumn("place", width=170),
    "killed": st.column_config.TextColumn("killed", width=100),
    "injured": st.column_config.TextColumn("injured", width=90),
    "quote": st.column_config.TextColumn("quote", width=520),
    "source": st.column_config.TextColumn("source", width=170),
    "incident sources": st.column_config.TextColumn("incident sources", width=200),
    "url": st.column_config.TextColumn("url"),  # text, not a link: URLs come from untrusted input
}


def incidents_table(inc: pd.DataFrame) -> pd.DataFrame:
    """The counted incidents behind a total, each with its range, claims and event_ids."""
    if inc.empty:
        return pd.DataFrame(columns=["date", "place", "type", "killed", "injured", "contested", "claims", "reports", "event_ids"])
    return pd.DataFrame({
        "date": [when(d, p) for d, p in zip(inc["event_date"], inc["date_precision"])],
        "place": inc["location"].fillna("(no place)"),
        "type": inc["event_type"],
        "killed": [toll_text(lo, hi, o, "killed") if pd.notna(lo) else ""
                   for lo, hi, o in zip(inc["killed_low"], inc["killed_high"], inc["killed_open"])],
        "injured": [toll_text(lo, hi, o, "injured") if pd.notna(lo) else ""
                    for lo, hi, o in zip(inc["injured_low"], inc["injured_high"], inc["injured_open"])],
        "contested": inc["contested"].map({True: "yes", False: ""}),
        "claims": inc["claims"].fillna(""),
        "reports": inc["reports"],
        "event_ids": inc["event_ids"],
    }).reset_index(drop=True)


def unplaced(events: pd.DataFrame) -> pd.DataFrame:
    """Rows without coordinates (they cannot be on the map)."""
    rows = events[events["latitude"].isna() | events["longitude"].isna()]
    return pd.DataFrame({
        "date": [when(d, p) for d, p in zip(rows["event_date"], rows["date_precision"])],
        "what": [_what(r) for _, r in rows.iterrows()],
        "place named": rows["location"].fillna(""),
        "quote": rows["source_quote"].fillna(""),
        "source": rows["source_name"],
        "event_id": rows["event_id"],
    }).reset_index(drop=True)


def problems_table(problems: list) -> pd.DataFrame:
    return pd.DataFrame({
        "where": [f"{_short_path(p.file)}:{p.line}" if p.line else _short_path(p.file) for p in problems],
        "problem": [p.message for p in problems],
    }, columns=["where", "problem"])


def _short_path(path: str) -> str:
    p = Path(path)
    return str(p.relative_to(Path.cwd())) if p.is_absolute() and p.is_relative_to(Path.cwd()) else str(p)


def not_geocoded(events: pd.DataFrame) -> pd.DataFrame:
    """Rows whose place could not be found (geocoder 'none'), grouped by the quote they came from."""
    rows = events[events["geocoder"].astype("string") == "none"]
    cols = ["quote", "rows", "dates", "what", "source", "event_ids"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame({
        "quote": rows["source_quote"].fillna("(no quote)").astype(str),
        "date": rows["event_date"].dt.strftime("%Y-%m-%d"),
        "what": [_what(r) for _, r in rows.iterrows()],
        "source": rows["source_name"].astype(str),
        "event_id": rows["event_id"].astype(str),
    })
    joined = lambda s: "; ".join(dict.fromkeys(s))  # noqa: E731 - unique values, first-seen order
    return (df.groupby("quote", sort=False)
              .agg(rows=("event_id", "size"), dates=("date", joined), what=("what", joined),
                   source=("source", joined), event_ids=("event_id", ";".join))
              .reset_index()[cols])


def mediators(rows: pd.DataFrame) -> pd.DataFrame:
    """Each mediator named in a dyad's reports: when first named, how often, in which reports."""
    cols = ["mediator", "first named", "reports", "what", "event_ids"]
    out = [{"mediator": m.strip(), "date": r["event_date"].strftime("%Y-%m-%d"), "event_id": str(r["event_id"]),
            "what": _what(r)}
           for _, r in rows[rows["mediators"].notna()].iterrows() for m in str(r["mediators"]).split(";") if m.strip()]
    if not out:
        return pd.DataFrame(columns=cols)
    joined = lambda s: "; ".join(dict.fromkeys(s))  # noqa: E731
    return (pd.DataFrame(out).groupby("mediator", sort=False)
              .agg(**{"first named": ("date", "min"), "reports": ("event_id", "size"), "what": ("what", joined),
                      "event_ids": ("event_id", ";".join)})
              .reset_index()[cols])
