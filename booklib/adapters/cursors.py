"""Opaque page cursors shared by the repository adapters: base64url JSON bound to a user and a query."""

import base64
import binascii
import hashlib
import json

from booklib.domain.errors import InvalidCursorError
from datetime import datetime, timezone

from booklib.domain.model import ListQuery, Sort


def invalid_cursor() -> InvalidCursorError:
    return InvalidCursorError("The cursor is not valid: start again from the first page.", field="cursor")


def query_fingerprint(user_id: str, query: ListQuery) -> str:
    """A cursor only continues the listing it came from: same user, filter, search and sort."""
    raw = json.dumps([user_id, query.status and query.status.value, query.q, query.sort.value, query.tag])
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def encode_cursor(user_id: str, query: ListQuery, position: dict) -> str:
    payload = {"f": query_fingerprint(user_id, query), "p": position}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(user_id: str, query: ListQuery) -> dict | None:
    if not query.cursor:
        return None
    try:
        text = query.cursor + "=" * (-len(query.cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(text.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise invalid_cursor() from None
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), dict):
        raise invalid_cursor()
    if payload.get("f") != query_fingerprint(user_id, query):
        raise InvalidCursorError(
            "The cursor belongs to another listing (filter, search or sort changed): start from the first page.",
            field="cursor",
        )
    return payload["p"]


def read_position(position: dict, sort: Sort) -> tuple[object, str]:
    """The (sort value, entry id) a cursor stopped at, checked against its sort: an aware UTC datetime
    for newest first, a number for rating, a string for title and author."""
    value, last_id = position.get("v"), position.get("id")
    if not isinstance(last_id, str) or not last_id:
        raise invalid_cursor()
    if sort is Sort.DATE_ADDED:
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise invalid_cursor() from None
        if moment.tzinfo is None:
            raise invalid_cursor()
        return moment.astimezone(timezone.utc), last_id
    if sort is Sort.RATING and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise invalid_cursor()
    if sort in (Sort.TITLE, Sort.AUTHOR) and not isinstance(value, str):
        raise invalid_cursor()
    return value, last_id
