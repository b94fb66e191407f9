"""Reading stats as counters: what one entry adds to its reader's totals, the change a write makes,
and the figures a reader sees for a year. Pure Python.

A reader's stats are a flat map of counters (name -> int) that storage keeps per user and changes
by `delta(before, after)` in the same transaction as every entry write, so reading the stats never
reads the library. Counter names:
  read:YYYY-MM, pages:YYYY-MM   read-throughs finished that month (re-reads count), their pages
  yread:YYYY, ypages:YYYY       the same for the whole year (so the years need not add up months)
  days:YYYY, timed:YYYY         days from start to finish of the reads finished that year with both dates
  rating:<r>                    entries rated r (0.5 ... 5)
  tag:<folded tag>, genre:<g>   entries carrying the tag, of the genre
  status:<status>, entries      entries by status, all entries"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from .errors import ValidationError
from .model import Entry, ReadingStatus

Counters = dict[str, int]

RATING_STEPS = tuple(step / 2 for step in range(1, 11))
TOP = 10
MAX_GOAL = 10_000
MIN_YEAR, MAX_YEAR = 1900, 2200


# The entry fields (and book fields) the counters depend on: a write of anything else changes none.
STATS_FIELDS = frozenset({"status", "rating", "reads", "tags", "page_count", "genre"})


def touches_stats(changes) -> bool:
    return not STATS_FIELDS.isdisjoint(changes)


def _rating_key(rating) -> str:
    return f"rating:{float(rating):g}"


def contribution(entry: Entry) -> Counters:
    """What one entry adds to its reader's counters (the effective page count and genre: the
    reader's own, else the book's)."""
    ub = entry.user_book
    out: Counters = {"entries": 1, f"status:{ub.status.value}": 1}
    pages = entry.value("page_count")
    for read in ub.reads:
        if read.finished_on is None:
            continue
        month = read.finished_on.strftime("%Y-%m")
        _add(out, f"read:{month}", 1)
        _add(out, f"yread:{month[:4]}", 1)
        if pages:
            _add(out, f"pages:{month}", pages)
            _add(out, f"ypages:{month[:4]}", pages)
        if read.started_on is not None:
            year = read.finished_on.year
            _add(out, f"days:{year}", (read.finished_on - read.started_on).days)
            _add(out, f"timed:{year}", 1)
    if ub.rating is not None:
        out[_rating_key(ub.rating)] = 1
    for key in ub.tag_keys:
        out[f"tag:{key}"] = 1
    genre = (entry.value("genre") or "").strip()
    if genre:
        out[f"genre:{genre}"] = 1
    return out


def _add(counters: Counters, name: str, amount: int) -> None:
    counters[name] = counters.get(name, 0) + amount


def delta(before: Entry | None, after: Entry | None) -> Counters:
    """The change a write makes to its reader's counters: before None for an add, after None for a
    delete. Only non-zero changes are kept (an edit of the title changes nothing)."""
    out: Counters = {}
    if after is not None:
        out.update(contribution(after))
    if before is not None:
        for name, amount in contribution(before).items():
            _add(out, name, -amount)
    return {name: amount for name, amount in out.items() if amount}


def add_into(total: Counters, change: Counters) -> Counters:
    """Sum `change` into `total` (in place, and returned): how the deltas of a bulk write combine."""
    for name, amount in change.items():
        _add(total, name, amount)
    return total


def compute(entries: Iterable[Entry]) -> Counters:
    """A reader's counters from their whole library: what the stored ones must always equal."""
    total: Counters = {}
    for entry in entries:
        add_into(total, contribution(entry))
    return {name: amount for name, amount in total.items() if amount}


def parse_year(raw: object, today: date) -> int:
    if raw in (None, ""):
        return today.year
    text = str(raw).strip()
    if not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise ValidationError(f"year must be a year from {MIN_YEAR} to {MAX_YEAR}, such as {today.year}.", field="year")
    return int(text)


