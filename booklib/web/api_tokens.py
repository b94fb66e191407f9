"""/api/v1/tokens: a reader's personal access tokens (the secret is in the answer that makes one, only)."""

from flask import jsonify
from flask_login import current_user, login_required

from . import current
from .api import bp, json_body
from .api_http import conditional


@bp.get("/tokens")
@login_required
@conditional
def list_tokens():
    return jsonify(tokens=[token.to_dict() for token in current.tokens().list(current_user.id)])


@bp.post("/tokens")
@login_required
def create_token():
    token, secret = current.tokens().create(current_user.id, json_body().get("name"))
    return jsonify({**token.to_dict(), "token": secret}), 201


@bp.delete("/tokens/<token_id>")
@login_required
def revoke_token(token_id: str):
    current.tokens().revoke(current_user.id, token_id)
    return "", 204
