"""Entities <-> DynamoDB items. Numbers come back as Decimal and times as ISO strings: both end here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from booklib.domain.model import EDITABLE_FIELDS, Book, ReadingStatus, SyncStatus, User, UserBook

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(values: dict) -> dict:
    """Attribute values in DynamoDB's wire form; None is left out (a sparse index must not see it)."""
    return {name: _serializer.serialize(value) for name, value in values.items() if value is not None}


def from_item(item: dict) -> dict:
    return {name: _plain(_deserializer.deserialize(value)) for name, value in item.items()}


def _plain(value):
    if isinstance(value, Decimal):
        return int(value)
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
    values.update(created_at=format_time(book.created_at), updated_at=format_time(book.updated_at))
    return to_item(values)


def book_from(item: dict) -> Book:
    v = from_item(item)
    return Book(
        id=v["book_id"],
        **{name: v.get(name) for name in BOOK_TEXT_FIELDS},
        created_at=parse_time(v["created_at"]),
        updated_at=parse_time(v["updated_at"]),
    )


USER_BOOK_TEXT_FIELDS = ("sync_error", *EDITABLE_FIELDS)
# Only a PENDING entry carries this attribute, so the sparse pending-index holds PENDING entries alone.
PENDING_ATTR = "pending"
PENDING_MARK = "PENDING"


def user_book_item(ub: UserBook) -> dict:
    values = {
        "user_book_id": ub.id,
        "user_id": ub.user_id,
        "book_id": ub.book_id,
        "status": ub.status.value,
        "rating": ub.rating,
        "sync_status": ub.sync_status.value,
        **{name: getattr(ub, name) for name in USER_BOOK_TEXT_FIELDS},
        "date_added": format_time(ub.date_added),
        "updated_at": format_time(ub.updated_at),
        "version": ub.version,
        PENDING_ATTR: PENDING_MARK if ub.sync_status is SyncStatus.PENDING else None,
    }
    return to_item(values)


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


def entry_update(changes: dict, version: int) -> Update:
    """Set the changed attributes of an entry, a new updated_at and the next version (#v, :v is the one read)."""
    plain = {name: getattr(value, "value", value) for name, value in changes.items()}  # enums to text
    plain["updated_at"] = format_time(datetime.now(timezone.utc))
    if "sync_status" in changes:
        plain[PENDING_ATTR] = PENDING_MARK if changes["sync_status"] is SyncStatus.PENDING else None
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
