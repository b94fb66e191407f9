"""X-Request-ID on every answer and in the logs; ETag and 304 on the lists."""

import logging

import pytest


@pytest.fixture
def backend():
    return "sqlite"


def test_every_answer_carries_a_request_id(client):
    ids = {client.get(path).headers["X-Request-ID"] for path in ("/api/v1/books", "/health", "/login", "/nowhere")}
    assert len(ids) == 4 and all(len(i) >= 16 for i in ids)


def test_a_sane_request_id_from_the_caller_is_kept_and_a_strange_one_replaced(client):
    assert client.get("/health", headers={"X-Request-ID": "abc-123.4"}).headers["X-Request-ID"] == "abc-123.4"
    odd = client.get("/health", headers={"X-Request-ID": "a b\x7f" + "x" * 200}).headers["X-Request-ID"]
    assert odd != "a b" and " " not in odd and len(odd) <= 128


def test_api_gateways_request_id_wins(client):
    event = {"requestContext": {"requestId": "Ab1CdEfGhIjK="}}
    answer = client.get("/api/v1/books", environ_base={"serverless.event": event}, headers={"X-Request-ID": "mine"})
    assert answer.headers["X-Request-ID"] == "Ab1CdEfGhIjK="


def test_log_records_made_while_serving_carry_the_request_id(app, caplog):
    with caplog.at_level(logging.INFO, logger="booklib"):
        with app.test_request_context("/api/v1/books", headers={"X-Request-ID": "trace-me"}):
            app.preprocess_request()
            logging.getLogger("booklib.web").warning("something to look into")
        logging.getLogger("booklib.web").warning("outside any request")
    ids = {r.getMessage(): r.request_id for r in caplog.records}
    assert ids["something to look into"] == "trace-me" and ids["outside any request"] == "-"


def test_lists_answer_304_to_their_etag_until_they_change(user):
    for path in ("/api/v1/books", "/api/v1/imports", "/api/v1/tokens"):
        first = user.client.get(path)
        etag = first.headers["ETag"]
        assert first.headers["Cache-Control"] == "private, no-cache" and "Authorization" in first.headers["Vary"]
        again = user.client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    etag = user.client.get("/api/v1/books").headers["ETag"]
    user.add(title="A new book")
    changed = user.client.get("/api/v1/books", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
