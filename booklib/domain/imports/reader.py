"""An export file → one ImportRow per data row. Columns are found by name (case, spaces, '_' and '-' do not
matter), never by position, so every Goodreads layout (31, 24 or 23 columns, in any order) reads the same."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ..model import FIELD_LIMITS, ReadingStatus, ReadThrough
from . import values
from .booklib_format import BOOKLIB_EXTRA_COLUMNS
from .values import Warnings

SOURCES = ("goodreads", "storygraph", "booklib", "csv")

BOOKLIB_STATUS, BOOKLIB_RATING, BOOKLIB_READS, BOOKLIB_TAGS = BOOKLIB_EXTRA_COLUMNS

# What each layout needs, for the error that names them (the first columns listed are the ones required).
KNOWN_LAYOUTS = {
    "goodreads": "a Goodreads export: columns Title, Author and Exclusive Shelf (also read: ISBN13, ISBN, My Rating, "
    "Date Read, Date Added, Bookshelves, My Review, Private Notes, Number of Pages)",
    "storygraph": "a StoryGraph export: columns Title, Authors, ISBN/UID and Read Status (also read: Star Rating, "
    "Dates Read, Last Date Read, Date Added, Tags, Review)",
    "booklib": "booklib's own export: Goodreads' columns plus " + ", ".join(BOOKLIB_EXTRA_COLUMNS),
    "csv": "a simple CSV (comma- or semicolon-separated): a column isbn, or columns title and author "
    "(optional: status, rating, date_read, tags; also read: date_started, date_added, review, notes, page_count)",
}


@dataclass(frozen=True)
class ImportRow:
    row: int  # data rows counted from 1 (the header is not a row; wholly blank lines are not rows)
    isbn: str | None  # a valid ISBN-13 (ISBN-10 converted), else None
    title: str | None
    author: str | None
    status: ReadingStatus | None  # None: the file says nothing (the importer uses to-read)
    rating: int | float | None  # parse_rating's domain: None or 0.5..5 half steps
    reads: tuple[ReadThrough, ...]  # oldest first
    tags: tuple[str, ...]  # parse_tags's rules
    review: str | None
    notes: str | None  # private notes
    page_count: int | None
    date_added: date | None
    skip_reason: str | None = None  # set when the row cannot become an entry (no ISBN and no title) or is unreadable
    warnings: tuple[str, ...] = ()  # what was dropped from the row: "My Rating 'abc' ignored: not a number of stars"


NO_ISBN_NO_TITLE = "no ISBN and no title"


class UnknownLayoutError(ValueError):
    """The file is not CSV text in a layout booklib reads. `columns` holds the header found (None: not text)."""

    def __init__(self, columns: list[str] | None, problem: str | None = None):
        self.columns = columns
        self.layouts = dict(KNOWN_LAYOUTS)
        if problem is None:
            shown = [name[:40] for name in columns or [] if name.strip()][:12]
            more = len([name for name in columns or [] if name.strip()]) - len(shown)
            problem = (
                "Its columns are " + ", ".join(repr(name) for name in shown) + (f" and {more} more" if more > 0 else "")
            )
            if not shown:
                problem = "It has no header row"
        known = "; ".join(KNOWN_LAYOUTS.values())
        super().__init__(f"This file is not an export booklib can read. {problem}. Known layouts: {known}.")


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).lower()


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _detect(keys: set[str]) -> str | None:
    goodreads = {"title", "author", "exclusiveshelf"} <= keys
    if goodreads and keys & {_key(name) for name in BOOKLIB_EXTRA_COLUMNS}:
        return "booklib"
    if goodreads:
        return "goodreads"
    if {"title", "authors", "isbn/uid", "readstatus"} <= keys:
        return "storygraph"
    if "isbn" in keys or {"title", "author"} <= keys:
        return "csv"
    return None


def _blank(record: list[str]) -> bool:
    return not any(value.strip() for value in record)


def _header(text: str, delimiter: str):
    """The reader, positioned after the header, and the header; (None, None) if the text does not parse."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            if not _blank(record):
                return reader, record
    except csv.Error:
        pass
    return None, None


_EXCEL_SEPARATOR = re.compile(r"sep=([,;\t|])[ \t]*\r?\n", re.IGNORECASE)


