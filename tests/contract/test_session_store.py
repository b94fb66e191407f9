"""Contract of the SessionStore port: every adapter must pass it unchanged."""

from datetime import timedelta

from booklib.domain.model import session_id_hash, utcnow

from . import accounts_backends
from .builders import a_user

storage = accounts_backends.storage  # every storage backend, and the in-memory adapters


def _user(storage, name="reader"):
    user = a_user(name)
    storage.users.add(user)
    return user


def test_a_created_session_is_found_by_its_id(storage):
    user = _user(storage)
    expires = utcnow() + timedelta(days=30)
    session = storage.sessions.create(user.id, expires)

    assert len(session.id) >= 43 and session.user_id == user.id
    found = storage.sessions.get(session.id)
    assert found is not None and found.id == session.id and found.user_id == user.id
    assert abs((found.expires_at - expires).total_seconds()) < 1
    assert found.created_at.utcoffset() == timedelta(0) and found.expires_at.utcoffset() == timedelta(0)


def test_ids_are_random_and_unknown_ids_find_nothing(storage):
    user = _user(storage)
    ids = {storage.sessions.create(user.id, utcnow() + timedelta(hours=1)).id for _ in range(5)}
    assert len(ids) == 5
    assert storage.sessions.get("no-such-session") is None
    assert storage.sessions.get(session_id_hash(next(iter(ids)))) is None  # the stored hash is no key


def test_an_expired_session_is_absent_even_before_any_cleanup(storage):
    user = _user(storage)
    session = storage.sessions.create(user.id, utcnow() - timedelta(seconds=2))
    assert storage.sessions.get(session.id) is None


def test_a_deleted_session_is_gone_and_deleting_twice_is_fine(storage):
    user = _user(storage)
    session = storage.sessions.create(user.id, utcnow() + timedelta(hours=1))
    other = storage.sessions.create(user.id, utcnow() + timedelta(hours=1))
    storage.sessions.delete(session.id)
    storage.sessions.delete(session.id)
    storage.sessions.delete("never-existed")
    assert storage.sessions.get(session.id) is None
    assert storage.sessions.get(other.id) is not None


def test_deleting_a_users_sessions_keeps_the_one_asked_for_and_other_users(storage):
    ann, bob = _user(storage, "ann"), _user(storage, "bob")
    later = utcnow() + timedelta(hours=1)
    anns = [storage.sessions.create(ann.id, later) for _ in range(3)]
    bobs = storage.sessions.create(bob.id, later)

    storage.sessions.delete_for_user(ann.id, keep=anns[0].id)
    assert storage.sessions.get(anns[0].id) is not None
    assert [storage.sessions.get(s.id) for s in anns[1:]] == [None, None]
    assert storage.sessions.get(bobs.id) is not None

    storage.sessions.delete_for_user(ann.id)
    assert storage.sessions.get(anns[0].id) is None
    assert storage.sessions.get(bobs.id) is not None
    storage.sessions.delete_for_user("nobody")


def test_deleting_the_user_ends_their_sessions(storage):
    user = _user(storage)
    session = storage.sessions.create(user.id, utcnow() + timedelta(hours=1))
    storage.sessions.delete_for_user(user.id)
    storage.users.delete(user.id)
    assert storage.sessions.get(session.id) is None
