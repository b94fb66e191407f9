"""Registering and authenticating readers; their sessions; throttling of failed logins; their account."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from ..errors import AuthenticationError, TooManyAttemptsError, ValidationError
from ..model import (
    LoginFailures,
    Session,
    User,
    check_password,
    new_id,
    normalize_email,
    normalize_username,
    utcnow,
)
from ..ports import TokenRepository, BookRepository, LoginAttempts, PasswordHasher, SessionStore, UserBookRepository, UserRepository
from .library import every_entry


@dataclass(frozen=True)
class ThrottleRule:
    """`free` failures cost nothing; failure number free+k locks the key for 2^k seconds, up to `cap`."""

    free: int
    cap: timedelta = timedelta(minutes=15)

    def lock_for(self, count: int) -> timedelta:
        over = count - self.free
        if over <= 0:
            return timedelta(0)
        return min(self.cap, timedelta(seconds=2 ** min(over, 20)))

    def locked_until(self, failures: LoginFailures) -> datetime | None:
        lock = self.lock_for(failures.count)
        if not lock or failures.last_failure_at is None:
            return None
        return failures.last_failure_at + lock


@dataclass(frozen=True)
class ThrottlePolicy:
    """Failed logins per account (by email, known or not) and per client address.

    A success resets the account's count, never the address's (one good password must not buy an
    address more guesses at other accounts). Counts are forgotten `forget_after` the last failure."""

    account: ThrottleRule = ThrottleRule(free=5)
    address: ThrottleRule = ThrottleRule(free=20)
    forget_after: timedelta = timedelta(hours=24)


def account_key(email: str) -> str:
    return f"account:{str(email or '').strip().lower()}"


def address_key(address: str | None) -> str | None:
    """IPv4 addresses as they are; IPv6 by /64 (one host usually holds a whole /64). None: no address."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return f"address:{address.strip()[:100]}"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return f"address:{ip.ipv4_mapped}"
        return f"address:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"address:{ip}"


