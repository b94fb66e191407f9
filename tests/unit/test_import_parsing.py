"""Export files → ImportRows: the real exports in tests/fixtures/imports/, and files made here for each rule."""

from __future__ import annotations

import ast
import csv
import io
import json
import random
from datetime import date
from pathlib import Path

import pytest

from booklib.domain.imports import (
    BOOKLIB_EXTRA_COLUMNS,
    LONG_TEXT_LIMIT,
    NO_ISBN_NO_TITLE,
    ImportRow,
    UnknownLayoutError,
    read_import,
)
from booklib.domain.model import FIELD_LIMITS, ReadingStatus, ReadThrough

FIXTURES = Path(__file__).parent.parent / "fixtures"
IMPORTS = FIXTURES / "imports"
R = ReadingStatus


def fixture_rows(name: str) -> tuple[str, list[ImportRow]]:
    return read_import((IMPORTS / name).read_bytes())


def csv_bytes(header: list[str], rows: list[dict], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue().encode(encoding)


def one(data: bytes) -> ImportRow:
    _, rows = read_import(data)
    assert len(rows) == 1
    return rows[0]


def finished(*days: str) -> tuple[ReadThrough, ...]:
    return tuple(ReadThrough(None, date.fromisoformat(day)) for day in days)


# ---------------------------------------------------------------- the real exports


@pytest.mark.parametrize(
    "name, source, count",
    [
        ("goodreads_library_export.csv", "goodreads", 200),
        ("goodreads_export_23_columns.csv", "goodreads", 867),
        ("storygraph_export.csv", "storygraph", 193),
    ],
)
def test_every_row_of_a_real_export_is_accounted_for(name, source, count):
    found_source, rows = fixture_rows(name)
    with open(IMPORTS / name, encoding="utf-8-sig", newline="") as file:
        records = list(csv.DictReader(file))
    assert found_source == source
    assert len(rows) == len(records) == count
    assert [row.row for row in rows] == list(range(1, count + 1))
    for row, record in zip(rows, records):
        assert (row.skip_reason is None) == bool(row.isbn or row.title)
        assert row.title == (record["Title"].strip() or None)
        assert row.reads == tuple(sorted(row.reads, key=lambda r: r.started_on or r.finished_on))
    assert all(row.skip_reason is None for row in rows)  # every real row has a title


def test_goodreads_31_columns_spot_checks():
    _, rows = fixture_rows("goodreads_library_export.csv")
    antiracist = rows[0]  # ="0525509283" / ="9780525509288", currently-reading, My Rating 0
    assert antiracist.isbn == "9780525509288"
    assert antiracist.author == "Ibram X. Kendi"
    assert antiracist.status is R.READING
    assert antiracist.rating is None
    assert antiracist.tags == (
        "authors-of-color",
        "black-authors-read",
        "books-that-changed-how-i-think",
        "check-your-privilege",
        "covid-reading",
        "non-fiction",
    )  # "currently-reading" is the status, not a tag
    assert antiracist.page_count == 305
    assert antiracist.date_added == date(2020, 5, 20)
    assert antiracist.reads == ()

    no_isbn = rows[1]  # ISBN ="" and ISBN13 ="": an entry from its title and author
    assert no_isbn.isbn is None and no_isbn.skip_reason is None
    assert no_isbn.title.startswith("It Walks by Night")
    assert no_isbn.status is R.TO_READ and no_isbn.tags == ()

    wont_finish = rows[145]  # Exclusive Shelf "wont-finish", My Rating 1, Date Read 2020/04/02
    assert wont_finish.title == "Children of the Mind (Ender's Saga, #4)"
    assert wont_finish.status is R.DID_NOT_FINISH
    assert wont_finish.tags == ()
    assert wont_finish.rating == 1
    assert wont_finish.reads == finished("2020-04-02")

    comics = rows[183]  # a review with <br/>
    assert comics.review.startswith("Did you know:\n- That Superman")
    assert "<br" not in comics.review
    assert comics.rating == 3

    reread = rows[195]  # Read Count 2, Date Read 2018/07/20: one read-through, none invented
    assert reread.title == "Adventure Time Vol. 6"
    assert reread.reads == finished("2018-07-20")
    assert reread.review == "Seriously so good"

    read_undated = rows[194]  # read, Read Count 2, no Date Read: status read, no read-throughs
    assert read_undated.status is R.READ and read_undated.reads == ()
    assert read_undated.tags == ("graphic-novels-n-comics", "2019", "2020", "under-1000-reviews")


def test_goodreads_23_columns_spot_checks():
    _, rows = fixture_rows("goodreads_export_23_columns.csv")
    first = rows[0]
    assert (first.isbn, first.status, first.page_count) == ("9781917226097", R.READ, 160)
    assert first.reads == finished("2026-05-21")
    assert first.rating is None and first.tags == ()

    zero_pages = rows[1]  # Number of Pages 0, ISBN ="", Exclusive Shelf to-read
    assert zero_pages.page_count is None and zero_pages.isbn is None and zero_pages.status is R.TO_READ

    assert rows[2].title == "Shakespeare Sözlüğü" and rows[2].isbn == "9786253840402"

    atomic = rows[19]  # Bookshelves "bought, favorites", Read Count 2
    assert atomic.tags == ("bought", "favorites")
    assert atomic.rating == 5
    assert atomic.reads == finished("2021-04-27")

    toefl = rows[827]  # ISBN ="007176657X", ISBN13 ="": the ISBN-10 converted
    assert toefl.isbn == "9780071766579"

    turkish_reviews = [row for row in rows if row.review]
    assert len(turkish_reviews) == 28 and all("<br" not in row.review for row in turkish_reviews)


def test_storygraph_spot_checks():
    _, rows = fixture_rows("storygraph_export.csv")
    by_row = {row.row: row for row in rows}
    assert by_row[1].isbn == "9780802148049" and by_row[1].author == "Douglas Stuart" and by_row[1].status is R.TO_READ
    assert by_row[1].date_added == date(2021, 7, 17)
    assert by_row[120].author == "David J. Bland, Alexander Osterwalder"  # several authors kept as written

    assert by_row[179].rating == 4  # Star Rating 3.75: a tie, rounded up
    assert by_row[188].rating == 4.5  # 4.25 → 4.5
    assert by_row[140].rating == 4.5
    assert by_row[182].rating == 5 and by_row[182].isbn is None and by_row[182].skip_reason is None

    assert by_row[15].reads == (ReadThrough(date(2025, 5, 26), date(2025, 6, 11)),)
    assert by_row[140].reads == finished("2023-03-20")  # a single date is the finish

    dnf = by_row[189]
    assert dnf.status is R.DID_NOT_FINISH and dnf.tags == ("almost-finished",) and dnf.reads == finished("2021-07-11")
    assert by_row[89].tags == ("economics",)

    asin = by_row[191]  # ISBN/UID B07MNWKF2M
    assert asin.isbn is None and asin.title == "The Sword of Kaigen" and asin.skip_reason is None
    assert by_row[72].isbn is None  # "38549081" is no ISBN
    assert by_row[72].warnings == ("ISBN/UID '38549081' ignored: not a valid ISBN",)
    assert by_row[126].isbn == "9788418897825"  # ISBN-10 8418897821 converted
    assert by_row[152].isbn == "9780140143508"  # 140143505: the ISBN-10 0140143505 with its leading 0 lost

    reversed_range = by_row[136]  # Dates Read "2025/04/14-2025/04/04" (finishes before it starts)
    assert reversed_range.reads == finished("2025-04-04")
    assert "finishes before it starts" in reversed_range.warnings[0]


# ---------------------------------------------------------------- Goodreads layouts

GOODREADS_31 = (IMPORTS / "goodreads_library_export.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
GOODREADS_23 = (IMPORTS / "goodreads_export_23_columns.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
GOODREADS_24 = GOODREADS_23[:8] + ["Average Rating"] + GOODREADS_23[8:]

BOOKS = [
    {
        "Book Id": "1",
        "Title": "Kindred",
        "Author": "Octavia E. Butler",
        "ISBN": '="0807083690"',
        "ISBN13": '="9780807083697"',
        "My Rating": "5",
        "Average Rating": "4.27",
        "Number of Pages": "264",
        "Date Read": "2020/03/01",
        "Date Added": "2020/01/15",
        "Bookshelves": "favorites, sci-fi",
        "Exclusive Shelf": "read",
        "My Review": "Stunning.<br/><br/>Read it.",
        "Private Notes": "lent to Sam",
        "Read Count": "1",
    },
    {
        "Book Id": "2",
        "Title": "Dune",
        "Author": "Frank Herbert",
        "ISBN": '="0441172717"',
        "ISBN13": '=""',
        "My Rating": "0",
        "Number of Pages": "0",
        "Date Added": "2021-02-03",
        "Bookshelves": "dnf",
        "Exclusive Shelf": "dnf",
    },
    {
        "Book Id": "3",
        "Title": "Piranesi",
        "Author": "Susanna Clarke",
        "ISBN": '=""',
        "ISBN13": '="9781635575637"',
        "Bookshelves": "owned-unread, fantasy",
        "Exclusive Shelf": "owned-unread",
        "Date Added": "2022/05/06",
    },
    {"Book Id": "4", "Title": "", "Author": "Nobody", "ISBN": '=""', "ISBN13": '=""', "Exclusive Shelf": "to-read"},
]
EXPECTED = [
    ("9780807083697", R.READ, 5, finished("2020-03-01"), ("favorites", "sci-fi"), "Stunning.\n\nRead it.", 264),
    ("9780441172719", R.DID_NOT_FINISH, None, (), (), None, None),
    ("9781635575637", R.TO_READ, None, (), ("fantasy", "owned-unread"), None, None),
    (None, R.TO_READ, None, (), (), None, None),
]


def check_goodreads_books(rows):
    assert [row.row for row in rows] == [1, 2, 3, 4]
    for row, (isbn, status, rating, reads, tags, review, pages) in zip(rows, EXPECTED):
        assert (row.isbn, row.status, row.rating, row.reads, set(row.tags), row.review, row.page_count) == (
            isbn,
            status,
            rating,
            reads,
            set(tags),
            review,
            pages,
        )
        assert row.warnings == ()
    assert rows[0].notes == "lent to Sam" and rows[0].date_added == date(2020, 1, 15)
    assert rows[1].date_added == date(2021, 2, 3)  # YYYY-MM-DD tolerated
    assert [row.skip_reason for row in rows] == [None, None, None, NO_ISBN_NO_TITLE]


@pytest.mark.parametrize("header", [GOODREADS_31, GOODREADS_24, GOODREADS_23], ids=["31", "24", "23"])
def test_every_goodreads_layout_reads_the_same(header):
    assert len(header) in (31, 24, 23)
    source, rows = read_import(csv_bytes(header, BOOKS))
    assert source == "goodreads"
    check_goodreads_books(rows)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_goodreads_columns_are_found_by_name_in_any_order(seed):
    header = list(GOODREADS_31)
    random.Random(seed).shuffle(header)
    source, rows = read_import(csv_bytes(header, BOOKS))
    assert source == "goodreads"
    check_goodreads_books(rows)


def test_goodreads_column_names_ignore_case_and_spaces():
    header = [" title", "AUTHOR ", "isbn13", "exclusive  shelf", "my_rating", "Bookshelves"]
    data = csv_bytes(header, [{}]).replace(b"\r\n", b"\r\n", 1)
    data += b'Kindred,Octavia E. Butler,="9780807083697",read,4,"a, b"\r\n'
    source, rows = read_import(data)
    assert source == "goodreads"
    assert rows[-1].isbn == "9780807083697" and rows[-1].rating == 4 and rows[-1].tags == ("a", "b")


@pytest.mark.parametrize(
    "shelf",
    [
        "dnf",
        "DNF",
        "did-not-finish",
        "did_not_finish",
        "abandoned",
        "dropped",
        "stopped-reading",
        "unfinished",
        "gave-up",
        "won't-finish",
        "never-finished",
        "couldnt-finish",
        "not-finished",
        "quit",
    ],
)
def test_exclusive_shelves_that_mean_not_finishing(shelf):
    row = one(csv_bytes(GOODREADS_23, [{"Title": "T", "Exclusive Shelf": shelf, "Bookshelves": shelf}]))
    assert row.status is R.DID_NOT_FINISH
    assert row.tags == ()


@pytest.mark.parametrize("shelf", ["owned", "paused", "almost-finished", "finished-2020", "book-club"])
def test_any_other_exclusive_shelf_waits_to_be_read_and_becomes_a_tag(shelf):
    row = one(csv_bytes(GOODREADS_23, [{"Title": "T", "Exclusive Shelf": shelf, "Bookshelves": ""}]))
    assert row.status is R.TO_READ
    assert row.tags == (shelf,)


def test_an_empty_exclusive_shelf_says_nothing():
    assert one(csv_bytes(GOODREADS_23, [{"Title": "T"}])).status is None


@pytest.mark.slow
def test_ten_thousand_goodreads_rows():  # the timing is benchmarked, not asserted
    books = [
        {**BOOKS[index % 3], "Book Id": str(index), "Title": f"Book {index}", "My Rating": str(index % 6)}
        for index in range(10_000)
    ]
    source, rows = read_import(csv_bytes(GOODREADS_31, books))
    assert source == "goodreads"
    assert len(rows) == 10_000 and rows[-1].row == 10_000 and rows[-1].title == "Book 9999"
    assert rows[5].rating == 5 and rows[6].rating is None


# ---------------------------------------------------------------- booklib's own export


BOOKLIB_HEADER = GOODREADS_24 + list(BOOKLIB_EXTRA_COLUMNS)


def test_booklib_export_round_trips_what_goodreads_columns_cannot():
    book = {
        "Title": "Kindred",
        "Author": "Octavia E. Butler",
        "ISBN13": '="9780807083697"',
        "My Rating": "5",
        "Exclusive Shelf": "did-not-finish",
        "Bookshelves": "favorites, sci-fi",
        "Date Read": "2022/02/03",
        "booklib Status": "did-not-finish",
        "booklib Rating": "4.5",
        "booklib Reads": "2021-08-01..2021-08-20; ..2022-02-03; 2024-05-01..; ..",
        "booklib Tags": "favorites, sci-fi, re-read",
    }
    source, rows = read_import(csv_bytes(BOOKLIB_HEADER, [book]))
    assert source == "booklib"
    row = rows[0]
    assert row.status is R.DID_NOT_FINISH and row.rating == 4.5
    assert row.reads == (
        ReadThrough(date(2021, 8, 1), date(2021, 8, 20)),
        ReadThrough(None, date(2022, 2, 3)),
        ReadThrough(date(2024, 5, 1), None),
        ReadThrough(None, None),
    )
    assert row.tags == ("favorites", "sci-fi", "re-read")
    assert row.warnings == ()


def test_booklib_empty_or_unreadable_cells_fall_back_to_the_goodreads_columns():
    book = {
        "Title": "Kindred",
        "ISBN13": "9780807083697",
        "My Rating": "3",
        "Exclusive Shelf": "read",
        "Bookshelves": "classics",
        "Date Read": "2020/01/02",
        "booklib Rating": "lots",
        "booklib Reads": "",
        "booklib Status": "",
        "booklib Tags": "",
    }
    row = one(csv_bytes(BOOKLIB_HEADER, [book]))
    assert (row.status, row.rating, row.reads, row.tags) == (R.READ, 3, finished("2020-01-02"), ("classics",))
    assert row.warnings == ("booklib Rating 'lots' ignored: not a number of stars",)


def test_one_booklib_column_is_enough_to_tell_the_source():
    header = ["Title", "Author", "Exclusive Shelf", "BOOKLIB_STATUS"]
    source, rows = read_import(
        csv_bytes(header, [{"Title": "T", "Exclusive Shelf": "read", "BOOKLIB_STATUS": "reading"}])
    )
    assert source == "booklib" and rows[0].status is R.READING


# ---------------------------------------------------------------- StoryGraph

STORYGRAPH = (IMPORTS / "storygraph_export.csv").read_text(encoding="utf-8").splitlines()[0].split(",")


def storygraph_row(**cells) -> ImportRow:
    book = {"Title": "T", "Authors": "A", "Read Status": "read", **{k.replace("_", " "): v for k, v in cells.items()}}
    return one(csv_bytes(STORYGRAPH, [book]))


def test_storygraph_rereads_become_several_read_throughs_oldest_first():
    row = storygraph_row(Dates_Read="2022/01/02-2022/02/03, 2021/08/01-2021/08/20, 2023/03/04", Read_Count="3")
    assert row.reads == (
        ReadThrough(date(2021, 8, 1), date(2021, 8, 20)),
        ReadThrough(date(2022, 1, 2), date(2022, 2, 3)),
        ReadThrough(None, date(2023, 3, 4)),
    )


def test_storygraph_last_date_read_when_dates_read_is_empty():
    assert storygraph_row(Last_Date_Read="2021/05/06").reads == finished("2021-05-06")


@pytest.mark.parametrize(
    "value, status",
    [
        ("to-read", R.TO_READ),
        ("currently-reading", R.READING),
        ("paused", R.READING),
        ("read", R.READ),
        ("did-not-finish", R.DID_NOT_FINISH),
        ("", None),
    ],
)
def test_storygraph_read_status(value, status):
    assert storygraph_row(Read_Status=value).status is status


def test_an_unknown_storygraph_status_is_noted():
    row = storygraph_row(Read_Status="reading-later")
    assert row.status is None and row.warnings == ("Read Status 'reading-later' ignored: not a StoryGraph read status",)


@pytest.mark.parametrize(
    "stars, rating",
    [("3.75", 4), ("3.25", 3.5), ("4.25", 4.5), ("4.75", 5), ("0.25", 0.5), ("3.5", 3.5), ("2", 2), ("", None)],
)
def test_storygraph_stars_to_the_nearest_half_ties_going_up(stars, rating):
    row = storygraph_row(Star_Rating=stars)
    assert row.rating == rating and type(row.rating) is type(rating)


@pytest.mark.parametrize("uid", ["B07MNWKF2M", "38549081", "9791234567890"])
def test_storygraph_ids_that_are_no_isbn(uid):
    row = storygraph_row(**{"ISBN/UID": uid})
    assert row.isbn is None and row.skip_reason is None


# ---------------------------------------------------------------- a simple CSV


def test_simple_csv_isbn_only():
    source, rows = read_import(b"ISBN\n978-0-306-40615-7\n0-306-40615-2\n\nnot an isbn\n")
    assert source == "csv"
    assert [row.isbn for row in rows] == ["9780306406157", "9780306406157", None]
    assert rows[2].skip_reason == NO_ISBN_NO_TITLE and rows[2].row == 3  # the blank line is not a row
    assert rows[0].status is None and rows[0].reads == ()


def test_simple_csv_title_and_author_only():
    source, rows = read_import(b"title,author\nKindred,Octavia E. Butler\n,Someone\n")
    assert source == "csv"
    assert (rows[0].isbn, rows[0].title, rows[0].author, rows[0].skip_reason) == (
        None,
        "Kindred",
        "Octavia E. Butler",
        None,
    )
    assert rows[1].skip_reason == NO_ISBN_NO_TITLE


def test_simple_csv_with_every_optional_column():
    data = (
        b"isbn,title,author,status,rating,date_read,tags,date_started,date_added,review,notes,page_count\n"
        b'9780807083697,Kindred,Butler,Read,4.5,2020-03-01,"sci-fi, classics",2020-02-01,2020-01-01,Great,Mine,264\n'
        b"9780441172719,Dune,Herbert,did not finish,,,,,,,,\n"
        b"9781635575637,Piranesi,Clarke,reading,0,,,2024-01-02,,,,\n"
    )
    source, rows = read_import(data)
    assert source == "csv"
    kindred, dune, piranesi = rows
    assert kindred.status is R.READ and kindred.rating == 4.5 and kindred.tags == ("sci-fi", "classics")
    assert kindred.reads == (ReadThrough(date(2020, 2, 1), date(2020, 3, 1)),)
    assert (kindred.date_added, kindred.review, kindred.notes, kindred.page_count) == (
        date(2020, 1, 1),
        "Great",
        "Mine",
        264,
    )
    assert dune.status is R.DID_NOT_FINISH
    assert piranesi.status is R.READING and piranesi.rating is None
    assert piranesi.reads == (ReadThrough(date(2024, 1, 2), None),)
    assert all(row.warnings == () for row in rows)


def test_simple_csv_semicolon_separated():
    data = "Title;Author;Status;Rating;Date Read;Tags\nKindred;Octavia E. Butler;read;4,5;2020/03/01;sci-fi, classics\n"
    source, rows = read_import(data.encode("cp1252"))
    assert source == "csv"
    assert (rows[0].title, rows[0].rating, rows[0].reads, rows[0].tags) == (
        "Kindred",
        4.5,
        finished("2020-03-01"),
        ("sci-fi", "classics"),
    )


def test_simple_csv_tab_separated():
    _, rows = read_import(b"isbn\ttitle\n9780807083697\tKindred\n")
    assert rows[0].isbn == "9780807083697" and rows[0].title == "Kindred"


def test_a_header_only_file_has_no_rows():
    assert read_import(b"isbn\r\n") == ("csv", [])
    assert read_import(",".join(GOODREADS_31).encode() + b"\n") == ("goodreads", [])


# ---------------------------------------------------------------- unknown layouts


def png_bytes() -> bytes:
    return next(FIXTURES.glob("barcodes/*.png")).read_bytes()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(png_bytes(), id="png"),
        pytest.param(json.dumps([{"isbn": "9780807083697"}]).encode(), id="json"),
        pytest.param(b"Lorem ipsum dolor sit amet.\nConsectetur adipiscing elit.\n", id="text"),
        pytest.param(b"name,price,quantity\nwidget,3.50,4\n", id="unrelated-csv"),
        pytest.param(b"title,year\nKindred,1979\n", id="title-without-author"),
        pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4, id="jpeg"),
    ],
)
def test_unknown_layouts_are_refused_with_the_known_ones_named(data):
    with pytest.raises(UnknownLayoutError) as caught:
        read_import(data)
    message = str(caught.value)
    for needed in (
        "Goodreads",
        "Exclusive Shelf",
        "StoryGraph",
        "ISBN/UID",
        "Read Status",
        "booklib Status",
        "isbn",
        "title and author",
    ):
        assert needed in message
    assert isinstance(caught.value, ValueError)


