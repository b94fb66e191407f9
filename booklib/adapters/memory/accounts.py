"""In-memory SessionStore and LoginAttempts: for tests and a single process; nothing survives a restart.

They pass the same contract suites as the SQL and DynamoDB adapters (tests/contract/test_session_store.py,
tests/contract/test_login_attempts.py)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from booklib.domain.model import LoginFailures, Session, new_session_id, session_id_hash, utcnow


class InMemorySessionStore:
    def __init__(self):
        self._lock = threading.Lock()
        self._by_hash: dict[str, tuple[str, datetime, datetime]] = {}  # hash -> (user_id, created_at, expires_at)

    def create(self, user_id: str, expires_at: datetime) -> Session:
        session = Session(new_session_id(), user_id, utcnow(), expires_at)
        with self._lock:
            self._by_hash[session_id_hash(session.id)] = (user_id, session.created_at, expires_at)
        return session

    def get(self, session_id: str) -> Session | None:
        with self._lock:
            found = self._by_hash.get(session_id_hash(session_id))
        if found is None or found[2] <= utcnow():
            return None
        return Session(session_id, *found)

    def delete(self, session_id: str) -> None:
        with self._lock:
            self._by_hash.pop(session_id_hash(session_id), None)

    def delete_for_user(self, user_id: str, keep: str | None = None) -> None:
        kept = session_id_hash(keep) if keep is not None else None
        with self._lock:
            for id_hash in [h for h, (owner, _, _) in self._by_hash.items() if owner == user_id and h != kept]:
                del self._by_hash[id_hash]


@dataclass
class _Count:
    failures: int
    last_failure_at: datetime
    expires_at: datetime


class InMemoryLoginAttempts:
    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[str, _Count] = {}

    def failures(self, key: str, now: datetime) -> LoginFailures:
        with self._lock:
            count = self._counts.get(key)
        if count is None or count.expires_at <= now:
            return LoginFailures()
        return LoginFailures(count.failures, count.last_failure_at)

    def record_failure(self, key: str, now: datetime, expires_at: datetime) -> LoginFailures:
        with self._lock:
            count = self._counts.get(key)
            if count is None or count.expires_at <= now:
                count = self._counts[key] = _Count(0, now, expires_at)
            count.failures += 1
            count.last_failure_at, count.expires_at = now, expires_at
            return LoginFailures(count.failures, now)

    def reset(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)
