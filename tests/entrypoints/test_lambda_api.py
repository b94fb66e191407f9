"""The API Lambda handler with real API Gateway event shapes (payload 2.0 and 1.0)."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from booklib import __version__
from booklib.entrypoints import lambda_api
from tests.entrypoints.events import API_HOST, cookie_pairs, http_v2, load, rest_v1


@pytest.fixture
def lambda_app(app, monkeypatch):
    """The handler serving the test app (as if it were the container's app)."""
    monkeypatch.setattr(lambda_api, "_app", app)
    return app


def call(event):
    return lambda_api.handler(event, None)


def body_of(response):
    return json.loads(response["body"])


def set_cookie_headers(response) -> list[str]:
    found = [v for k, v in (response.get("headers") or {}).items() if k.lower() == "set-cookie"]
    for k, values in (response.get("multiValueHeaders") or {}).items():
        if k.lower() == "set-cookie":
            found.extend(values)
    return found


def register_and_login_v2(username="lambda_reader", password="correct horse"):
    email = f"{username}@example.org"
    created = call(http_v2("POST", "/api/v1/auth/register", json_body={"username": username, "email": email, "password": password}))
    assert created["statusCode"] == 201, created
    return call(http_v2("POST", "/api/v1/auth/login", json_body={"email": email, "password": password}))


def test_health_through_an_http_api_event(lambda_app):
    response = call(http_v2("GET", "/health"))
    assert response["statusCode"] == 200
    assert body_of(response) == {"status": "healthy", "environment": "local", "version": __version__}
    assert response["headers"]["Content-Type"].startswith("application/json")


def test_health_through_a_rest_event(lambda_app):
    response = call(rest_v1("GET", "/health"))
    assert response["statusCode"] == 200
    assert body_of(response)["status"] == "healthy"
    assert "headers" not in response and response["multiValueHeaders"]["Content-Type"] == ["application/json"]


def test_health_through_a_function_url_event(lambda_app):
    event = load("lambdaFunctionUrlEvent.json")
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/health"
    assert body_of(call(event))["status"] == "healthy"


@pytest.mark.parametrize("name", ["apiGatewayProxyV2Event.json", "apiGatewayProxyV2Event_GET.json", "apiGatewayProxyEvent.json"])
def test_recorded_events_unchanged_get_an_answer(lambda_app, name):
    # /my/path is not a route of ours: a clean 404 (the POST ones carry a non-JSON body, cookies, a query).
    response = call(load(name))
    assert response["statusCode"] == 404


def test_login_via_http_api_puts_the_session_cookie_in_cookies(lambda_app):
    response = register_and_login_v2()
    assert response["statusCode"] == 200
    assert any(c.startswith("session=") for c in response["cookies"])
    assert set_cookie_headers(response) == []
    me = call(http_v2("GET", "/api/v1/auth/me", cookies=cookie_pairs(response["cookies"])))
    assert me["statusCode"] == 200 and body_of(me)["user"]["username"] == "lambda_reader"


def test_every_cookie_the_app_sets_reaches_cookies(lambda_app):
    login = register_and_login_v2("two_cookies")
    # Logging out with a remember-me cookie present clears both cookies: two Set-Cookie headers.
    event = http_v2("POST", "/api/v1/auth/logout", cookies=cookie_pairs(login["cookies"]) + ["remember_token=abc"])
    response = call(event)
    assert response["statusCode"] == 204
    names = sorted(c.split("=", 1)[0] for c in response["cookies"])
    assert names == ["remember_token", "session"]
    assert set_cookie_headers(response) == []


def test_many_cookies_and_repeated_headers_in_a_v2_answer(monkeypatch):
    app = Flask("many")

    @app.get("/cookies")
    def cookies():
        from flask import make_response

        response = make_response("ok")
        for i in range(5):
            response.set_cookie(f"c{i}", str(i), secure=True, httponly=True)
        response.headers.add("Vary", "Cookie")
        response.headers.add("Vary", "Accept-Encoding")
        return response

    monkeypatch.setattr(lambda_api, "_app", app)
    response = call(http_v2("GET", "/cookies"))
    assert [c.split(";")[0] for c in response["cookies"]] == [f"c{i}={i}" for i in range(5)]
    assert response["headers"]["vary"] == "Cookie, Accept-Encoding"
    assert len([k for k in response["headers"] if k.lower() == "vary"]) == 1

    rest = call(rest_v1("GET", "/cookies"))
    assert len(set_cookie_headers(rest)) == 5


def test_login_via_a_rest_event(lambda_app):
    email = "rest_reader@example.org"
    body = {"username": "rest_reader", "email": email, "password": "correct horse"}
    assert call(rest_v1("POST", "/api/v1/auth/register", json_body=body))["statusCode"] == 201
    response = call(rest_v1("POST", "/api/v1/auth/login", json_body={"email": email, "password": "correct horse"}))
    assert response["statusCode"] == 200
    cookies = set_cookie_headers(response)
    assert any(c.startswith("session=") for c in cookies)
    me = call(rest_v1("GET", "/api/v1/auth/me", cookie="; ".join(cookie_pairs(cookies))))
    assert me["statusCode"] == 200


def test_no_default_stage_in_redirects_or_links(lambda_app):
    redirect = call(http_v2("GET", "/books"))
    assert redirect["statusCode"] == 302
    assert redirect["headers"]["Location"].startswith("/login")
    page = call(http_v2("GET", "/login"))
    assert page["statusCode"] == 200
    assert "$default" not in page["body"]
    assert 'href="/register"' in page["body"]

    # The recorded REST event says stage "$default" too.
    rest = call(rest_v1("GET", "/books", stage="$default"))
    location = rest["multiValueHeaders"]["Location"][0]
    assert "$default" not in location and location.startswith("/login")


def test_a_named_stage_stays_in_links(lambda_app):
    # HTTP API: a named stage is part of rawPath; REST: the stage is in the URL but not in `path`.
    v2 = call(http_v2("GET", "/books", stage="prod"))
    assert v2["statusCode"] == 302 and v2["headers"]["Location"].startswith("/prod/login")
    assert call(http_v2("GET", "/health", stage="prod"))["statusCode"] == 200
    v1 = call(rest_v1("GET", "/books", stage="prod"))
    assert v1["multiValueHeaders"]["Location"][0].startswith("/prod/login")


def test_custom_domain_has_no_stage_prefix(lambda_app):
    response = call(http_v2("GET", "/books", host="books.example.org"))
    assert response["headers"]["Location"].startswith("/login")


def test_base64_body(lambda_app):
    import base64

    event = http_v2("POST", "/api/v1/auth/register", json_body={"username": "b64", "email": "b64@example.org", "password": "correct horse"})
    event["body"] = base64.b64encode(event["body"].encode()).decode()
    event["isBase64Encoded"] = True
    assert call(event)["statusCode"] == 201


def test_warmup_events_are_skipped(lambda_app):
    assert call({"source": "serverless-plugin-warmup"}) == {}


def test_the_app_is_built_once_per_container(monkeypatch, settings):
    import booklib.web

    built = []
    real_create_app = booklib.web.create_app

    def fake_create_app():
        app = real_create_app(settings)
        built.append(app)
        return app

    monkeypatch.setattr(lambda_api, "_app", None)
    monkeypatch.setattr(booklib.web, "create_app", fake_create_app)
    for _ in range(3):
        assert call(http_v2("GET", "/health"))["statusCode"] == 200
    assert len(built) == 1 and lambda_api.get_app() is built[0]
    assert API_HOST  # events carry the execute-api host


def test_failed_logins_are_counted_by_api_gateways_source_ip_not_by_x_forwarded_for(lambda_app):
    def failed_login(n: int, source_ip: str, forwarded: str = "") -> int:
        event = http_v2("POST", "/api/v1/auth/login", json_body={"email": f"guess{n}@example.org", "password": "nope nope"},
                        headers={"x-forwarded-for": forwarded} if forwarded else None)
        event["requestContext"]["http"]["sourceIp"] = source_ip
        return call(event)["statusCode"]

    # Twenty guesses at different accounts from one address, each claiming another X-Forwarded-For.
    assert [failed_login(n, "203.0.113.9", f"10.0.0.{n}") for n in range(20)] == [401] * 20
    assert failed_login(20, "203.0.113.9", "10.0.0.99") == 429
    assert failed_login(21, "198.51.100.4") == 401  # another address is not held up


def test_the_answer_carries_api_gateways_request_id(lambda_app):
    event = http_v2("GET", "/health")
    event["requestContext"]["requestId"] = "JKJaXmPLvHcESHA="
    response = call(event)
    headers = {k.lower(): v for k, v in response["headers"].items()}
    assert response["statusCode"] == 200 and headers["x-request-id"] == "JKJaXmPLvHcESHA="


def test_a_bearer_token_works_through_api_gateway(lambda_app):
    register_and_login_v2("token_reader")
    client = lambda_app.test_client()
    assert client.post("/api/v1/auth/login", json={"email": "token_reader@example.org", "password": "correct horse"}).status_code == 200
    secret = client.post("/api/v1/tokens", json={"name": "shortcut"}).get_json()["token"]
    added = call(http_v2("POST", "/api/v1/books", json_body={"title": "Via the gateway"},
                         headers={"Authorization": f"Bearer {secret}"}))
    assert added["statusCode"] == 201 and "cookies" not in added


def test_a_cover_goes_through_api_gateway_as_binary(lambda_app):
    import base64
    import uuid

    book_id = str(uuid.uuid4())
    lambda_app.extensions["booklib.container"].cover_store().put(book_id, {"page": b"\xff\xd8\xff\xe0 a jpeg"})
    response = call(http_v2("GET", f"/covers/{book_id}/page.jpg", query="v=1"))
    assert response["statusCode"] == 200 and response["headers"]["Content-Type"] == "image/jpeg"
    assert response["isBase64Encoded"] is True
    assert base64.b64decode(response["body"]) == b"\xff\xd8\xff\xe0 a jpeg"
