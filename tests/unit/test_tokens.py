"""TokenService over the memory adapters: secrets, hashing, last use, revocation."""

from datetime import datetime, timedelta, timezone

import pytest

from booklib.adapters.memory import make_repositories
from booklib.domain.errors import NotFoundError, ValidationError
from booklib.domain.model import User
from booklib.domain.services import TokenService
from booklib.domain.tokens import MAX_TOKENS_PER_USER, token_hash

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def world():
    repositories = make_repositories()
    now = [T0]
    service = TokenService(repositories.tokens, repositories.users, clock=lambda: now[0])
    user = User("u1", "ada", "ada@example.org", "hash", T0)
    repositories.users.add(user)
    return service, repositories, user, now


def test_only_the_hash_is_stored_and_the_secret_authenticates(world):
    service, repositories, user, _ = world
    token, secret = service.create(user.id, "  phone   shortcut ")
    assert token.name == "phone shortcut" and token.token_hash == token_hash(secret) and secret not in repr(token)
    found, who = service.authenticate(secret)
    assert found.id == token.id and who.id == user.id
    assert service.authenticate(secret + "x") is None and service.authenticate("") is None
    assert service.authenticate(token.token_hash) is None


def test_last_use_is_written_at_most_once_a_minute(world):
    service, repositories, user, now = world
    _, secret = service.create(user.id, "script")
    writes = []
    original = repositories.tokens.touch
    repositories.tokens.touch = lambda *args: (writes.append(args), original(*args))
    for seconds in (0, 10, 59, 61):
        now[0] = T0 + timedelta(seconds=seconds)
        service.authenticate(secret)
    assert [when for _, when in writes] == [T0, T0 + timedelta(seconds=61)]


def test_a_deleted_users_token_authenticates_nobody(world):
    service, repositories, user, _ = world
    _, secret = service.create(user.id, "script")
    repositories.users.delete(user.id)
    assert service.authenticate(secret) is None


def test_revoking_someone_elses_or_an_unknown_token_is_not_found(world):
    service, _, user, _ = world
    token, _ = service.create(user.id, "script")
    with pytest.raises(NotFoundError):
        service.revoke("someone-else", token.id)
    service.revoke(user.id, token.id)
    with pytest.raises(NotFoundError):
        service.revoke(user.id, token.id)


def test_a_reader_has_a_bounded_number_of_tokens(world):
    service, _, user, _ = world
    for i in range(MAX_TOKENS_PER_USER):
        service.create(user.id, f"t{i}")
    with pytest.raises(ValidationError):
        service.create(user.id, "one too many")
