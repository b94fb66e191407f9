"""Register, log in, log out (HTML pages)."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from booklib.domain.errors import AuthenticationError, ConflictError, TooManyAttemptsError, ValidationError

from . import current
from .forms import ConfirmForm, LoginForm, RegisterForm, attach_error, has_errors
from .login import client_address, end_session, start_session

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host, scheme or protocol-relative URL."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("books.library"))
    return render_template("index.html")


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("books.library"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = current.accounts().register(form.username.data, form.email.data, form.password.data)
        except (ValidationError, ConflictError) as exc:
            attach_error(form, exc)
        else:
            start_session(user)
            flash(f"Welcome, {user.username}! Add your first book.", "success")
            return redirect(url_for("books.add"))
    return render_template("auth/register.html", form=form), 400 if has_errors(form) else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("books.library"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = current.accounts().authenticate(form.email.data, form.password.data, client_address())
        except AuthenticationError as exc:
            form.password.errors.append(exc.message)
            return render_template("auth/login.html", form=form), 401
        except TooManyAttemptsError as exc:
            form.form_errors.append(exc.message)
            headers = {"Retry-After": str(exc.retry_after_seconds)}
            return render_template("auth/login.html", form=form), 429, headers
        start_session(user, remember=form.remember.data)
        flash(f"Logged in as {user.username}.", "success")
        return redirect(safe_next(request.args.get("next")) or url_for("books.library"))
    return render_template("auth/login.html", form=form), 400 if has_errors(form) else 200


@bp.route("/logout", methods=["GET", "POST"])
@login_required
def logout():
    form = ConfirmForm()
    if request.method == "GET":
        return render_template("auth/logout.html", form=form)
    if form.validate_on_submit():
        end_session()
        flash("You are logged out.", "info")
        return redirect(url_for("auth.login"))
    flash("Your session form expired; please try again.", "error")
    return redirect(url_for("auth.logout"))
