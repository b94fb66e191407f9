"""`flask --app booklib.web worker`: the local stand-in for Lambda's SQS event source (in-process moto)."""

from __future__ import annotations

import json
import os
import signal
import time

import boto3
import pytest
from moto import mock_aws

from booklib.adapters.tasks.sqs import ensure_queues
from booklib.domain.model import SyncStatus
from booklib.adapters.tasks.sqs_poller import SqsPoller
from booklib.web import create_app
from tests.conftest import KNOWN_ISBN


@pytest.fixture
def sqs(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        client = boto3.client("sqs", region_name="us-east-1")
        yield client, ensure_queues("test", client=client, visibility_timeout=0)


@pytest.fixture
def sqs_app(settings, sqs):
    _, queues = sqs
    app = create_app(settings.replace(tasks="sqs", metadata_queue_url=queues.queue_url))
    app.config.update(TESTING=True)
    return app


def waiting(client, url) -> int:
    attrs = client.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attrs["Attributes"]["ApproximateNumberOfMessages"])


@pytest.mark.slow
def test_worker_runs_queued_jobs_and_deletes_them(sqs_app, sqs):
    client, queues = sqs
    web = sqs_app.test_client()
    web.post("/api/v1/auth/register", json={"username": "cli", "email": "cli@example.org", "password": "correct horse"})
    web.post("/api/v1/auth/login", json={"email": "cli@example.org", "password": "correct horse"})
    entry = web.post("/api/v1/books", json={"isbn": KNOWN_ISBN}).get_json()
    assert entry["sync_status"] == "PENDING" and waiting(client, queues.queue_url) == 1

    result = sqs_app.test_cli_runner().invoke(args=["worker", "--once", "--wait-time", "0"])
    assert result.exit_code == 0, result.output
    assert "1 done, 0 to retry" in result.output
    assert web.get(f"/api/v1/books/{entry['id']}").get_json()["sync_status"] == "SYNCED"
    assert waiting(client, queues.queue_url) == 0


def test_worker_keeps_failed_messages_on_the_queue(sqs_app, sqs):
    client, queues = sqs
    client.send_message(QueueUrl=queues.queue_url, MessageBody="poison")
    result = sqs_app.test_cli_runner().invoke(args=["worker", "--once", "--wait-time", "0"])
    assert result.exit_code == 0, result.output
    assert "0 done, 1 to retry" in result.output
    assert waiting(client, queues.queue_url) == 1


def test_worker_needs_a_queue(settings):
    app = create_app(settings)
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code != 0 and "METADATA_QUEUE_URL" in result.output


class ScriptedClient:
    """Stands in for the SQS client to time signals exactly."""

    def __init__(self, on_receive):
        self.on_receive = on_receive
        self.receives = 0
        self.deleted: list[str] = []

    def receive_message(self, **kwargs):
        self.receives += 1
        return self.on_receive(self.receives)

    def delete_message_batch(self, QueueUrl, Entries):
        self.deleted.extend(e["ReceiptHandle"] for e in Entries)
        return {"Successful": [{"Id": e["Id"]} for e in Entries]}


class CountingService:
    def __init__(self, on_message=None):
        self.messages = []
        self.on_message = on_message

    def handle_message(self, message, final_attempt=True, deadline=None):
        self.messages.append(message)
        if self.on_message:
            self.on_message()
        return SyncStatus.SYNCED


def message(n: int) -> dict:
    return {"MessageId": f"m{n}", "ReceiptHandle": f"r{n}", "Body": json.dumps({"user_book_id": f"e{n}"}),
            "Attributes": {"ApproximateReceiveCount": "1"}}


def test_sigterm_during_a_receive_stops_at_once():
    def receive(n):
        try:  # like botocore, which retries a request after any Exception
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        except Exception:
            pass
        raise AssertionError("the signal should have interrupted the receive")

    client = ScriptedClient(receive)
    poller = SqsPoller(client, "queue", CountingService())
    before = signal.getsignal(signal.SIGTERM)
    with poller.signal_handlers():
        result = poller.run()
    assert client.receives == 1 and result.received == 0
    assert signal.getsignal(signal.SIGTERM) is before


def test_sigint_during_a_batch_finishes_the_batch_then_stops():
    client = ScriptedClient(lambda n: {"Messages": [message(1), message(2)]})
    service = CountingService(on_message=lambda: os.kill(os.getpid(), signal.SIGINT))
    poller = SqsPoller(client, "queue", service)
    with poller.signal_handlers():
        result = poller.run()
    assert client.receives == 1
    assert len(service.messages) == 2 and client.deleted == ["r1", "r2"]
    assert (result.received, result.succeeded, result.failed) == (2, 2, 0)
