"""The account page's token section: make a named token (its secret shown once, on the answer to the
form), see when each was last used, revoke one. Adds to the account blueprint."""

from flask import flash, g, redirect, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from booklib.domain.errors import NotFoundError, ValidationError
from booklib.domain.tokens import NAME_MAX

from . import current
from .account import _page, bp
from .forms import ConfirmForm, attach_error


class NewTokenForm(FlaskForm):
    name = StringField("Name (what will use it)", validators=[DataRequired(), Length(max=NAME_MAX)])


@bp.context_processor
def token_section() -> dict:
    if not current_user.is_authenticated:
        return {}
    return {
        "tokens": current.tokens().list(current_user.id),
        "token_form": getattr(g, "token_form", None) or NewTokenForm(formdata=None),
        "revoke_form": ConfirmForm(formdata=None),
        "new_token": getattr(g, "new_token", None),
    }


@bp.post("/tokens")
@login_required
def create_token():
    form = g.token_form = NewTokenForm()
    if not form.validate_on_submit():
        return _page(400)
    try:
        token, secret = current.tokens().create(current_user.id, form.name.data)
    except ValidationError as exc:
        attach_error(form, exc)
        return _page(400)
    g.new_token = {"name": token.name, "secret": secret}
    g.token_form = NewTokenForm(formdata=None)
    # The secret is in this answer only: it must not be kept by a cache, nor shown again.
    return _page(201, {"Cache-Control": "no-store"})


@bp.post("/tokens/<token_id>/revoke")
@login_required
def revoke_token(token_id: str):
    if not ConfirmForm().validate_on_submit():
        flash("Your session form expired; please try again.", "error")
        return redirect(url_for("account.index") + "#tokens")
    try:
        current.tokens().revoke(current_user.id, token_id)
    except NotFoundError:
        flash("That token was revoked already.", "info")
    else:
        flash("The token is revoked: scripts using it get 401 from now on.", "info")
    return redirect(url_for("account.index") + "#tokens")
