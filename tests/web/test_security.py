"""Cross-site requests to the cookie-authenticated API are refused; security headers everywhere;
pages carry no inline script or style, so the strict CSP does not break them."""

from html.parser import HTMLParser

import pytest
from flask import request

from booklib.web import create_app
from booklib.web.security import is_own_origin
from tests.conftest import UNKNOWN_ISBN

OWN_ORIGIN = "http://localhost"  # Flask's test client asks for http://localhost/
EVIL = "https://evil.example"


def refused(response) -> bool:
    return response.status_code == 403 and response.get_json()["error"]["code"] == "cross_site_request"


@pytest.fixture
def entry(user):
    return user.add(title="Kept safe", author="Ann", status="reading", rating=4).get_json()


# --- cross-site requests with the session cookie ---


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Origin": "http://localhost.evil.example"},
        {"Origin": "http://localhost:8080"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": EVIL, "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_a_cross_site_patch_is_refused_and_changes_nothing(user, entry, headers):
    path = f"/api/v1/books/{entry['id']}"
    response = user.client.patch(path, json={"status": "read", "rating": 1}, headers=headers)
    assert refused(response)
    assert response.get_json()["error"]["message"]
    assert user.client.get(path).get_json() == entry


def test_a_cross_site_delete_is_refused_and_the_entry_stays(user, entry):
    path = f"/api/v1/books/{entry['id']}"
    assert refused(user.client.delete(path, headers={"Origin": EVIL}))
    assert user.client.get(path).get_json() == entry


def test_a_cross_site_form_encoded_refresh_is_refused_and_fetches_nothing(user, stub):
    entry = user.add(isbn=UNKNOWN_ISBN).get_json()
    path = f"/api/v1/books/{entry['id']}"
    failed = user.client.get(path).get_json()
    assert failed["sync_status"] == "FAILED"
    asked = stub.requests
    response = user.client.post(path + "/refresh", data={"x": "1"}, headers={"Origin": EVIL})
    assert refused(response)
    assert user.client.get(path).get_json() == failed
    assert stub.requests == asked


def test_a_cross_site_text_plain_logout_is_refused_and_the_session_lives(user):
    response = user.client.post(
        "/api/v1/auth/logout", data="x", content_type="text/plain", headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert refused(response)
    assert user.client.get("/api/v1/auth/me").status_code == 200


def test_a_cross_site_add_is_refused(user):
    response = user.client.post("/api/v1/books", json={"title": "Planted"}, headers={"Origin": EVIL})
    assert refused(response)
    assert user.client.get("/api/v1/books").get_json()["items"] == []


def test_login_and_register_from_another_site_are_refused_even_without_a_cookie(client):
    body = {"username": "ann", "email": "ann@example.org", "password": "password1"}
    assert refused(client.post("/api/v1/auth/register", json=body, headers={"Origin": EVIL}))
    assert client.post("/api/v1/auth/register", json=body).status_code == 201
    login = {"email": "ann@example.org", "password": "password1"}
    assert refused(client.post("/api/v1/auth/login", json=login, headers={"Sec-Fetch-Site": "cross-site"}))
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.post("/api/v1/auth/login", json=login, headers={"Origin": OWN_ORIGIN}).status_code == 200


# --- what keeps working ---


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a script: curl, requests
        {"Origin": OWN_ORIGIN},
        {"Origin": OWN_ORIGIN + ":80"},
        {"Origin": OWN_ORIGIN, "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_same_origin_and_scripts_work(user, entry, headers):
    path = f"/api/v1/books/{entry['id']}"
    response = user.client.patch(path, json={"status": "read"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["status"] == "read"
    with_isbn = user.add(isbn=UNKNOWN_ISBN).get_json()
    assert user.client.post(f"/api/v1/books/{with_isbn['id']}/refresh", headers=headers).status_code == 202
    assert user.client.delete(path, headers=headers).status_code == 204
    assert user.client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert user.client.get("/api/v1/auth/me").status_code == 401


def test_reading_is_not_checked(user, entry):
    for headers in ({"Origin": EVIL}, {"Sec-Fetch-Site": "cross-site"}):
        assert user.client.get("/api/v1/books", headers=headers).status_code == 200
        assert user.client.get(f"/api/v1/books/{entry['id']}", headers=headers).get_json() == entry


def test_without_a_session_cookie_the_check_leaves_it_to_the_401(client):
    response = client.post("/api/v1/books", json={"title": "x"}, headers={"Origin": EVIL})
    assert response.status_code == 401


def test_a_bearer_request_is_not_origin_checked(user, entry):
    """Other sites cannot add an Authorization header without a CORS preflight: tokens need no Origin check."""
    path = f"/api/v1/books/{entry['id']}"
    response = user.client.patch(path, json={"status": "read"}, headers={"Origin": EVIL, "Authorization": "Bearer abc"})
    assert not refused(response)


def test_own_origin_behind_an_https_proxy(app):
    """serverless-wsgi sets wsgi.url_scheme from X-Forwarded-Proto; the Host header is the API's domain."""
    https, http = "https", "http"
    cases = [
        ("books.example.org", https, "https://books.example.org", True),
        ("books.example.org", https, "https://books.example.org:443", True),
        ("books.example.org", https, "http://books.example.org", False),
        ("books.example.org", https, "https://other.example.org", False),
        ("books.example.org", https, "https://sub.books.example.org", False),
        ("books.example.org", http, "https://books.example.org", True),  # TLS proxy that did not say so
        ("books.example.org:8443", https, "https://books.example.org:8443", True),
        ("books.example.org:8443", https, "https://books.example.org", False),
        ("[::1]:5000", http, "http://[::1]:5000", True),
        ("192.168.1.20:5000", http, "http://192.168.1.20:5000", True),
        ("192.168.1.20:5000", http, "http://192.168.1.20:5001", False),
        ("books.example.org", https, "null", False),
        ("books.example.org", https, "https://books.example.org:x", False),
        ("books.example.org", https, "file://books.example.org", False),
    ]
    for host, scheme, origin, expected in cases:
        with app.test_request_context("/api/v1/books", method="POST", base_url=f"{scheme}://{host}"):
            assert (request.scheme, request.host) == (scheme, host)
            assert is_own_origin(origin) is expected, (host, scheme, origin)


# --- headers ---

EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def assert_security_headers(response):
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, name
    csp = response.headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert set(directives["img-src"]) == {"'self'", "data:"}  # covers come from the app: no third party
    assert "camera=(self)" in response.headers["Permissions-Policy"]


def test_headers_on_pages_api_errors_and_static_files(client, user, entry):
    responses = [
        client.get("/"),
        client.get("/login"),
        client.get("/static/scan.js"),
        client.get("/no-such-page"),
        user.client.get("/api/v1/books"),
        user.client.get("/api/v1/books/no-such-entry"),
        user.client.patch(f"/api/v1/books/{entry['id']}", json={"rating": 9}),
        user.client.post("/api/v1/books", json={"title": "x"}, headers={"Origin": EVIL}),
        client.get("/health"),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 404, 200, 404, 400, 403, 200]
    for response in responses:
        assert_security_headers(response)
        assert "Strict-Transport-Security" not in response.headers  # local: plain http on the LAN


def test_hsts_outside_local(settings):
    app = create_app(settings.replace(environment="prod", secret_key="a-long-production-secret-of-32-chars+"))
    app.config.update(TESTING=True)
    client = app.test_client()
    for response in (client.get("/login"), client.get("/api/v1/books"), client.get("/health")):
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert_security_headers(response)


# --- no inline script or style, so the CSP breaks nothing ---


class InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "") and not (attrs.get("href") or "").startswith("/static/"):
            self.found.append(f"stylesheet from {attrs.get('href')}")
        for name, value in attrs.items():
            if name == "style":
                self.found.append(f"style= on <{tag}>")
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def test_inline_finder_finds_inline_code():
    assert inline_code('<script>alert(1)</script><p style="x" onclick="y"><a href="javascript:z">') == [
        "<script> without src", "style= on <p>", "onclick= on <p>", "javascript: URL on <a>",
    ]


def test_pages_have_no_inline_script_or_style(app, client):
    pages = {path: client.get(path) for path in ("/", "/login", "/register", "/no-such-page")}
    client.post("/register", data={"username": "ann", "email": "ann@example.org", "password": "password1", "confirm_password": "password1"})
    added = client.post("/books/add", data={"title": "Mine", "author": "Ann", "status": "reading"})
    entry_page = added.headers["Location"]
    for path in ("/books", "/books/add", entry_page, entry_page + "/edit", entry_page + "/delete"):
        pages[path] = client.get(path)
    for path, response in pages.items():
        assert response.status_code in (200, 404), path
        assert inline_code(response.get_data(as_text=True)) == [], path
    assert 'src="/static/scan.js"' in pages["/books/add"].get_data(as_text=True)


def test_through_api_gateway_the_https_origin_of_the_api_domain_is_our_own(app, monkeypatch):
    """serverless-wsgi turns X-Forwarded-Proto into wsgi.url_scheme and passes the Host on."""
    import json

    from booklib.entrypoints import lambda_api
    from tests.entrypoints.events import API_HOST, cookie_pairs, http_v2

    monkeypatch.setattr(lambda_api, "_app", app)
    body = {"username": "gw_reader", "email": "gw@example.org", "password": "correct horse"}
    own = {"origin": f"https://{API_HOST}"}
    assert lambda_api.handler(http_v2("POST", "/api/v1/auth/register", json_body=body, headers=own), None)["statusCode"] == 201
    login = lambda_api.handler(
        http_v2("POST", "/api/v1/auth/login", json_body={"email": body["email"], "password": body["password"]}, headers=own), None
    )
    assert login["statusCode"] == 200
    cookies = cookie_pairs(login["cookies"])
    for origin in (f"http://{API_HOST}", "https://evil.example", "null"):
        refused_ = lambda_api.handler(http_v2("POST", "/api/v1/auth/logout", cookies=cookies, headers={"origin": origin}), None)
        assert refused_["statusCode"] == 403
        assert json.loads(refused_["body"])["error"]["code"] == "cross_site_request"
    assert lambda_api.handler(http_v2("GET", "/api/v1/auth/me", cookies=cookies), None)["statusCode"] == 200
    assert lambda_api.handler(http_v2("POST", "/api/v1/auth/logout", cookies=cookies, headers=own), None)["statusCode"] == 204
