"""Lambda events for tests, built from the real recorded events in tests/fixtures/lambda_events/."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lambda_events"
API_HOST = "id.execute-api.us-east-1.amazonaws.com"  # the fixtures' domainName: serverless-wsgi adds the stage for it


@lru_cache(maxsize=None)
def _load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def load(name: str) -> dict:
    return copy.deepcopy(_load(name))


def http_v2(method: str, path: str, *, json_body=None, body=None, cookies=(), headers=None, query: str = "",
            host: str = API_HOST, stage: str = "$default") -> dict:
    """An HTTP API (payload 2.0) event, as API Gateway sends it for this request."""
    event = load("apiGatewayProxyV2Event.json")
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    all_headers = {"host": host, "x-forwarded-proto": "https", "x-forwarded-port": "443", "user-agent": "pytest"}
    if json_body is not None:
        body = json.dumps(json_body)
        all_headers["content-type"] = "application/json"
    all_headers.update({k.lower(): v for k, v in (headers or {}).items()})
    event.update(
        rawPath=raw_path,
        rawQueryString=query,
        queryStringParameters={k: ",".join(v) for k, v in parse_qs(query).items()} or None,
        cookies=list(cookies),
        headers=all_headers,
        pathParameters=None,
        stageVariables=None,
        isBase64Encoded=False,
    )
    if body is None:
        event.pop("body", None)
    else:
        event["body"] = body
    if not event["cookies"]:
        del event["cookies"]  # API Gateway leaves the key out when the request has no cookies
    context = event["requestContext"]
    context["http"].update(method=method, path=raw_path)
    context.update(stage=stage, domainName=host)
    return event


def rest_v1(method: str, path: str, *, json_body=None, cookie: str | None = None, host: str = API_HOST,
            stage: str = "prod") -> dict:
    """A REST API (payload 1.0) proxy event; `path` excludes the stage, as API Gateway sends it."""
    event = load("apiGatewayProxyEvent.json")
    headers = {"Host": host, "X-Forwarded-Proto": "https", "X-Forwarded-Port": "443", "User-Agent": "pytest"}
    body = None
    if json_body is not None:
        body = json.dumps(json_body)
        headers["Content-Type"] = "application/json"
    if cookie:
        headers["Cookie"] = cookie
    event.update(
        resource="/{proxy+}",
        path=path,
        httpMethod=method,
        headers=headers,
        multiValueHeaders={k: [v] for k, v in headers.items()},
        queryStringParameters=None,
        multiValueQueryStringParameters=None,
        body=body,
        isBase64Encoded=False,
    )
    context = event["requestContext"]
    context.update(httpMethod=method, path=f"/{stage}{path}", resourcePath="/{proxy+}", stage=stage, domainName=host)
    return event


def sqs_event(*bodies: str, receive_count: int = 1) -> dict:
    """An SQS event with these bodies, shaped like the recorded one."""
    template = load("sqsEvent.json")["Records"][0]
    records = []
    for index, body in enumerate(bodies):
        record = copy.deepcopy(template)
        record["messageId"] = f"msg-{index}"
        record["body"] = body
        record["attributes"]["ApproximateReceiveCount"] = str(receive_count)
        records.append(record)
    return {"Records": records}


def cookie_pairs(set_cookies) -> list[str]:
    """`name=value` of each Set-Cookie, as a browser sends them back."""
    return [c.split(";", 1)[0] for c in set_cookies]


class FakeContext:
    def __init__(self, remaining_ms: float = 120_000):
        self.remaining_ms = remaining_ms
        self.function_name = "booklib-test-worker"
        self.aws_request_id = "test-request"

    def get_remaining_time_in_millis(self):
        return self.remaining_ms
