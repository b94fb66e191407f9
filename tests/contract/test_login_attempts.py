"""Contract of the LoginAttempts port: every adapter must pass it unchanged."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from booklib.domain.model import LoginFailures

from . import accounts_backends
from .builders import T0

DAY = timedelta(days=1)

storage = accounts_backends.storage  # every storage backend, and the in-memory adapters


def test_an_unknown_key_has_no_failures(storage):
    assert storage.login_attempts.failures("account:nobody@example.org", T0) == LoginFailures()


def test_failures_count_up_and_remember_the_last_one(storage):
    attempts = storage.login_attempts
    for n in range(1, 4):
        state = attempts.record_failure("account:ann@example.org", T0 + timedelta(seconds=n), T0 + DAY)
        assert state.count == n
    state = attempts.failures("account:ann@example.org", T0 + timedelta(seconds=10))
    assert state.count == 3 and state.last_failure_at == T0 + timedelta(seconds=3)
    assert attempts.failures("account:bob@example.org", T0).count == 0


def test_reset_forgets_one_key_only(storage):
    attempts = storage.login_attempts
    attempts.record_failure("account:ann@example.org", T0, T0 + DAY)
    attempts.record_failure("address:192.0.2.1", T0, T0 + DAY)
    attempts.reset("account:ann@example.org")
    attempts.reset("account:never@example.org")
    assert attempts.failures("account:ann@example.org", T0).count == 0
    assert attempts.failures("address:192.0.2.1", T0).count == 1
    assert attempts.record_failure("account:ann@example.org", T0, T0 + DAY).count == 1


def test_an_expired_count_is_forgotten_and_starts_again_from_one(storage):
    attempts = storage.login_attempts
    for _ in range(4):
        attempts.record_failure("address:192.0.2.7", T0, T0 + timedelta(hours=1))
    later = T0 + timedelta(hours=2)
    assert attempts.failures("address:192.0.2.7", later) == LoginFailures()
    state = attempts.record_failure("address:192.0.2.7", later, later + timedelta(hours=1))
    assert state.count == 1 and state.last_failure_at == later


def test_simultaneous_failures_are_all_counted(storage):
    attempts = storage.login_attempts

    def fail(_):
        return attempts.record_failure("account:race@example.org", T0, T0 + DAY).count

    with ThreadPoolExecutor(max_workers=10) as pool:
        counts = sorted(pool.map(fail, range(20)))
    assert counts == list(range(1, 21))
    assert attempts.failures("account:race@example.org", T0).count == 20