class AccountService:
    def __init__(
        self,
        users: UserRepository,
        hasher: PasswordHasher,
        sessions: SessionStore | None = None,
        login_attempts: LoginAttempts | None = None,
        *,
        books: BookRepository | None = None,
        user_books: UserBookRepository | None = None,
        tokens: TokenRepository | None = None,
        session_lifetime_days: float = 30,
        policy: ThrottlePolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.users = users
        self.hasher = hasher
        self.sessions = sessions
        self.attempts = login_attempts
        self.books = books
        self.user_books = user_books
        self.tokens = tokens
        self.session_lifetime = timedelta(days=session_lifetime_days)
        self.policy = policy or ThrottlePolicy()
        self.clock = clock
        self._dummy_hash: str | None = None

    # --- registering and logging in

    def register(self, username: str, email: str, password: str) -> User:
        user = User(
            id=new_id(),
            username=normalize_username(username),
            email=normalize_email(email),
            password_hash=self.hasher.hash(check_password(password)),
            created_at=utcnow(),
        )
        self.users.add(user)
        return user

    def authenticate(self, email: str, password: str, address: str | None = None) -> User:
        """The user with this email and password.

        TooManyAttemptsError (before any password is checked) while the account or the address is
        locked; AuthenticationError otherwise when wrong. An unknown email costs the same hash check as a
        known one, and is throttled the same way, so neither timing nor locking tells which emails exist."""
        now = self.clock()
        keys = self._throttle_keys(email, address)
        self._refuse_if_locked(keys, now)
        user = self.users.get_by_email(str(email or "").strip().lower())
        password_hash = user.password_hash if user is not None else self._dummy()
        matches = self.hasher.verify(password_hash, str(password or ""))
        if user is None or not matches:
            self._count_failure(keys, now)
            raise AuthenticationError("Wrong email or password.")
        if self.attempts is not None:
            self.attempts.reset(keys[0][0])
        return user

    def _throttle_keys(self, email: str, address: str | None) -> list[tuple[str, ThrottleRule]]:
        keys = [(account_key(email), self.policy.account)]
        by_address = address_key(address)
        if by_address is not None:
            keys.append((by_address, self.policy.address))
        return keys

    def _refuse_if_locked(self, keys, now: datetime) -> None:
        if self.attempts is None:
            return
        waits = []
        for key, rule in keys:
            until = rule.locked_until(self.attempts.failures(key, now))
            if until is not None and until > now:
                waits.append((until - now).total_seconds())
        if waits:
            raise TooManyAttemptsError(_ceil(max(waits)))

    def _count_failure(self, keys, now: datetime) -> None:
        if self.attempts is None:
            return
        waits = []
        for key, rule in keys:
            failures = self.attempts.record_failure(key, now, now + max(self.policy.forget_after, rule.cap))
            lock = rule.lock_for(failures.count)
            if lock:
                waits.append(lock.total_seconds())
        if waits:  # this failure started a lock: say so now rather than at the next try
            raise TooManyAttemptsError(_ceil(max(waits)))

    def _dummy(self) -> str:
        """A hash made once by the same hasher (same algorithm and cost) for emails nobody has."""
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(new_id())
        return self._dummy_hash

    def get(self, user_id: str) -> User | None:
        return self.users.get(user_id)

    # --- sessions

    def start_session(self, user_id: str) -> Session:
        return self._sessions().create(user_id, self.clock() + self.session_lifetime)

    def session_user(self, session_id: str) -> tuple[Session, User] | None:
        """The live session with this id and its user; None when unknown, ended, expired or the user is gone."""
        if not session_id:
            return None
        session = self._sessions().get(session_id)
        if session is None or session.expires_at <= self.clock():
            return None
        user = self.users.get(session.user_id)
        return (session, user) if user is not None else None

    def end_session(self, session_id: str | None) -> None:
        if session_id:
            self._sessions().delete(session_id)

    def end_all_sessions(self, user_id: str) -> None:
        """Log out everywhere: every copy of every cookie of this reader stops working."""
        self._sessions().delete_for_user(user_id)

    def _sessions(self) -> SessionStore:
        if self.sessions is None:
            raise RuntimeError("AccountService was built without a SessionStore.")
        return self.sessions

    # --- the account page

    def change_password(self, user_id: str, current_password: str, new_password: str,
                        keep_session: str | None = None) -> None:
        """Replace the password after checking the current one; ends every other session of the reader."""
        user = self._with_password(user_id, current_password, field="current_password")
        new = check_password(new_password)
        self.users.update_password(user.id, self.hasher.hash(new))
        self._sessions().delete_for_user(user.id, keep=keep_session)

    def delete_account(self, user_id: str, password: str) -> None:
        """Delete the reader with everything in their library: entries, their hand-entered books, sessions.

        Books with an ISBN are shared by everyone who owns them and stay."""
        user = self._with_password(user_id, password, field="password")
        if self.user_books is None or self.books is None:
            raise RuntimeError("AccountService was built without the library repositories.")
        self._sessions().delete_for_user(user.id)
        if self.tokens is not None:
            self.tokens.delete_for_user(user.id)
        for entry in every_entry(self.user_books, user.id):
            self.user_books.delete(entry.id)
            if entry.book.isbn is None:  # a hand-entered book belongs to this entry alone
                self.books.delete(entry.book.id)
        self.users.delete(user.id)
        self._sessions().delete_for_user(user.id)  # one that started meanwhile

    def _with_password(self, user_id: str, password: str, field: str) -> User:
        """The user, once their password is confirmed; wrong guesses are throttled like logins (a
        borrowed session must not become a way to guess the password)."""
        user = self.users.get(user_id)
        if user is None:
            raise AuthenticationError("No such account.")
        now = self.clock()
        keys = [(account_key(user.email), self.policy.account)]
        self._refuse_if_locked(keys, now)
        if not self.hasher.verify(user.password_hash, str(password or "")):
            self._count_failure(keys, now)
            raise ValidationError("That is not your current password.", field=field)
        return user


def _ceil(seconds: float) -> int:
    whole = int(seconds)
    return whole + 1 if seconds > whole else whole
