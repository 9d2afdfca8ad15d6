"""Tables the pages show (as dataframes: text stays text) and the CSV download."""

from __future__ import annotations

import functools
import io
import re
import zipfile
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from loaders.export import to_csv
from monitor import Filters, Range, apply_filters, counted_incidents, counted_mask, filter_mask, incident_tolls, total
from ui.data import display_file, inbox_dir, problem_kind
from ui.text import DATASET_NAMES, md, precision_words, report_kind, toll_text, when
from ui.uploads import uploaded_names

QUOTE = st.column_config.TextColumn("quote", width="large")


def filtered_csv(events: pd.DataFrame, filters: Filters, exclude: frozenset[str] = frozenset()) -> str:
    """Exactly the rows that pass the filters, all 34 columns, spreadsheet-safe (the download); rows of
    the datasets in `exclude` (not downloadable under their licence here) left out."""
    from ui.licence import downloadable

    return to_csv(downloadable(apply_filters(events, filters), exclude), excel_safe=True)


ZIP_ROWS = 100_000   # more rows than this (about 28 MB of CSV): the download is zipped
CSV_CHUNK = 50_000   # rows written at a time: the filtered table is never copied whole


@dataclass
class Download:
    data: bytes
    file_name: str
    mime: str


def download_name(events: pd.DataFrame, filters: Filters, rows: int) -> tuple[str, str]:
    """(file name, mime type) of the download: a zip past ZIP_ROWS rows, else a plain CSV."""
    from ui.data import data_fingerprint

    base = f"faultline-events-{data_fingerprint(events)}"
    return (f"{base}.zip", "application/zip") if rows > ZIP_ROWS else (f"{base}.csv", "text/csv")


def download_payload(events: pd.DataFrame, filters: Filters, exclude: frozenset[str] = frozenset()) -> Download:
    """The download, built when the button is clicked: the filtered rows written CHUNK rows at a time
    (straight into a zip past ZIP_ROWS rows), so a million rows never sit in memory twice. Rows of the
    datasets in `exclude` (not downloadable under their licence here) are left out."""
    mask = filter_mask(events, filters).to_numpy()
    if exclude:
        mask &= ~events["dataset"].astype("string").isin(list(exclude)).fillna(False).to_numpy()
    positions = np.flatnonzero(mask)
    name, mime = download_name(events, filters, len(positions))
    chunks = [positions[i:i + CSV_CHUNK] for i in range(0, len(positions), CSV_CHUNK)] or [positions]

    def write(out) -> None:
        for i, chunk in enumerate(chunks):
            text = to_csv(events.take(chunk), excel_safe=True)
            out.write((text if i == 0 else text.split("\n", 1)[1]).encode("utf-8"))

    buf = io.BytesIO()
    if mime == "application/zip":
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            with zf.open(name.removesuffix(".zip") + ".csv", "w", force_zip64=True) as member:
                write(member)
    else:
        write(buf)
    return Download(buf.getvalue(), name, mime)


