"""The session's loader answers "is this service known?" as botocore's full walk does, only sooner."""

import json

import pytest
from botocore.exceptions import UnknownServiceError
from botocore.loaders import Loader

from booklib.adapters.boto_session import ServiceFolderLoader, new_session


@pytest.fixture
def loader(session):
    return session._session.get_component("data_loader")


@pytest.fixture
def session(monkeypatch):
    monkeypatch.delenv("AWS_DATA_PATH", raising=False)
    return new_session()


def test_the_session_uses_the_quicker_loader(loader):
    assert isinstance(loader, ServiceFolderLoader)


@pytest.mark.parametrize("type_name", ["service-2", "endpoint-rule-set-1", "paginators-1", "resources-1"])
def test_known_services_are_botocores_own_list(loader, type_name):
    walked = Loader(extra_search_paths=loader.search_paths, include_default_search_paths=False)
    expected = walked.list_available_services(type_name)
    known = loader.list_available_services(type_name)
    assert list(known) == expected and len(known) == len(expected) and known == expected
    for name in expected[:25] + ["dynamodb", "sqs", "s3", "ssm"]:
        assert (name in known) == (name in expected)
    assert "no-such-service" not in known and "" not in known


def test_clients_are_made_as_before_and_unknown_services_fail_as_before(session):
    for name in ("dynamodb", "sqs", "s3", "ssm"):
        client = session.client(name, region_name="us-east-1")
        assert client.meta.service_model.service_name == name
    with pytest.raises(UnknownServiceError) as raised:
        session.client("dynamodbb", region_name="us-east-1")
    assert "dynamodb" in str(raised.value)  # botocore's message still lists the known services


def test_aws_data_path_is_searched(tmp_path, monkeypatch):
    model = tmp_path / "bookshelf" / "2026-01-01"
    model.mkdir(parents=True)
    (model / "service-2.json").write_text(json.dumps({"metadata": {}, "operations": {}, "shapes": {}}))
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    loader = new_session()._session.get_component("data_loader")
    assert "bookshelf" in loader.list_available_services("service-2")
    assert "bookshelf" in list(loader.list_available_services("service-2"))
    assert "bookshelf" not in loader.list_available_services("paginators-1")
