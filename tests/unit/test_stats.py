"""The stats domain: what an entry counts, the change a write makes, goals and their pace."""

from datetime import date

import pytest

from booklib.domain import stats
from booklib.domain.errors import ValidationError
from booklib.domain.model import Book, Entry, ReadingStatus, ReadThrough, UserBook


def entry(book_pages=None, **fields) -> Entry:
    return Entry(UserBook(id="e", user_id="u", book_id="b", **fields), Book(id="b", isbn=None, page_count=book_pages))


def test_every_finished_read_counts_with_the_effective_page_count():
    reads = (ReadThrough(date(2024, 1, 1), date(2024, 1, 31)), ReadThrough(None, date(2024, 2, 2)), ReadThrough(date(2024, 3, 1)))
    counted = stats.contribution(entry(book_pages=300, reads=reads, status=ReadingStatus.READING, tags=("A", "b")))
    assert counted == {"entries": 1, "status:reading": 1, "read:2024-01": 1, "read:2024-02": 1, "pages:2024-01": 300,
                       "pages:2024-02": 300, "yread:2024": 2, "ypages:2024": 600, "days:2024": 30, "timed:2024": 1, "tag:a": 1, "tag:b": 1}
    assert stats.contribution(entry(book_pages=300, page_count=120, reads=reads[:1]))["pages:2024-01"] == 120


def test_a_write_changes_only_what_it_changes():
    before = entry(rating=4, tags=("x",))
    assert stats.delta(before, entry(rating=4, tags=("x",), review="Nice")) == {}
    assert stats.delta(before, entry(rating=4.5, tags=("x",))) == {"rating:4": -1, "rating:4.5": 1}
    assert stats.delta(None, before) == stats.contribution(before)
    assert stats.delta(before, None) == {k: -v for k, v in stats.contribution(before).items()}
    assert stats.compute([before, before]) == stats.add_into(stats.contribution(before), stats.contribution(before))


@pytest.mark.parametrize("today, pace, expected", [
    (date(2024, 1, 31), "ahead", 1.0),  # 2 read, 1 expected
    (date(2024, 12, 31), "behind", 12.0),
    (date(2025, 6, 1), "behind", 12.0),  # a past year: the whole goal
    (date(2023, 6, 1), "ahead", 0.0),  # a year to come
])
def test_the_pace_of_a_goal(today, pace, expected):
    counters = {"read:2024-01": 2}
    goal = stats.view(counters, {2024: 12}, 2024, today)["goal"]
    assert goal["pace"] == pace and goal["expected_by_today"] == round(expected, 1) and goal["finished"] == 2


def test_a_goal_reached_is_done():
    assert stats.view({"read:2024-03": 5}, {2024: 5}, 2024, date(2024, 4, 1))["goal"]["pace"] == "done"


@pytest.mark.parametrize("raw", ["x", "1800", "12345", " ", "2024.5", -2024])
def test_bad_years(raw):
    with pytest.raises(ValidationError) as error:
        stats.parse_year(raw, date(2026, 1, 1))
    assert error.value.field == "year"


@pytest.mark.parametrize("raw, books", [(None, None), ("", None), (0, None), ("12", 12), (12.0, 12), (10_000, 10_000)])
def test_goals(raw, books):
    assert stats.parse_goal(raw) == books


@pytest.mark.parametrize("raw", [-1, 10_001, "many", 2.5, True])
def test_bad_goals(raw):
    with pytest.raises(ValidationError):
        stats.parse_goal(raw)
