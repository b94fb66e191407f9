"""Contract of the UserRepository port: every adapter must pass it unchanged."""

import pytest

from booklib.domain.errors import ConflictError

from .builders import a_user, race


def test_added_user_can_be_read_back_by_id_and_email(storage):
    user = a_user("Alice", "alice@example.org")
    storage.users.add(user)

    assert storage.users.get(user.id) == user
    assert storage.users.get_by_email("ALICE@Example.org") == user
    assert storage.users.get("missing") is None
    assert storage.users.get_by_email("nobody@example.org") is None


def test_created_at_comes_back_timezone_aware(storage):
    user = a_user()
    storage.users.add(user)
    assert storage.users.get(user.id).created_at.utcoffset().total_seconds() == 0


def test_username_is_unique_case_insensitively(storage):
    storage.users.add(a_user("Alice", "one@example.org"))
    with pytest.raises(ConflictError) as caught:
        storage.users.add(a_user("aLICE", "two@example.org"))
    assert caught.value.field == "username"


def test_email_is_unique_case_insensitively(storage):
    storage.users.add(a_user("alice", "same@example.org"))
    with pytest.raises(ConflictError) as caught:
        storage.users.add(a_user("bob", "SAME@example.org"))
    assert caught.value.field == "email"
    assert storage.users.get_by_email("same@example.org").username == "alice"


def test_a_refused_user_leaves_nothing_behind(storage):
    storage.users.add(a_user("alice", "alice@example.org"))
    clash = a_user("bob", "alice@example.org")
    with pytest.raises(ConflictError):
        storage.users.add(clash)
    assert storage.users.get(clash.id) is None
    storage.users.add(a_user("bob", "bob@example.org"))  # bob's name was not reserved by the failed attempt


def test_of_many_simultaneous_registrations_of_one_name_exactly_one_wins(storage):
    outcomes = race(storage.users.add, [a_user("racer", f"racer{i}@example.org") for i in range(40)])
    assert outcomes.count("won") == 1
    assert outcomes.count("conflict") == 39


def test_a_password_hash_can_be_replaced(storage):
    user = a_user("alice", "alice@example.org")
    storage.users.add(user)
    storage.users.update_password(user.id, "hash$new")
    stored = storage.users.get(user.id)
    assert stored.password_hash == "hash$new" and stored.email == user.email and stored.username == user.username
    storage.users.update_password("missing", "hash$x")  # no error, nothing created
    assert storage.users.get("missing") is None


def test_a_deleted_user_is_gone_and_frees_their_username_and_email(storage):
    user = a_user("Alice", "alice@example.org")
    storage.users.add(user)
    storage.users.delete(user.id)
    storage.users.delete(user.id)  # twice is fine
    assert storage.users.get(user.id) is None
    assert storage.users.get_by_email("alice@example.org") is None
    storage.users.add(a_user("ALICE", "Alice@example.org"))
