"""Registering and authenticating readers."""

from __future__ import annotations

from ..errors import AuthenticationError
from ..model import User, check_password, new_id, normalize_email, normalize_username, utcnow
from ..ports import PasswordHasher, UserRepository


class AccountService:
    def __init__(self, users: UserRepository, hasher: PasswordHasher):
        self.users = users
        self.hasher = hasher

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

    def authenticate(self, email: str, password: str) -> User:
        user = self.users.get_by_email(str(email or "").strip().lower())
        if user is None or not self.hasher.verify(user.password_hash, str(password or "")):
            raise AuthenticationError("Wrong email or password.")
        return user

    def get(self, user_id: str) -> User | None:
        return self.users.get(user_id)
