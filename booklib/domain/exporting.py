"""A reader's whole library written out: Goodreads' CSV layout (plus booklib's columns), and JSON.

Pure Python (csv, io, json). The web layer reads the entries through LibraryService.all_entries and
hands them here; `read_import` (booklib.domain.imports) reads the CSV back as source "booklib".

The CSV
-------
Goodreads' 31 columns, named and ordered exactly as Goodreads' own export names them (so Goodreads,
StoryGraph, BookWyrm and BookLogr import it as a Goodreads export), then the columns of
BOOKLIB_EXTRA_COLUMNS, which carry what Goodreads' columns cannot (half stars, did-not-finish, every
read-through, tags); booklib_format.py documents both. What is written where:

- ISBN / ISBN13: plain digits (the ISBN-10 only for 978 ISBNs). Goodreads writes ="0525509283" so
  spreadsheets keep the digits as text, but a cell starting with '=' is exactly what a spreadsheet runs
  as a formula; the importer reads plain digits (and a 9-digit ISBN-10 that lost its leading 0) too.
- My Rating: whole stars, a half star rounded down (4.5 → 4), but 0.5 → 1, since Goodreads' 0 means
  "not rated". The exact rating is in `booklib Rating`.
- Exclusive Shelf: to-read, currently-reading, read; did-not-finish as the custom shelf
  `did-not-finish`. Bookshelves: as Goodreads writes it, the exclusive shelf first (except `read`,
  which Goodreads leaves out) and then the tags; a tag named like one of Goodreads' exclusive shelves
  is left out there (a book sits on one of those only); `booklib Tags` holds every tag.
- Date Read: the latest finish, YYYY/MM/DD; Date Added: YYYY/MM/DD (UTC); Read Count: the number of
  read-throughs; Number of Pages: the page count or empty.
- My Review, Private Notes: line breaks written as Goodreads writes them, "<br/>" (read back as newlines;
  a Windows "\\r\\n" comes back as "\\n").
- Every other Goodreads column is empty.

Formula injection: a cell that starts with '=', '+', '-', '@', a tab or a carriage return gets a
leading apostrophe (OWASP's advice for CSV files), which spreadsheets show as text and do not run.
Only text can start so (numbers, dates and ISBNs never do). The importer does not take that
apostrophe off again today, so such a title, author, review, note or first tag comes back with it.

Encoding: UTF-8 without a byte-order mark, as Goodreads writes it (importers expecting Goodreads' file
get the same bytes; a BOM would end up in the name of the first column for some of them). Rows end in
CRLF (RFC 4180), so a cell holding a line break or a lone carriage return is quoted.

The JSON
--------
{"exported_at": ISO 8601 UTC, "user": {"username", "email"}, "entries": [Entry.to_dict(), ...]}:
every field of every entry, as the API answers them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from .imports.booklib_format import BOOKLIB_EXTRA_COLUMNS
from .isbn import Isbn
from .model import Entry, ReadingStatus

# Goodreads' export header, names and order exactly as Goodreads writes them (its 31-column layout).
GOODREADS_COLUMNS = (
    "Book Id",
    "Title",
    "Author",
    "Author l-f",
    "Additional Authors",
    "ISBN",
    "ISBN13",
    "My Rating",
    "Average Rating",
    "Publisher",
    "Binding",
    "Number of Pages",
    "Year Published",
    "Original Publication Year",
    "Date Read",
    "Date Added",
    "Bookshelves",
    "Bookshelves with positions",
    "Exclusive Shelf",
    "My Review",
    "Spoiler",
    "Private Notes",
    "Read Count",
    "Recommended For",
    "Recommended By",
    "Owned Copies",
    "Original Purchase Date",
    "Original Purchase Location",
    "Condition",
    "Condition Description",
    "BCID",
)
CSV_COLUMNS = (*GOODREADS_COLUMNS, *BOOKLIB_EXTRA_COLUMNS)

GOODREADS_SHELVES = {
    ReadingStatus.TO_READ: "to-read",
    ReadingStatus.READING: "currently-reading",
    ReadingStatus.READ: "read",
    ReadingStatus.DID_NOT_FINISH: "did-not-finish",
}
_EXCLUSIVE = frozenset(GOODREADS_SHELVES.values())

# What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """The cell as written: with an apostrophe in front if a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _day(value: date | datetime | None) -> str:
    return value.strftime("%Y/%m/%d") if value else ""


