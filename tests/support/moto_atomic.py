"""Make moto apply each DynamoDB request atomically, as DynamoDB does.

moto carries out a TransactWriteItems one step at a time with no lock: two threads interleave its
condition checks and writes, and its rollback (a deep copy of the table taken before the transaction)
crashes or undoes another thread's committed write. DynamoDB itself isolates transactions. Holding one
lock per request restores that guarantee without hiding an application race: a read-then-write done in
two requests (the race guard items prevent) is still two separate requests."""

from __future__ import annotations

import functools
import threading

_lock = threading.RLock()


def serialize_dynamodb_requests() -> None:
    from moto.dynamodb.responses import DynamoHandler

    if getattr(DynamoHandler.call_action, "_serialized", False):
        return
    original = DynamoHandler.call_action

    @functools.wraps(original)
    def call_action(self):
        with _lock:
            return original(self)

    call_action._serialized = True
    DynamoHandler.call_action = call_action
