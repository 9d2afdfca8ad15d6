"""loaders.schema.conform gives exactly what the plain pandas typing gives, for short frames (an
article's rows, typed on a fast path) and long ones, whatever mix of text, blanks and missing values."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from loaders import schema
from loaders.schema import COLUMNS, SMALL_FRAME, conform
from tests.factories import make_events

TEXT = [c for c, t in COLUMNS.items() if t == "string"]


def reference(df: pd.DataFrame) -> pd.DataFrame:
    """conform with its short-frame path switched off: every text column through pandas' astype and .str."""
    with patch.object(schema, "SMALL_FRAME", -1):
        return conform(df)


CELLS = st.sampled_from([None, np.nan, pd.NA, "", " ", "Kabul", "  Spin Boldak ", "Ürgün", "=1+1", 5, 1.5, True])


def base(n: int) -> pd.DataFrame:
    rows = [{"date": f"2025-10-{1 + i % 28:02d}", "type": "Battles", "location": "X", "lat": 1.0, "lon": 2.0,
             "iso3": "AFG", "killed": (i, i + 2)} for i in range(n)]
    return make_events(rows).astype(object)


@given(st.integers(min_value=0, max_value=12), st.data())
def test_text_columns_match_the_pandas_typing(n, data):
    frame = base(n)
    for col in TEXT:
        if data.draw(st.booleans()):
            frame[col] = data.draw(st.lists(CELLS, min_size=n, max_size=n)) if n else []
    pd.testing.assert_frame_equal(conform(frame), reference(frame))


def test_long_frames_and_typed_input_match_too():
    rng = np.random.default_rng(4)
    frame = base(SMALL_FRAME + 40)
    pool = np.array(["", "a", None, "b c", np.nan], dtype=object)
    for col in TEXT:
        frame[col] = pool[rng.integers(0, len(pool), len(frame))]
    pd.testing.assert_frame_equal(conform(frame), reference(frame))           # the pandas path
    small = frame.head(30)
    pd.testing.assert_frame_equal(conform(small), reference(small))           # the fast path
    typed = make_events([{"date": "2025-11-07", "type": "Battles", "location": "Spin Boldak"}])
    pd.testing.assert_frame_equal(conform(typed), reference(typed))           # already typed columns
    pd.testing.assert_frame_equal(conform(frame.head(0)), reference(frame.head(0)))
