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
    _copy_each_table_once_per_transaction()


def _copy_each_table_once_per_transaction() -> None:
    """moto's TransactWriteItems deep-copies a table for its rollback once per *operation* naming it
    (its loop overwrites the copy each time): a transaction of 100 items copies the table 100 times,
    which no real DynamoDB costs. Copy each table once per transaction instead — the same rollback,
    so the same behaviour. (Still one copy per transaction: moto's cost grows with the table.)"""
    import copy as real_copy
    import types

    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    original = models.DynamoDBBackend.transact_write_items
    if getattr(original, "_copies_once", False):
        return

    @functools.wraps(original)
    def transact_write_items(self, transact_items):
        copies: dict[int, object] = {}

        def deepcopy(value, memo=None):
            if isinstance(value, Table):
                if id(value) not in copies:
                    copies[id(value)] = real_copy.deepcopy(value, memo)
                return copies[id(value)]
            return real_copy.deepcopy(value, memo)

        models.copy = types.SimpleNamespace(deepcopy=deepcopy, copy=real_copy.copy)
        try:
            return original(self, transact_items)
        finally:
            models.copy = real_copy

    transact_write_items._copies_once = True
    models.DynamoDBBackend.transact_write_items = transact_write_items
