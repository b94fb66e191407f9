"""The account ports' contract suites run over every storage backend (the memory one included)."""

import pytest

from tests.support.backends import STORAGE_BACKENDS


@pytest.fixture(params=sorted(STORAGE_BACKENDS))
def storage(request, tmp_path):
    with STORAGE_BACKENDS[request.param](tmp_path) as storage:
        yield storage
