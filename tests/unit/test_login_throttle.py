"""The failed-login policy of AccountService, on a fake clock (no sleeping, no timing asserts)."""

from datetime import timedelta

import pytest

from booklib.adapters.memory.accounts import InMemoryLoginAttempts, InMemorySessionStore
from booklib.domain.errors import AuthenticationError, TooManyAttemptsError, ValidationError
from booklib.domain.model import utcnow
from booklib.domain.services.accounts import AccountService, ThrottleRule, account_key, address_key

class Clock:
    """Starts at the real time (stores check session expiry by the real clock too), then moves only when told."""

    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


class Users:
    def __init__(self):
        self.by_id = {}

    def add(self, user):
        self.by_id[user.id] = user

    def get(self, user_id):
        return self.by_id.get(user_id)

    def get_by_email(self, email):
        return next((u for u in self.by_id.values() if u.email == email.lower()), None)

    def update_password(self, user_id, password_hash):
        self.by_id[user_id].password_hash = password_hash


class Hasher:
    """Records every hash it is asked to check."""

    def __init__(self):
        self.made, self.checked = [], []

    def hash(self, password):
        made = f"hash:{password}"
        self.made.append(made)
        return made

    def verify(self, password_hash, password):
        self.checked.append(password_hash)
        return password_hash == f"hash:{password}"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def accounts(clock):
    service = AccountService(Users(), Hasher(), InMemorySessionStore(), InMemoryLoginAttempts(), clock=clock)
    service.register("ann", "ann@example.org", "right password")
    return service


def fail(accounts, email="ann@example.org", address="192.0.2.10"):
    with pytest.raises((AuthenticationError, TooManyAttemptsError)) as caught:
        accounts.authenticate(email, "wrong password", address)
    return caught.value


def test_the_rule_is_free_then_doubles_up_to_its_cap():
    rule = ThrottleRule(free=5)
    assert [rule.lock_for(n).total_seconds() for n in range(1, 10)] == [0, 0, 0, 0, 0, 2, 4, 8, 16]
    assert rule.lock_for(100) == timedelta(minutes=15)


def test_the_sixth_wrong_password_locks_the_account_and_says_for_how_long(accounts):
    for _ in range(5):
        assert isinstance(fail(accounts), AuthenticationError)
    error = fail(accounts)
    assert isinstance(error, TooManyAttemptsError) and error.retry_after_seconds == 2
    assert error.code == "too_many_attempts"


def test_while_locked_even_the_right_password_is_refused_without_checking_it(accounts, clock):
    for _ in range(6):
        fail(accounts)
    checked = len(accounts.hasher.checked)
    clock.advance(seconds=1)
    with pytest.raises(TooManyAttemptsError) as caught:
        accounts.authenticate("ann@example.org", "right password", "192.0.2.10")
    assert caught.value.retry_after_seconds == 1
    assert len(accounts.hasher.checked) == checked
    clock.advance(seconds=1)
    assert accounts.authenticate("ann@example.org", "right password", "192.0.2.10").username == "ann"


def test_the_delay_grows_with_each_failure_after_a_lock(accounts, clock):
    for _ in range(6):
        fail(accounts)
    waits = []
    for _ in range(4):
        clock.advance(hours=1)  # well past any lock
        waits.append(fail(accounts).retry_after_seconds)
    assert waits == [4, 8, 16, 32]


def test_a_success_resets_the_accounts_count(accounts, clock):
    for _ in range(5):
        fail(accounts)
    accounts.authenticate("ann@example.org", "right password", "192.0.2.10")
    for _ in range(5):
        assert isinstance(fail(accounts), AuthenticationError)
    assert isinstance(fail(accounts), TooManyAttemptsError)


def test_counts_are_forgotten_a_day_after_the_last_failure(accounts, clock):
    for _ in range(5):
        fail(accounts)
    clock.advance(hours=25)
    for _ in range(5):
        assert isinstance(fail(accounts), AuthenticationError)


def test_unknown_emails_cost_the_same_hash_check_and_are_throttled_alike(accounts):
    hasher = accounts.hasher
    made = len(hasher.made)
    for _ in range(5):
        assert isinstance(fail(accounts, "nobody@example.org"), AuthenticationError)
    assert isinstance(fail(accounts, "nobody@example.org"), TooManyAttemptsError)
    assert len(hasher.made) == made + 1  # one dummy hash, made once by the same hasher
    dummy = hasher.made[-1]
    assert hasher.checked[-6:] == [dummy] * 6


def test_one_address_guessing_at_many_accounts_is_throttled_and_success_does_not_reset_it(accounts, clock):
    for n in range(20):
        assert isinstance(fail(accounts, f"guess{n}@example.org", "198.51.100.7"), AuthenticationError)
    assert accounts.authenticate("ann@example.org", "right password", "192.0.2.10")  # other address: fine
    error = fail(accounts, "guess-more@example.org", "198.51.100.7")
    assert isinstance(error, TooManyAttemptsError) and error.retry_after_seconds == 2
    clock.advance(seconds=2)
    accounts.authenticate("ann@example.org", "right password", "198.51.100.7")
    # The address's count stays: its next failure locks it again, for longer.
    assert fail(accounts, "guess-again@example.org", "198.51.100.7").retry_after_seconds == 4


def test_keys():
    assert account_key(" Ann@Example.ORG ") == "account:ann@example.org"
    assert address_key("192.0.2.1") == "address:192.0.2.1"
    assert address_key("2001:db8:1:2:3:4:5:6") == address_key("2001:db8:1:2:ffff::1") == "address:2001:db8:1:2::/64"
    assert address_key("::ffff:192.0.2.1") == "address:192.0.2.1"
    assert address_key(None) is None and address_key("") is None


def test_a_wrong_current_password_is_refused_and_counted(accounts):
    user = accounts.users.get_by_email("ann@example.org")
    for _ in range(5):
        with pytest.raises(ValidationError):
            accounts.change_password(user.id, "wrong password", "new password 1")
    with pytest.raises(TooManyAttemptsError):
        accounts.change_password(user.id, "wrong password", "new password 1")


def test_changing_the_password_ends_the_other_sessions_only(accounts):
    user = accounts.users.get_by_email("ann@example.org")
    here, elsewhere = accounts.start_session(user.id), accounts.start_session(user.id)
    accounts.change_password(user.id, "right password", "new password 1", keep_session=here.id)
    assert accounts.session_user(here.id) is not None
    assert accounts.session_user(elsewhere.id) is None
    assert accounts.authenticate("ann@example.org", "new password 1").id == user.id


def test_sessions_expire_by_the_clock(accounts, clock):
    user = accounts.users.get_by_email("ann@example.org")
    session = accounts.start_session(user.id)
    clock.advance(days=29)
    assert accounts.session_user(session.id)[1].id == user.id
    clock.advance(days=2)
    assert accounts.session_user(session.id) is None
