"""The OpenAPI document never drifts from the routes; the docs page works offline under the CSP.

(That every answer matches the document is checked on every API call of the suite: tests/support/openapi.py.)"""

import re

import pytest
from openapi_spec_validator import validate

from booklib.web.api_spec import openapi_document

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def api_operations(app) -> set[tuple[str, str]]:
    """(METHOD, /path/{param}) of every Flask route under /api/v1, as the document spells them."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):])
        found.update((method, path) for method in rule.methods - IGNORED_METHODS)
    return found


def documented_operations(document) -> set[tuple[str, str]]:
    methods = {"get", "put", "post", "delete", "patch"}
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item if method in methods}


@pytest.fixture
def backend():
    return "sqlite"


def test_the_document_is_valid_openapi_3_1():
    document = openapi_document()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_api_route_is_documented_and_nothing_else(app):
    routes, documented = api_operations(app), documented_operations(openapi_document())
    assert not routes - documented, f"routes missing from booklib/web/api_spec.py PATHS: {sorted(routes - documented)}"
    assert not documented - routes, f"documented but not served: {sorted(documented - routes)}"


def test_every_operation_documents_the_error_shape_and_the_request_id():
    for path, item in openapi_document()["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            assert "401" in responses, (method, path)
            assert "default" not in responses, "every status is listed, none left to 'default'"
            for status, response in responses.items():
                assert "X-Request-ID" in response["headers"], (method, path, status)
                if status.startswith(("4", "5")):
                    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_the_document_is_served_without_logging_in(client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.get_json()["paths"].keys() == openapi_document()["paths"].keys()


def test_the_docs_page_loads_its_assets_from_the_app_under_the_csp(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in html and "http://" not in html and "https://" not in html  # no inline script, no CDN
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    for source in sources:
        if source.startswith("/api/docs/assets/") or source.startswith("/static/"):
            asset = client.get(source)
            assert asset.status_code == 200 and len(asset.data) > 10, source
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources) and "/api/v1/openapi.json" in html
    assert client.get("/api/docs/assets/../../secret_key").status_code == 404
    assert client.get("/api/docs/assets/oauth2-redirect.html").status_code == 404
