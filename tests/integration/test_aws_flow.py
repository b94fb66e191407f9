"""register -> add by ISBN -> message on the queue -> worker handler -> SYNCED, over a real endpoint;
poison messages rest in the DLQ after 3 receives; a mixed batch reports only its bad message."""

from __future__ import annotations

import json
import time

import pytest

from booklib.adapters.tasks.sqs import MAX_RECEIVE_COUNT, as_lambda_record
from booklib.entrypoints import lambda_worker
from booklib.adapters.tasks.sqs_poller import SqsPoller
from tests.conftest import JAPANESE_ISBN, KNOWN_ISBN

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def logged_in(app, username="aws_reader"):
    client = app.test_client()
    body = {"username": username, "email": f"{username}@example.org", "password": "correct horse"}
    assert client.post("/api/v1/auth/register", json=body).status_code == 201
    assert client.post("/api/v1/auth/login", json={"email": body["email"], "password": body["password"]}).status_code == 200
    return client


def receive(sqs, url, want: int, timeout: float = 15.0) -> list[dict]:
    """Receive until `want` messages were taken (or the time is up)."""
    messages: list[dict] = []
    deadline = time.monotonic() + timeout
    while len(messages) < want and time.monotonic() < deadline:
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                     AttributeNames=["All"], VisibilityTimeout=30)
        messages.extend(answer.get("Messages", []))
    return messages


def count(sqs, url) -> int:
    attrs = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])


def delete(sqs, url, messages, failures) -> None:
    failed = {f["itemIdentifier"] for f in failures}
    for message in messages:
        if message["MessageId"] not in failed:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def test_adding_by_isbn_goes_through_the_queue_and_the_worker_lambda(aws):
    client = logged_in(aws.app)
    entry = client.post("/api/v1/books", json={"isbn": KNOWN_ISBN}).get_json()
    assert entry["sync_status"] == "PENDING"

    messages = receive(aws.sqs, aws.queues.queue_url, want=1)
    assert [json.loads(m["Body"]) for m in messages] == [{"user_book_id": entry["id"]}]

    event = {"Records": [as_lambda_record(m) for m in messages]}
    result = lambda_worker.handler(event, None)  # builds its container from the environment
    assert result == {"batchItemFailures": []}
    delete(aws.sqs, aws.queues.queue_url, messages, result["batchItemFailures"])

    stored = client.get(f"/api/v1/books/{entry['id']}").get_json()
    assert stored["sync_status"] == "SYNCED"
    assert stored["title"] == "Everything is Beautiful and Everything Hurts"

    # A duplicate delivery changes nothing.
    again = lambda_worker.handler(event, None)
    assert again == {"batchItemFailures": []}
    assert client.get(f"/api/v1/books/{entry['id']}").get_json() == stored
    assert count(aws.sqs, aws.queues.queue_url) == 0


def test_a_mixed_batch_reports_only_the_bad_message(aws):
    client = logged_in(aws.app, "mixed_reader")
    good = client.post("/api/v1/books", json={"isbn": JAPANESE_ISBN}).get_json()
    aws.sqs.send_message(QueueUrl=aws.queues.queue_url, MessageBody="{not json")
    messages = receive(aws.sqs, aws.queues.queue_url, want=2)
    assert len(messages) == 2
    bad_id = next(m["MessageId"] for m in messages if m["Body"] == "{not json")

    result = lambda_worker.handler({"Records": [as_lambda_record(m) for m in messages]}, None)
    assert result == {"batchItemFailures": [{"itemIdentifier": bad_id}]}
    assert client.get(f"/api/v1/books/{good['id']}").get_json()["sync_status"] == "SYNCED"


def test_poison_messages_rest_in_the_dead_letter_queue_after_3_receives(aws):
    """The local poller (what Lambda's event source does) against the endpoint's redrive policy."""
    aws.sqs.send_message(QueueUrl=aws.queues.queue_url, MessageBody="poison")
    aws.sqs.send_message(QueueUrl=aws.queues.queue_url, MessageBody=json.dumps([1, 2]))  # JSON, but not a job
    poller = SqsPoller(aws.sqs, aws.queues.queue_url, lambda_worker.metadata_sync(), wait_time=1)
    receives = 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        result = poller.run_round()
        assert result.succeeded == 0
        receives += result.received
        if receives >= 2 * MAX_RECEIVE_COUNT and count(aws.sqs, aws.queues.queue_url) == 0:
            break
    assert receives == 2 * MAX_RECEIVE_COUNT
    assert count(aws.sqs, aws.queues.queue_url) == 0

    dead = receive(aws.sqs, aws.queues.dlq_url, want=2)
    assert sorted(m["Body"] for m in dead) == sorted(["poison", json.dumps([1, 2])])


