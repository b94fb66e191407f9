"""The export writers: Goodreads' CSV layout plus booklib's columns, formulas neutralised, and the JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from booklib.domain import exporting
from booklib.domain.imports import BOOKLIB_EXTRA_COLUMNS, read_import
from booklib.domain.model import Book, Entry, ReadingStatus, ReadThrough, UserBook

GOODREADS_FIXTURE = Path(__file__).parent.parent / "fixtures" / "imports" / "goodreads_library_export.csv"
ADDED = datetime(2024, 3, 9, 22, 30, tzinfo=timezone.utc)
R = ReadingStatus


def entry(title: str | None = "Kindred", isbn: str | None = "9780807083697", **user_book) -> Entry:
    book = Book(id="b-" + (isbn or title or "x"), isbn=isbn, title=title, author="Octavia E. Butler", page_count=264)
    fields = {"status": R.TO_READ, "date_added": ADDED, **user_book}
    return Entry(UserBook(id="ub-" + book.id, user_id="u1", book_id=book.id, **fields), book)


def written(*entries: Entry) -> list[dict[str, str]]:
    text = exporting.csv_text(entries)
    return list(csv.DictReader(io.StringIO(text, newline="")))


def read(first: str, finish: str | None = None) -> ReadThrough:
    return ReadThrough(date.fromisoformat(first) if first else None, date.fromisoformat(finish) if finish else None)


# ---------------------------------------------------------------- the header


def test_the_header_is_goodreads_own_then_the_booklib_columns():
    goodreads_header = next(csv.reader(io.StringIO(GOODREADS_FIXTURE.read_text(encoding="utf-8"))))
    header = next(csv.reader(io.StringIO(exporting.csv_text([]))))
    assert header == goodreads_header + list(BOOKLIB_EXTRA_COLUMNS)
    assert header[-4:] == ["booklib Status", "booklib Rating", "booklib Reads", "booklib Tags"]


def test_an_empty_library_is_the_header_alone_in_utf8_without_bom():
    text = exporting.csv_text([])
    assert text.count("\r\n") == 1 and text.endswith("\r\n")
    assert not text.startswith("\ufeff")


def test_the_file_is_read_back_as_booklib_own_export():
    source, rows = read_import(exporting.csv_text([entry()]).encode("utf-8"))
    assert source == "booklib" and len(rows) == 1


# ---------------------------------------------------------------- the cells


def test_goodreads_cells_of_a_read_book():
    (row,) = written(
        entry(
            status=R.READ,
            rating=4,
            reads=(read("2021-08-01", "2021-08-20"), read("", "2023-01-02")),
            tags=("favourites", "sci-fi"),
            review="Loved it.",
            notes="Lent to Sam.",
        )
    )
    assert row["Title"] == "Kindred" and row["Author"] == "Octavia E. Butler"
    assert row["ISBN"] == "0807083690" and row["ISBN13"] == "9780807083697"  # plain digits, no ="…"
    assert row["My Rating"] == "4"
    assert row["Exclusive Shelf"] == "read"
    assert row["Bookshelves"] == "favourites, sci-fi"  # Goodreads does not repeat "read" there
    assert row["Date Read"] == "2023/01/02" and row["Date Added"] == "2024/03/09"
    assert row["Read Count"] == "2" and row["Number of Pages"] == "264"
    assert row["My Review"] == "Loved it." and row["Private Notes"] == "Lent to Sam."
    assert row["booklib Status"] == "read" and row["booklib Rating"] == "4"
    assert row["booklib Reads"] == "2021-08-01..2021-08-20; ..2023-01-02"
    assert row["booklib Tags"] == "favourites, sci-fi"
    for other in ("Book Id", "Author l-f", "Average Rating", "Publisher", "Bookshelves with positions", "BCID"):
        assert row[other] == ""


@pytest.mark.parametrize(
    "status, shelf, bookshelves",
    [
        (R.TO_READ, "to-read", "to-read, tbr"),
        (R.READING, "currently-reading", "currently-reading, tbr"),
        (R.READ, "read", "tbr"),
        (R.DID_NOT_FINISH, "did-not-finish", "did-not-finish, tbr"),
    ],
)
def test_statuses_are_goodreads_shelves_and_did_not_finish_a_custom_one(status, shelf, bookshelves):
    (row,) = written(entry(status=status, tags=("tbr",)))
    assert row["Exclusive Shelf"] == shelf
    assert row["Bookshelves"] == bookshelves
    assert row["booklib Status"] == status.value


def test_a_tag_named_like_an_exclusive_shelf_stays_out_of_bookshelves_only():
    (row,) = written(entry(status=R.READ, tags=("to-read", "Currently Reading", "Did-Not-Finish", "keep")))
    assert row["Bookshelves"] == "keep"
    assert row["booklib Tags"] == "to-read, Currently Reading, Did-Not-Finish, keep"


@pytest.mark.parametrize(
    "rating, stars, exact",
    [(None, "0", ""), (0.5, "1", "0.5"), (1, "1", "1"), (3.5, "3", "3.5"), (4.5, "4", "4.5"), (5, "5", "5")],
)
def test_half_stars_round_down_in_my_rating_and_stay_exact_in_booklib_rating(rating, stars, exact):
    (row,) = written(entry(rating=rating))
    assert (row["My Rating"], row["booklib Rating"]) == (stars, exact)


def test_reads_with_unknown_days_and_an_open_read():
    reads = (read("", ""), read("2020-01-01", "2020-02-01"), read("2024-05-01"))
    (row,) = written(entry(status=R.READING, reads=reads))
    assert row["booklib Reads"] == "..; 2020-01-01..2020-02-01; 2024-05-01.."
    assert row["Date Read"] == "2020/02/01"  # the latest finish, though the last read is still open
    assert row["Read Count"] == "3"


def test_no_reads_no_tags_no_rating_no_isbn_no_pages():
    (row,) = written(entry(isbn=None, status=R.TO_READ))
    assert row["ISBN"] == row["ISBN13"] == ""
    assert row["Date Read"] == "" and row["Read Count"] == "0"
    assert row["booklib Reads"] == row["booklib Tags"] == row["booklib Rating"] == ""


def test_a_979_isbn_has_no_isbn10():
    (row,) = written(entry(isbn="9791032305690"))
    assert row["ISBN"] == "" and row["ISBN13"] == "9791032305690"


def test_commas_quotes_and_line_breaks_in_texts():
    review = 'She said, "read it".\r\nSecond line\nthird\rfourth'
    (row,) = written(entry(title='Kindred, "a novel"\nsecond line', review=review, notes="a; b, c"))
    assert row["Title"] == 'Kindred, "a novel"\nsecond line'
    assert row["My Review"] == 'She said, "read it".<br/>Second line<br/>third<br/>fourth'  # as Goodreads writes it
    assert row["Private Notes"] == "a; b, c"


def test_unicode_is_written_as_utf8():
    (row,) = written(entry(title="Les Misérables — 悲惨世界", review="👍"))
    assert row["Title"] == "Les Misérables — 悲惨世界" and row["My Review"] == "👍"


# ---------------------------------------------------------------- formula injection


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(start):
    text = start + 'HYPERLINK("http://evil.example","x")'
    (row,) = written(
        entry(title=text, review=text, notes=text, tags=(start.strip() + "tag" if start.strip() else "tag",))
    )
    assert row["Title"] == "'" + text
    # In a review and in notes a line break is written <br/>, which no spreadsheet runs.
    long_text = text if start != "\r" else "<br/>" + text[1:]
    assert row["My Review"] == row["Private Notes"] == ("'" if start != "\r" else "") + long_text
    if start.strip():
        assert row["booklib Tags"] == "'" + start + "tag"


def test_no_cell_of_the_file_starts_a_formula():
    evil = "=cmd|' /C calc'!A0"
    entries = [
        entry(title=evil, isbn=None, review="-1+1", notes="@SUM(A1)", tags=("+tag", "=x")),
        entry(title="+33 stories", isbn="9780807083697", status=R.DID_NOT_FINISH, tags=("-minus",)),
        entry(
            title="@home", isbn="9791032305690", status=R.READ, rating=4.5, reads=(read("2020-01-01", "2020-01-02"),)
        ),
    ]
    for record in csv.reader(io.StringIO(exporting.csv_text(entries), newline="")):
        for cell in record:
            assert not cell.startswith(exporting.FORMULA_STARTS), cell


def test_harmless_texts_are_unchanged():
    for text in ("Dune", "'quoted'", " spaced", "1984", "a=b", "x-y", "", "#1"):
        assert exporting.neutralised(text) == text


def test_a_neutralised_cell_comes_back_as_it_was():
    data = exporting.csv_text([entry(title="-ism", isbn=None, review="- bullet", tags=("@home", "ok"))]).encode()
    row = read_import(data)[1][0]
    assert (row.title, row.review, row.tags) == ("-ism", "- bullet", ("@home", "ok"))


# ---------------------------------------------------------------- the JSON and the filename


def test_the_json_holds_every_field_of_every_entry():
    entries = [
        entry(status=R.READ, rating=4.5, tags=("a",), reads=(read("2020-01-01", "2020-01-02"),)),
        entry(isbn=None),
    ]
    at = datetime(2026, 5, 21, 8, 0, tzinfo=timezone.utc)
    document = json.loads(exporting.json_text("ann", "ann@example.org", entries, at))
    assert document == {
        "exported_at": "2026-05-21T08:00:00+00:00",
        "user": {"username": "ann", "email": "ann@example.org"},
        "entries": [item.to_dict() for item in entries],
    }


def test_the_filename_is_the_day_of_the_export():
    at = datetime(2026, 1, 2, 23, 59, tzinfo=timezone.utc)
    assert exporting.filename(at, "csv") == "booklib-export-2026-01-02.csv"


def test_a_big_library_is_written_in_chunks():
    chunks = list(exporting.csv_chunks([entry(title=f"Book {n}") for n in range(1200)], rows_per_chunk=500))
    assert len(chunks) == 3
    assert len(list(csv.reader(io.StringIO("".join(chunks), newline="")))) == 1201
