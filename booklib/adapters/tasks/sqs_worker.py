"""The SQS consumer's rules, shared by the worker Lambda and `flask --app booklib.web worker`:
run each record's metadata job and name the records to hand back (`batchItemFailures`).

- a job that ran (SYNCED, FAILED for good, or nothing left to do because a duplicate delivery
  already did it) succeeded and is deleted;
- a malformed message (not JSON, not a job) or one naming an unknown entry fails alone; after
  MAX_RECEIVE_COUNT receives SQS moves it to the dead-letter queue, where it stays as evidence;
- transient provider trouble (timeouts, 429, 5xx) fails the message so it comes back later; on its
  last receive the job runs with final_attempt=True and the entry ends FAILED with the reason."""

from __future__ import annotations

import json
import logging
import time

from booklib.domain.errors import MetadataUnavailableError, NotFoundError, ValidationError

from .sqs import MAX_RECEIVE_COUNT

log = logging.getLogger(__name__)

# When a Lambda's deadline is this close, messages not yet started are handed back unprocessed
# rather than lost to a timeout that would return the whole batch (one job can take about
# metadata timeout x retries x providers).
TIME_MARGIN_MS = 30_000
# A job's provider calls stop this long before the Lambda's deadline, so its outcome is still written.
JOB_END_MARGIN_MS = 10_000


def process_batch(event: dict, service, context=None) -> dict:
    """Run every record of an SQS event; `{"batchItemFailures": [...]}` names those to retry."""
    records = (event or {}).get("Records") or []
    failed: list[str] = []
    for index, record in enumerate(records):
        if context is not None and _time_left_ms(context) < TIME_MARGIN_MS:
            rest = [r.get("messageId") for r in records[index:]]
            log.warning("little time left: handing back %d unprocessed message(s)", len(rest))
            failed.extend(rest)
            break
        if not process_record(record, service, deadline=_deadline(context)):
            failed.append(record.get("messageId"))
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}


def process_record(record: dict, service, deadline: float | None = None) -> bool:
    """True when the message is done with (delete it), False to have it delivered again."""
    message_id = record.get("messageId")
    receives = receive_count(record)
    try:
        message = json.loads(record.get("body") or "")
    except (TypeError, ValueError):
        log.error("message %s (receive %d) is not JSON: %.200r", message_id, receives, record.get("body"))
        return False
    try:
        status = service.handle_message(message, final_attempt=receives >= MAX_RECEIVE_COUNT, deadline=deadline)
    except MetadataUnavailableError as exc:
        log.warning(
            "message %s (receive %d of %d): metadata services unavailable, will retry: %s",
            message_id, receives, MAX_RECEIVE_COUNT, exc.message,
        )
        return False
    except (ValidationError, NotFoundError) as exc:
        log.error("message %s (receive %d) cannot be run: %s", message_id, receives, exc.message)
        return False
    except Exception:
        log.exception("message %s (receive %d) failed", message_id, receives)
        return False
    log.info("message %s: %s", message_id, status.value if status is not None else "nothing to do")
    return True


def receive_count(record: dict) -> int:
    try:
        return max(1, int((record.get("attributes") or {}).get("ApproximateReceiveCount", 1)))
    except (TypeError, ValueError):
        return 1


def _deadline(context) -> float | None:
    """When this job's HTTP attempts must stop (time.monotonic() seconds): before Lambda's own
    timeout, leaving room to record the outcome."""
    if context is None:
        return None
    left = _time_left_ms(context)
    return None if left == float("inf") else time.monotonic() + (left - JOB_END_MARGIN_MS) / 1000


def _time_left_ms(context) -> float:
    try:
        return float(context.get_remaining_time_in_millis())
    except Exception:
        return float("inf")
