import pytest

from booklib.domain.errors import ValidationError
from booklib.domain.isbn import Isbn


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("9781761186769", "9781761186769"),
        ("978-1-76118-676-9", "9781761186769"),
        (" 978 1 76118 676 9 ", "9781761186769"),
        ("0-306-40615-2", "9780306406157"),  # ISBN-10 becomes ISBN-13
        ("080442957X", "9780804429573"),  # X check digit
        ("080442957x", "9780804429573"),
        ("ISBN 978-0-316-03057-1", "9780316030571"),
        ("9791032305690", "9791032305690"),  # 979 prefix
    ],
)
def test_valid_isbns_are_kept_as_isbn13(raw, expected):
    assert Isbn.parse(raw).value == expected


@pytest.mark.parametrize(
    "raw, says",
    [
        ("9781761186768", "check digit"),
        ("0306406153", "check digit"),
        ("4901234567894", "not an ISBN"),  # a valid EAN-13 of a product, not a book
        ("12345", "expected 10 or 13 digits"),
        ("97817611867AB", "expected 10 or 13 digits"),
        ("", "required"),
        (None, "required"),
    ],
)
def test_invalid_isbns_are_refused_with_a_reason(raw, says):
    with pytest.raises(ValidationError) as caught:
        Isbn.parse(raw)
    assert says in caught.value.message
    assert caught.value.field == "isbn"


def test_isbn10_form_is_available_for_978_only():
    assert Isbn.parse("9780306406157").isbn10 == "0306406152"
    assert Isbn.parse("9791032305690").isbn10 is None


@pytest.mark.parametrize("raw", ["978²306406157", "٩٧٨٠٣٠٦٤٠٦١٥٧", "９７８０３０６４０６１５７", "030640615①"])
def test_only_ascii_digits_make_an_isbn(raw):
    with pytest.raises(ValidationError):
        Isbn.parse(raw)


def test_an_error_quotes_only_a_short_prefix_of_the_input():
    with pytest.raises(ValidationError) as caught:
        Isbn.parse("9" * 2_000_000)
    assert len(caught.value.message) < 120
