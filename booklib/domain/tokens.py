"""Personal access tokens: a reader's scripts authenticate with `Authorization: Bearer <token>`.

The token itself is shown once, when made; stores keep only its SHA-256 (a high-entropy secret needs no
slow hash), so a stolen table cannot be replayed. `prefix` (the first characters) lets a reader tell
their tokens apart."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from .errors import ValidationError

TOKEN_PREFIX = "blt_"  # recognisable in a leaked file or a secret scanner's rules
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 4
NAME_MAX = 100
MAX_TOKENS_PER_USER = 50


def new_token_secret() -> str:
    """256 random bits, URL-safe, after the prefix."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_token_name(raw: object) -> str:
    name = " ".join(str(raw).split()) if isinstance(raw, str) else ""
    if not name:
        raise ValidationError("Give the token a name (what will use it, e.g. “phone shortcut”).", field="name")
    if len(name) > NAME_MAX:
        raise ValidationError(f"A token's name has at most {NAME_MAX} characters.", field="name")
    return name


@dataclass(frozen=True, slots=True)
class AccessToken:
    id: str
    user_id: str
    name: str
    token_hash: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None = None

    def used_at(self, when: datetime) -> "AccessToken":
        return replace(self, last_used_at=when)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "prefix": self.prefix,
            "created_at": self.created_at.isoformat(),
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
        }
