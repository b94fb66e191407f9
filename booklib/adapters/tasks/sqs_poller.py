"""What Lambda's SQS event source does, for local use: `flask --app booklib.web worker`.

Long-polls the queue, hands each batch to the worker's `process_batch`, and deletes only the
messages that succeeded; the others become visible again after the queue's visibility timeout
and, after MAX_RECEIVE_COUNT receives, move to the dead-letter queue."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from dataclasses import dataclass

from .sqs import LONG_POLL_SECONDS, as_lambda_record
from .sqs_worker import process_batch

log = logging.getLogger(__name__)


class _Interrupted(BaseException):
    """Raised by the signal handler inside a pending receive. A BaseException, like
    KeyboardInterrupt, so botocore's retry logic (which catches Exception) lets it through."""


@dataclass
class RoundResult:
    received: int = 0
    succeeded: int = 0
    failed: int = 0


class SqsPoller:
    def __init__(self, client, queue_url: str, service, *, wait_time: int = LONG_POLL_SECONDS, max_messages: int = 10):
        self.client = client
        self.queue_url = queue_url
        self.service = service
        self.wait_time = wait_time
        self.max_messages = max_messages
        self._stop = threading.Event()
        self._receiving = False

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, once: bool = False) -> RoundResult:
        total = RoundResult()
        while not self.stopping:
            try:
                result = self.run_round()
            except _Interrupted:
                break
            total.received += result.received
            total.succeeded += result.succeeded
            total.failed += result.failed
            if once:
                break
        return total

    def run_round(self) -> RoundResult:
        self._receiving = True
        try:
            answer = self.client.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=self.max_messages,
                WaitTimeSeconds=self.wait_time,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
        finally:
            self._receiving = False
        messages = answer.get("Messages") or []
        if not messages:
            return RoundResult()
        records = [as_lambda_record(m) for m in messages]
        outcome = process_batch({"Records": records}, self.service)
        failed = {item["itemIdentifier"] for item in outcome["batchItemFailures"]}
        done = [r for r in records if r["messageId"] not in failed]
        self._delete(done)
        return RoundResult(received=len(records), succeeded=len(done), failed=len(records) - len(done))

    def _delete(self, records: list[dict]) -> None:
        for start in range(0, len(records), 10):
            chunk = records[start : start + 10]
            answer = self.client.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(chunk)],
            )
            for failure in answer.get("Failed") or []:
                log.warning("could not delete a finished message: %s", failure)

    @contextlib.contextmanager
    def signal_handlers(self):
        """Ctrl-C / SIGTERM: a pending receive is abandoned at once (nothing was taken yet);
        a batch being processed is finished and its successes deleted before stopping.
        The previous handlers come back afterwards."""

        def on_signal(signum, frame):
            log.info("signal %s: stopping", signum)
            self.stop()
            if self._receiving:
                raise _Interrupted()

        if threading.current_thread() is not threading.main_thread():
            yield  # signals are delivered to the main thread only
            return
        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
