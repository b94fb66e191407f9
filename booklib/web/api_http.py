"""What an API client expects of HTTP beyond the routes: a request id on every answer (and in the logs),
and ETag / 304 on the lists.

The request id is API Gateway's (requestContext.requestId) on Lambda, so an answer, the app's log lines
and API Gateway's own logs can be matched; elsewhere the caller's X-Request-ID when it looks like an id,
else a new one. Every log record made while serving a request carries it as `request_id`."""

from __future__ import annotations

import logging
import re
import uuid
from functools import wraps

from flask import Flask, g, has_request_context, make_response, request

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._:=+/-]{1,128}")


def request_id() -> str:
    if has_request_context() and getattr(g, "request_id", None):
        return g.request_id
    return "-"


def _pick_request_id() -> str:
    event = request.environ.get("serverless.event") or {}
    from_gateway = (event.get("requestContext") or {}).get("requestId") if isinstance(event, dict) else None
    if isinstance(from_gateway, str) and _ACCEPTED.fullmatch(from_gateway):
        return from_gateway
    given = request.headers.get(HEADER, "").strip()
    return given if _ACCEPTED.fullmatch(given) else uuid.uuid4().hex


def conditional(view):
    """ETag on the answer (a hash of the body) and 304 Not Modified when If-None-Match names it. The lists
    are private and change at any time: clients keep them but ask again each time (no-cache)."""

    @wraps(view)
    def tagged(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200:
            response.headers["Cache-Control"] = "private, no-cache"
            response.vary.update(("Cookie", "Authorization"))
            response.add_etag()
            response.make_conditional(request)
        return response

    return tagged


_installed = False


def _install_log_record_factory() -> None:
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def with_request_id(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = request_id()
        return record

    logging.setLogRecordFactory(with_request_id)
    _installed = True


def init_app(app: Flask) -> None:
    _install_log_record_factory()

    @app.before_request
    def assign_request_id():
        g.request_id = _pick_request_id()

    # Also on answers a before_request hook gave (401 for a bad token, 403 cross-site): those run first.
    app.before_request_funcs[None].insert(0, app.before_request_funcs[None].pop())

    @app.after_request
    def send_request_id(response):
        response.headers[HEADER] = request_id()
        return response
