"""The account page: change the password, log out everywhere, delete the account."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from booklib.domain.errors import TooManyAttemptsError, ValidationError

from . import current
from .forms import ChangePasswordForm, ConfirmForm, DeleteAccountForm, attach_error
from .login import end_session

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(status: int = 200, headers: dict | None = None, **submitted):
    """The page with its three forms; the one just submitted keeps its input and errors."""
    forms = {
        "password_form": submitted.get("password_form") or ChangePasswordForm(formdata=None),
        "everywhere_form": ConfirmForm(formdata=None),
        "delete_form": submitted.get("delete_form") or DeleteAccountForm(formdata=None),
    }
    return render_template("account/index.html", **forms), status, headers or {}


@bp.get("")
@login_required
def index():
    return _page()


@bp.post("/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _page(400, password_form=form)
    try:
        current.accounts().change_password(
            current_user.id, form.current_password.data, form.new_password.data, keep_session=current_user.session_id
        )
    except ValidationError as exc:
        attach_error(form, exc)
        return _page(400, password_form=form)
    except TooManyAttemptsError as exc:
        form.form_errors.append(exc.message)
        return _page(429, {"Retry-After": str(exc.retry_after_seconds)}, password_form=form)
    flash("Your password is changed. Your other sessions are logged out.", "success")
    return redirect(url_for("account.index"))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    if not ConfirmForm().validate_on_submit():
        flash("Your session form expired; please try again.", "error")
        return redirect(url_for("account.index"))
    current.accounts().end_all_sessions(current_user.id)
    end_session()
    flash("You are logged out everywhere.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/delete")
@login_required
def delete():
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return _page(400, delete_form=form)
    try:
        current.accounts().delete_account(current_user.id, form.password.data)
    except ValidationError as exc:
        attach_error(form, exc)
        return _page(400, delete_form=form)
    except TooManyAttemptsError as exc:
        form.form_errors.append(exc.message)
        return _page(429, {"Retry-After": str(exc.retry_after_seconds)}, delete_form=form)
    end_session()
    flash("Your account and your library are deleted.", "info")
    return redirect(url_for("auth.index"))
