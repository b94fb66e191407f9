"""Every /api/v1 answer the tests get, checked against the OpenAPI document (openapi-core).

tests/conftest.py makes this the apps' test client, so the whole suite doubles as a check that the API
answers only what booklib/web/api_spec.py describes: a status it does not list, a field it does not
name, a missing header all fail the test that met them. Paths the document lacks are left to
tests/web/test_openapi.py, which names them."""

from __future__ import annotations

import functools

from flask.testing import FlaskClient
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound

from booklib.web.api_spec import openapi_document

API = "/api/v1/"


@functools.cache
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(openapi_document("http://localhost/api/v1"))


class _AnsweredRequest(WerkzeugOpenAPIRequest):
    """The request of an answer: its body was read by the app already (only the answer is checked)."""

    @property
    def body(self) -> bytes:
        return b""


class ResponseDrift(AssertionError):
    pass


def check_response(response) -> None:
    request = response.request
    if not request.path.startswith(API) or request.method in ("HEAD", "OPTIONS"):
        return
    result = openapi().unmarshal_response(_AnsweredRequest(request), WerkzeugOpenAPIResponse(response))
    errors = [error for error in result.errors if not isinstance(error, PathNotFound)
              and not (isinstance(error, OperationNotFound) and response.status_code == 405)]
    if errors:
        details = "; ".join(f"{error!r}: {getattr(error, '__cause__', None)!r}" for error in errors)
        raise ResponseDrift(f"{request.method} {request.full_path} answered {response.status} "
                            f"{response.get_data(as_text=True)[:300]!r}, not as the OpenAPI document says: {details}")


class ValidatingClient(FlaskClient):
    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        check_response(response)
        return response
