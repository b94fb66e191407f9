"""Reading one cell of an export: each reader gives a value or None, and notes what it dropped.

A cell that cannot be read never stops the row: the field is left out and a short note is added to
`warnings` ("My Rating 'abc' ignored: …"), which the importer's report shows next to the row.
"""

from __future__ import annotations

import re
from datetime import date

from ..errors import ValidationError
from ..isbn import Isbn
from ..model import (
    MAX_READS,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    ReadingStatus,
    ReadThrough,
    parse_page_count,
    parse_rating,
    parse_reads,
    parse_tags,
)

Warnings = list[str]

# Reviews and private notes have no limit in model.FIELD_LIMITS; this is the import's cap (the same as a description's).
LONG_TEXT_LIMIT = 20000

_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.DOTALL)  # Goodreads writes ISBNs as ="9780…" so spreadsheets keep them text
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


# booklib's export puts an apostrophe before a cell a spreadsheet would run as a formula (OWASP CSV
# injection advice); reading it back takes the apostrophe off again.
_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")


def cell(raw: str | None) -> str:
    """A cell trimmed, with Goodreads' ="…" spreadsheet wrapper or booklib's formula guard taken off."""
    if not raw:
        return ""
    text = _NEUTRALISED.sub("", raw.strip(), count=1)
    if not text.startswith('="'):
        return text
    match = _EXCEL_TEXT.match(text)
    return match.group(1).strip() if match else text


QUOTED = 40  # a note quotes at most this much of a cell


def shown(raw: str) -> str:
    text = " ".join(raw.split())
    return text if len(text) <= QUOTED else text[:QUOTED] + "…"


def _ignored(warnings: Warnings, label: str, raw: str, why: str) -> None:
    warnings.append(f"{label} '{shown(raw)}' ignored: {why}")


def text(raw: str, label: str, limit: int, warnings: Warnings) -> str | None:
    value = _NEUTRALISED.sub("", raw.strip(), count=1)
    if len(value) > limit:
        value = value[:limit].rstrip()
        warnings.append(f"{label} cut to {limit} characters")
    return value or None


def long_text(raw: str, label: str, warnings: Warnings) -> str | None:
    """A review or notes: Goodreads' <br/> line breaks become newlines, then trimmed and capped."""
    return text(_BR.sub("\n", raw.replace("\r\n", "\n")), label, LONG_TEXT_LIMIT, warnings)


def isbn(raw: str, label: str, warnings: Warnings) -> str | None:
    """The ISBN-13 of a cell, or None. A 9-digit value is an SBN (the ISBN-10 with its leading 0 dropped, as
    spreadsheets and the pre-1970 standard both do) and is read with that 0 put back."""
    value = cell(raw)
    if not value:
        return None
    candidate = "0" + value if re.fullmatch(r"[0-9]{8}[0-9Xx]", value) else value
    try:
        return Isbn.parse(candidate).value
    except ValidationError:
        _ignored(warnings, label, value, "not a valid ISBN")
        return None


def rating(raw: str, label: str, warnings: Warnings) -> int | float | None:
    """Stars to the nearest half (a quarter, exactly between two halves, goes up: 3.25 → 3.5, 3.75 → 4).
    0 is Goodreads' "not rated"; a comma decimal ("4,5") is read too."""
    value_text = cell(raw)
    if not value_text:
        return None
    try:
        value = float(value_text.replace(",", "."))
    except ValueError:
        _ignored(warnings, label, value_text, "not a number of stars")
        return None
    if not 0 <= value <= 5:  # also NaN
        _ignored(warnings, label, value_text, "stars go from 0.5 to 5")
        return None
    if value == 0:
        return None
    halves = max(int(value * 2 + 0.5), 1)  # round half up; anything above 0 is at least half a star
    return parse_rating(halves / 2)


_DAY = r"[0-9]{4}[/.\-][0-9]{1,2}[/.\-][0-9]{1,2}"
_DAY_RE = re.compile(r"([0-9]{4})[/.\-]([0-9]{1,2})[/.\-]([0-9]{1,2})")


def _to_date(value: str) -> date | None:
    match = _DAY_RE.fullmatch(value)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def day(raw: str, label: str, warnings: Warnings) -> date | None:
    """YYYY/MM/DD (Goodreads, StoryGraph) or YYYY-MM-DD; anything else is dropped with a note."""
    value = cell(raw)
    if not value:
        return None
    parsed = _to_date(value)
    if parsed is None:
        _ignored(warnings, label, value, "not a date (YYYY/MM/DD or YYYY-MM-DD)")
    return parsed


def page_count(raw: str, label: str, warnings: Warnings) -> int | None:
    value = cell(raw)
    if value in ("", "0"):  # Goodreads writes 0 when it does not know
        return None
    try:
        return parse_page_count(value)
    except ValidationError:
        _ignored(warnings, label, value, "not a page count")
        return None


