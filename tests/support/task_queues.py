"""TaskQueue adapters the task-queue contract suite (tests/contract/test_task_queue.py) runs against.

Each entry takes the job handler and yields a QueueHarness: the queue under test plus what the
suite needs to observe it without knowing which adapter it is:

- drain():    deliver every job queued so far to the handler and return once they have run.
              For SQS this is the consumer's part (receive, run, delete), done the way the worker does.
- shutdown(): what a stopping process does to its queue (the thread queue waits for its jobs).
- runs_in_caller: the job runs inside enqueue (inline), so enqueue cannot return before the job.
Adding an adapter here runs the whole suite against it."""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Callable, ContextManager

log = logging.getLogger(__name__)

Handler = Callable[[dict], object]


@dataclass
class QueueHarness:
    queue: Any
    drain: Callable[[], None] = lambda: None
    shutdown: Callable[[], None] = lambda: None
    runs_in_caller: bool = False
    notes: dict = field(default_factory=dict)


@contextlib.contextmanager
def inline_queue(handler: Handler):
    from booklib.adapters.tasks.inline import InlineTaskQueue

    yield QueueHarness(InlineTaskQueue(handler), runs_in_caller=True)


@contextlib.contextmanager
def thread_queue(handler: Handler):
    from booklib.adapters.tasks.thread import ThreadTaskQueue

    queue = ThreadTaskQueue(handler, max_workers=4)

    def drain():
        assert queue.join(timeout=30), "the thread queue did not finish its jobs"

    try:
        yield QueueHarness(queue, drain=drain, shutdown=queue.shutdown)
    finally:
        queue.shutdown(wait_for_jobs=False)


@contextlib.contextmanager
def deferred_queue(handler: Handler):
    """The test double of tests/support/tasks.py: it must keep the same contract."""
    from .tasks import DeferredTaskQueue

    queue = DeferredTaskQueue(handler)
    yield QueueHarness(queue, drain=queue.run_pending)


@contextlib.contextmanager
def sqs_moto_queue(handler: Handler):
    """SqsTaskQueue on moto in-process; drain() plays the worker: receive, run, delete what succeeded."""
    import boto3
    from botocore.config import Config
    from moto import mock_aws

    from booklib.adapters.tasks.sqs import SqsTaskQueue, ensure_queues

    with mock_aws():
        session = boto3.session.Session(
            region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        # moto intercepts AWS's own URLs only: never follow an AWS_ENDPOINT_URL from the environment.
        client = session.client("sqs", config=Config(ignore_configured_endpoint_urls=True))
        url = ensure_queues("contract", client=client).queue_url

        def drain():
            while True:
                messages = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages") or []
                if not messages:
                    return
                for message in messages:
                    try:
                        handler(json.loads(message["Body"]))
                    except Exception:  # left on the queue: delivered again after the visibility timeout
                        log.exception("job %s failed", message["Body"])
                        continue
                    client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

        yield QueueHarness(SqsTaskQueue(client, url), drain=drain, notes={"client": client, "url": url})


TASK_QUEUES: dict[str, Callable[[Handler], ContextManager[QueueHarness]]] = {
    "inline": inline_queue,
    "thread": thread_queue,
    "sqs-moto": sqs_moto_queue,
    "deferred-double": deferred_queue,
}
