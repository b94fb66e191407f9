"""Accounts over both backends: throttled logins, revocable server-side sessions, the account page and API."""

from tests.conftest import KNOWN_ISBN

PASSWORD = "correct horse"


def login(client, email, password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def copy_of(app, client):
    """A second client holding a copy of the first one's session cookie (say, stolen or synced)."""
    other = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    other.set_cookie("session", cookie.value)
    return other


def logged_in(client) -> bool:
    return client.get("/api/v1/auth/me").status_code == 200


def test_the_sixth_wrong_password_answers_429_with_retry_after(app, make_user):
    user = make_user()
    client = app.test_client()
    for _ in range(5):
        assert login(client, user.email, "wrong password").status_code == 401
    response = login(client, user.email, "wrong password")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    error = response.get_json()["error"]
    assert error["code"] == "too_many_attempts" and "Try again" in error["message"]
    # Locked: the right password waits too.
    assert login(client, user.email).status_code == 429


def test_a_success_resets_the_accounts_count(app, make_user):
    user = make_user()
    client = app.test_client()
    for _ in range(5):
        assert login(client, user.email, "wrong password").status_code == 401
    assert login(client, user.email).status_code == 200
    for _ in range(5):
        assert login(client, user.email, "wrong password").status_code == 401


def test_unknown_emails_are_throttled_like_known_ones(client):
    for _ in range(5):
        assert login(client, "nobody@example.org", "wrong password").status_code == 401
    assert login(client, "nobody@example.org", "wrong password").status_code == 429


def test_a_cookie_copied_before_logout_is_refused_after_it(app, user):
    copy = copy_of(app, user.client)
    assert logged_in(copy)
    assert user.client.post("/api/v1/auth/logout").status_code == 204
    assert not logged_in(user.client)
    assert not logged_in(copy)
    assert copy.get("/api/v1/books").status_code == 401


def test_login_starts_a_fresh_session(app, user):
    with user.client.session_transaction() as session:
        session["planted"] = "before login"
    before = copy_of(app, user.client)
    assert login(user.client, user.email).status_code == 200
    with user.client.session_transaction() as session:
        assert "planted" not in session
    assert logged_in(user.client)
    assert not logged_in(before)  # the session the cookie held before logging in again has ended


def test_changing_the_password_ends_the_other_sessions(app, user):
    phone = app.test_client()
    assert login(phone, user.email).status_code == 200
    response = user.client.post(
        "/api/v1/account/password", json={"current_password": PASSWORD, "new_password": "battery staple"}
    )
    assert response.status_code == 204
    assert logged_in(user.client)
    assert not logged_in(phone)
    assert login(phone, user.email).status_code == 401
    assert login(phone, user.email, "battery staple").status_code == 200


def test_changing_the_password_needs_the_current_one(user):
    response = user.client.post(
        "/api/v1/account/password", json={"current_password": "not it at all", "new_password": "battery staple"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "current_password"
    short = user.client.post("/api/v1/account/password", json={"current_password": PASSWORD, "new_password": "short"})
    assert short.status_code == 400
    assert login(user.client, user.email).status_code == 200


def test_logout_everywhere(app, user):
    phone, copy = app.test_client(), copy_of(app, user.client)
    assert login(phone, user.email).status_code == 200
    assert user.client.post("/api/v1/auth/logout-everywhere").status_code == 204
    assert not any(logged_in(c) for c in (user.client, phone, copy))
    assert app.test_client().post("/api/v1/auth/logout-everywhere").status_code == 401


def test_deleting_the_account_removes_everything_but_shared_books(app, make_user):
    ann, bob = make_user(), make_user()
    shared = ann.add(isbn=KNOWN_ISBN).get_json()
    own = ann.add(title="My notebook", author="Me").get_json()
    bobs = bob.add(isbn=KNOWN_ISBN).get_json()
    phone = app.test_client()
    assert login(phone, ann.email).status_code == 200

    assert ann.client.delete("/api/v1/account", json={"password": "wrong password"}).status_code == 400
    assert ann.client.delete("/api/v1/account", json={"password": PASSWORD}).status_code == 204

    assert not logged_in(ann.client) and not logged_in(phone)
    assert login(app.test_client(), ann.email).status_code == 401
    storage = app.extensions["booklib.container"].storage()
    assert storage.users.get_by_email(ann.email) is None
    assert storage.user_books.get(shared["id"]) is None and storage.user_books.get(own["id"]) is None
    assert storage.books.get(own["book_id"]) is None  # hand-entered: it was ann's alone
    assert storage.books.get(shared["book_id"]) is not None  # by ISBN: bob has it too
    assert bob.client.get(f"/api/v1/books/{bobs['id']}").status_code == 200
    # The name and email are free again.
    again = app.test_client().post("/api/v1/auth/register", json={"username": ann.username, "email": ann.email,
                                                                   "password": PASSWORD})
    assert again.status_code == 201
    assert login(app.test_client(), ann.email).status_code == 200


# --- the account page


def test_the_account_page_is_in_the_nav_and_needs_a_login(client, user):
    assert client.get("/account").status_code == 302
    page = user.client.get("/books").get_data(as_text=True)
    assert 'href="/account"' in page
    page = user.client.get("/account").get_data(as_text=True)
    for name in ("current_password", "new_password", "confirm_password", "password"):
        assert f'name="{name}"' in page
    assert "Log out everywhere" in page and "Delete my account" in page


def test_changing_the_password_on_the_page(app, user):
    phone = app.test_client()
    assert login(phone, user.email).status_code == 200
    form = {"current_password": PASSWORD, "new_password": "battery staple", "confirm_password": "battery staple"}
    wrong = user.client.post("/account/password", data=form | {"current_password": "nope nope"})
    assert wrong.status_code == 400 and "not your current password" in wrong.get_data(as_text=True)
    differ = user.client.post("/account/password", data=form | {"confirm_password": "other thing"})
    assert differ.status_code == 400 and "The passwords differ." in differ.get_data(as_text=True)
    response = user.client.post("/account/password", data=form, follow_redirects=True)
    assert response.request.path == "/account" and "password is changed" in response.get_data(as_text=True)
    assert logged_in(user.client) and not logged_in(phone)


def test_logging_out_everywhere_on_the_page(app, user):
    copy = copy_of(app, user.client)
    response = user.client.post("/account/logout-everywhere", follow_redirects=True)
    assert response.request.path == "/login" and "logged out everywhere" in response.get_data(as_text=True)
    assert not logged_in(user.client) and not logged_in(copy)


def test_deleting_the_account_on_the_page(app, user):
    user.add(title="Diary")
    wrong = user.client.post("/account/delete", data={"password": "nope nope"})
    assert wrong.status_code == 400 and "not your current password" in wrong.get_data(as_text=True)
    response = user.client.post("/account/delete", data={"password": PASSWORD}, follow_redirects=True)
    assert response.request.path == "/" and "account and your library are deleted" in response.get_data(as_text=True)
    assert login(app.test_client(), user.email).status_code == 401


def test_the_login_page_answers_429_when_locked(client, user):
    for _ in range(5):
        assert client.post("/login", data={"email": user.email, "password": "wrong password"}).status_code == 401
    response = client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert "Too many failed logins" in response.get_data(as_text=True)


def test_logging_out_on_the_page_ends_the_server_session(app, user):
    copy = copy_of(app, user.client)
    user.client.post("/logout")
    assert not logged_in(copy)
