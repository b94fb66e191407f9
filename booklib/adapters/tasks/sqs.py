"""Metadata jobs as SQS messages: the AWS task queue, plus the queue + dead-letter queue setup.

The message body is `{"user_book_id": "..."}`; a worker (the SQS Lambda, or
`flask --app booklib.web worker` locally) runs it. The clients come from the container, built once
per process (clients are thread-safe; building one loads the service model, which costs tens of ms)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from booklib.domain.errors import TaskQueueError

log = logging.getLogger(__name__)

# After this many receives a message moves to the dead-letter queue. The worker makes its last
# try count (final_attempt) on this receive. serverless.yml repeats the number.
MAX_RECEIVE_COUNT = 3
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
# The worker Lambda's timeout in serverless.yml; the queue's visibility timeout is at least 6x it,
# as AWS advises for SQS event sources.
WORKER_TIMEOUT_SECONDS = 120
LONG_POLL_SECONDS = 20
EMULATOR_REGION = "us-east-1"

# Client settings the container builds the two SQS clients with: the one that sends from web
# requests gives up sooner; the long-polling one waits up to LONG_POLL_SECONDS for an answer.
SEND_CLIENT_OPTIONS = dict(connect_timeout=3, read_timeout=10, retries={"max_attempts": 4, "mode": "standard"},
                           max_pool_connections=20)
POLL_CLIENT_OPTIONS = {**SEND_CLIENT_OPTIONS, "read_timeout": LONG_POLL_SECONDS + 10}


def job_body(user_book_id: str) -> str:
    return json.dumps({"user_book_id": user_book_id})


class SqsTaskQueue:
    """TaskQueue port over SQS (`BOOKLIB_TASKS=sqs`, `METADATA_QUEUE_URL`)."""

    def __init__(self, client=None, queue_url: str = "", *, connect=None):
        """`client`, or `connect`: what builds it at the first send. Most requests queue nothing, and a
        client costs a new Lambda container tens of milliseconds."""
        if not queue_url:
            raise ValueError("SqsTaskQueue needs a queue URL (METADATA_QUEUE_URL).")
        if (client is None) == (connect is None):
            raise ValueError("SqsTaskQueue needs a client or a way to connect, not both.")
        self._client = client
        self._connect = connect
        self.queue_url = queue_url

    @property
    def client(self):
        if self._client is None:
            self._client = self._connect()
        return self._client

    def enqueue_metadata_job(self, user_book_id: str, bulk: bool = False) -> None:
        # The worker's concurrency (serverless.yml) paces every lookup alike: bulk needs no lane of its own.
        self._send(job_body(user_book_id))

    def enqueue_import_chunk(self, import_id: str, chunk: int, lookups: bool = False) -> None:
        self._send(json.dumps({"import_id": import_id, "chunk": chunk, **({"lookups": True} if lookups else {})}))

    def _send(self, body: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.send_message(QueueUrl=self.queue_url, MessageBody=body)
        except (BotoCoreError, ClientError) as exc:
            # botocore has retried already. The caller marks the entry so the reader can try again.
            log.exception("job %s could not be queued on %s", body, self.queue_url)
            raise TaskQueueError(f"The job queue could not be reached ({type(exc).__name__}).") from None


@dataclass(frozen=True)
class Queues:
    queue_url: str
    queue_arn: str
    dlq_url: str
    dlq_arn: str


def queue_names(environment: str) -> tuple[str, str]:
    return f"BookLibrary-Metadata-{environment}", f"BookLibrary-Metadata-DLQ-{environment}"


def ensure_queues(
    environment: str,
    *,
    client,
    worker_timeout: int = WORKER_TIMEOUT_SECONDS,
    visibility_timeout: int | None = None,
    max_receive_count: int = MAX_RECEIVE_COUNT,
) -> Queues:
    """Create (or bring up to date) `BookLibrary-Metadata-<env>` and its dead-letter queue.

    Idempotent: existing queues keep their messages and get the attributes below set again.
    `visibility_timeout` defaults to 6x the worker timeout; tests pass a short one."""
    name, dlq_name = queue_names(environment)
    dlq_url = _ensure_queue(client, dlq_name, {"MessageRetentionPeriod": str(DLQ_RETENTION_SECONDS)})
    dlq_arn = _queue_arn(client, dlq_url)
    attributes = {
        "VisibilityTimeout": str(visibility_timeout if visibility_timeout is not None else 6 * worker_timeout),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)}),
    }
    queue_url = _ensure_queue(client, name, attributes)
    return Queues(queue_url=queue_url, queue_arn=_queue_arn(client, queue_url), dlq_url=dlq_url, dlq_arn=dlq_arn)


_MISSING = {"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"}
_TAKEN = {"QueueNameExists", "QueueAlreadyExists"}


def _ensure_queue(client, name: str, attributes: dict[str, str]) -> str:
    from botocore.exceptions import ClientError

    try:
        url = client.get_queue_url(QueueName=name)["QueueUrl"]
    except ClientError as exc:
        if _error_code(exc) not in _MISSING:
            raise
        try:
            return client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        except ClientError as exc:  # created by someone else meanwhile, with other attributes
            if _error_code(exc) not in _TAKEN:
                raise
            url = client.get_queue_url(QueueName=name)["QueueUrl"]
    client.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    return url


def _error_code(exc) -> str:
    return exc.response.get("Error", {}).get("Code", "")


def _queue_arn(client, url: str) -> str:
    return client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


class SqsQueuesProvisioner:
    """Provisioner port: the metadata queue and its dead-letter queue."""

    def __init__(self, client, environment: str):
        self.client = client
        self.environment = environment

    def ensure(self) -> list[str]:
        queues = ensure_queues(self.environment, client=self.client)
        return [
            f"Queue {queues.queue_url} (dead letters after {MAX_RECEIVE_COUNT} receives).",
            f"Dead-letter queue {queues.dlq_url}.",
            f"For BOOKLIB_TASKS=sqs: export METADATA_QUEUE_URL={queues.queue_url}",
        ]


def as_lambda_record(message: dict) -> dict:
    """A ReceiveMessage message in the shape Lambda's SQS event source hands the worker."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": dict(message.get("MessageAttributes") or {}),
        "md5OfBody": message.get("MD5OfBody"),
        "eventSource": "aws:sqs",
    }
