"""The Flask app factory. `flask --app booklib.web run` finds create_app here."""

from __future__ import annotations

import logging
import mimetypes
from functools import cache

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect

from booklib import __version__
from booklib.config import Settings
from booklib.container import Container, build_container

from . import account, api, auth, books, covers, errors, exports, health, imports, login, security, stats
from . import account_tokens, api_docs, api_http, api_tokens, tokens  # noqa: F401  (the *_tokens modules add routes)
from .routing import LazilyBuiltRule

log = logging.getLogger(__name__)
csrf = CSRFProtect()


class BooklibFlask(Flask):
    url_rule_class = LazilyBuiltRule


def create_app(settings: Settings | None = None, container: Container | None = None) -> Flask:
    settings = settings or Settings.from_env()
    if not logging.getLogger().handlers:  # `flask run` configures no logging of its own
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s")
        logging.getLogger("booklib").setLevel(logging.INFO)
    container = container or build_container(settings)
    if settings.is_local:
        settings = settings.with_local_secret_key()
    elif not settings.secret_key and settings.secret_key_parameter:
        settings = settings.replace(secret_key=container.secret_key_store().read())
    settings = settings.require_secret_key()

    app = BooklibFlask(__name__, instance_path=settings.instance_path)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings.is_local,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=not settings.is_local,
        WTF_CSRF_TIME_LIMIT=None,
        BOOKLIB_VERSION=__version__,
    )
    app.extensions["booklib.settings"] = settings
    app.extensions["booklib.container"] = container

    app.before_request(_static_file_types)
    csrf.init_app(app)
    security.init_app(app, settings)
    login.init_app(app)
    tokens.init_app(app)
    api_http.init_app(app)
    errors.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(books.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(api_docs.bp)
    covers.init_app(app)
    app.register_blueprint(stats.bp)
    csrf.exempt(api.bp)

    from . import cli

    cli.init_app(app)
    _prepare_backend(app, settings, container)
    return app


def _static_file_types() -> None:
    if request.endpoint == "static":
        _register_file_types()


@cache
def _register_file_types() -> None:
    """Python before 3.13 does not know these two; served with the right type, browsers take them as they are.
    Registered with the first static file: the first add_type reads the system's MIME tables (~7 ms), which
    an API request in a new Lambda container does not need."""
    mimetypes.add_type("application/manifest+json", ".webmanifest")
    mimetypes.add_type("application/wasm", ".wasm")


def _prepare_backend(app: Flask, settings: Settings, container: Container) -> None:
    if settings.upgrades_schema_at_start:
        container.sql_schema().upgrade()
    if settings.tasks == "thread":
        # Started by the first request, so only a serving process sweeps pending jobs, never a CLI
        # command; of several serving processes, the one holding the lease does.
        app.before_request(lambda: container.sweeper().start())