def counted(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The incidents that count in totals, tolls computed from the reports that pass the filters."""
    return counted_incidents(incident_tolls(events), include_gdelt=bool(filters.extra.get("include_gdelt")))


def range_text(r: Range | None, none: str = "not stated") -> str:
    return str(r) if r is not None else none


def signal_only_incidents(events: pd.DataFrame) -> set[str]:
    """Incidents that only GDELT reports among these rows (machine-coded media signal, uncorroborated)."""
    if events.empty:
        return set()
    only = (events["dataset"] == "gdelt").groupby(events["incident_id"], observed=True, sort=False).all()
    return set(only[only].index)


def left_out(events: pd.DataFrame, filters: Filters, tolls: pd.DataFrame | None = None) -> int:
    """How many GDELT-only incidents the totals leave out (0 when the analyst counts them)."""
    if filters.extra.get("include_gdelt"):
        return 0
    return int(tolls["gdelt_only"].sum()) if tolls is not None and len(tolls) else len(signal_only_incidents(events))


def left_out_words(events: pd.DataFrame, filters: Filters, tolls: pd.DataFrame | None = None) -> str | None:
    """One sentence on GDELT-only incidents and the totals, or None when there are none."""
    n = int(tolls["gdelt_only"].sum()) if tolls is not None and len(tolls) else len(signal_only_incidents(events))
    return signal_words(n, bool(filters.extra.get("include_gdelt")))


def signal_words(n: int, include_gdelt: bool) -> str | None:
    """The sentence of left_out_words for `n` GDELT-only incidents (also used by the DuckDB path)."""
    if not n:
        return None
    if include_gdelt:
        return (f"Including {n:,} GDELT-only incident(s) — machine-coded media signal that no curated dataset or "
                "news report confirms (GDELT gives no death tolls). Switch off 'Count GDELT-only incidents' in the "
                "sidebar to leave them out.")
    return (f"{n:,} GDELT-only incident(s) are left out of these totals: machine-coded media signal that no curated "
            "dataset or news report confirms. Switch on 'Count GDELT-only incidents in totals' in the sidebar to "
            "count them.")


def headline_numbers(events: pd.DataFrame, filters: Filters, *, tolls: pd.DataFrame | None = None,
                     counted_table: pd.DataFrame | None = None) -> dict[str, str]:
    """Incidents, killed, injured and the latest day of these rows (tolls and counted may be given
    when already computed: see ui.filtered)."""
    tolls = incident_tolls(events, details=False) if tolls is None else tolls
    if counted_table is None and len(tolls):  # only the toll columns of the counted incidents
        cols = ["killed_low", "killed_best", "killed_high", "killed_open", "injured_low", "injured_high", "injured_open"]
        inc = tolls[cols][counted_mask(tolls, include_gdelt=bool(filters.extra.get("include_gdelt")))]
    else:
        inc = tolls if counted_table is None else counted_table
    latest = events["event_date"].max() if len(events) else None
    return {
        "incidents": f"{len(tolls) - left_out(events, filters, tolls):,}",
        "killed": range_text(total(inc, "killed")),
        "injured": range_text(total(inc, "injured")),
        "latest": latest.strftime("%Y-%m-%d") if latest is not None and not pd.isna(latest) else "—",
    }


def _records(events: pd.DataFrame) -> list[dict]:
    """Rows as dicts of the fields _what, _place and _row_toll read (iterrows builds a Series per row)."""
    cols = ["diplomatic_action", "sub_event_type", "event_type", "location", "admin1", "iso3", "fatalities_low",
            "fatalities_high"]
    frame = events[cols].astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


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
        "what": [_what(r) for r in _records(rows)],
        "place": [_place(r) for r in _records(rows)],
        "toll (source's words)": rows["casualty_text"].fillna(""),
        "quote": rows["source_quote"].fillna(""),
        "source": [source_words(d, n, c) for d, n, c in zip(rows["dataset"], rows["source_name"], rows["confidence"])],
    })


def source_words(dataset, source_name, confidence=None) -> str:
    """A row's source for a caption: UCDP's source list reduced to its publishers, GDELT marked as
    media signal."""
    d = str(dataset)
    names = "; ".join(_publishers(d, source_name))
    if d == "ucdp":
        return f"UCDP GED: {names}"
    if d == "gdelt":
        return f"{report_kind(d, confidence)} · {names}"
    return names


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
    if r["fatalities_low"] is None or pd.isna(r["fatalities_low"]):
        return ""
    if r["event_type"] == "Strategic developments" and pd.notna(r["fatalities_high"]) and r["fatalities_high"] == 0:
        return ""  # ACLED codes talks and deals with 0 fatalities: "0 killed" says nothing
    return toll_text(r["fatalities_low"], r["fatalities_high"], pd.isna(r["fatalities_high"]), "killed")


def _publishers(dataset: str, source_name) -> list[str]:
    """The publishers named in one row's source_name. UCDP lists its sources as
    'UCDP GED: Publisher,YYYY-MM-DD,headline;...': keep the publishers."""
    text = "" if source_name is None or (not isinstance(source_name, str) and pd.isna(source_name)) else str(source_name)
    if dataset == "ucdp":
        text = re.sub(r"^\s*UCDP(?: GED)?\s*:\s*", "", text)
        names = [re.split(r",\s*\d{4}-\d{2}-\d{2}", part, maxsplit=1)[0].strip() for part in text.split(";")]
        return [n for n in names if n] or ["UCDP GED"]
    return [n.strip() for n in text.split(";") if n.strip()] or ["(source not named)"]


@functools.lru_cache(maxsize=65536)
def _publishers_cached(dataset: str, source_name) -> tuple[str, ...]:
    return tuple(_publishers(dataset, source_name))


def incident_backing(events: pd.DataFrame) -> pd.DataFrame:
    """Per incident, over *all* its reports (not only the filtered ones): which datasets back it, and
    whose reports, e.g. 'ACLED: Dawn; Tolo News · UCDP GED: Dawn · GDELT media signal ×3: www.dawn.com'."""
    cols = ["incident_id", "backed by", "datasets", "reports", "signal only"]
    if events.empty:
        return pd.DataFrame(columns=cols).set_index("incident_id")
    order = {"acled": 0, "ucdp": 1, "news": 2, "manual": 3, "gdelt": 4}
    # One pass over the rows (a groupby per incident costs a frame per incident).
    acc: dict[str, dict[str, list]] = {}
    names = events["source_name"].astype(object).where(events["source_name"].notna(), None)
    for iid, d, name in zip(events["incident_id"], events["dataset"].astype(str), names):
        per = acc.setdefault(iid, {}).setdefault(d, [0, {}])
        per[0] += 1
        for n in _publishers_cached(d, name):
            per[1][n] = None
    out = []
    for iid, by_dataset in acc.items():
        parts = []
        sets = sorted(by_dataset, key=lambda d: (order.get(d, 9), d))
        for d in sets:
            count, seen = by_dataset[d]
            publishers = list(seen)
            label = f"GDELT media signal ×{count}" if d == "gdelt" else DATASET_NAMES.get(d, d)
            shown = "; ".join(publishers[:6]) + (f"; +{len(publishers) - 6} more" if len(publishers) > 6 else "")
            parts.append(f"{label}: {shown}")
        out.append({"incident_id": iid, "backed by": " · ".join(parts),
                    "datasets": "; ".join(DATASET_NAMES.get(d, d) for d in sets),
                    "reports": sum(v[0] for v in by_dataset.values()), "signal only": sets == ["gdelt"]})
    return pd.DataFrame(out, columns=cols).set_index("incident_id")


def events_table(events: pd.DataFrame, all_events: pd.DataFrame | None = None,
                 curated: dict[str, str] | None = None) -> pd.DataFrame:
    """The filtered rows, one per report, with the incident each belongs to and every source behind
    it (from `all_events`, the whole loaded table, so a filter never hides a corroborating report);
    `curated` (event_id -> what the analyst changed) fills the 'curated' column."""
    curated = curated or {}
    backing = incident_backing(events if all_events is None else
                               all_events[all_events["incident_id"].isin(events["incident_id"])])
    text = lambda col: events[col].astype("string").fillna("")  # noqa: E731 - empty, not "None"
    inc = events["incident_id"]
    datasets = inc.map(backing["datasets"]).fillna("")
    signal_only = inc.map(backing["signal only"]).fillna(False).astype(bool)
    records = _records(events)
    return pd.DataFrame({
        "date": events["event_date"].dt.strftime("%Y-%m-%d"),
        "what": [_what(r) for r in records],
        "place": [_place(r) for r in records],
        "killed": [_row_toll(r) for r in records],
        "curated": [curated.get(str(e), "") for e in events["event_id"]],
        "report": [report_kind(d, c, short=True) for d, c in zip(events["dataset"], events["confidence"])],
        "incident sources": inc.map(backing["backed by"]).fillna(""),
        "source": text("source_name"),
        "injured": [toll_text(lo, hi, pd.isna(hi), "injured") if pd.notna(lo) else ""
                    for lo, hi in zip(events["injured_low"], events["injured_high"])],
        "incident datasets": [f"{d} (media signal only, uncorroborated)" if only else d
                              for d, only in zip(datasets, signal_only)],
        "reports of incident": inc.map(backing["reports"]).astype("Int64"),
        "quote": text("source_quote"),
        "incident_id": inc,
        "date precision": text("date_precision"),
        "place precision": [precision_words(v) for v in events["geo_precision"]],
        "dyad": text("dyad"),
        "toll (source's words)": text("casualty_text"),
        "claimed by": text("claimed_by"),
        "dataset": text("dataset"),
        "confidence": events["confidence"].astype(float).round(2),
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
        st.caption(f"{md(row['report'])} · source: {md(row['source'])}" + (f" · {md(row['url'])}" if row["url"] else ""))
        st.caption(f"Incident {md(row['incident_id'])}: {row['reports of incident']} report(s) — "
                   + md(row["incident sources"]))


EVENTS_COLUMNS = {
    "date": st.column_config.TextColumn("date", width=88, pinned=True),
    "what": st.column_config.TextColumn("what", width=140),
    "place": st.column_config.TextColumn("place", width=140),
    "killed": st.column_config.TextColumn("killed", width=85),
    "curated": st.column_config.TextColumn(
        "curated", width=120, help="What the analyst changed in this row (corrections kept in curation.csv "
                                   "in the analyst folder): a fixed field, or an event added by hand."),
    "report": st.column_config.TextColumn(
        "report", width=175, help="What kind of evidence this row is: a curated dataset (ACLED, UCDP GED), a news "
                                  "report read by machine, or GDELT media signal (machine-coded, unverified). "
                                  "In brackets: the loader's confidence, 0–1."),
    "incident sources": st.column_config.TextColumn(
        "incident sources", width=330, help="Every report of the same real-world incident, by dataset and "
                                            "publisher — including reports the filters hide."),
    "source": st.column_config.TextColumn("source", width=170),
    "injured": st.column_config.TextColumn("injured", width=90),
    "incident datasets": st.column_config.TextColumn("incident datasets", width=150),
    "reports of incident": st.column_config.NumberColumn("reports of incident", width=80),
    "quote": st.column_config.TextColumn("quote", width=520),
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
        # monitor writes each claim as 'who (their words)'; dataset rows have no words: drop the empty '()'.
        "claims": inc["claims"].fillna("").astype(str).str.replace(" ()", "", regex=False),
        "reports": inc["reports"],
        "event_ids": inc["event_ids"],
    }).reset_index(drop=True)


def unplaced(events: pd.DataFrame) -> pd.DataFrame:
    """Rows without coordinates (they cannot be on the map)."""
    rows = events[events["latitude"].isna() | events["longitude"].isna()]
    return pd.DataFrame({
        "date": [when(d, p) for d, p in zip(rows["event_date"], rows["date_precision"])],
        "what": [_what(r) for r in _records(rows)],
        "place named": rows["location"].fillna(""),
        "quote": rows["source_quote"].fillna(""),
        "source": rows["source_name"],
        "event_id": rows["event_id"],
    }).reset_index(drop=True)


PROBLEM_KIND_WORDS = {"row rejected": "row rejected", "file": "whole file", "duplicate": "duplicate (kept once)",
                      "warning": "warning (row loaded)", "curation": "analyst correction"}


def problems_table(problems: list) -> pd.DataFrame:
    """Every problem as text: the file as the analyst knows it, the physical line (header = 1; empty for
    the whole file), what it did to the row, and the loader's message."""
    names = uploaded_names(inbox_dir())
    return pd.DataFrame({
        "file": [display_file(str(p.file), names) if str(p.file) != "(all inputs)" else str(p.file) for p in problems],
        "line": [str(p.line) if p.line else "" for p in problems],  # empty: the whole file
        "effect": [PROBLEM_KIND_WORDS[problem_kind(p)] for p in problems],
        "problem": [str(p.message) for p in problems],
    }, columns=["file", "line", "effect", "problem"])


def sources_table(sources: pd.DataFrame, today: pd.Timestamp | None = None) -> pd.DataFrame:
    """The per-file report for the Sources page: what was read, kept and rejected, the dates it covers,
    and how fresh it is (file modified time, days since its latest event)."""
    today = (today or pd.Timestamp.now()).normalize()
    if sources.empty:
        return pd.DataFrame(columns=["file", "format", "rows read", "rows kept", "rows rejected", "duplicates",
                                     "date range", "days since latest event", "origin", "modified", "size"])
    first, last = pd.to_datetime(sources["first event"]), pd.to_datetime(sources["last event"])
    return pd.DataFrame({
        "file": sources["file"],
        "format": sources["format"],
        "rows read": sources["rows read"].astype("Int64"),
        "rows kept": sources["rows kept"].astype("Int64"),
        "rows rejected": sources["rows rejected"].astype("Int64"),
        "duplicates": sources["duplicates"].astype("Int64"),
        "date range": [f"{a:%Y-%m-%d} – {b:%Y-%m-%d}" if pd.notna(a) else "no events"
                       for a, b in zip(first, last)],
        "days since latest event": pd.array([(today - b.normalize()).days if pd.notna(b) else None for b in last],
                                            dtype="Int64"),
        "origin": sources["origin"],
        "modified": pd.to_datetime(sources["modified"]),
        "size": [_size(b) for b in sources["size_bytes"]],
    }).reset_index(drop=True)


def _size(n) -> str:
    if n is None or pd.isna(n):
        return ""
    n = int(n)
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} kB"
    return f"{n / 1024 / 1024:.1f} MB"


def not_geocoded(events: pd.DataFrame) -> pd.DataFrame:
    """Rows whose place could not be found (geocoder 'none'), grouped by the quote they came from."""
    rows = events[events["geocoder"].astype("string") == "none"]
    cols = ["quote", "rows", "dates", "what", "source", "event_ids"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame({
        "quote": rows["source_quote"].fillna("(no quote)").astype(str),
        "date": rows["event_date"].dt.strftime("%Y-%m-%d"),
        "what": [_what(r) for r in _records(rows)],
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
