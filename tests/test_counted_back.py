"""'Two days after <an act>, <someone> on Thursday ...': the act happened two days before the day the sentence
gives, not on it."""

import pandas as pd
import pytest

from tests.factories import read_story, violent


@pytest.mark.parametrize("sentence, day", [
    # Friday 14 March 2025: Thursday is the 13th.
    ("Three days after gunmen killed 12 villagers at a market in the north, the interior minister on Thursday "
     "announced new patrols along the highway, officials said.", "2025-03-10"),
    ("A week after militants ambushed an army convoy, killing nine soldiers, parliament on Thursday extended the "
     "state of emergency.", "2025-03-06"),
    # The day phrase belongs to the earlier act itself: no count back.
    ("Two days after gunmen attacked the village on Monday, killing four farmers, troops arrived in the area.",
     "2025-03-10"),
    # Inside a sentence, the day after the act is the act's own ("came a day after ..., late on Tuesday").
    ("The raids came a day after jets struck the port and a fuel depot, east of the city, late on Tuesday, "
     "killing three workers.", "2025-03-11"),
])
def test_an_act_counted_from_is_dated_back(tmp_path, sentence, day):
    rows = violent(read_story(tmp_path, "2025-03-14", sentence + "\n"))
    assert not rows.empty
    assert set(rows["event_date"]) == {pd.Timestamp(day)}, rows[["event_date", "source_quote"]]
