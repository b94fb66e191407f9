"""A reader's stats and yearly goal: read from the counters storage keeps up to date, built once
from the library where they were never kept (a library from before stats existed)."""

from __future__ import annotations

from datetime import date

from .. import stats
from ..model import utcnow
from ..ports import StatsRepository, UserBookRepository
from .library import every_entry


class StatsService:
    def __init__(self, stats_repository: StatsRepository, user_books: UserBookRepository):
        self.stats = stats_repository
        self.user_books = user_books

    def overview(self, user_id: str, year=None, today: date | None = None) -> dict:
        """The figures for `year` (default: this year) and overall; ValidationError for a bad year."""
        today = today or utcnow().date()
        wanted = stats.parse_year(year, today)
        stored = self.stats.load(user_id, wanted)
        counters = stored.counters
        if counters is None:
            counters = self.rebuild(user_id, stored.token)
        return stats.view(counters, stored.goals, wanted, today)

    def entry_count(self, user_id: str, status: str | None = None) -> int:
        """How many entries the reader has (with this status): a pager's total, from the counters (built
        once here where they never were, as the stats page does)."""
        stored = self.stats.load(user_id, utcnow().year)
        counters = stored.counters if stored.counters is not None else self.rebuild(user_id, stored.token)
        return max(counters.get(f"status:{status}" if status else "entries", 0), 0)

    def rebuild(self, user_id: str, token: object) -> dict[str, int]:
        """Counters from the whole library, stored unless a write came meanwhile (the next view then
        builds them again); either way this view shows them."""
        counters = stats.compute(every_entry(self.user_books, user_id))
        self.stats.store_built(user_id, counters, token)
        return counters

    def set_goal(self, user_id: str, year=None, books=None, today: date | None = None) -> dict | None:
        """Set (or with no books, remove) the year's goal; answers the goal as the stats show it."""
        today = today or utcnow().date()
        wanted = stats.parse_year(year, today)
        target = stats.parse_goal(books)
        self.stats.set_goal(user_id, wanted, target)
        return self.overview(user_id, wanted, today)["goal"]
