"""Stats for the memory store: counted from the store on every load (it holds no counters to keep
up to date), so they always equal the library's; goals kept in the store."""

from __future__ import annotations

from booklib.domain import stats
from booklib.domain.model import Entry
from booklib.domain.ports import StoredStats


class MemoryStatsRepository:
    def __init__(self, store):
        self.store = store

    def load(self, user_id: str, year: int | None = None) -> StoredStats:
        with self.store.lock:
            entries = [Entry(ub, self.store.books[ub.book_id]) for ub in self.store.user_books.values()
                       if ub.user_id == user_id and ub.book_id in self.store.books]
            goals = dict(self.store.goals.get(user_id, {}))
        return StoredStats(stats.compute(entries), goals)

    def store_built(self, user_id: str, counters: dict[str, int], token: object) -> bool:
        return True

    def set_goal(self, user_id: str, year: int, books: int | None) -> None:
        with self.store.lock:
            goals = self.store.goals.setdefault(user_id, {})
            if books is None:
                goals.pop(year, None)
            else:
                goals[year] = books
