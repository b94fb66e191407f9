"""Flask-Login wiring: the session holds the user id; API calls get 401, pages a redirect."""

from flask import jsonify, redirect, request, url_for
from flask_login import LoginManager, UserMixin

from . import current

login_manager = LoginManager()


class SessionUser(UserMixin):
    def __init__(self, user):
        self.user = user
        self.id = user.id
        self.username = user.username
        self.email = user.email


@login_manager.user_loader
def load_user(user_id: str):
    user = current.accounts().get(user_id)
    return SessionUser(user) if user else None


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
