"""The account ports' contract suites run over every storage backend, and over the in-memory adapters
of booklib/adapters/memory/accounts.py (with a minimal user registry beside them: the session suite
only adds and deletes users)."""

import contextlib

import pytest

from tests.support.backends import STORAGE_BACKENDS, Storage


class _Users:
    def __init__(self):
        self.users = {}

    def add(self, user):
        self.users[user.id] = user

    def delete(self, user_id):
        self.users.pop(user_id, None)


@contextlib.contextmanager
def memory_accounts(tmp_path):
    from booklib.adapters.memory.accounts import InMemoryLoginAttempts, InMemorySessionStore

    yield Storage(_Users(), None, None, None, InMemorySessionStore(), InMemoryLoginAttempts())


BACKENDS = {**STORAGE_BACKENDS}
BACKENDS.setdefault("memory-accounts", memory_accounts)


@pytest.fixture(params=sorted(BACKENDS))
def storage(request, tmp_path):
    with BACKENDS[request.param](tmp_path) as storage:
        yield storage
