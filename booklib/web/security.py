"""Security headers on every response, and cross-site requests to the JSON API refused.

The pages carry Flask-WTF CSRF tokens; the JSON API is exempt from them (scripts call it), so a
browser on another site could otherwise make a logged-in reader's browser change their library with
a "simple" request (a form-encoded POST, a text/plain body, no body at all), cookie attached.
Here an API request that changes something, and that rides on the session cookie, is refused with
403 `cross_site_request` when the browser says it comes from another site:

- an `Origin` header that is not this site's own origin (`Origin: null` included: sandboxed frames,
  some redirects, local files);
- `Sec-Fetch-Site: cross-site`; and `same-site` too unless `Origin` is this very origin: for a
  personal app a sibling subdomain (someone else's blog on the same hosting domain) is another site.
  `same-origin` and `none` (typed, bookmarked) pass.

A request that sends neither header (curl, scripts, as the README shows) keeps working: no browser
leaves both out of a cross-site request that changes something. A request with
`Authorization: Bearer` is not cookie-authenticated (personal access tokens) and is not checked: no
other site can make a browser add that header without a CORS preflight, which the API never
answers. Login and register are checked even without a cookie (login CSRF: logging the victim into
the attacker's account).

"This site's origin" is the request's own Host (what API Gateway / serverless-wsgi pass on) with its
port; the scheme counts only when the request itself is https (TLS, or a proxy saying so with
X-Forwarded-Proto, which serverless-wsgi turns into wsgi.url_scheme): then an `http://` Origin is
another site. A plain-http request with an `https://` Origin of the same host is taken as a TLS
proxy that did not say so.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request

from booklib.config import Settings

from .errors import error_response

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
API_PREFIX = "/api/"
# Checked even without a session cookie: logging someone in from another site is an attack too.
LOGIN_PATHS = frozenset({"/api/v1/auth/login", "/api/v1/auth/register"})
DEFAULT_PORTS = {"http": 80, "https": 443}

CSP_DIRECTIVES = (
    "default-src 'self'",
    # 'wasm-unsafe-eval' lets the vendored barcode decoder (WebAssembly, served from 'self') compile;
    # it allows no JavaScript eval and no inline script.
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    # Covers are served by the app itself (booklib/web/covers.py): the browser never asks a third party.
    "img-src 'self' data:",
    # The live camera (scan.js) plays a MediaStream through video.srcObject, which CSP does not
    # govern, so no blob: is needed here.
    "media-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
CONTENT_SECURITY_POLICY = "; ".join(CSP_DIRECTIVES)
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(settings: Settings) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if not settings.is_local:
        headers["Strict-Transport-Security"] = HSTS
    return headers


def init_app(app: Flask, settings: Settings) -> None:
    headers = security_headers(settings)

    @app.before_request
    def refuse_cross_site_requests():
        if needs_origin_check(app) and is_cross_site():
            return error_response(
                403,
                "cross_site_request",
                "This request came from another site and was refused. "
                "Scripts may call the API without an Origin header.",
            )
        return None

    @app.after_request
    def add_security_headers(response):
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response


def needs_origin_check(app: Flask) -> bool:
    if request.method not in UNSAFE_METHODS or not request.path.startswith(API_PREFIX):
        return False
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return False
    if request.path.rstrip("/") in LOGIN_PATHS:
        return True
    cookie_names = (
        app.config.get("SESSION_COOKIE_NAME") or "session",
        app.config.get("REMEMBER_COOKIE_NAME") or "remember_token",
    )
    return any(name in request.cookies for name in cookie_names)


def is_cross_site() -> bool:
    origin = request.headers.get("Origin")
    fetch_site = (request.headers.get("Sec-Fetch-Site") or "").strip().lower()
    origin_matches = None if origin is None else is_own_origin(origin)
    if origin_matches is False:
        return True
    if fetch_site == "cross-site":
        return True
    # same-site: another origin under the same registrable domain (a sibling subdomain), refused
    # unless the Origin is exactly ours.
    return fetch_site == "same-site" and not origin_matches


def is_own_origin(origin: str) -> bool:
    """Whether an Origin header names this site: same host and port, and https when we are https."""
    origin = origin.strip()
    if not origin or origin.lower() == "null":
        return False
    try:
        theirs = urlsplit(origin)
        ours = urlsplit("//" + request.host)
        their_port = theirs.port or DEFAULT_PORTS.get(theirs.scheme.lower())
        our_port = ours.port or DEFAULT_PORTS.get(request.scheme)
    except ValueError:  # a port that is not a number
        return False
    their_scheme = theirs.scheme.lower()
    if their_scheme not in DEFAULT_PORTS or not theirs.hostname or not ours.hostname:
        return False
    if theirs.hostname != ours.hostname:
        return False
    if request.scheme == "https" and their_scheme != "https":
        return False  # a plain-http page does not act on the https site
    if ours.port is None and theirs.port is None:
        return True  # default ports on both sides (a TLS proxy may have hidden the scheme from us)
    return their_port == our_port
