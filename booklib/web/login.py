"""Flask-Login wiring with server-side sessions.

The signed cookie holds only a session id (Flask-Login's "alternative token": SessionUser.get_id()
returns it); each request looks it up through the AccountService, so a session ended on the server
(logout, "log out everywhere", a password change, expiry) stops every copy of the cookie at once.
API calls get 401, pages a redirect."""

from datetime import timedelta

from flask import current_app, jsonify, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from . import current

login_manager = LoginManager()


class SessionUser(UserMixin):
    def __init__(self, user, session_id: str):
        self.user = user
        self.session_id = session_id
        self.id = user.id
        self.username = user.username
        self.email = user.email

    def get_id(self) -> str:
        return self.session_id


@login_manager.user_loader
def load_user(session_id: str):
    found = current.accounts().session_user(session_id)
    if found is None:
        return None
    server_session, user = found
    return SessionUser(user, server_session.id)


def client_address() -> str | None:
    """The client's address as the server saw it: the socket peer locally (X-Forwarded-For is not
    trusted: anyone can send it), API Gateway's sourceIp on Lambda (serverless-wsgi sets REMOTE_ADDR)."""
    return request.remote_addr


def start_session(user, remember: bool = False) -> SessionUser:
    """Log the user in on a fresh server-side session; whatever the cookie held before is dropped, and a
    session it was logged in on ends (no cookie from before the login works after it). `remember`
    ("remember me") also sets Flask-Login's remember cookie, holding the same server session id for as
    long as that session lasts, so the login outlives the browser closing; ending the session on the
    server still ends it everywhere."""
    if current_user.is_authenticated:
        current.accounts().end_session(current_user.session_id)
    session.clear()
    server_session = current.accounts().start_session(user.id)
    session_user = SessionUser(user, server_session.id)
    lifetime = timedelta(days=current_app.extensions["booklib.settings"].session_lifetime_days)
    login_user(session_user, remember=remember, duration=lifetime)
    return session_user


def end_session() -> None:
    """Log out: the server-side session ends, so copies of the cookie stop working too."""
    if current_user.is_authenticated:
        current.accounts().end_session(current_user.session_id)
    session.clear()
    logout_user()  # after clear(): it leaves the note that has Flask-Login clear a remember-me cookie


@login_manager.unauthorized_handler
def unauthorized():
    if request.blueprint == "api":
        body = {"error": {"code": "unauthorized", "message": "Log in first."}}
        return jsonify(body), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
