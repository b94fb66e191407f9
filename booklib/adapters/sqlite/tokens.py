"""TokenRepository in SQL: one row per token, unique on the SHA-256 of its secret."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, insert, select, update

from booklib.domain.tokens import AccessToken

from .tables import access_tokens

COLUMNS = ("id", "user_id", "name", "token_hash", "prefix", "created_at", "last_used_at")


def row_to_token(row) -> AccessToken:
    return AccessToken(**{name: row[name] for name in COLUMNS})


class SqlTokenRepository:
    def __init__(self, engine: Engine):
        self.engine = engine

    def add(self, token: AccessToken) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(access_tokens).values({name: getattr(token, name) for name in COLUMNS}))

    def get_by_hash(self, token_hash: str) -> AccessToken | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(access_tokens).where(access_tokens.c.token_hash == token_hash)).mappings().first()
        return row_to_token(row) if row else None

    def list_for_user(self, user_id: str) -> list[AccessToken]:
        stmt = (select(access_tokens).where(access_tokens.c.user_id == user_id)
                .order_by(access_tokens.c.created_at.desc(), access_tokens.c.id.desc()))
        with self.engine.connect() as conn:
            return [row_to_token(row) for row in conn.execute(stmt).mappings()]

    def touch(self, token_hash: str, when: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(access_tokens).where(access_tokens.c.token_hash == token_hash).values(last_used_at=when))

    def delete(self, user_id: str, token_id: str) -> bool:
        stmt = delete(access_tokens).where(access_tokens.c.id == token_id, access_tokens.c.user_id == user_id)
        with self.engine.begin() as conn:
            return conn.execute(stmt).rowcount > 0

    def delete_for_user(self, user_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(access_tokens).where(access_tokens.c.user_id == user_id))
