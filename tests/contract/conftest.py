import pytest

from tests.support.backends import STORAGE_BACKENDS

# Backends over a real server (the session's moto server, AWS_ENDPOINT_URL, PostgreSQL): slow to start.
HTTP_BACKENDS = {"dynamodb-server", "dynamodb-endpoint", "postgresql"}


@pytest.fixture(
    params=[pytest.param(name, marks=[pytest.mark.slow] if name in HTTP_BACKENDS else []) for name in sorted(STORAGE_BACKENDS)]
)
def storage(request, tmp_path):
    with STORAGE_BACKENDS[request.param](tmp_path) as storage:
        yield storage
