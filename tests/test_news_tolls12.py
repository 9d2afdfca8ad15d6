"""Rules of toll round 12 (issue 4: which figure belongs to which event, on unseen text). Classes of reporting
seen in several batches; every sentence here was written for the test about other conflicts, places and
figures, not taken from an article."""

import pandas as pd
import pytest

from loaders import tolls
from loaders.tolls import Count
from tests.factories import only, read_story, violent


# ----- the victims qualified before the verb: "<N> <victims> of/from <whose, where> were killed" -------------

@pytest.mark.parametrize("sentence, killed, injured", [
    ("Five herders from a nearby camp were killed when the drone hit the well.", Count(5, 5), None),
    ("Two nurses of the district clinic were wounded by shrapnel.", None, Count(2, 2)),
    ("Three employees of the water board were killed in the shelling.", Count(3, 3), None),
    ("Seven members of one family were killed and two of their neighbours were hurt.", Count(7, 7), Count(2, 2)),
    ("A reporter of a regional weekly was wounded near the front.", None, Count(1, 1)),
    ("Eight fishermen from the same village had been killed, the navy said.", Count(8, 8), None),
])
def test_victims_qualified_before_the_verb(sentence, killed, injured):
    toll = tolls.extract_toll(sentence)
    assert (toll.killed, toll.injured) == (killed, injured), toll.texts


@pytest.mark.parametrize("sentence", [
    "Two of the three bridges from the old town were damaged.",
    "Four days of the talks were lost to procedure.",
])
def test_a_qualified_figure_that_names_no_victims_is_no_toll(sentence):
    toll = tolls.extract_toll(sentence)
    assert toll.killed is None and toll.injured is None, toll.texts
