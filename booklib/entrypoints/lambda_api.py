"""API Gateway -> Lambda -> the Flask app, through serverless-wsgi.

`handler` is what serverless.yml names. It answers HTTP API (payload 2.0) and REST API (payload 1.0)
events. The app is built on the first event and kept for the life of the Lambda container.

Two things serverless-wsgi leaves to us:
- several Set-Cookie headers come back as case-varied header names ("set-cookie", "Set-cookie", ...);
  payload 2.0 wants them in the response's `cookies` list, otherwise API Gateway keeps only some.
  Payload 1.0 answers carry them in `multiValueHeaders`.
- on the execute-api host it puts the stage in SCRIPT_NAME, so with HTTP API's `$default` stage
  (not part of the URL) url_for would build `/$default/...` links; and a named HTTP API stage is
  already part of rawPath, so it must be taken off PATH_INFO."""

from __future__ import annotations

import threading

import serverless_wsgi

from booklib.entrypoints import log_booklib_info

_app = None
_lock = threading.Lock()


def get_app():
    """The Flask app, built once per container."""
    global _app
    if _app is None:
        with _lock:
            if _app is None:
                from booklib.web import create_app

                log_booklib_info()
                _app = create_app()
    return _app


def handler(event, context):
    event = _normalized(event)
    response = serverless_wsgi.handle_request(_wsgi, event, context)
    if not isinstance(response, dict) or "statusCode" not in response:
        return response  # warm-up pings and the like
    if event.get("version") == "2.0":
        return v2_response(response)
    if not (event.get("requestContext") or {}).get("elb"):
        return v1_response(response)
    return response


def _wsgi(environ, start_response):
    fix_stage(environ)
    return get_app()(environ, start_response)


def _normalized(event: dict) -> dict:
    """serverless-wsgi indexes `headers` directly; API Gateway sends null for no headers."""
    if isinstance(event, dict) and event.get("headers") is None and ("version" in event or "httpMethod" in event):
        return {**event, "headers": {}}
    return event


def fix_stage(environ: dict) -> None:
    script_name = environ.get("SCRIPT_NAME", "")
    if not script_name:
        return
    event = environ.get("serverless.event") or {}
    stage = (event.get("requestContext") or {}).get("stage")
    if stage == "$default" or script_name == "/$default":
        environ["SCRIPT_NAME"] = ""  # the $default stage is not part of the URL
        return
    if event.get("version") == "2.0":
        path = environ.get("PATH_INFO", "")
        if path == script_name or path.startswith(script_name + "/"):
            environ["PATH_INFO"] = path[len(script_name):] or "/"


def v2_response(response: dict) -> dict:
    """Set-Cookie values into `cookies`; other repeated headers folded into one comma-joined value."""
    cookies = list(response.get("cookies") or [])
    merged: dict[str, tuple[str, list[str]]] = {}
    for name, value in _header_items(response):
        if name.lower() == "set-cookie":
            cookies.append(value)
        else:
            merged.setdefault(name.lower(), (name, []))[1].append(value)
    out = {k: v for k, v in response.items() if k not in ("headers", "multiValueHeaders", "cookies")}
    out["headers"] = {name: ", ".join(values) for name, values in merged.values()}
    if cookies:
        out["cookies"] = cookies
    return out


def v1_response(response: dict) -> dict:
    """Every header in `multiValueHeaders`, grouped by name whatever its case."""
    grouped: dict[str, tuple[str, list[str]]] = {}
    for name, value in _header_items(response):
        grouped.setdefault(name.lower(), (name, []))[1].append(value)
    out = {k: v for k, v in response.items() if k not in ("headers", "multiValueHeaders")}
    out["multiValueHeaders"] = {name: values for name, values in grouped.values()}
    return out


def _header_items(response: dict):
    for name, value in (response.get("headers") or {}).items():
        yield name, str(value)
    for name, values in (response.get("multiValueHeaders") or {}).items():
        for value in values if isinstance(values, list) else [values]:
            yield name, str(value)
