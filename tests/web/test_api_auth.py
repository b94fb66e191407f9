"""JSON API: register, login, logout and the 401 wall."""

from concurrent.futures import ThreadPoolExecutor

import pytest


def register(client, **body):
    payload = {"username": "ann", "email": "ann@example.org", "password": "password1"} | body
    return client.post("/api/v1/auth/register", json=payload)


def test_register_answers_201_with_the_user_and_no_secrets(client):
    response = register(client)
    assert response.status_code == 201
    user = response.get_json()["user"]
    assert user["username"] == "ann" and user["email"] == "ann@example.org" and user["id"]
    assert "password" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"username": "ab"}, "username"),
        ({"username": "has space"}, "username"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
    ],
)
def test_register_refuses_invalid_input_with_400(client, body, field):
    response = register(client, **body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and error["field"] == field and error["message"]


def test_register_needs_a_json_object(client):
    assert client.post("/api/v1/auth/register", data="username=ann").status_code == 400
    assert client.post("/api/v1/auth/register", json=["ann"]).status_code == 400


@pytest.mark.parametrize("body", [{"username": "ANN", "email": "other@example.org"}, {"username": "other", "email": "Ann@Example.org"}])
def test_taken_username_or_email_is_409_case_insensitively(client, body):
    assert register(client).status_code == 201
    response = register(client, **body)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"


def test_login_accepts_the_email_in_any_case_and_sets_a_session_cookie(client):
    register(client)
    response = client.post("/api/v1/auth/login", json={"email": "ANN@example.ORG", "password": "password1"})
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/api/v1/books").status_code == 200


@pytest.mark.parametrize("email, password", [("ann@example.org", "wrong-password"), ("nobody@example.org", "password1")])
def test_wrong_login_is_401(client, email, password):
    register(client)
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_logout_is_204_and_ends_the_session(user):
    assert user.client.post("/api/v1/auth/logout").status_code == 204
    assert user.client.get("/api/v1/books").status_code == 401


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/books"),
        ("post", "/api/v1/books"),
        ("get", "/api/v1/books/x"),
        ("patch", "/api/v1/books/x"),
        ("delete", "/api/v1/books/x"),
        ("post", "/api/v1/books/x/refresh"),
        ("post", "/api/v1/scan"),
    ],
)
def test_every_library_route_needs_login(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 401
    assert response.get_json() == {"error": {"code": "unauthorized", "message": "Log in first."}}


@pytest.mark.slow
def test_concurrent_registrations_of_one_name_give_one_201_and_the_rest_409(app):
    def attempt(i):
        client = app.test_client()
        return register(client, username="racer", email=f"racer{i}@example.org").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(attempt, range(40)))
    assert codes.count(201) == 1 and codes.count(409) == 39, codes
