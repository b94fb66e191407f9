"""Health endpoints, settings validation, cookie flags and the local secret key."""

import io

import pytest

from booklib import __version__
from booklib.config import ConfigError, Settings
from booklib.web import create_app


def test_health_reports_environment_and_version(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "healthy", "environment": "local", "version": __version__}


def test_live_and_ready(client):
    assert client.get("/health/live").status_code == 200
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and ready.get_json()["status"] == "ready"


def test_ready_is_503_with_a_reason_when_the_sql_schema_is_behind(settings):
    from sqlalchemy import text

    app = create_app(settings.replace(backend="sqlite"))
    client = app.test_client()
    engine = app.extensions["booklib.container"].sql_engine()
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert "db upgrade" in response.get_json()["reason"]


def test_secret_key_is_required_outside_local(settings):
    with pytest.raises(ConfigError, match="SECRET_KEY is required"):
        create_app(settings.replace(environment="prod", secret_key=""))


def test_the_worker_needs_no_secret_key():
    assert Settings.from_env(env={"ENVIRONMENT": "prod"}).secret_key == ""


def test_a_short_secret_key_is_refused_outside_local():
    with pytest.raises(ConfigError, match="at least 32 characters"):
        Settings.from_env(env={"ENVIRONMENT": "prod", "SECRET_KEY": "a"})
    assert Settings.from_env(env={"SECRET_KEY": "a"}).secret_key == "a"  # locally anything goes


@pytest.mark.parametrize(
    "env, says",
    [
        ({"BOOKLIB_BACKEND": "mongo"}, "BOOKLIB_BACKEND"),
        ({"BOOKLIB_TASKS": "celery"}, "BOOKLIB_TASKS"),
        ({"BOOKLIB_TASKS": "sqs"}, "METADATA_QUEUE_URL"),
        ({"METADATA_TIMEOUT": "soon"}, "METADATA_TIMEOUT"),
    ],
)
def test_bad_settings_are_refused_with_a_reason(env, says):
    with pytest.raises(ConfigError, match=says):
        Settings.from_env(env=env)


def test_local_secret_key_is_generated_once_and_kept(tmp_path):
    settings = Settings.from_env(env={"BOOKLIB_INSTANCE_PATH": str(tmp_path)})
    first = settings.with_local_secret_key().secret_key
    assert len(first) >= 32
    assert Settings.from_env(env={"BOOKLIB_INSTANCE_PATH": str(tmp_path)}).with_local_secret_key().secret_key == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_session_cookie_is_secure_outside_local(settings):
    app = create_app(settings.replace(environment="prod", secret_key="s" * 32, tasks="inline"))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_uploads_over_10_mb_are_413(user):
    response = user.client.post(
        "/api/v1/scan", data={"image": (io.BytesIO(b"0" * (10 * 1024 * 1024 + 1)), "big.png")}
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"
    assert user.client.get("/health").status_code == 200


def test_ready_never_answers_an_exceptions_text(client, app, monkeypatch):
    class Leaky:
        def check(self):
            raise RuntimeError("AccessDenied: arn:aws:sts::123456789012:assumed-role/booklib-api is not authorized")

    monkeypatch.setattr("booklib.web.current.backend_probe", lambda: Leaky())
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert "123456789012" not in response.get_data(as_text=True)
    assert response.get_json()["reason"] == "The storage backend cannot be reached."


def test_session_and_login_attempt_settings(tmp_path):
    from booklib.config import ConfigError

    base = {"BOOKLIB_INSTANCE_PATH": str(tmp_path), "ENVIRONMENT": "dev", "SECRET_KEY": "x" * 32}
    settings = Settings.from_env(env=base)
    assert settings.sessions_table == "BookLibrary-Sessions-dev"
    assert settings.login_attempts_table == "BookLibrary-LoginAttempts-dev"
    assert settings.session_lifetime_days == 30
    custom = Settings.from_env(env=base | {"SESSIONS_TABLE": "S", "LOGIN_ATTEMPTS_TABLE": "L", "SESSION_LIFETIME_DAYS": "0.5"})
    assert (custom.sessions_table, custom.login_attempts_table, custom.session_lifetime_days) == ("S", "L", 0.5)
    with pytest.raises(ConfigError):
        Settings.from_env(env=base | {"SESSION_LIFETIME_DAYS": "-1"})
