"""Selecting on the Map page: a click, a box or a lasso on the map lists the selected reports under it.

The selection lives in the chart's widget state (st.plotly_chart on_select="rerun"). Streamlit cannot set a
chart's selection from Python, so "Clear selection" gives the chart a new key: a new widget, nothing selected.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

SELECTION_MODES = ("points", "box", "lasso")
_ROUND = "_faultline_map_round"  # session: bumped by "Clear selection"


def map_key() -> str:
    """The map chart's widget key in this session (changes when the selection is cleared)."""
    return f"map_{st.session_state.get(_ROUND, 0)}"


def clear_selection() -> None:
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1


def selected_keys(event) -> list[str]:
    """Marker keys (MapView.points['key']) of the selected points, in selection order, once each. Points of
    traces without keys (precision rings, the density shading, legend entries) are ignored."""
    points = ((event or {}).get("selection") or {}).get("points") or []
    keys = []
    for p in points:
        custom = p.get("customdata")
        if isinstance(custom, (list, tuple)) and len(custom) > 1 and custom[1] not in keys:
            keys.append(str(custom[1]))
    return keys


def selected_markers(event, points: pd.DataFrame) -> pd.DataFrame:
    """The rows of MapView.points that are selected (a marker stands for every report at its place)."""
    keys = selected_keys(event)
    return points[points["key"].isin(keys)] if keys and not points.empty else points.iloc[0:0]


def marker_ids(markers: pd.DataFrame) -> list[str]:
    """The event_ids behind these markers, once each."""
    return list(dict.fromkeys(i for ids in markers["event_ids"] for i in str(ids).split(";") if i))


def selection_note(n_reports: int, n_places: int, n_shown: int) -> str:
    """'3 reports selected at 2 places (of 40 reports that pass the filters).'"""
    return (f"**{n_reports:,} selected** — {n_reports:,} report(s) at {n_places:,} point(s) of the map "
            f"(of {n_shown:,} that pass the filters). Drag a box or lasso (tools at the map's top right) or click "
            "a point to change the selection; double-click the map or press *Clear selection* to start again.")
