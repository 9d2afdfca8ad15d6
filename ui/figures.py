"""Plotly figures of the events table. Each builder returns a Figure, or a sentence saying why
there is nothing to draw; `show` puts either on the page. Untrusted text goes into hover labels
only through `hover()` (html-escaped)."""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from loaders.paths import DATA_DIR
from loaders.schema import EVENT_TYPES
from monitor import DyadStatus, incident_tolls
from ui.text import day, hover, is_signal, precision_words, report_kind, short, toll_range, toll_ranges, when

OUTLINES = DATA_DIR / "world_110m.geojson"
# Okabe–Ito colours (readable with colour-blindness); the legend always names the type too.
TYPE_COLORS = {
    "Battles": "#D55E00",
    "Explosions/Remote violence": "#E69F00",
    "Violence against civilians": "#CC79A7",
    "Protests": "#0072B2",
    "Riots": "#56B4E9",
    "Strategic developments": "#009E73",
}
KILLED_COLORS = ("#a50f15", "#fcae91")   # lowest figure, range up to the highest
INJURED_COLORS = ("#08519c", "#9ecae1")
HOVER = "%{customdata[0]}<extra></extra>"  # data text goes in customdata, never in the template
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=13)


def show(fig_or_reason, *, key: str | None = None, on_select=None, selection_mode="points"):
    """Draw a figure (or its dict), or say why there is none. Returns the selection event when asked for."""
    if isinstance(fig_or_reason, str):
        st.info(fig_or_reason, icon=":material/info:")
        return None
    kwargs = {"on_select": on_select, "selection_mode": selection_mode} if on_select else {}
    return st.plotly_chart(fig_or_reason, width="stretch", key=key,
                           config={"displaylogo": False, "scrollZoom": True}, **kwargs)


# ---------------------------------------------------------------- map

@lru_cache(maxsize=1)
def _outlines_source() -> str | None:
    """The country outlines as a data: URL for the map layer's source. The browser reads it the same as the
    GeoJSON object, but to plotly it is one string: a nested object of ~15,000 small lists was deep-copied
    on every figure built and again on every render (~100 ms each)."""
    try:
        outlines = json.loads(OUTLINES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # the map still works, just without country borders
    text = json.dumps(outlines, separators=(",", ":")).encode("utf-8")
    return "data:application/geo+json;base64," + base64.b64encode(text).decode("ascii")


# The offline map draws only country outlines: closer than a few degrees it shows a bare line and
# the reader loses where they are. With map tiles, towns and roads carry the context down to ~50 km.
MIN_SPAN_DEG = {False: 8.0, True: 0.5}


def _view(lat: pd.Series, lon: pd.Series, width_px: int = 880, height_px: int = 560,
          min_span: float = 0.5) -> tuple[dict, float]:
    """Centre and zoom that fit every point (MapLibre: the world is 512 px wide at zoom 0; latitudes
    are measured in Web Mercator, so a span far from the equator is not cut off)."""
    def merc(v: float) -> float:
        v = max(min(v, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(v) / 2))

    y0, y1 = merc(float(lat.min())), merc(float(lat.max()))
    y_span = max(y1 - y0, math.radians(min_span)) * 1.4
    lon_span = max(float(lon.max() - lon.min()), min_span) * 1.3
    z_lon = math.log2(360 * width_px / (512 * lon_span))
    z_lat = math.log2(2 * math.pi * height_px / (512 * y_span))
    zoom = max(1.0, min(7.0, min(z_lon, z_lat)))
    mid = math.degrees(2 * math.atan(math.exp((y0 + y1) / 2)) - math.pi / 2)
    return {"lat": mid, "lon": float((lon.max() + lon.min()) / 2)}, zoom


def _action_words(value) -> str:
    return "" if value is None or pd.isna(value) else str(value).replace("_", " ")


MAP_POINT_LIMIT = 10_000  # more placed reports than this: the aggregated map (about 1.5 MB of JSON at the limit)
DENSE_POINTS = 2_000      # the deadliest reports still drawn as points on an aggregated map
MAX_CELLS = 3_000         # grid cells of the aggregated layer, at most
MAX_DENSITY_BINS = 30_000  # bins of the density shading, at most
CELL_STEPS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)  # degrees, finest first
DETAILED_HOVER_LIMIT = 5_000  # more drawn reports than this: a one-line hover per place (click for the rest)
GDELT_COLOR = "#7b6fa8"   # muted violet: not an event-type colour, not a precision-ring grey
GDELT_LABEL = "GDELT media signal — machine-coded, unverified pin (hollow ring)"
_GDELT_RING = {"exact": (15, 8), "approx": (26, 20)}  # outer and inner diameter (px)


@dataclass
class MapView:
    """What the Map page draws: the figure (or why there is none), one row per marker (key ->
    event_ids, for clicks), and sentences to say under the map."""

    figure: go.Figure | dict | None
    reason: str | None
    points: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    cells: pd.DataFrame = field(default_factory=pd.DataFrame)  # aggregated map: one row per grid cell
    cell_step: float | None = None


def _row_line(r: dict, toll) -> str:
    what = hover(r["event_type"])
    if isinstance(r["sub_event_type"], str):
        what += f" ({hover(r['sub_event_type'])})"
    action = _action_words(r["diplomatic_action"])
    parts = [hover(when(r["event_date"], r["date_precision"])), what]
    if is_signal(r["dataset"]):
        parts.insert(0, hover(report_kind(r["dataset"], r["confidence"])))
    if action:
        parts.append(hover(action))
    talks = r["event_type"] == "Strategic developments"
    if toll is not None and not (talks and toll.high == 0):  # "0 killed" on talks says nothing
        parts.append(f"{hover(str(toll))} killed" + (" (incident)" if is_signal(r["dataset"]) else ""))
    elif toll is None and not talks:
        parts.append("no toll (GDELT gives none)" if is_signal(r["dataset"]) else "deaths not stated")
    src = hover(short(r["source_name"], 60))
    return " · ".join(parts) + f"<br>   source: {src}"


_POINT_COLUMNS = ["key", "latitude", "longitude", "geo_precision", "event_type", "signal", "place", "killed",
                  "reports", "hover", "size", "opacity", "event_ids"]


