"""GET /api/v1/openapi.json (the document) and /api/docs (Swagger UI, served from the installed
flask-swagger-ui package: no CDN, so it works offline and on Lambda, under the app's strict CSP)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from flask import Blueprint, jsonify, render_template, send_from_directory

from .api import bp as api

# The document and Swagger UI's files load when first asked for, not at every Lambda cold start.
bp = Blueprint("api_docs", __name__, url_prefix="/api/docs")
ASSETS = frozenset({"swagger-ui.css", "index.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
                    "favicon-32x32.png", "favicon-16x16.png"})


@api.get("/openapi.json")
def openapi_json():
    from .api_spec import openapi_document

    response = jsonify(openapi_document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("")
def page():
    return render_template("api/docs.html")


@bp.get("/assets/<name>")
def asset(name: str):
    if name not in ASSETS:
        return "", 404
    return send_from_directory(swagger_ui(), name, max_age=86400)


@cache
def swagger_ui() -> str:
    return str(files("flask_swagger_ui") / "dist")
