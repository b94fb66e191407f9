"""The SQS task queue and queue setup, against in-process moto."""

from __future__ import annotations

import json
import logging

import boto3
import pytest
from moto import mock_aws

from booklib.adapters.tasks import sqs as sqs_adapter
from booklib.adapters.tasks.sqs import SqsTaskQueue, as_lambda_record, ensure_queues, queue_names
from booklib.container import build_container
from booklib.domain.errors import TaskQueueError


@pytest.fixture
def aws_env(monkeypatch):
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture
def client(aws_env):
    with mock_aws():
        yield boto3.client("sqs", region_name="us-east-1")


def attributes(client, url):
    return client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def test_ensure_queues_creates_queue_and_dead_letter_queue(client):
    queues = ensure_queues("test", client=client)
    assert queues.queue_url.endswith("/BookLibrary-Metadata-test")
    assert queues.dlq_url.endswith("/BookLibrary-Metadata-DLQ-test")
    main, dlq = attributes(client, queues.queue_url), attributes(client, queues.dlq_url)
    redrive = json.loads(main["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == queues.dlq_arn == dlq["QueueArn"]
    assert int(redrive["maxReceiveCount"]) == 3
    assert int(dlq["MessageRetentionPeriod"]) == 14 * 24 * 3600
    assert int(main["VisibilityTimeout"]) >= 6 * sqs_adapter.WORKER_TIMEOUT_SECONDS


def test_ensure_queues_is_idempotent_and_keeps_messages(client):
    first = ensure_queues("test", client=client)
    client.send_message(QueueUrl=first.queue_url, MessageBody="kept")
    second = ensure_queues("test", client=client, visibility_timeout=5)
    assert second == first
    assert attributes(client, first.queue_url)["VisibilityTimeout"] == "5"  # settings brought up to date
    assert attributes(client, first.queue_url)["ApproximateNumberOfMessages"] == "1"
    assert len(client.list_queues()["QueueUrls"]) == 2


def test_queue_names():
    assert queue_names("prod") == ("BookLibrary-Metadata-prod", "BookLibrary-Metadata-DLQ-prod")


def test_enqueue_sends_the_job_body(client):
    url = ensure_queues("test", client=client).queue_url
    SqsTaskQueue(client, url).enqueue_metadata_job("entry-1")
    messages = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"]) for m in messages] == [{"user_book_id": "entry-1"}]


def test_enqueue_failure_is_logged_and_raised_for_the_service_to_mark_the_entry(client, caplog):
    queue = SqsTaskQueue(client, "https://sqs.us-east-1.amazonaws.com/123456789012/missing")
    with caplog.at_level(logging.ERROR), pytest.raises(TaskQueueError):
        queue.enqueue_metadata_job("entry-2")
    assert "could not be queued" in caplog.text


def test_queue_url_is_required():
    with pytest.raises(ValueError):
        SqsTaskQueue(None, "")


def test_container_builds_each_client_once_per_process(aws_env, settings):
    container = build_container(settings.replace(aws_endpoint_url="http://127.0.0.1:1"))
    first = container.sqs_client()
    assert container.sqs_client() is first
    poller = container.sqs_poll_client()
    assert poller is not first
    assert poller.meta.config.read_timeout > sqs_adapter.LONG_POLL_SECONDS > first.meta.config.read_timeout
    assert first.meta.config.retries["mode"] == "standard"
    assert first.meta.endpoint_url == "http://127.0.0.1:1"
    assert container.dynamodb_client().meta.endpoint_url == "http://127.0.0.1:1"


def test_emulator_region_fallback(aws_env, monkeypatch, settings):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_REGION", raising=False)
    container = build_container(settings.replace(aws_endpoint_url="http://127.0.0.1:1"))
    assert container.sqs_client().meta.region_name == "us-east-1"


def test_localstack_target_builds_clients_through_localstack_client(aws_env, settings):
    pytest.importorskip("localstack_client", reason="the [localstack] extra is not installed")
    container = build_container(settings.replace(aws_target="localstack"))
    for client in (container.dynamodb_client(), container.sqs_client()):
        assert client.meta.endpoint_url == "http://localhost:4566"
        assert client.meta.region_name == "us-east-1"


def test_container_selects_sqs_and_library_enqueues(client, settings):
    url = ensure_queues("test", client=client).queue_url
    container = build_container(settings.replace(tasks="sqs", metadata_queue_url=url))
    queue = container.task_queue()
    assert isinstance(queue, SqsTaskQueue) and queue.queue_url == url
    queue.enqueue_metadata_job("entry-3")
    body = client.receive_message(QueueUrl=url)["Messages"][0]["Body"]
    assert json.loads(body) == {"user_book_id": "entry-3"}


def test_as_lambda_record(client):
    url = ensure_queues("test", client=client).queue_url
    client.send_message(QueueUrl=url, MessageBody='{"user_book_id": "x"}')
    message = client.receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"][0]
    record = as_lambda_record(message)
    assert record["messageId"] == message["MessageId"]
    assert record["receiptHandle"] == message["ReceiptHandle"]
    assert record["body"] == '{"user_book_id": "x"}'
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["eventSource"] == "aws:sqs"
