"""Contract of the TokenRepository port: every adapter must pass it unchanged."""

from datetime import timedelta

from booklib.domain.model import new_id
from booklib.domain.tokens import AccessToken, new_token_secret, token_hash

from . import accounts_backends
from .builders import T0, a_user

storage = accounts_backends.storage  # every storage backend, and the in-memory adapters


def a_token(user, name="script", minutes=0) -> tuple[AccessToken, str]:
    secret = new_token_secret()
    token = AccessToken(new_id(), user.id, name, token_hash(secret), secret[:8], T0 + timedelta(minutes=minutes))
    return token, secret


def _user(storage, name="reader"):
    user = a_user(name)
    storage.users.add(user)
    return user


def test_a_token_is_found_by_the_hash_of_its_secret_only(storage):
    user = _user(storage)
    token, secret = a_token(user)
    storage.tokens.add(token)

    found = storage.tokens.get_by_hash(token_hash(secret))
    assert found == token and found.created_at.utcoffset() == timedelta(0) and found.last_used_at is None
    assert storage.tokens.get_by_hash(secret) is None  # the secret itself is no key
    assert storage.tokens.get_by_hash(token_hash("blt_nothing")) is None


def test_a_reader_lists_their_own_tokens_newest_first(storage):
    ada, bob = _user(storage, "ada"), _user(storage, "bob")
    older, _ = a_token(ada, "laptop", minutes=1)
    newer, _ = a_token(ada, "phone", minutes=2)
    theirs, _ = a_token(bob, "bob's")
    for token in (older, theirs, newer):
        storage.tokens.add(token)

    assert [t.name for t in storage.tokens.list_for_user(ada.id)] == ["phone", "laptop"]
    assert [t.name for t in storage.tokens.list_for_user(bob.id)] == ["bob's"]
    assert storage.tokens.list_for_user(new_id()) == []


def test_touch_records_the_last_use(storage):
    user = _user(storage)
    token, _ = a_token(user)
    storage.tokens.add(token)
    storage.tokens.touch(token.token_hash, T0 + timedelta(hours=1))

    assert storage.tokens.get_by_hash(token.token_hash).last_used_at == T0 + timedelta(hours=1)
    assert storage.tokens.list_for_user(user.id)[0].last_used_at == T0 + timedelta(hours=1)


def test_revoking_removes_the_token_and_only_the_owner_can(storage):
    ada, bob = _user(storage, "ada"), _user(storage, "bob")
    token, _ = a_token(ada)
    storage.tokens.add(token)

    assert storage.tokens.delete(bob.id, token.id) is False  # another reader's: untouched
    assert storage.tokens.get_by_hash(token.token_hash) is not None
    assert storage.tokens.delete(ada.id, token.id) is True
    assert storage.tokens.get_by_hash(token.token_hash) is None
    assert storage.tokens.delete(ada.id, token.id) is False
    storage.tokens.touch(token.token_hash, T0)  # a late "last used" does not bring it back
    assert storage.tokens.get_by_hash(token.token_hash) is None


def test_deleting_a_readers_tokens_leaves_others(storage):
    ada, bob = _user(storage, "ada"), _user(storage, "bob")
    mine, theirs = a_token(ada)[0], a_token(bob)[0]
    storage.tokens.add(mine)
    storage.tokens.add(theirs)
    storage.tokens.delete_for_user(ada.id)

    assert storage.tokens.list_for_user(ada.id) == [] and storage.tokens.get_by_hash(mine.token_hash) is None
    assert storage.tokens.get_by_hash(theirs.token_hash) == theirs