def test_the_error_names_the_columns_found():
    with pytest.raises(UnknownLayoutError, match="'name', 'price', 'quantity'") as caught:
        read_import(b"name,price,quantity\nwidget,3.50,4\n")
    assert caught.value.columns == ["name", "price", "quantity"]


# ---------------------------------------------------------------- values that cannot be read


def test_unreadable_values_are_dropped_with_a_note_and_the_row_kept():
    book = {
        "Title": "Kindred",
        "ISBN13": '="9780807083698"',
        "ISBN": "12345",
        "My Rating": "abc",
        "Date Read": "31/31/2020",
        "Date Added": "2020/02/30",
        "Number of Pages": "-5",
        "Exclusive Shelf": "read",
    }
    row = one(csv_bytes(GOODREADS_23, [book]))
    assert row.skip_reason is None and row.title == "Kindred" and row.status is R.READ
    assert (row.isbn, row.rating, row.reads, row.date_added, row.page_count) == (None, None, (), None, None)
    assert row.warnings == (
        "ISBN13 '9780807083698' ignored: not a valid ISBN",
        "ISBN '12345' ignored: not a valid ISBN",
        "My Rating 'abc' ignored: not a number of stars",
        "Date Read '31/31/2020' ignored: not a date (YYYY/MM/DD or YYYY-MM-DD)",
        "Number of Pages '-5' ignored: not a page count",
        "Date Added '2020/02/30' ignored: not a date (YYYY/MM/DD or YYYY-MM-DD)",
    )