def map_points(events: pd.DataFrame, tolls: pd.DataFrame | None = None, *, hover_lines: int = 8) -> pd.DataFrame:
    """One marker per place, precision and event type (GDELT media signal: per place and precision),
    with the reports there as hover lines (hover_lines=0: a one-line summary, to keep a big map small).
    `tolls` (incident_tolls) may cover more rows than `events`."""
    placed = events[events["latitude"].notna() & events["longitude"].notna()]
    if placed.empty:
        return pd.DataFrame(columns=_POINT_COLUMNS)
    tolls = incident_tolls(events, details=False) if tolls is None else tolls
    tolls = tolls[tolls["incident_id"].isin(placed["incident_id"])] if len(tolls) > len(placed) else tolls
    toll_of = dict(zip(tolls["incident_id"], toll_ranges(tolls)))
    cols = ["event_type", "sub_event_type", "diplomatic_action", "event_date", "date_precision", "dataset",
            "confidence", "source_name", "incident_id"]
    recs = placed[cols].to_dict("records") if hover_lines else []
    signal = (placed["dataset"].astype(str) == "gdelt").to_numpy()
    df = pd.DataFrame({
        "latitude": placed["latitude"].to_numpy(), "longitude": placed["longitude"].to_numpy(),
        "geo_precision": placed["geo_precision"].to_numpy(),
        "kind": np.where(signal, "GDELT", placed["event_type"].astype(str).to_numpy()),
        "incident_id": placed["incident_id"].to_numpy(),
        # The compact hover (hover_lines=0) lists no reports: no need to write a line per report.
        "line": [_row_line(r, toll_of.get(r["incident_id"])) for r in recs] if hover_lines else "",
        "event_id": placed["event_id"].astype(str).to_numpy(),
        "location": placed["location"].to_numpy(), "admin1": placed["admin1"].to_numpy(),
        "country": placed["country"].to_numpy(),
    })
    df["best"] = [(lambda t: 0 if t is None else (t.best if t.best is not None else t.low))(toll_of.get(i))
                  for i in df["incident_id"]]
    keys = ["latitude", "longitude", "geo_precision", "kind"]
    g = df.groupby(keys, dropna=False, sort=False)
    gid = g.ngroup().to_numpy()
    n = int(gid.max()) + 1
    # Per marker: its reports' ids and first hover lines, collected in one pass (a per-group lambda
    # costs a Series per place).
    ids: list[list[str]] = [[] for _ in range(n)]
    lines: list[list[str]] = [[] for _ in range(n)]
    keep = max(hover_lines, 1)
    for k, eid, line in zip(gid, df["event_id"], df["line"] if hover_lines else [""] * len(df)):
        ids[k].append(eid)
        if len(lines[k]) < keep:
            lines[k].append(line)
    once = ~pd.DataFrame({"g": gid, "i": df["incident_id"]}).duplicated().to_numpy()
    killed = np.bincount(gid[once], weights=df["best"].to_numpy(dtype=float)[once], minlength=n)
    agg = g[["location", "admin1", "country"]].first().reset_index()
    agg["reports"] = np.bincount(gid, minlength=n)
    agg["event_ids"] = [";".join(x) for x in ids]
    agg["lines"] = lines
    agg["killed"] = killed
    # Per marker, from plain arrays (pd.isna and itertuples per marker cost more than the text itself).
    prec = agg["geo_precision"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    approx = np.isnan(prec) | (np.nan_to_num(prec) >= 3)
    is_gdelt = (agg["kind"] == "GDELT").to_numpy(dtype=bool)
    killed = np.nan_to_num(agg["killed"].to_numpy(dtype=float)).astype(np.int64)
    level = [None if p != p else int(p) for p in prec.tolist()]  # NaN is no dict key: None for "no place"
    words = {p: hover(precision_words(p)) for p in set(level)}
    texts, sizes, opacities = [], [], []
    for loc, adm, ctry, kind, n, lines, pr, ap, gd, k in zip(
            agg["location"].tolist(), agg["admin1"].tolist(), agg["country"].tolist(), agg["kind"].tolist(),
            agg["reports"].tolist(), agg["lines"], level, approx.tolist(), is_gdelt.tolist(), killed.tolist()):
        if hover_lines:
            place = ", ".join(hover(v) for v in (loc, adm, ctry) if isinstance(v, str))
            more = f"<br>… and {n - len(lines)} more report(s)" if n > len(lines) else ""
            head = f"<b>{place or 'unnamed place'}</b><br>"
            if gd:
                head += "GDELT media signal — machine-coded, unverified pin<br>"
            texts.append(head + f"Place: {words[pr]}<br>" + "<br>".join(lines) + more)
        else:  # compact: a summary, the reports are listed below the map on click
            what = "GDELT media signal, unverified" if gd else hover(kind)
            # ASCII separators: each non-ASCII character costs six bytes of JSON per point.
            texts.append(f"<b>{hover(loc) if isinstance(loc, str) else 'unnamed place'}</b> | {what}<br>"
                         f"{n} report(s)" + (f", {k:,} killed" if k else "")
                         + f", {'approximate' if ap else 'exact'} place")
        if gd:
            size, opacity = _GDELT_RING["approx" if ap else "exact"][0], 0.55 if ap else 0.95
        else:
            size = min(46.0, 10 + 3.2 * math.sqrt(k))
            size, opacity = (max(size, 30.0), 0.3) if ap else (size, 0.95)
        sizes.append(size)
        opacities.append(opacity)
    return pd.DataFrame({
        "key": [f"p{i}" for i in range(len(agg))], "latitude": agg["latitude"].to_numpy(),
        "longitude": agg["longitude"].to_numpy(), "geo_precision": agg["geo_precision"].to_numpy(),
        "event_type": np.where(is_gdelt, "", agg["kind"].to_numpy(dtype=object)), "signal": is_gdelt,
        "place": agg["location"].to_numpy(), "killed": killed, "reports": agg["reports"].to_numpy(),
        "hover": texts, "size": sizes, "opacity": opacities, "event_ids": agg["event_ids"].to_numpy(),
    }, columns=_POINT_COLUMNS)


def _deadliest(placed: pd.DataFrame, tolls: pd.DataFrame, limit: int, deaths: np.ndarray | None = None) -> pd.DataFrame:
    """The `limit` deadliest placed reports (by their incident's toll, else their own), the most
    precisely placed and then the latest first among equals (then by event_id)."""
    if deaths is None:
        deaths = _incident_deaths(placed, tolls)[1]
    own = placed["fatalities_best"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    score = np.where(np.isnan(deaths), own, deaths)
    score = np.where(np.isnan(score), -1.0, score)
    prec = placed["geo_precision"].astype("Float64").fillna(9).to_numpy(dtype=float)
    if len(placed) > limit and placed["event_date"].is_monotonic_increasing:
        # Rows are in the contract's order (date, then event_id): a numeric sort gives the same order
        # as sorting the ids, without comparing a million strings.
        day = placed["event_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
        order = np.lexsort((np.arange(len(placed)), -day, prec, -score))[:limit]
        return placed.iloc[order]
    ranked = placed.assign(_score=score, _prec=prec)
    ranked = ranked.sort_values(["_score", "_prec", "event_date", "event_id"], ascending=[False, True, False, True],
                                kind="stable")
    return ranked.head(limit).drop(columns=["_score", "_prec"])


DENSITY_STEP = 0.05  # degrees, about 5 km


def density_bins(placed: pd.DataFrame, step: float = DENSITY_STEP) -> pd.DataFrame:
    """Placed reports counted per grid cell (lat, lon, n): what the density layer draws. The DuckDB
    path (monitor.query) computes the same grid in SQL."""
    return (pd.DataFrame({"lat": (placed["latitude"].astype(float) / step).round() * step,
                          "lon": (placed["longitude"].astype(float) / step).round() * step})
            .groupby(["lat", "lon"]).size().reset_index(name="n"))


def _unchecked(kind, **props):
    """A map trace built without plotly's per-property validation, which deep-copies every list it is
    given (a third of the map's time at a million events). The properties are fixed in this module and
    tests/test_pages.py rebuilds each map figure with validation on, so a wrong one still fails there."""
    return kind(**props, _validate=False)


def _density_of_bins(bins: pd.DataFrame, total: int) -> go.Densitymap:
    """The density layer from precomputed bins (the DuckDB path computes them in SQL)."""
    return _unchecked(go.Densitymap, lat=bins["lat"].to_numpy(np.float32), lon=bins["lon"].to_numpy(np.float32),
                         z=bins["n"].to_numpy(np.float32),
                         radius=14, opacity=0.6, showscale=False, hoverinfo="skip", showlegend=True,
                         colorscale=[[0, "rgba(80,80,80,0)"], [0.2, "#c6c6d9"], [1, "#3a3a5c"]],
                         name=f"shading: density of all {total:,} placed reports", legendgroup="density")


def _density(grid: _Grid) -> go.Densitymap:
    """Where all placed reports are, binned (0.05°, about 5 km, or coarser) so the figure stays small."""
    step, ids = grid.coarse(MAX_DENSITY_BINS)
    keys, inverse = np.unique(ids, return_inverse=True)
    counts = np.bincount(inverse[grid.inverse], minlength=len(keys))
    lat, lon = _cell_centres(keys, step)
    return _unchecked(go.Densitymap, lat=lat.astype(np.float32), lon=lon.astype(np.float32), z=counts.astype(np.float32),
                         radius=14, opacity=0.6, showscale=False, hoverinfo="skip", showlegend=True,
                         colorscale=[[0, "rgba(80,80,80,0)"], [0.2, "#c6c6d9"], [1, "#3a3a5c"]],
                         name=f"shading: density of all {len(grid.lat):,} placed reports", legendgroup="density")


@dataclass
class _Grid:
    """Placed reports on the finest grid (CELL_STEPS[0] degrees), computed once per aggregated map:
    the coarser grids, the density shading and the cells are all derived from it (the steps nest)."""

    lat: np.ndarray
    lon: np.ndarray
    fine: np.ndarray      # distinct fine cells (ids)
    inverse: np.ndarray   # per report: index into `fine`

    @classmethod
    def of(cls, placed: pd.DataFrame) -> _Grid:
        lat, lon = placed["latitude"].to_numpy(float), placed["longitude"].to_numpy(float)
        fine, inverse = np.unique(_fine_ids(lat, lon), return_inverse=True)
        return cls(lat, lon, fine, inverse)

    def coarse(self, max_cells: int) -> tuple[float, np.ndarray]:
        """The finest step whose grid has at most max_cells occupied cells, and each fine cell's id on it."""
        for step in CELL_STEPS:
            ids = _coarser(self.fine, step)
            if len(np.unique(ids)) <= max_cells:
                break
        return step, ids


def _fine_ids(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        y = np.floor(np.nan_to_num(lat) / CELL_STEPS[0]).astype(np.int64)
        x = np.floor(np.nan_to_num(lon) / CELL_STEPS[0]).astype(np.int64)
    return y * 100_000 + x


def _coarser(fine_ids: np.ndarray, step: float) -> np.ndarray:
    """Fine cell ids -> ids on the grid of `step` degrees (a whole multiple of the fine step)."""
    k = int(round(step / CELL_STEPS[0]))
    y = np.floor_divide(fine_ids + 50_000, 100_000)
    x = fine_ids - y * 100_000
    return np.floor_divide(y, k) * 100_000 + np.floor_divide(x, k)


def _cell_centres(ids: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray]:
    y = np.floor_divide(ids + 50_000, 100_000)
    x = ids - y * 100_000
    return (y + 0.5) * step, (x + 0.5) * step


def _cells(grid: _Grid, incident: np.ndarray, deaths: np.ndarray,
           max_cells: int = MAX_CELLS) -> tuple[pd.DataFrame, float]:
    """Placed reports binned to the finest grid (of CELL_STEPS degrees) with at most `max_cells` cells:
    per cell its reports, incidents and deaths (each incident's best estimate once, per cell), and its
    centre of mass. A filter to a smaller area gives finer cells."""
    step, coarse_of_fine = grid.coarse(max_cells)
    cell_ids, cell_of_fine = np.unique(coarse_of_fine, return_inverse=True)
    row = cell_of_fine[grid.inverse]
    n = len(cell_ids)
    reports = np.bincount(row, minlength=n)
    # One (cell, incident) pair counts its incident's deaths once.
    pair = row.astype(np.int64) * (int(incident.max()) + 1) + incident
    _, first = np.unique(pair, return_index=True)
    out = pd.DataFrame({
        "cell": cell_ids,
        "latitude": np.bincount(row, weights=grid.lat, minlength=n) / reports,
        "longitude": np.bincount(row, weights=grid.lon, minlength=n) / reports,
        "reports": reports,
        "incidents": np.bincount(row[first], minlength=n),
        "killed": np.round(np.bincount(row[first], weights=np.nan_to_num(deaths[first]), minlength=n)).astype(np.int64),
    })
    out["key"] = ["c" + str(i) for i in range(n)]
    return out, step


def _incident_deaths(placed: pd.DataFrame, tolls: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(incident code, the incident's best death estimate or NaN) per placed report, with one
    factorisation of the ids instead of a string lookup per use."""
    codes, uniques = pd.factorize(placed["incident_id"])
    best = pd.Series(best_deaths(tolls), index=tolls["incident_id"])
    return codes, best.reindex(pd.Index(uniques)).to_numpy(dtype=float, na_value=np.nan)[codes]


def best_deaths(tolls: pd.DataFrame) -> np.ndarray:
    """Each incident's best death estimate (its median claim, else its lowest figure; NaN when none):
    what sizes a marker and ranks the deadliest."""
    return tolls["killed_best"].astype("Float64").fillna(tolls["killed_low"].astype("Float64")) \
        .to_numpy(dtype=float, na_value=np.nan)


def _cells_trace(cells: pd.DataFrame, step: float) -> go.Scattermap:
    """The aggregated layer: one marker per grid cell, sized by reports, hover with counts and deaths."""
    text = [f"<b>{r:,} report(s)</b> in this {step:g}° cell<br>{i:,} incident(s), {k:,} killed (best estimates, "
            f"each incident once)<br>click to list them" for r, i, k in
            zip(cells["reports"], cells["incidents"], cells["killed"])]
    size = np.clip(6 + 3.0 * np.sqrt(cells["reports"].to_numpy(float)), 6, 40).astype(np.float32)
    return _unchecked(go.Scattermap, lat=cells["latitude"].to_numpy(np.float32), lon=cells["longitude"].to_numpy(np.float32),
                         mode="markers", name=f"grid cells of {step:g}°: size = reports (click to list)",
                         marker=dict(size=size, color="#3a3a5c", opacity=0.35, sizemode="diameter"),
                         customdata=_custom(text, cells["key"]), hovertemplate=HOVER,
                         legendgroup="cells")


def map_view(events: pd.DataFrame, *, online: bool = False, show_gdelt: bool = True,
             limit: int = MAP_POINT_LIMIT, tolls: pd.DataFrame | None = None,
             incident_deaths: tuple[np.ndarray, np.ndarray] | None = None) -> MapView:
    """Events on a map: colour = event type, size = deaths, ring/faintness = place precision; GDELT
    media signal as hollow muted rings. Beyond `limit` placed reports the map is aggregated: a density
    shading, a layer of grid cells (reports, incidents, deaths each; click one to list its reports) and
    only the deadliest reports as points, so the figure stays under about 2 MB at any size.
    `tolls` (incident_tolls of `events`, details not needed) saves recomputing them, and
    `incident_deaths` (per row of `events`: an integer code of its incident, and the incident's best
    death estimate or NaN) saves looking them up by incident id (see ui.filtered)."""
    empty = pd.DataFrame(columns=_POINT_COLUMNS)
    if events.empty:
        return MapView(None, "No events pass the current filters, so there is nothing to map.", empty)
    notes = []
    signal = (events["dataset"] == "gdelt").to_numpy()
    if not show_gdelt and signal.any():
        notes.append(f"{int(signal.sum()):,} GDELT media-signal report(s) are hidden; switch on "
                     "'Show GDELT media signal' to see them.")
        events = events[~signal]
        tolls = None
        incident_deaths = None
    is_placed = (events["latitude"].notna() & events["longitude"].notna()).to_numpy(dtype=bool)
    n_placed = int(is_placed.sum())
    if not n_placed:
        return MapView(None, f"None of the {len(events)} events that pass the filters has a known place, "
                             "so the map is empty; they are listed below.", empty, notes)
    tolls = incident_tolls(events, details=False) if tolls is None else tolls
    dense = n_placed > limit
    cells, step, grid = pd.DataFrame(), None, None
    if not dense:
        placed = drawn = events[is_placed]
    else:
        # Only the columns the aggregation reads (a full copy of a million rows would cost 400 MB),
        # labelled by position so the deadliest rows can be taken whole afterwards.
        cols = ["event_date", "latitude", "longitude", "geo_precision", "fatalities_best"]
        if incident_deaths is None:
            cols.append("incident_id")
        if not events["event_date"].is_monotonic_increasing:
            cols.append("event_id")  # _deadliest's tie-break when the rows are not in the contract's order
        placed = events[cols]
        placed.index = pd.RangeIndex(len(events))
        placed = placed[is_placed]
        if incident_deaths is not None:
            incident, deaths = (a[is_placed] for a in incident_deaths)
        else:
            incident, deaths = _incident_deaths(placed, tolls)
        drawn = events.iloc[_deadliest(placed, tolls, min(limit, DENSE_POINTS), deaths).index.to_numpy()]
        grid = _Grid.of(placed)
        cells, step = _cells(grid, incident, deaths)
        notes.append(f"Aggregated map: {len(placed):,} placed reports pass the filters, more than {limit:,}, too many "
                     f"to send to the browser one by one. The grey shading shows where all of them are; the grid "
                     f"cells ({step:g}°, {len(cells):,} of them) give the reports, incidents and deaths in each (click "
                     f"one to list its reports); only the {len(drawn):,} deadliest (then the most precisely placed, "
                     f"then the latest) are drawn as points. Narrow the filters (a country, a shorter period) to "
                     f"{limit:,} placed reports or fewer to see every report as a point.")
    if len(drawn) > DETAILED_HOVER_LIMIT:
        notes.append(f"With more than {DETAILED_HOVER_LIMIT:,} reports drawn, hovering shows a one-line summary per "
                     "place; click a point to list its reports below the map.")
    # Every report in the hover while the map is small; a one-line summary per place beyond that.
    pts = map_points(drawn, tolls, hover_lines=8 if len(drawn) <= DETAILED_HOVER_LIMIT else 0)
    fig = _map_figure(pts, grid, online=online, extra=(_cells_trace(cells, step),) if dense else ())
    return MapView(fig, None, pts, notes, cells, step)


def cell_rows(events: pd.DataFrame, view: MapView, keys: set[str]) -> pd.DataFrame:
    """The placed reports inside the clicked grid cells of an aggregated map."""
    if view.cells.empty or not keys:
        return events.iloc[:0]
    hit = view.cells[view.cells["key"].isin(keys)]
    lat, lon = events["latitude"].to_numpy(float), events["longitude"].to_numpy(float)
    cell = _coarser(_fine_ids(lat, lon), view.cell_step)
    return events[np.isin(cell, hit["cell"].to_numpy()) & ~np.isnan(lat) & ~np.isnan(lon)]


def assemble_map_view(drawn: pd.DataFrame, tolls: pd.DataFrame, *, placed: int, bins: pd.DataFrame | None,
                      bounds: tuple, notes: list[str], online: bool, limit: int = MAP_POINT_LIMIT) -> MapView:
    """The map from the reports to draw, their incidents' tolls and, beyond `limit` placed reports, the
    density grid of all of them, computed in SQL (the DuckDB path, ui.large)."""
    notes = list(notes)
    if bins is not None:
        notes.append(f"{placed:,} placed reports pass the filters — more than {limit:,}. The grey shading "
                     f"shows where all of them are; only the {limit:,} deadliest (then the most precisely "
                     "placed, then the latest) are drawn as points. Narrow the filters to see every point.")
    if len(drawn) > DETAILED_HOVER_LIMIT:
        notes.append(f"With more than {DETAILED_HOVER_LIMIT:,} reports drawn, hovering shows a one-line summary per "
                     "place; click a point to list its reports below the map.")
    pts = map_points(drawn, tolls, hover_lines=8 if len(drawn) <= DETAILED_HOVER_LIMIT else 0)
    fig = _map_figure(pts, None, online=online, bins=bins, total=placed if bins is not None else 0,
                      bounds=bounds if bins is not None else None)
    return MapView(fig, None, pts, notes)


def map_figure(events: pd.DataFrame, *, online: bool = False, show_gdelt: bool = True,
               limit: int = MAP_POINT_LIMIT) -> go.Figure | str:
    """The map's figure, or a sentence saying why there is none (see map_view)."""
    view = map_view(events, online=online, show_gdelt=show_gdelt, limit=limit)
    return view.figure if view.figure is not None else view.reason


def _custom(hover_text, key) -> np.ndarray:
    """customdata of a marker: [hover text, marker key] (the key finds its event_ids on a click), as one
    2-column array: plotly copies a list of small lists one list at a time."""
    out = np.empty((len(key), 2), dtype=object)
    out[:, 0], out[:, 1] = np.asarray(hover_text, dtype=object), np.asarray(key, dtype=object)
    return out


def _map_figure(pts: pd.DataFrame, grid: _Grid | None, *, online: bool, bins: pd.DataFrame | None = None,
                total: int = 0, bounds: tuple | None = None, extra: tuple = ()) -> go.Figure:
    """The map figure; `extra` traces go on top. Traces and layout are set once, in the constructor
    (each add_trace or update_layout would validate and deep-copy everything again)."""
    lat, lon = pts["latitude"].astype(float), pts["longitude"].astype(float)
    if grid is not None:  # the view fits every placed report, not only the points drawn
        lat = pd.Series([lat.min(), lat.max(), grid.lat.min(), grid.lat.max()])
        lon = pd.Series([lon.min(), lon.max(), grid.lon.min(), grid.lon.max()])
    elif bounds is not None:  # the same from the bounds the DuckDB path computed
        lat = pd.concat([lat, pd.Series(bounds[:2], dtype="float64")])
        lon = pd.concat([lon, pd.Series(bounds[2:], dtype="float64")])
    center, zoom = _view(lat, lon, min_span=MIN_SPAN_DEG[bool(online)])
    traces = []
    if grid is not None:
        traces.append(_density(grid))
    elif bins is not None:
        traces.append(_density_of_bins(bins, total))
    curated, media = pts[~pts["signal"].astype(bool)], pts[pts["signal"].astype(bool)]
    # A dark ring under each place known to the town (grey: near it / district); centroids get none.
    for level, colour, label in ((1, "#111111", "dark ring: the town itself"),
                                 (2, "#8a8a8a", "grey ring: near a town, or a district")):
        ring = curated[curated["geo_precision"].astype("Float64").fillna(0).astype(int) == level]
        if len(ring):
            traces.append(_unchecked(go.Scattermap, lat=ring["latitude"].to_numpy(np.float32), lon=ring["longitude"].to_numpy(np.float32),
                                        mode="markers", marker=dict(size=(ring["size"] + 7).to_numpy(np.float32), color=colour),
                                        hoverinfo="skip", showlegend=False))
    for t in [t for t in EVENT_TYPES if t in set(curated["event_type"])]:
        sub = curated[curated["event_type"] == t]
        traces.append(_unchecked(go.Scattermap,
            lat=sub["latitude"].to_numpy(np.float32), lon=sub["longitude"].to_numpy(np.float32), mode="markers", name=t,
            marker=dict(size=sub["size"].to_numpy(np.float32), color=TYPE_COLORS.get(t, "#444"),
                        opacity=sub["opacity"].to_numpy(np.float32), sizemode="diameter"),
            customdata=_custom(sub["hover"], sub["key"]), hovertemplate=HOVER, legendgroup="type",
            legendgrouptitle_text="Event type (colour)"))
    if len(curated):
        for colour, label in (("#111111", "dark ring: the town itself"), ("#8a8a8a", "grey ring: near a town, or a district"),
                              ("#bbbbbb", "faint, large, no ring: approximate (province or country centroid)")):
            traces.append(_unchecked(go.Scattermap, lat=[None], lon=[None], mode="markers", name=label,
                                        marker=dict(size=12 if colour != "#bbbbbb" else 16, color=colour),
                                        legendgroup="precision", legendgrouptitle_text="Place precision (ring)"))
    if len(media):
        # A hollow ring: a muted disc with a white one on top. Fixed size: GDELT states no deaths.
        inner = [(_GDELT_RING["approx"] if s == _GDELT_RING["approx"][0] else _GDELT_RING["exact"])[1] for s in media["size"]]
        traces.append(_unchecked(go.Scattermap,
            lat=media["latitude"].to_numpy(np.float32), lon=media["longitude"].to_numpy(np.float32), mode="markers",
            name=GDELT_LABEL, marker=dict(size=media["size"].to_numpy(np.float32), color=GDELT_COLOR,
                                          opacity=media["opacity"].to_numpy(np.float32), sizemode="diameter"),
            customdata=_custom(media["hover"], media["key"]), hovertemplate=HOVER, legendgroup="gdelt",
            legendgrouptitle_text="Media signal (not verified)"))
        traces.append(_unchecked(go.Scattermap,
            lat=media["latitude"].to_numpy(np.float32), lon=media["longitude"].to_numpy(np.float32), mode="markers",
            marker=dict(size=np.asarray(inner, np.float32), color="#ffffff", opacity=0.9), hoverinfo="skip", showlegend=False,
            legendgroup="gdelt", name="GDELT ring centre"))
    layers = []
    if not online and (outlines := _outlines_source()):
        # One fill layer with outlines: the GeoJSON (about 170 kB) is sent to the browser once.
        layers = [dict(sourcetype="geojson", source=outlines, type="fill", color="#f1efe9",
                       fill=dict(outlinecolor="#8f8f8f"), below="traces")]
    layout = dict(map=dict(style="carto-positron" if online else "white-bg", center=center, zoom=zoom,
                               layers=layers),
                      height=780, margin=dict(l=0, r=0, t=0, b=0), font=FONT,  # about 190 px of legend below
                      legend=dict(orientation="h", x=0, y=-0.02, xanchor="left", yanchor="top", title=dict(text=""),
                                  itemsizing="constant", groupclick="toggleitem", entrywidth=0),
                      hoverlabel=dict(align="left", bgcolor="white", bordercolor="#555", font=dict(size=12.5, color="#1a1a1a")))
    return go.Figure(data=[*traces, *extra], layout=layout, _validate=False)


# ---------------------------------------------------------------- casualties

def _period(dates: pd.Series, freq: str) -> pd.Series:
    d = dates.dt.normalize()
    return d - pd.to_timedelta(d.dt.day_of_week, unit="D") if freq == "week" else d


def _sum_ranges(frame: pd.DataFrame, keys, kind: str) -> list[tuple]:
    """(group key, summed low, summed high or None when any incident is open-ended, incidents) per
    group of `keys`, in sorted key order: _sum_range for every group in one grouped reduction."""
    g = frame.groupby(keys, observed=True, sort=True)
    low = g[f"{kind}_low"].sum()
    high = g[f"{kind}_high"].sum()
    is_open = g[f"{kind}_open"].any()
    # rows are incidents, or (DuckDB path) per-place sums that say how many incidents they hold
    size = g["incidents"].sum() if "incidents" in frame else g.size()
    return [(k, int(lo), None if bool(o) else int(hi), int(n))
            for k, lo, hi, o, n in zip(low.index, low.to_numpy(), high.to_numpy(), is_open.to_numpy(), size.to_numpy())]


def _sum_range(g: pd.DataFrame, kind: str) -> tuple[int, int | None]:
    low = int(g[f"{kind}_low"].sum())
    return low, None if g[f"{kind}_open"].any() else int(g[f"{kind}_high"].sum())


def _range_words(low: int, high: int | None) -> str:
    if high is None:
        return f"{low:,}+ ↑"
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"


MAX_BAR_LABELS = 60  # more bars than this in one chart: figures on hover instead of printed over the bars


def _range_bars(fig, x, lows, highs, *, kind: str, coarse: bool = False, orientation: str = "v", row=None,
                col=None, showlegend: bool = True, width=None, labels=None):
    """A dark bar up to the lowest figure and a light one from there up to the highest (nothing more
    when open-ended: the label says "N+ ↑"). Explicit bases, so bars never stack across groups.
    The labels are also each bar's hover text; beyond MAX_BAR_LABELS bars they are only that (printed,
    they would overlap)."""
    hover_text = [hover(t) for t in labels] if labels else None
    if labels and len(labels) > MAX_BAR_LABELS:
        labels = None
    dark, light = KILLED_COLORS if kind == "killed" else INJURED_COLORS
    noun = "killed" if kind == "killed" else "injured"
    pattern = dict(shape="/", fgcolor="#ffffff", size=7, solidity=0.4, fillmode="overlay") if coarse else None
    extra = [0 if h is None else h - lo for lo, h in zip(lows, highs)]
    tag = ", dated only to a month (hatched)" if coarse else ""
    for values, base, colour, name in ((lows, [0] * len(lows), dark, f"{noun}: lowest figure{tag}"),
                                       (extra, lows, light, f"{noun}: up to the highest figure{tag}")):
        xy = dict(x=x, y=values) if orientation == "v" else dict(x=values, y=x)
        fig.add_trace(go.Bar(**xy, base=base, orientation=orientation, name=name, marker_color=colour,
                             marker_pattern=pattern, marker_line=dict(width=0.6, color=dark),
                             width=width, showlegend=showlegend, legendgroup=name,
                             **(dict(hovertext=hover_text, hoverinfo="text") if hover_text else dict(hoverinfo="skip"))),
                      row=row, col=col)
    if labels:
        tops = [lo if h is None else h for lo, h in zip(lows, highs)]
        xy = dict(x=x, y=tops) if orientation == "v" else dict(x=tops, y=x)
        fig.add_trace(go.Scatter(**xy, mode="text", text=labels, showlegend=False, hoverinfo="skip",
                                 textposition="top center" if orientation == "v" else "middle right",
                                 textfont=dict(size=12.5, color="#222"), cliponaxis=False), row=row, col=col)


def _coarse_period(start: pd.Timestamp, precision: str) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    if precision == "year":
        return start, start + pd.offsets.YearEnd(0) + pd.Timedelta(days=1), f"{start:%Y} (year only)"
    return start, start + pd.offsets.MonthEnd(0) + pd.Timedelta(days=1), f"{start:%b %Y} (month only)"


def _casualty_bars(fig, stated: pd.DataFrame, kind: str, freq: str, row=None, col=None,
                   showlegend: bool = True) -> tuple[list, list]:
    """Add range bars per day/week (and hatched month-wide bars for month-dated incidents);
    return the x edges and bar tops drawn, to size the axes."""
    coarse = stated["date_precision"].isin(["month", "year"])
    span = pd.Timedelta(days=7 if freq == "week" else 1)
    edges, tops = [], []
    wide = stated[coarse]
    if not wide.empty:
        # One bar per month or year, from its first day (whatever day of it a report was dated).
        prec = wide["date_precision"].astype(str)
        begins = wide["event_date"].dt.to_period("M").dt.start_time.where(
            prec != "year", wide["event_date"].dt.to_period("Y").dt.start_time)
        sums = [(*_coarse_period(d, str(p)), lo, hi) for (d, p), lo, hi, _ in _sum_ranges(wide, [begins, prec], kind)]
        _range_bars(fig, [a + (b - a) / 2 for a, b, *_ in sums], [s[3] for s in sums], [s[4] for s in sums],
                    kind=kind, coarse=True, width=[(b - a).total_seconds() * 1000 * 0.97 for a, b, *_ in sums],
                    labels=[f"{_range_words(lo, hi)} · {what}" for _, _, what, lo, hi in sums],
                    row=row, col=col, showlegend=showlegend)
        edges += [a for a, *_ in sums] + [b for _, b, *_ in sums]
        tops += [lo if hi is None else hi for *_, lo, hi in sums]
    fine = stated[~coarse]
    if not fine.empty:
        sums = [(p, lo, hi) for p, lo, hi, _ in _sum_ranges(fine, _period(fine["event_date"], freq), kind)]
        _range_bars(fig, [p + span / 2 for p, *_ in sums], [s[1] for s in sums], [s[2] for s in sums],
                    kind=kind, width=span.total_seconds() * 1000 * 0.8,
                    labels=[_range_words(lo, hi) for _, lo, hi in sums], row=row, col=col, showlegend=showlegend)
        edges += [p for p, *_ in sums] + [p + span for p, *_ in sums]
        tops += [lo if hi is None else hi for _, lo, hi in sums]
    return edges, tops


def _stated(counted: pd.DataFrame, kind: str, keys: list[str]) -> pd.DataFrame:
    """The incidents that state a figure of `kind`, with only the columns a chart sums (selecting rows of
    every column of a large table would copy its text columns for nothing)."""
    cols = keys + [f"{kind}_low", f"{kind}_high", f"{kind}_open"] + (["incidents"] if "incidents" in counted else [])
    return counted.loc[counted[f"{kind}_low"].notna().to_numpy(dtype=bool), cols]


LABEL_BOX = dict(plot_width=760, plot_height=300, char_width=7.0, line_height=17.0)  # px, as the page draws it


def _thin_labels(fig, x_range: tuple, y_top: float) -> int:
    """Blank the printed bar labels that would overlap another label or a taller bar beside their own:
    the tallest bars keep theirs, a label is kept only when its box (estimated in pixels at the page's
    usual size) clears every label kept so far and every taller bar. The figures stay in each bar's
    hover text. Returns how many labels were blanked."""
    x0, x1 = (pd.Timestamp(v).value for v in x_range)
    if x1 <= x0 or y_top <= 0:
        return 0
    b = LABEL_BOX
    found = []
    for k, tr in enumerate(fig.data):
        if tr.type == "scatter" and tr.mode == "text" and tr.text is not None:
            for j, (x, y, t) in enumerate(zip(tr.x, tr.y, tr.text)):
                found.append((float(y), k, j, (pd.Timestamp(x).value - x0) / (x1 - x0) * b["plot_width"], str(t)))
    bars = [(cx, y / y_top * b["plot_height"]) for y, _, _, cx, _ in found]  # each label sits on its bar's top
    kept, texts, hidden = [], {}, 0
    for y, k, j, cx, t in sorted(found, key=lambda f: -f[0]):
        w = b["char_width"] * len(t)
        cy = y / y_top * b["plot_height"]
        # over another label already kept, or across a taller bar beside its own
        if any(abs(cx - kx) < (w + kw) / 2 + 3 and abs(cy - ky) < b["line_height"] for kx, ky, kw in kept) or \
                any(abs(cx - bx) < w / 2 + 2 and by > cy + 1 for bx, by in bars):
            texts.setdefault(k, list(fig.data[k].text))[j] = ""
            hidden += 1
        else:
            kept.append((cx, cy, w))
    for k, t in texts.items():
        fig.data[k].text = t
    return hidden


def casualties_time_figure(counted: pd.DataFrame, kind: str = "killed", freq: str = "week") -> go.Figure | str:
    """Killed or injured per day or week, each incident once, as ranges. An incident dated only to a
    month is drawn hatched across its whole month, never on a day it may not have happened."""
    noun = "deaths" if kind == "killed" else "injuries"
    if counted.empty:
        return "No incidents pass the current filters, so there is no casualty chart."
    stated = _stated(counted, kind, ["event_date", "date_precision"])
    if stated.empty:
        return (f"None of the {len(counted)} incidents that pass the filters states a number of {noun}, "
                "so there is nothing to chart.")
    span = pd.Timedelta(days=7 if freq == "week" else 1)
    fig = go.Figure()
    edges, tops = _casualty_bars(fig, stated, kind, freq)
    if not any(tr.type == "scatter" and tr.mode == "text" for tr in fig.data):
        bars = sum(len(tr.x) for tr in fig.data if tr.type == "bar" and "lowest figure" in (tr.name or ""))
        fig.update_layout(title=dict(text=f"{bars:,} bars, too many to label: hover a bar for its figures",
                                     font=dict(size=12.5)))
    pad = max(span, pd.Timedelta(days=3))
    hidden = _thin_labels(fig, (min(edges) - pad, max(edges) + pad), (max(tops) or 1) * 1.2)
    if hidden:
        fig.update_layout(title=dict(text=f"{hidden:,} label(s) left out where bars stand close together: hover a "
                                          "bar for its figures", font=dict(size=12.5)))
    fig.update_layout(
        barmode="overlay", height=430, font=FONT, margin=dict(l=10, r=10, t=30, b=10), plot_bgcolor="white",
        xaxis=dict(title=("Week (bars start on Monday)" if freq == "week" else "Day"), type="date",
                   range=[min(edges) - pad, max(edges) + pad], tickformat="%d %b %Y", gridcolor="#eeeeee"),
        yaxis=dict(title=f"People {'killed' if kind == 'killed' else 'injured'} (each incident once)",
                   range=[0, (max(tops) or 1) * 1.2], gridcolor="#e5e5e5"),
        legend=dict(orientation="h", y=-0.22, x=0, traceorder="normal"),
    )
    return fig


def casualties_place_figure(counted: pd.DataFrame, kind: str = "killed", top: int = 20) -> go.Figure | str:
    """Killed or injured by place (incidents counted once), as ranges, the worst first."""
    noun = "deaths" if kind == "killed" else "injuries"
    stated = _stated(counted, kind, ["location"]) if not counted.empty else counted
    if stated.empty:
        return f"No incident that passes the filters states a number of {noun}, so there is no chart by place."
    # Category labels are plotly pseudo-HTML too: a place named "<b>x</b>" would be drawn bold, a link as a link.
    # (Escaped once per distinct place, not once per incident.)
    codes, places = pd.factorize(stated["location"])
    labels = np.array([hover(p) if isinstance(p, str) else "(no place stated)" for p in places] + ["(no place stated)"],
                      dtype=object)
    stated["place"] = labels[codes]  # code -1 (no place) reads the last label
    sums = _sum_ranges(stated, "place", kind)
    sums.sort(key=lambda s: (s[2] if s[2] is not None else math.inf, s[1]))  # worst at the top
    sums = sums[-top:]
    fig = go.Figure()
    _range_bars(fig, [s[0] for s in sums], [s[1] for s in sums], [s[2] for s in sums], kind=kind,
                orientation="h", width=0.6,
                labels=[f"  {_range_words(lo, hi)}  ({n} incident{'s' if n > 1 else ''})" for _, lo, hi, n in sums])
    right = max((s[2] if s[2] is not None else s[1]) for s in sums) or 1
    fig.update_layout(barmode="overlay", height=max(260, 70 + 42 * len(sums)), font=FONT,
                      margin=dict(l=10, r=10, t=30, b=10), plot_bgcolor="white",
                      xaxis=dict(title=f"People {'killed' if kind == 'killed' else 'injured'} (each incident once)",
                                 range=[0, right * 1.45], gridcolor="#e5e5e5"),
                      yaxis=dict(title="Place", type="category"),
                      legend=dict(orientation="h", y=-0.3 if len(sums) < 4 else -0.15, x=0))
    return fig


# ---------------------------------------------------------------- diplomacy

TALKS_COLORS = {"none": "#e0e0e0", "scheduled": "#c6dbef", "ongoing": "#6baed6", "stalled": "#fdd49e",
                "failed": "#ef6548", "concluded": "#74c476"}
CEASEFIRE_COLORS = {"none": "#e0e0e0", "agreed": "#c7e9c0", "holding": "#74c476", "strained": "#fdd49e",
                    "violated": "#fc8d59", "collapsed": "#d7301f", "expired": "#bdbdbd"}
STATE_WORDS = {"strained": "holding but strained"}
BAND_WORDS = {("talks", "none"): "no talks reported", ("ceasefire", "none"): "no ceasefire"}
LABEL_ROWS = 5  # rows of marker labels above a lane; more would climb into the lane above (seen in screenshots)
MAX_BAND_TRACES = 30  # more state changes than this in a lane: drawn as one trace
LANES = {"Talks": 6.0, "Ceasefire": 5.0, "Diplomatic events": 3.1, "Violence": 1.2}  # room above for labels


def _bands(status: DyadStatus, field: str, start: pd.Timestamp, end: pd.Timestamp) -> list[tuple]:
    """(from, to, state, reason) of each state a field went through, from its transitions."""
    changes = [t for t in status.transitions if t.field == field]
    out = []
    for i, t in enumerate(changes):
        a = pd.Timestamp(t.on)
        b = pd.Timestamp(changes[i + 1].on) if i + 1 < len(changes) else end + pd.Timedelta(days=1)
        if b > a:  # several changes on one day: only the last one lasts
            out.append((a, b, t.after, t.reason))
    if changes and pd.Timestamp(changes[0].on) > start:
        out.insert(0, (start, pd.Timestamp(changes[0].on), changes[0].before, "before the first report"))
    return out


def _stagger(items: list[tuple], px_per_day: float) -> list[int]:
    """Greedy label rows: a label moves to the next free row when it would overlap the last one."""
    ends: list[float] = []
    levels = []
    for x, text in items:
        width_days = (len(text) * 7.0 + 16) / px_per_day
        pos = x.timestamp() / 86400
        for level, last in enumerate(ends):
            if pos - width_days / 2 > last:
                ends[level] = pos + width_days / 2
                levels.append(level)
                break
        else:
            ends.append(pos + width_days / 2)
            levels.append(len(ends) - 1)
    return levels


def diplomacy_figure(rows: pd.DataFrame, status: DyadStatus) -> go.Figure | str:
    """Talks and ceasefire states as bands, diplomatic events and violence as labelled markers,
    and deaths per day beneath, for one dyad up to the status date."""
    if rows.empty or status.as_of is None:
        return "No events for this dyad up to the chosen date, so there is no timeline."
    as_of = pd.Timestamp(status.as_of)
    rows = rows[rows["event_date"] <= as_of]
    tolls = incident_tolls(rows, details=False)
    first = rows.groupby("incident_id", observed=True).first()
    start = rows["event_date"].min() - pd.Timedelta(days=2)
    days = max((as_of - start).days, 7)
    end = as_of + pd.Timedelta(days=max(3, round(days * 0.2)))  # room on the right for the latest labels
    px_per_day = 1000 / max((end - start).days, 1)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.72, 0.28], vertical_spacing=0.06)
    for lane, which, colours in (("Talks", "talks", TALKS_COLORS), ("Ceasefire", "ceasefire", CEASEFIRE_COLORS)):
        bands = _bands(status, which, start, as_of)
        # One trace per band; a long history (a busy dyad's hundreds of changes) as one trace per lane,
        # since plotly validates every add_trace.
        for group in ([bands] if len(bands) > MAX_BAND_TRACES else [[b] for b in bands]):
            words = [BAND_WORDS.get((which, st_), STATE_WORDS.get(st_, st_)) for _, _, st_, _ in group]
            fits = [(b - a).days * px_per_day > len(w) * 7.5 + 10 for (a, b, _, _), w in zip(group, words)]
            fig.add_trace(go.Bar(
                y=[LANES[lane]] * len(group), x=[(b - a).total_seconds() * 1000 for a, b, _, _ in group],
                base=[a for a, *_ in group], orientation="h", width=0.62,
                marker=dict(color=[colours.get(st_, "#dddddd") for _, _, st_, _ in group], line=dict(color="#555", width=0.6)),
                text=[w if f else f"  {w}" for w, f in zip(words, fits)],
                textposition=["inside" if f else "outside" for f in fits],
                insidetextanchor="middle", textfont=dict(size=13, color="#111"), cliponaxis=False,
                showlegend=False, customdata=[[lane, w, day(a), hover(reason)] for (a, _, _, reason), w in zip(group, words)],
                hovertemplate="%{customdata[0]}: %{customdata[1]} from %{customdata[2]}<br>why: %{customdata[3]}<extra></extra>"),
                row=1, col=1)
    # Markers: one per incident (several reports of one event are one marker).
    marks = []
    for _, t in tolls.iterrows():
        f = first.loc[t["incident_id"]]
        violent = t["event_type"] != "Strategic developments"
        action = _action_words(f["diplomatic_action"])
        if not violent and not action:
            continue
        toll = toll_range(t["killed_low"], t["killed_high"], t["killed_open"], t["killed_best"])
        place = f["location"] if isinstance(f["location"], str) else ""
        if violent:
            label = f"{toll} killed" if toll is not None else "clash (toll not stated)"
        else:
            label = action
        label = short(f"{label} · {place}" if place else label, 42)
        coarse = str(t["date_precision"]) in ("week", "month", "year")
        mediators = f["mediators"] if isinstance(f["mediators"], str) else ""
        info = (f"{hover(when(t['event_date'], t['date_precision']))}<br>{hover(label)}"
                + (f"<br>mediators: {hover(mediators.replace(';', ', '))}" if mediators else "")
                + f"<br>{t['reports']} report(s): {hover(short(f['source_quote'], 140))}")
        marks.append(dict(x=t["event_date"], lane="Violence" if violent else "Diplomatic events", label=label,
                          coarse=coarse, precision=str(t["date_precision"]), killed=(toll.best if toll else 0) or 0,
                          info=info, colour=TYPE_COLORS.get(str(t["event_type"]), "#444")))
    labels: list[dict] = []
    for lane in ("Diplomatic events", "Violence"):
        items = sorted([m for m in marks if m["lane"] == lane], key=lambda m: m["x"])
        levels = _stagger([(m["x"], m["label"]) for m in items], px_per_day)
        y = LANES[lane]
        for m in items:
            if m["coarse"]:  # an imprecise date: a line over its whole period, not a dot on day one
                period_end = (m["x"] + pd.offsets.MonthEnd(0) if m["precision"] == "month" else
                              m["x"] + pd.offsets.YearEnd(0) if m["precision"] == "year" else m["x"] + pd.Timedelta(days=6))
                # No hover of its own: the marker at its start tells the same, and a line's end point would
                # otherwise take the hover of another event's marker drawn on that day.
                fig.add_trace(go.Scatter(x=[m["x"], min(period_end, as_of)], y=[y, y], mode="lines",
                                         line=dict(color=m["colour"], width=7), opacity=0.55, showlegend=False,
                                         hoverinfo="skip"), row=1, col=1)
        if items:  # one trace and one batch of labels per lane: plotly validates each add_* call
            fig.add_trace(go.Scatter(x=[m["x"] for m in items], y=[y] * len(items), mode="markers", showlegend=False,
                                     marker=dict(size=[min(34, 11 + 2.2 * math.sqrt(m["killed"])) for m in items],
                                                 color=[m["colour"] for m in items],
                                                 symbol="diamond" if lane == "Diplomatic events" else "circle",
                                                 line=dict(color="#222", width=1)),
                                     customdata=[[m["info"]] for m in items], hovertemplate=HOVER), row=1, col=1)
            # No free row left (LABEL_ROWS): a label there would sit on another; the hover still tells.
            labels += [dict(x=m["x"], y=y, xref="x", yref="y", text=hover(m["label"]), showarrow=True, arrowhead=0,
                            arrowwidth=0.8, arrowcolor="#888", ax=0, ay=-(22 + 19 * level),
                            font=dict(size=11.5, color="#222"), bgcolor="rgba(255,255,255,0.85)")
                       for m, level in zip(items, levels) if level < LABEL_ROWS]
    fig.update_layout(annotations=list(fig.layout.annotations) + labels)
    # Deaths per day beneath (incidents once; month-dated ones hatched across their month).
    stated = tolls[tolls["killed_low"].notna() & (tolls["event_type"] != "Strategic developments")]
    _, tops = _casualty_bars(fig, stated, "killed", "day", row=2, col=1) if not stated.empty else ([], [])
    fig.add_vline(x=as_of.timestamp() * 1000, line=dict(color="#333", dash="dot", width=1))
    fig.add_annotation(x=as_of, y=1.02, yref="paper", text=f"status as of {day(as_of)}", showarrow=False,
                       font=dict(size=12), xanchor="right")
    fig.update_layout(height=720, font=FONT, barmode="overlay", plot_bgcolor="white", bargap=0.2,
                      margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.1, x=0, title_text="Deaths per day: "))
    fig.update_yaxes(row=1, col=1, tickvals=list(LANES.values()), ticktext=list(LANES), range=[0.7, 6.5],
                     showgrid=False, zeroline=False)
    fig.update_yaxes(row=2, col=1, title_text="killed per day", range=[0, (max(tops, default=0) or 1) * 1.35],
                     gridcolor="#e5e5e5")
    fig.update_xaxes(range=[start, end], type="date", tickformat="%d %b", gridcolor="#eeeeee")
    fig.update_xaxes(row=2, col=1, title_text="Date")
    return fig