def read_import(data: bytes) -> tuple[str, list[ImportRow]]:
    """(source, rows) of an export file; source is one of SOURCES. Raises UnknownLayoutError."""
    text = _decode(data)
    if "\x00" in text[:65536]:
        raise UnknownLayoutError(None, "It is not CSV text")
    delimiters = (",", ";", "\t")
    excel_hint = _EXCEL_SEPARATOR.match(text)  # Excel's "sep=;" first line
    if excel_hint:
        text, delimiters = text[excel_hint.end() :], (excel_hint.group(1),)
    first_header = None
    for delimiter in delimiters:
        reader, header = _header(text, delimiter)
        if header is None:
            continue
        first_header = first_header or header
        source = _detect({_key(name) for name in header})
        if source:
            break
    else:
        raise UnknownLayoutError(first_header)
    mapper = _MAPPERS[source]
    columns = _Columns(header)
    rows: list[ImportRow] = []
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            number += 1
            rows.append(_unreadable(number, f"unreadable: {error}"))
            continue
        if _blank(record):
            continue
        number += 1
        rows.append(_row(number, mapper, columns, record))
    return source, rows


class _Columns:
    """Cells by column name; a name not in the header reads as an empty cell."""

    def __init__(self, header: list[str]):
        self.index: dict[str, int] = {}
        self.names: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        for position, name in enumerate(header):
            key = _key(name)
            if key not in self.index:
                self.index[key] = position
                self.names[key] = name.strip()

    def has(self, name: str) -> bool:
        return _key(name) in self.index

    def label(self, name: str) -> str:
        """The column's name as the file spells it (for notes), else the name asked for."""
        found = self.labels.get(name)
        if found is None:
            found = self.labels[name] = self.names.get(_key(name), name)
        return found

    def reader(self, record: list[str]) -> Callable[[str], str]:
        index, size = self.index, len(record)

        def get(name: str) -> str:
            position = index.get(_KEYS.get(name) or _key(name))
            return record[position] if position is not None and position < size else ""

        return get


_KEYS: dict[str, str] = {}  # column name → key, computed once per name


def _unreadable(number: int, reason: str) -> ImportRow:
    return ImportRow(number, None, None, None, None, None, (), (), None, None, None, None, skip_reason=reason)


def _row(number: int, mapper, columns: _Columns, record: list[str]) -> ImportRow:
    warnings: Warnings = []
    get = columns.reader(record)
    fields = mapper(get, columns.label, warnings)
    skip = NO_ISBN_NO_TITLE if fields["isbn"] is None and fields["title"] is None else None
    return ImportRow(row=number, **fields, skip_reason=skip, warnings=tuple(warnings))


def _title_author(get, label, warnings: Warnings, author_column: str) -> dict:
    return {
        "title": values.text(get("Title"), label("Title"), FIELD_LIMITS["title"], warnings),
        "author": values.text(get(author_column), label(author_column), FIELD_LIMITS["author"], warnings),
    }


def _first_isbn(candidates: list[tuple[str, str]], warnings: Warnings) -> str | None:
    """The first valid ISBN among (cell, label); notes are kept only when none is valid."""
    notes: Warnings = []
    for raw, label in candidates:
        found = values.isbn(raw, label, notes)
        if found:
            return found
    warnings.extend(notes)
    return None


_GOODREADS_SHELVES = {
    "read": ReadingStatus.READ,
    "currently-reading": ReadingStatus.READING,
    "to-read": ReadingStatus.TO_READ,
}


def _goodreads(get, label, warnings: Warnings, booklib: bool = False) -> dict:
    shelf = values.cell(get("Exclusive Shelf"))
    shelf_key = values.status_key(shelf)
    custom_tags: list[str] = []
    if not shelf:
        status = None
    elif shelf_key in _GOODREADS_SHELVES:
        status = _GOODREADS_SHELVES[shelf_key]
    elif values.means_not_finishing(shelf):
        status = ReadingStatus.DID_NOT_FINISH
    else:  # a custom exclusive shelf: the book waits, and the shelf is kept as a tag
        status = ReadingStatus.TO_READ
        custom_tags.append(shelf)
    shelves = [
        name
        for name in values.comma_list(get("Bookshelves"))
        if values.status_key(name) not in _GOODREADS_SHELVES
        and not (status is ReadingStatus.DID_NOT_FINISH and values.status_key(name) == shelf_key)
    ]
    fields = {
        "isbn": _first_isbn([(get("ISBN13"), label("ISBN13")), (get("ISBN"), label("ISBN"))], warnings),
        **_title_author(get, label, warnings, "Author"),
        "status": status,
        "rating": values.rating(get("My Rating"), label("My Rating"), warnings),
        "reads": _finished_on(values.day(get("Date Read"), label("Date Read"), warnings)),
        "tags": values.tags(shelves + custom_tags, label("Bookshelves"), warnings),
        "review": values.long_text(get("My Review"), label("My Review"), warnings),
        "notes": values.long_text(get("Private Notes"), label("Private Notes"), warnings),
        "page_count": values.page_count(get("Number of Pages"), label("Number of Pages"), warnings),
        "date_added": values.day(get("Date Added"), label("Date Added"), warnings),
    }
    if booklib:
        for name, field, read in (
            (BOOKLIB_STATUS, "status", values.status),
            (BOOKLIB_RATING, "rating", values.rating),
            (BOOKLIB_READS, "reads", values.booklib_reads),
            (BOOKLIB_TAGS, "tags", lambda raw, lab, w: values.tags(values.comma_list(raw), lab, w)),
        ):
            raw = get(name)
            if not raw.strip():
                continue
            noted = len(warnings)
            value = read(raw, label(name), warnings)
            if len(warnings) == noted or field == "tags":  # tags: the readable ones are kept
                fields[field] = value
    return fields