@pytest.mark.parametrize("stars", ["7", "-1", "nan", "inf", "4 stars"])
def test_ratings_out_of_range_are_dropped(stars):
    row = one(f"isbn,rating\n9780807083697,{stars}\n".encode())
    assert row.rating is None and len(row.warnings) == 1 and row.warnings[0].startswith("rating ")


def test_an_isbn_is_used_when_isbn13_is_bad():
    row = one(csv_bytes(GOODREADS_23, [{"Title": "T", "ISBN13": '="9780807083698"', "ISBN": '="0807083690"'}]))
    assert row.isbn == "9780807083697" and row.warnings == ()


def test_long_texts_are_cut_to_the_limits():
    title, review = "T" * 600, "r" * (LONG_TEXT_LIMIT + 10)
    row = one(csv_bytes(GOODREADS_23, [{"Title": title, "Author": " A ", "My Review": review}]))
    assert len(row.title) == FIELD_LIMITS["title"] and len(row.review) == LONG_TEXT_LIMIT and row.author == "A"
    assert row.warnings == ("Title cut to 500 characters", f"My Review cut to {LONG_TEXT_LIMIT} characters")


def test_tags_too_long_or_too_many_are_dropped():
    shelves = ", ".join(["x" * 51] + [f"t{index}" for index in range(60)] + ["T1"])
    row = one(csv_bytes(GOODREADS_23, [{"Title": "T", "Bookshelves": shelves}]))
    assert row.tags == tuple(f"t{index}" for index in range(50))
    assert len(row.warnings) == 2


