"""Liveness and readiness: /health/ready asks the storage backend."""

import logging

from flask import Blueprint, current_app, jsonify

from . import current

bp = Blueprint("health", __name__, url_prefix="/health")
log = logging.getLogger(__name__)


def _settings():
    return current_app.extensions["booklib.settings"]


@bp.get("")
def health():
    return jsonify(status="healthy", environment=_settings().environment, version=current_app.config["BOOKLIB_VERSION"])


@bp.get("/live")
def live():
    return jsonify(status="alive")


@bp.get("/ready")
def ready():
    backend = _settings().backend
    try:
        current.backend_probe().check()
    except Exception as exc:  # any failure means "not ready", with the reason
        log.warning("readiness check failed: %s", exc)
        return jsonify(status="unavailable", backend=backend, reason=str(exc)), 503
    return jsonify(status="ready", backend=backend)
