"""Personal access tokens: made (shown once), listed, revoked, and checked on each API request."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from ..errors import NotFoundError, ValidationError
from ..model import User, new_id, utcnow
from ..ports import TokenRepository, UserRepository
from ..tokens import (
    MAX_TOKENS_PER_USER,
    SHOWN_PREFIX_LENGTH,
    TOKEN_PREFIX,
    AccessToken,
    check_token_name,
    new_token_secret,
    token_hash,
)

# "Last used" is written at most this often per token: a script's every request must not cost a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenService:
    def __init__(self, tokens: TokenRepository, users: UserRepository, clock: Callable[[], datetime] = utcnow):
        self.tokens = tokens
        self.users = users
        self.clock = clock

    def create(self, user_id: str, name: object) -> tuple[AccessToken, str]:
        """A new token and its secret; the secret is never stored nor shown again."""
        name = check_token_name(name)
        if len(self.tokens.list_for_user(user_id)) >= MAX_TOKENS_PER_USER:
            raise ValidationError(f"You have {MAX_TOKENS_PER_USER} tokens already: revoke one first.", field="name")
        secret = new_token_secret()
        token = AccessToken(new_id(), user_id, name, token_hash(secret), secret[:SHOWN_PREFIX_LENGTH], self.clock())
        self.tokens.add(token)
        return token, secret

    def list(self, user_id: str) -> list[AccessToken]:
        return self.tokens.list_for_user(user_id)

    def revoke(self, user_id: str, token_id: str) -> None:
        if not self.tokens.delete(user_id, str(token_id)):
            raise NotFoundError("No such token.")

    def authenticate(self, secret: str) -> tuple[AccessToken, User] | None:
        """The token with this secret and its user; None when unknown, revoked, or the user is gone."""
        if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        token = self.tokens.get_by_hash(token_hash(secret))
        if token is None:
            return None
        user = self.users.get(token.user_id)
        if user is None:
            return None
        now = self.clock()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            self.tokens.touch(token.token_hash, now)
            token = token.used_at(now)
        return token, user