def test_provider_trouble_is_retried_then_the_entry_waits_for_the_sweeper_after_the_last_receive(aws, stub):
    client = logged_in(aws.app, "unlucky_reader")
    stub.fail_next("/books/v1", [503] * 100)
    stub.fail_next("/api/books", [503] * 100)
    entry = client.post("/api/v1/books", json={"isbn": KNOWN_ISBN}).get_json()
    # The app's own service: its settings have a short retry backoff (the environment's default is 0.5 s).
    service = aws.app.extensions["booklib.container"].metadata_sync()
    poller = SqsPoller(aws.sqs, aws.queues.queue_url, service, wait_time=1)
    outcomes = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and sum(r.succeeded for r in outcomes) == 0:
        result = poller.run_round()
        if result.received:
            outcomes.append(result)
        else:
            time.sleep(0.3)
    assert [(r.succeeded, r.failed) for r in outcomes] == [(0, 1), (0, 1), (1, 0)]
    stored = client.get(f"/api/v1/books/{entry['id']}").get_json()
    assert stored["sync_status"] == "PENDING" and "couldn't reach the book services" in stored["sync_error"]
    assert count(aws.sqs, aws.queues.queue_url) == 0 and count(aws.sqs, aws.queues.dlq_url) == 0


def test_the_worker_command_against_the_endpoint(aws):
    client = logged_in(aws.app, "cli_reader")
    entry = client.post("/api/v1/books", json={"isbn": KNOWN_ISBN}).get_json()
    result = aws.app.test_cli_runner().invoke(args=["worker", "--once", "--wait-time", "2"])
    assert result.exit_code == 0, result.output
    assert "1 done, 0 to retry" in result.output
    synced = client.get(f"/api/v1/books/{entry['id']}").get_json()
    assert synced["sync_status"] == "SYNCED"
    # The cover was kept in the endpoint's bucket, and the app serves it from there.
    assert aws.s3.head_object(Bucket=aws.bucket, Key=f"{synced['book_id']}/page.jpg")["ContentLength"] > 0
    assert client.get(synced["cover_image_url"]).mimetype == "image/jpeg"


def test_bootstrap_command_creates_tables_and_queues_idempotently(aws):
    name = f"{aws.name}b"
    settings = aws.settings.replace(
        environment=name,
        users_table=f"BookLibrary-Users-{name}",
        books_table=f"BookLibrary-Books-{name}",
        user_books_table=f"BookLibrary-UserBooks-{name}",
        sessions_table=f"BookLibrary-Sessions-{name}",
        login_attempts_table=f"BookLibrary-LoginAttempts-{name}",
        imports_table=f"BookLibrary-Imports-{name}",
        tokens_table=f"BookLibrary-Tokens-{name}",
        covers_bucket=f"booklib-covers-{name}".lower(),
        stats_table=f"BookLibrary-Stats-{name}",
        secret_key="a-secret-of-production-length-32+",  # this environment is not local
    )
    from booklib.web import create_app

    app = create_app(settings)
    try:
        first = app.test_cli_runner().invoke(args=["aws", "bootstrap"])
        assert first.exit_code == 0, first.output
        assert f"BookLibrary-Metadata-{name}" in first.output and f"BookLibrary-Metadata-DLQ-{name}" in first.output
        assert f"S3 bucket {settings.covers_bucket}: created (covers)" in first.output
        second = app.test_cli_runner().invoke(args=["aws", "bootstrap"])
        assert second.exit_code == 0, second.output
        url = aws.sqs.get_queue_url(QueueName=f"BookLibrary-Metadata-{name}")["QueueUrl"]
        redrive = json.loads(aws.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"])
        assert int(redrive["maxReceiveCount"]) == MAX_RECEIVE_COUNT
    finally:
        for queue in (f"BookLibrary-Metadata-{name}", f"BookLibrary-Metadata-DLQ-{name}"):
            try:
                aws.sqs.delete_queue(QueueUrl=aws.sqs.get_queue_url(QueueName=queue)["QueueUrl"])
            except Exception:
                pass
        for table in (settings.users_table, settings.books_table, settings.user_books_table, settings.sessions_table,
                      settings.login_attempts_table, settings.imports_table, settings.tokens_table, settings.stats_table):
            try:
                aws.dynamodb.delete_table(TableName=table)
            except Exception:
                pass
        try:
            aws.s3.delete_bucket(Bucket=settings.covers_bucket)
        except Exception:
            pass