def tags(items: list[str], label: str, warnings: Warnings) -> tuple[str, ...]:
    """parse_tags' rules; a tag that is too long is dropped, and tags past the 50th are dropped, with a note."""
    kept: dict[str, str] = {}
    for item in items:
        tag = " ".join(item.split())
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            _ignored(warnings, label, tag, f"a tag has at most {MAX_TAG_LENGTH} characters")
            continue
        kept.setdefault(tag.casefold(), tag)
    values = list(kept.values())
    if len(values) > MAX_TAGS:
        warnings.append(f"{label}: only the first {MAX_TAGS} tags kept, {len(values) - MAX_TAGS} dropped")
        values = values[:MAX_TAGS]
    return parse_tags(values)


def comma_list(raw: str) -> list[str]:
    return cell(raw).split(",") if raw else []


def read_through(start: date | None, finish: date | None, label: str, original: str, warnings: Warnings) -> ReadThrough:
    try:
        return ReadThrough(start, finish)
    except ValidationError:
        _ignored(warnings, label, original, "it finishes before it starts; its start was left out")
        return ReadThrough(None, finish)


def reads(found: list[ReadThrough], label: str, warnings: Warnings) -> tuple[ReadThrough, ...]:
    if len(found) > MAX_READS:
        warnings.append(f"{label}: only {MAX_READS} reads kept, {len(found) - MAX_READS} dropped")
        found = sorted(found, key=lambda read: read.finished_on or read.started_on or date.min)[-MAX_READS:]
    return parse_reads(found)


_RANGE = re.compile(rf"\s*({_DAY})?\s*(?:\.\.|–|—|-|\bto\b)\s*({_DAY})?\s*", re.IGNORECASE)


def date_ranges(raw: str, label: str, warnings: Warnings) -> tuple[ReadThrough, ...]:
    """StoryGraph's Dates Read, and a simple CSV's date_read: "2021/08/01-2021/08/20, 2022/01/02-2022/02/03";
    a single date is the day the read finished; "2021/08/01-" is a read not finished (or not known to be)."""
    value = cell(raw)
    found: list[ReadThrough] = []
    for part in re.split(r"[,;]", value):
        part = part.strip()
        if not part:
            continue
        single = _to_date(part)
        if single is not None:
            found.append(ReadThrough(None, single))
            continue
        match = _RANGE.fullmatch(part)
        start = _to_date(match.group(1)) if match and match.group(1) else None
        finish = _to_date(match.group(2)) if match and match.group(2) else None
        if (
            not match
            or (match.group(1) and start is None)
            or (match.group(2) and finish is None)
            or not (start or finish)
        ):
            _ignored(warnings, label, part, "not a date or a range of dates")
            continue
        found.append(read_through(start, finish, label, part, warnings))
    return reads(found, label, warnings)


def booklib_reads(raw: str, label: str, warnings: Warnings) -> tuple[ReadThrough, ...]:
    """booklib's "start..finish; start..finish" (either side empty when unknown; a bare date is a finish)."""
    value = cell(raw)
    found: list[ReadThrough] = []
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        start_text, sep, finish_text = part.partition("..")
        if not sep:
            start_text, finish_text = "", part
        start_text, finish_text = start_text.strip(), finish_text.strip()
        start, finish = _to_date(start_text), _to_date(finish_text)
        if (start_text and start is None) or (finish_text and finish is None):
            _ignored(warnings, label, part, "not start..finish with dates YYYY-MM-DD")
            continue
        found.append(read_through(start, finish, label, part, warnings))
    return reads(found, label, warnings)


# Statuses written by people (a simple CSV) or by booklib; spaces, underscores and case do not matter.
_STATUS_WORDS = {
    "to-read": ReadingStatus.TO_READ,
    "want-to-read": ReadingStatus.TO_READ,
    "reading": ReadingStatus.READING,
    "currently-reading": ReadingStatus.READING,
    "paused": ReadingStatus.READING,
    "read": ReadingStatus.READ,
    "finished": ReadingStatus.READ,
    "did-not-finish": ReadingStatus.DID_NOT_FINISH,
    "dnf": ReadingStatus.DID_NOT_FINISH,
}


def status_key(raw: str) -> str:
    return re.sub(r"[\s_]+", "-", raw.strip().lower())


def status(raw: str, label: str, warnings: Warnings) -> ReadingStatus | None:
    value = cell(raw)
    if not value:
        return None
    found = _STATUS_WORDS.get(status_key(value))
    if found is None and means_not_finishing(value):
        found = ReadingStatus.DID_NOT_FINISH
    if found is None:
        _ignored(warnings, label, value, "status is one of " + ", ".join(s.value for s in ReadingStatus))
    return found


_NEGATED_FINISH = re.compile(
    r"\b(?:not|never|didnt|wont|couldnt|cant|cannot|wouldnt|didn t|won t|couldn t|can t)\s+finish"
)
_GIVING_UP = re.compile(
    r"\b(?:dnf|dnfd|dnfed|abandon|abandoned|dropped|stopped|unfinished|quit|gave up|give up|given up|giving up)\b"
)


def means_not_finishing(shelf: str) -> bool:
    """A Goodreads shelf for books not finished: dnf, did-not-finish, abandoned, dropped, stopped, unfinished,
    gave-up, wont-finish, never-finished, … (spelled with -, _ or spaces, any case)."""
    words = re.sub(r"['’]", "", shelf.lower())
    words = " ".join(re.split(r"[^a-z0-9]+", words)).strip()
    return bool(_NEGATED_FINISH.search(words) or _GIVING_UP.search(words))