def test_a_row_the_csv_reader_cannot_read_is_skipped_and_the_next_rows_kept():
    data = b'isbn,title\n9780807083697,A\n9780441172719,"' + b"x" * 200_000 + b'"\n9781635575637,C\n'
    _, rows = read_import(data)
    assert [row.row for row in rows] == [1, 2, 3]
    assert rows[1].skip_reason.startswith("unreadable") and rows[1].title is None
    assert rows[2].isbn == "9781635575637"


# ---------------------------------------------------------------- files


def test_utf8_with_bom_and_crlf():
    data = "\ufeffTitle,Author\r\nCafé,Zoë\r\n".encode("utf-8")
    source, rows = read_import(data)
    assert source == "csv" and (rows[0].title, rows[0].author) == ("Café", "Zoë")


def test_cp1252_falls_back():
    _, rows = read_import("title,author\nCafé – l’été,Zoë\n".encode("cp1252"))
    assert rows[0].title == "Café – l’été"


def test_utf16_from_a_spreadsheet():
    _, rows = read_import("title\tauthor\r\nCafé\tZoë\r\n".encode("utf-16"))
    assert rows[0].title == "Café"


def test_multiline_review_keeps_its_newlines():
    data = csv_bytes(GOODREADS_23, [{"Title": "T", "My Review": "one\r\ntwo<br />three"}])
    assert one(data).review == "one\ntwo\nthree"


