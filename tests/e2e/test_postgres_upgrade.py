"""`flask --app booklib.web db upgrade` on a real PostgreSQL database, as the README says to run it."""

import os
import subprocess
import sys

import pytest

from tests.support.app_process import PROJECT
from tests.support.postgres import postgres_database

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_db_upgrade_brings_an_empty_postgresql_database_to_head(tmp_path):
    from booklib.adapters.sqlite.schema import head_revision
    from tests.support.backends import sql_engine

    with postgres_database(empty=True) as url:
        plain = url.replace("postgresql+psycopg://", "postgresql://")  # as the README writes it
        env = {**os.environ, "DATABASE_URL": plain, "BOOKLIB_INSTANCE_PATH": str(tmp_path / "instance")}
        for _ in range(2):  # and again: nothing left to do
            done = subprocess.run([sys.executable, "-m", "flask", "--app", "booklib.web", "db", "upgrade"], cwd=PROJECT,
                                  env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
        engine = sql_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one() == head_revision()
                assert conn.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").scalar_one() == 1
        finally:
            engine.dispose()
