import pytest

from booklib.domain.errors import ValidationError
from booklib.domain.model import (
    ListQuery,
    ReadingStatus,
    Sort,
    normalize_email,
    normalize_username,
    parse_rating,
)


@pytest.mark.parametrize("raw, value", [(None, None), ("", None), (1, 1), ("5", 5), (3.0, 3), (4.5, 4.5), ("0.5", 0.5)])
def test_rating_accepts_empty_or_half_steps_from_half_to_five(raw, value):
    assert parse_rating(raw) == value


@pytest.mark.parametrize("raw", [0, 6, "six", 2.25, 4.3, 5.5, True, "-1", 0.0])
def test_rating_refuses_anything_else(raw):
    with pytest.raises(ValidationError):
        parse_rating(raw)


def test_status_parses_the_three_values_only():
    assert ReadingStatus.parse("Reading") is ReadingStatus.READING
    with pytest.raises(ValidationError, match="to-read, reading, read"):
        ReadingStatus.parse("finished")


@pytest.mark.parametrize("name", ["abc", "a_b.c-d", "x" * 30, "Ünï"[:0] + "user123"])
def test_usernames_allowed(name):
    assert normalize_username(name) == name


@pytest.mark.parametrize("name", ["ab", "x" * 31, "has space", "semi;colon", "émile", ""])
def test_usernames_refused(name):
    with pytest.raises(ValidationError):
        normalize_username(name)


def test_email_is_lowercased_and_checked():
    assert normalize_email(" Ann@Example.ORG ") == "ann@example.org"
    for bad in ["nope", "a@b", "a b@c.d", "@x.org"]:
        with pytest.raises(ValidationError):
            normalize_email(bad)


def test_list_query_validates_its_parameters():
    query = ListQuery.parse(status="read", q="  dune ", sort="title", limit="10")
    assert (query.status, query.q, query.sort, query.limit) == (ReadingStatus.READ, "dune", Sort.TITLE, 10)
    for bad in [dict(limit="0"), dict(limit="101"), dict(limit="ten"), dict(sort="price"), dict(status="lost")]:
        with pytest.raises(ValidationError):
            ListQuery.parse(**bad)