def parse_goal(raw: object) -> int | None:
    """A yearly goal in books: 1 to 10,000, or empty (no goal)."""
    if raw in (None, "", 0, "0"):
        return None
    message = f"The goal is a number of books from 1 to {MAX_GOAL}, or empty for none."
    if isinstance(raw, bool) or isinstance(raw, float) and not raw.is_integer():
        raise ValidationError(message, field="books")
    try:
        value = int(str(raw).strip()) if not isinstance(raw, (int, float)) else int(raw)
    except ValueError:
        raise ValidationError(message, field="books") from None
    if not 1 <= value <= MAX_GOAL:
        raise ValidationError(message, field="books")
    return value


@dataclass(frozen=True)
class Goal:
    year: int
    books: int
    finished: int
    expected: float  # books the goal asks for by today (all of them for a past year)

    @property
    def pace(self) -> str:
        if self.finished >= self.books:
            return "done"
        return "ahead" if self.finished >= self.expected else "behind"

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "books": self.books,
            "finished": self.finished,
            "progress": round(min(self.finished / self.books, 1.0), 4),
            "expected_by_today": round(self.expected, 1),
            "pace": self.pace,
            "difference": round(self.finished - self.expected, 1),
        }


def year_elapsed(year: int, today: date) -> float:
    """How much of `year` has gone by at the end of `today`: 0 before it, 1 after it."""
    if today.year != year:
        return 1.0 if today.year > year else 0.0
    days = 366 if calendar.isleap(year) else 365
    return today.timetuple().tm_yday / days


def _average(total: int, count: int) -> float | None:
    return round(total / count, 1) if count else None


def _ranked(counters: Counters, prefix: str) -> list[tuple[str, int]]:
    found = [(name[len(prefix):], amount) for name, amount in counters.items() if name.startswith(prefix) and amount > 0]
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))[:TOP]


def month_names(year: int) -> list[str]:
    """The counters of one year's months: all a view needs of the (many) month counters."""
    return [f"{kind}:{year}-{m:02d}" for kind in ("read", "pages") for m in range(1, 13)]


def is_month(name: str) -> bool:
    return name.startswith(("read:", "pages:"))


def view(counters: Counters, goals: dict[int, int], year: int, today: date) -> dict:
    """The figures of the stats page and API for `year`, and overall. Of the month counters only
    `year`'s are read (storage may leave the others out)."""
    def at(name: str) -> int:
        return max(counters.get(name, 0), 0)

    months = [
        {"month": f"{year}-{m:02d}", "books": at(f"read:{year}-{m:02d}"), "pages": at(f"pages:{year}-{m:02d}")}
        for m in range(1, 13)
    ]
    years: dict[int, dict] = {}
    days_total = timed_total = 0
    for name, amount in counters.items():
        kind, _, when = name.partition(":")
        if kind in ("yread", "ypages") and amount > 0:
            row = years.setdefault(int(when), {"books": 0, "pages": 0})
            row["books" if kind == "yread" else "pages"] += amount
        elif kind == "days":
            days_total += amount
        elif kind == "timed":
            timed_total += amount
    finished = sum(m["books"] for m in months)
    goal = None
    if year in goals:
        goal = Goal(year, goals[year], finished, goals[year] * year_elapsed(year, today)).to_dict()
    ratings = [{"rating": int(step) if step.is_integer() else step, "count": at(_rating_key(step))} for step in RATING_STEPS]
    rated = sum(r["count"] for r in ratings)
    rating_total = sum(r["rating"] * r["count"] for r in ratings)
    return {
        "year": year,
        "books_finished": finished,
        "pages_finished": sum(m["pages"] for m in months),
        "months": months,
        "years": [{"year": y, **years[y]} for y in sorted(years)],
        "goal": goal,
        "ratings": ratings,
        "average_rating": round(rating_total / rated, 2) if rated else None,
        "top_tags": [{"tag": tag, "count": n} for tag, n in _ranked(counters, "tag:")],
        "top_genres": [{"genre": genre, "count": n} for genre, n in _ranked(counters, "genre:")],
        "average_days_to_finish": {
            "year": _average(at(f"days:{year}"), at(f"timed:{year}")),
            "overall": _average(days_total, timed_total),
        },
        "did_not_finish": at(f"status:{ReadingStatus.DID_NOT_FINISH.value}"),
        "statuses": {status.value: at(f"status:{status.value}") for status in ReadingStatus},
        "entries": at("entries"),
        "total_books_finished": sum(row["books"] for row in years.values()),
        "total_pages_finished": sum(row["pages"] for row in years.values()),
    }
