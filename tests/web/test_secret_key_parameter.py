"""On AWS the api function reads its secret key from an SSM SecureString at cold start (moto in-process)."""

import pytest

from booklib.config import ConfigError
from booklib.web import create_app
from tests.support.dynamodb import dummy_aws_env, moto_in_process

SECRET = "k" * 48


@pytest.fixture
def ssm(monkeypatch):
    import boto3

    dummy_aws_env(monkeypatch)
    with moto_in_process():
        client = boto3.client("ssm", region_name="us-east-1")
        client.put_parameter(Name="/booklib/prod/secret-key", Value=SECRET, Type="SecureString")
        yield client


def test_the_secret_key_comes_from_the_parameter(settings, ssm):
    app = create_app(settings.replace(environment="prod", secret_key="", secret_key_parameter="/booklib/prod/secret-key"))
    assert app.config["SECRET_KEY"] == SECRET


def test_a_missing_parameter_stops_the_start(settings, ssm):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError):
        create_app(settings.replace(environment="prod", secret_key="", secret_key_parameter="/booklib/prod/nothing"))


def test_a_short_secret_in_the_parameter_is_refused(settings, ssm):
    ssm.put_parameter(Name="/booklib/prod/secret-key", Value="short", Type="SecureString", Overwrite=True)
    with pytest.raises(ConfigError, match="at least 32"):
        create_app(settings.replace(environment="prod", secret_key="", secret_key_parameter="/booklib/prod/secret-key"))
