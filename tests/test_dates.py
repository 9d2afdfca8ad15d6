"""Date phrases resolve against publication and the story's own dates."""

from datetime import date

import pytest

from loaders.textdates import find_dates, period_end

PUB = date(2025, 11, 8)  # a Saturday


def one(text, published=PUB, anchor=None):
    found = find_dates(text, published, anchor)
    assert len(found) == 1, found
    return found[0].day, found[0].precision


@pytest.mark.parametrize("text, day, precision", [
    ("On November 8, talks failed.", date(2025, 11, 8), "day"),
    ("signed in Doha on October 19.", date(2025, 10, 19), "day"),
    ("on 19 October 2025", date(2025, 10, 19), "day"),
    ("clashes on Thursday", date(2025, 11, 6), "day"),
    ("late Friday", date(2025, 11, 7), "day"),
    ("on Saturday", date(2025, 11, 8), "day"),
    ("overnight", date(2025, 11, 7), "day"),
    ("yesterday", date(2025, 11, 7), "day"),
    ("the deadliest clashes in October", date(2025, 10, 1), "month"),
    ("last month", date(2025, 10, 1), "month"),
    ("Earlier, the minister said", date(2025, 11, 8), "week"),  # SPEC §5: the publication date, week precision
    ("earlier this week", date(2025, 11, 3), "week"),  # the calendar week of publication, from its Monday
    ("last week", date(2025, 10, 27), "week"),  # the calendar week before publication's, from its Monday
    ("a week ago", date(2025, 11, 1), "week"),
    ("in October last year", date(2024, 10, 1), "month"),
    ("in March this year", date(2025, 3, 1), "month"),
    ("since 2021", date(2021, 1, 1), "year"),
])
def test_phrases(text, day, precision):
    assert one(text) == (day, precision)


def test_a_day_earlier_counts_from_the_story_date():
    assert one("a day earlier, the minister said", anchor=date(2025, 11, 8)) == (date(2025, 11, 7), "day")


def test_a_day_earlier_counts_from_the_sentence_own_day():
    found = find_dates("The army said on Wednesday that jets struck a day earlier.", date(2025, 2, 6))
    assert [(d.text, d.day) for d in found] == [("on Wednesday", date(2025, 2, 5)), ("a day earlier", date(2025, 2, 4))]


def test_month_without_year_is_the_latest_before_publication():
    assert one("fighting in December", published=date(2025, 2, 6)) == (date(2024, 12, 1), "month")


def test_next_weekday_looks_forward():
    assert one("talks resume next Monday") == (date(2025, 11, 10), "day")


def test_without_publication_only_absolute_dates_resolve():
    assert find_dates("on Thursday", None) == []
    assert one("on 2025-10-19", published=None) == (date(2025, 10, 19), "day")


def test_period_end():
    assert period_end(date(2025, 10, 1), "month") == date(2025, 10, 31)
    assert period_end(date(2025, 11, 8), "week") == date(2025, 11, 14)