def _goodreads_text(text: str | None) -> str:
    """A review or notes as Goodreads writes them: line breaks as <br/>."""
    if not text:
        return ""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br/>")


def _rating_text(rating: int | float | None) -> str:
    return "" if rating is None else str(rating)  # 4 → "4", 4.5 → "4.5"


def goodreads_stars(rating: int | float | None) -> int:
    """Goodreads' whole stars: a half rounded down, but at least 1 (0 is Goodreads' "not rated")."""
    return 0 if rating is None else max(1, int(rating))


def _bookshelves(shelf: str, tags: tuple[str, ...]) -> str:
    shelves = [] if shelf == "read" else [shelf]
    shelves += [tag for tag in tags if "-".join(tag.lower().split()) not in _EXCLUSIVE]
    return ", ".join(shelves)


def _reads_text(entry: Entry) -> str:
    return "; ".join(
        f"{read.started_on.isoformat() if read.started_on else ''}..{read.finished_on.isoformat() if read.finished_on else ''}"
        for read in entry.user_book.reads
    )


def csv_row(entry: Entry) -> list[str]:
    """One entry's cells, in CSV_COLUMNS order, formulas neutralised."""
    ub, book = entry.user_book, entry.book
    shelf = GOODREADS_SHELVES[ub.status]
    finishes = [read.finished_on for read in ub.reads if read.finished_on]
    isbn10 = (Isbn(book.isbn).isbn10 or "") if book.isbn else ""
    pages = entry.value("page_count")
    cells = {
        "Title": entry.value("title") or "",
        "Author": entry.value("author") or "",
        "ISBN": isbn10,
        "ISBN13": book.isbn or "",
        "My Rating": str(goodreads_stars(ub.rating)),
        "Number of Pages": str(pages) if pages else "",
        "Date Read": _day(max(finishes) if finishes else None),
        "Date Added": _day(ub.date_added),
        "Bookshelves": _bookshelves(shelf, ub.tags),
        "Exclusive Shelf": shelf,
        "My Review": _goodreads_text(ub.review),
        "Private Notes": _goodreads_text(ub.notes),
        "Read Count": str(len(ub.reads)),
        "booklib Status": ub.status.value,
        "booklib Rating": _rating_text(ub.rating),
        "booklib Reads": _reads_text(entry),
        "booklib Tags": ", ".join(ub.tags),
    }
    return [neutralised(cells.get(name, "")) for name in CSV_COLUMNS]


def csv_chunks(entries: Iterable[Entry], rows_per_chunk: int = 500) -> Iterator[str]:
    """The CSV text, header first, in pieces of a few hundred rows (for streaming or joining)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    pending = 1
    for entry in entries:
        writer.writerow(csv_row(entry))
        pending += 1
        if pending >= rows_per_chunk:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue()


def csv_text(entries: Iterable[Entry]) -> str:
    return "".join(csv_chunks(entries))


def json_document(username: str, email: str, entries: Iterable[Entry], exported_at: datetime) -> dict:
    return {
        "exported_at": exported_at.isoformat(),
        "user": {"username": username, "email": email},
        "entries": [entry.to_dict() for entry in entries],
    }


def json_text(username: str, email: str, entries: Iterable[Entry], exported_at: datetime) -> str:
    return json.dumps(json_document(username, email, entries, exported_at), ensure_ascii=False)


def filename(exported_at: datetime, extension: str) -> str:
    """booklib-export-YYYY-MM-DD.csv (the day the export was made, UTC)."""
    return f"booklib-export-{exported_at.strftime('%Y-%m-%d')}.{extension}"
