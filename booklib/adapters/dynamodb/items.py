"""Entities <-> DynamoDB items. Numbers come back as Decimal and times as ISO strings: both end here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from booklib.domain.model import (
    EDITABLE_FIELDS,
    PERSONAL_LIMITS,
    Book,
    ReadingStatus,
    SyncStatus,
    User,
    UserBook,
    parse_reads,
)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(values: dict) -> dict:
    """Attribute values in DynamoDB's wire form; None is left out (a sparse index must not see it)."""
    return {name: _serializer.serialize(value) for name, value in values.items() if value is not None}


def from_item(item: dict) -> dict:
    return {name: _plain(_deserializer.deserialize(value)) for name, value in item.items()}


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def format_time(moment: datetime) -> str:
    """Fixed-width UTC ISO 8601, so that string order (the user-index sort key) is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given where UTC is required")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without a zone: {text!r}")
    return moment.astimezone(timezone.utc)


def user_item(user: User) -> dict:
    return to_item(
        {
            "user_id": user.id,
            "username": user.username,
            "email": user.email.lower(),
            "password_hash": user.password_hash,
            "created_at": format_time(user.created_at),
        }
    )


def user_from(item: dict) -> User:
    v = from_item(item)
    return User(v["user_id"], v["username"], v["email"], v["password_hash"], parse_time(v["created_at"]))


BOOK_TEXT_FIELDS = ("isbn", *EDITABLE_FIELDS, "cover_image_url")


def book_item(book: Book) -> dict:
    values = {"book_id": book.id, **{name: getattr(book, name) for name in BOOK_TEXT_FIELDS}}
    values.update(created_at=format_time(book.created_at), updated_at=format_time(book.updated_at),
                  page_count=book.page_count)
    return to_item(values)


def book_from(item: dict) -> Book:
    v = from_item(item)
    return Book(
        id=v["book_id"],
        **{name: v.get(name) for name in BOOK_TEXT_FIELDS},
        created_at=parse_time(v["created_at"]),
        updated_at=parse_time(v["updated_at"]),
        page_count=v.get("page_count"),
    )


USER_BOOK_TEXT_FIELDS = ("sync_error", *EDITABLE_FIELDS, *PERSONAL_LIMITS)
# Only a PENDING entry carries this attribute, so the sparse pending-index holds PENDING entries alone.
PENDING_ATTR = "pending"
PENDING_MARK = "PENDING"


def user_book_item(ub: UserBook, listing: dict | None = None) -> dict:
    """The entry's item; `listing`: its listing attributes (entry_index.entry_keys), when known."""
    values = {
        "user_book_id": ub.id,
        "user_id": ub.user_id,
        "book_id": ub.book_id,
        **{name: getattr(ub, name) for name in USER_BOOK_TEXT_FIELDS},
        "date_added": format_time(ub.date_added),
        "updated_at": format_time(ub.updated_at),
        "version": ub.version,
        **entry_attributes({name: getattr(ub, name) for name in ENTRY_VALUE_FIELDS}),
        **(listing or {}),
    }
    return to_item(values)


# Entry values that are not plain text or numbers in an item, and how they are kept there.
ENTRY_VALUE_FIELDS = ("status", "sync_status", "rating", "page_count", "reads", "tags")


def entry_attributes(values: dict) -> dict:
    """Entry values (any subset) as item attributes: enums as text, a half-star rating as a Decimal,
    reads as JSON text, tags as a list plus `tag_keys`, the folded set the tag= filter tests with
    contains(); a PENDING entry carries the pending-index key. None means: remove the attribute."""
    out = {name: getattr(value, "value", value) for name, value in values.items()}
    if isinstance(values.get("rating"), float):
        out["rating"] = Decimal(str(values["rating"]))
    if "reads" in values:
        out["reads"] = json.dumps([read.to_dict() for read in values["reads"]]) if values["reads"] else None
    if "tags" in values:
        out["tags"] = list(values["tags"]) or None
        out["tag_keys"] = {tag.casefold() for tag in values["tags"]} or None
    if "sync_status" in values:
        out[PENDING_ATTR] = PENDING_MARK if values["sync_status"] is SyncStatus.PENDING else None
    return out


def user_book_from(item: dict) -> UserBook:
    v = from_item(item)
    return UserBook(
        id=v["user_book_id"],
        user_id=v["user_id"],
        book_id=v["book_id"],
        status=ReadingStatus(v["status"]),
        rating=v.get("rating"),
        sync_status=SyncStatus(v["sync_status"]),
        **{name: v.get(name) for name in USER_BOOK_TEXT_FIELDS},
        date_added=parse_time(v["date_added"]),
        updated_at=parse_time(v["updated_at"]),
        version=v.get("version", 0),
        page_count=v.get("page_count"),
        reads=parse_reads(json.loads(v["reads"])) if v.get("reads") else (),
        tags=tuple(v.get("tags") or ()),
    )


@dataclass(frozen=True)
class Update:
    """The parts of an UpdateItem request: SET for values, REMOVE for Nones (items never hold nulls)."""

    expression: str
    names: dict
    values: dict

    def with_names(self, extra: dict) -> dict:
        request = {"UpdateExpression": self.expression, "ExpressionAttributeNames": {**self.names, **extra}}
        if self.values:
            request["ExpressionAttributeValues"] = self.values
        return request


def entry_update(changes: dict, version: int, now: datetime | None = None, extra: dict | None = None) -> Update:
    """Set the changed attributes of an entry (and `extra` plain attributes), a new updated_at and the
    next version (#v, :v is the one read)."""
    plain = {**entry_attributes(changes), **(extra or {})}
    plain["updated_at"] = format_time(now or datetime.now(timezone.utc))
    names = {"#v": "version"}
    values = {":v": {"N": str(version)}, ":next": {"N": str(version + 1)}}
    sets, removes = ["#v = :next"], []
    for i, (name, value) in enumerate(sorted(plain.items())):
        names[f"#a{i}"] = name
        if value is None:
            removes.append(f"#a{i}")
        else:
            values[f":a{i}"] = _serializer.serialize(value)
            sets.append(f"#a{i} = :a{i}")
    expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    return Update(expression, names, values)