def _finished_on(day: date | None) -> tuple[ReadThrough, ...]:
    return (ReadThrough(None, day),) if day else ()


def _booklib(get, label, warnings: Warnings) -> dict:
    return _goodreads(get, label, warnings, booklib=True)


_STORYGRAPH_STATUS = {
    "to-read": ReadingStatus.TO_READ,
    "currently-reading": ReadingStatus.READING,
    "paused": ReadingStatus.READING,
    "read": ReadingStatus.READ,
    "did-not-finish": ReadingStatus.DID_NOT_FINISH,
}


def _storygraph(get, label, warnings: Warnings) -> dict:
    raw_status = values.cell(get("Read Status"))
    status = _STORYGRAPH_STATUS.get(values.status_key(raw_status)) if raw_status else None
    if raw_status and status is None:
        warnings.append(f"{label('Read Status')} '{values.shown(raw_status)}' ignored: not a StoryGraph read status")
    reads = values.date_ranges(get("Dates Read"), label("Dates Read"), warnings)
    if not reads:
        last = values.day(get("Last Date Read"), label("Last Date Read"), warnings)
        reads = (ReadThrough(None, last),) if last else ()
    return {
        "isbn": _first_isbn([(get("ISBN/UID"), label("ISBN/UID"))], warnings),
        **_title_author(get, label, warnings, "Authors"),
        "status": status,
        "rating": values.rating(get("Star Rating"), label("Star Rating"), warnings),
        "reads": reads,
        "tags": values.tags(values.comma_list(get("Tags")), label("Tags"), warnings),
        "review": values.long_text(get("Review"), label("Review"), warnings),
        "notes": None,
        "page_count": None,
        "date_added": values.day(get("Date Added"), label("Date Added"), warnings),
    }


def _simple(get, label, warnings: Warnings) -> dict:
    reads = values.date_ranges(get("date_read"), label("date_read"), warnings)
    started = values.day(get("date_started"), label("date_started"), warnings)
    if started:
        if len(reads) == 1 and reads[0].started_on is None:
            reads = (values.read_through(started, reads[0].finished_on, label("date_started"), str(started), warnings),)
        elif not reads:
            reads = (ReadThrough(started, None),)
        else:
            warnings.append(f"{label('date_started')} ignored: {label('date_read')} holds several reads")
    return {
        "isbn": _first_isbn([(get("isbn"), label("isbn"))], warnings),
        **_title_author(get, label, warnings, "author"),
        "status": values.status(get("status"), label("status"), warnings),
        "rating": values.rating(get("rating"), label("rating"), warnings),
        "reads": reads,
        "tags": values.tags(values.comma_list(get("tags")), label("tags"), warnings),
        "review": values.long_text(get("review"), label("review"), warnings),
        "notes": values.long_text(get("notes"), label("notes"), warnings),
        "page_count": values.page_count(get("page_count"), label("page_count"), warnings),
        "date_added": values.day(get("date_added"), label("date_added"), warnings),
    }


_MAPPERS = {"goodreads": _goodreads, "booklib": _booklib, "storygraph": _storygraph, "csv": _simple}

for _name in (
    "Title",
    "Author",
    "Authors",
    "Exclusive Shelf",
    "Bookshelves",
    "Date Read",
    "ISBN13",
    "ISBN",
    "My Rating",
    "My Review",
    "Private Notes",
    "Number of Pages",
    "Date Added",
    "Read Status",
    "Dates Read",
    "Last Date Read",
    "ISBN/UID",
    "Star Rating",
    "Tags",
    "Review",
    "date_read",
    "date_started",
    "isbn",
    "author",
    "status",
    "rating",
    "tags",
    "review",
    "notes",
    "page_count",
    "date_added",
    *BOOKLIB_EXTRA_COLUMNS,
):
    _KEYS[_name] = _key(_name)
