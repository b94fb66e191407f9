"""Liveness and readiness: /health/ready asks the storage backend."""

import logging

from flask import Blueprint, current_app, jsonify

from booklib.domain.errors import BackendNotReadyError

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
    except BackendNotReadyError as exc:  # a reason booklib wrote: safe to answer
        log.warning("readiness check failed: %s", exc.message)
        return jsonify(status="unavailable", backend=backend, reason=exc.message), 503
    except Exception:  # anything else may carry hosts, accounts or credentials: the log keeps it
        log.exception("readiness check failed")
        return jsonify(status="unavailable", backend=backend, reason="The storage backend cannot be reached."), 503
    return jsonify(status="ready", backend=backend)
