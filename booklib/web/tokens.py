"""`Authorization: Bearer <token>` on the JSON API: personal access tokens, for scripts.

Checked before anything else on /api/ routes: with such a header the request is the token's reader or
nobody (a session cookie sent along is ignored), and a wrong or revoked token answers 401 whatever the
route. No cookie is set or read, so no CSRF or Origin check applies (booklib.web.security skips them:
no other site can make a browser send this header without a CORS preflight, which the API never answers)."""

from __future__ import annotations

from flask import current_app, g, request
from flask_login import AnonymousUserMixin

from . import current
from .errors import error_response
from .login import SessionUser

API_PREFIX = "/api/"


class TokenUser(SessionUser):
    """The reader a personal access token stands for: like a session's, but with no session."""

    def __init__(self, user, token):
        super().__init__(user, session_id=None)
        self.token = token

    def get_id(self):
        return None


def bearer_secret() -> str | None:
    """The token in `Authorization: Bearer …`, or None when the request sends no bearer token."""
    scheme, _, secret = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip()


def _authenticate_bearer():
    if not request.path.startswith(API_PREFIX):
        return None
    secret = bearer_secret()
    if secret is None:
        return None
    found = current.tokens().authenticate(secret)
    if found is None:
        body, status = error_response(401, "invalid_token", "That token is wrong or has been revoked.")
        body.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        g._login_user = AnonymousUserMixin()
        return body, status
    token, user = found
    # What flask_login.login_user does for the request, without touching the session cookie.
    current_app.login_manager._update_request_context_with_user(TokenUser(user, token))
    return None


def init_app(app) -> None:
    # First of the before_request hooks, so that everything after it sees the token's reader.
    app.before_request_funcs.setdefault(None, []).insert(0, _authenticate_bearer)
