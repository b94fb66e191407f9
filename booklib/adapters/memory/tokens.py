"""TokenRepository in memory (tests, one process); passes tests/contract/test_token_repository.py."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime

from booklib.domain.tokens import AccessToken


class MemoryTokenRepository:
    def __init__(self):
        self._lock = threading.Lock()
        self._by_hash: dict[str, AccessToken] = {}

    def add(self, token: AccessToken) -> None:
        with self._lock:
            self._by_hash[token.token_hash] = token

    def get_by_hash(self, token_hash: str) -> AccessToken | None:
        with self._lock:
            return self._by_hash.get(token_hash)

    def list_for_user(self, user_id: str) -> list[AccessToken]:
        with self._lock:
            mine = [t for t in self._by_hash.values() if t.user_id == user_id]
        return sorted(mine, key=lambda t: (t.created_at, t.id), reverse=True)

    def touch(self, token_hash: str, when: datetime) -> None:
        with self._lock:
            token = self._by_hash.get(token_hash)
            if token is not None:
                self._by_hash[token_hash] = replace(token, last_used_at=when)

    def delete(self, user_id: str, token_id: str) -> bool:
        with self._lock:
            found = next((h for h, t in self._by_hash.items() if t.id == token_id and t.user_id == user_id), None)
            if found is None:
                return False
            del self._by_hash[found]
            return True

    def delete_for_user(self, user_id: str) -> None:
        with self._lock:
            for token_hash in [h for h, t in self._by_hash.items() if t.user_id == user_id]:
                del self._by_hash[token_hash]