def test_the_parser_is_pure_python():
    allowed = {"__future__", "csv", "io", "re", "datetime", "dataclasses", "typing", "collections", "enum", "json", "importlib"}
    for path in (Path(__file__).parents[2] / "booklib" / "domain" / "imports").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                assert {alias.name.split(".")[0] for alias in node.names} <= allowed, path
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                assert node.module.split(".")[0] in allowed, path


def test_excel_separator_hint_line():
    source, rows = read_import(b"sep=;\r\nisbn;title\r\n9780807083697;Kindred, a novel\r\n")
    assert source == "csv" and [(row.row, row.title) for row in rows] == [(1, "Kindred, a novel")]


@pytest.mark.parametrize(
    "word, status",
    [
        ("To Read", R.TO_READ),
        ("want_to_read", R.TO_READ),
        ("currently reading", R.READING),
        ("READ", R.READ),
        ("DNF", R.DID_NOT_FINISH),
        ("abandoned", R.DID_NOT_FINISH),
        ("paused", R.READING),
    ],
)
def test_simple_csv_status_words(word, status):
    assert one(f"title,author,status\nT,A,{word}\n".encode()).status is status


def test_the_booklib_format_is_documented_column_by_column():
    from booklib.domain.imports import booklib_format

    for name in BOOKLIB_EXTRA_COLUMNS:
        assert name in booklib_format.__doc__
