"""Personal access tokens: made on the API or the account page, shown once, used as Bearer, revoked."""

import io

import pytest

from booklib.domain.tokens import token_hash


@pytest.fixture
def token(user):
    answer = user.client.post("/api/v1/tokens", json={"name": "phone shortcut"})
    assert answer.status_code == 201
    return answer.get_json()


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_is_shown_once_and_listed_without_its_secret(user, token):
    assert token["token"].startswith("blt_") and len(token["token"]) >= 40
    assert token["name"] == "phone shortcut" and token["prefix"] == token["token"][:8] and token["last_used_at"] is None
    listed = user.client.get("/api/v1/tokens").get_json()["tokens"]
    assert [t["id"] for t in listed] == [token["id"]]
    assert "token" not in listed[0] and token["token"] not in user.client.get("/api/v1/tokens").get_data(as_text=True)


def test_the_token_works_on_every_route_a_session_does_without_csrf_or_cookie(app, user, token):
    script = app.test_client(use_cookies=False)
    auth = {**bearer(token["token"]), "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    added = script.post("/api/v1/books", json={"title": "By token", "author": "A Script"}, headers=auth)
    assert added.status_code == 201 and "Set-Cookie" not in added.headers
    entry = added.get_json()["id"]
    assert script.get("/api/v1/books", headers=auth).get_json()["items"][0]["id"] == entry
    assert script.get(f"/api/v1/books/{entry}", headers=auth).status_code == 200
    assert script.patch(f"/api/v1/books/{entry}", json={"status": "read", "rating": 4.5}, headers=auth).status_code == 200
    assert script.get("/api/v1/auth/me", headers=auth).get_json()["user"]["username"] == user.username
    upload = {"file": (io.BytesIO(b"title,author\nImported,Someone\n"), "mine.csv")}
    assert script.post("/api/v1/imports", data=upload, headers=auth).status_code == 202
    assert script.get("/api/v1/imports", headers=auth).status_code == 200
    assert script.get("/api/v1/export.csv", headers=auth).status_code == 200
    assert script.get("/api/v1/export.json", headers=auth).status_code == 200
    assert script.delete(f"/api/v1/books/{entry}", headers=auth).status_code == 204
    assert script.get("/books", headers=auth).status_code == 302  # pages still want a login


def test_last_use_is_recorded(app, user, token):
    app.test_client().get("/api/v1/books", headers=bearer(token["token"]))
    assert user.client.get("/api/v1/tokens").get_json()["tokens"][0]["last_used_at"] is not None


@pytest.mark.parametrize("header", ["Bearer blt_not-a-real-token", "Bearer ", "bearer nonsense", "Basic YWRhOmNvcnJlY3QgaG9yc2U="])
def test_a_wrong_token_or_basic_auth_is_401_with_the_error_body(app, header):
    answer = app.test_client().get("/api/v1/books", headers={"Authorization": header})
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] in ("invalid_token", "unauthorized")


def test_a_wrong_token_is_401_even_with_a_good_session_cookie(user):
    answer = user.client.get("/api/v1/books", headers=bearer("blt_wrong"))
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "invalid_token"
    assert answer.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_a_revoked_token_stops_at_once_and_only_its_owner_revokes_it(app, user, make_user, token):
    other = make_user()
    assert other.client.delete(f"/api/v1/tokens/{token['id']}").status_code == 404
    assert app.test_client().get("/api/v1/books", headers=bearer(token["token"])).status_code == 200
    assert user.client.delete(f"/api/v1/tokens/{token['id']}").status_code == 204
    answer = app.test_client().get("/api/v1/books", headers=bearer(token["token"]))
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "invalid_token"
    assert user.client.delete(f"/api/v1/tokens/{token['id']}").status_code == 404
    assert user.client.get("/api/v1/tokens").get_json()["tokens"] == []


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": "x" * 101}, {"name": 7}])
def test_a_token_needs_a_name(user, body):
    answer = user.client.post("/api/v1/tokens", json=body)
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "name"
    assert user.client.get("/api/v1/tokens").get_json()["tokens"] == []


def test_tokens_need_a_login(client):
    assert client.get("/api/v1/tokens").status_code == 401
    assert client.post("/api/v1/tokens", json={"name": "x"}).status_code == 401


def test_deleting_the_account_deletes_its_tokens(app, user, token):
    assert user.client.delete("/api/v1/account", json={"password": user.password}).status_code == 204
    assert app.test_client().get("/api/v1/books", headers=bearer(token["token"])).status_code == 401
    container = app.extensions["booklib.container"]
    assert container.storage().tokens.get_by_hash(token_hash(token["token"])) is None


def test_the_account_page_makes_shows_once_and_revokes_a_token(app, user):
    page = user.client.post("/account/tokens", data={"name": "laptop script"})
    assert page.status_code == 201 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    made = user.client.get("/api/v1/tokens").get_json()["tokens"][0]
    secret = html.split('id="new-token" size="56"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert secret.startswith(made["prefix"]) and "laptop script" in html
    assert app.test_client().get("/api/v1/auth/me", headers=bearer(secret)).status_code == 200

    again = user.client.get("/account").get_data(as_text=True)
    assert secret not in again and made["prefix"] in again and "laptop script" in again

    revoked = user.client.post(f"/account/tokens/{made['id']}/revoke")
    assert revoked.status_code == 302 and revoked.headers["Location"].endswith("/account#tokens")
    assert app.test_client().get("/api/v1/auth/me", headers=bearer(secret)).status_code == 401
    assert "You have no tokens" in user.client.get("/account").get_data(as_text=True)


def test_the_account_page_refuses_a_nameless_token(user):
    assert user.client.post("/account/tokens", data={"name": ""}).status_code == 400
    assert user.client.get("/api/v1/tokens").get_json()["tokens"] == []
