"""A real PostgreSQL server for the tests: Debian's binaries (apt-get install postgresql), a cluster
made by initdb in a temporary directory, serving on a Unix socket there only, stopped at session end
by its PID. PostgreSQL refuses to run as root: under root the server runs as the `postgres` user (the
package creates it) or `nobody`. Each test gets a database of its own, copied from a migrated template.

Where the binaries are absent, postgres_skip_reason() says so and the tests skip with that reason."""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

TEMPLATE = "booklib_template"
_ENV_BIN = "BOOKLIB_POSTGRES_BIN"  # a directory holding initdb and postgres, to use another install


def postgres_bin() -> Path | None:
    candidates = [os.environ[_ENV_BIN]] if os.environ.get(_ENV_BIN) else sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True)
    for directory in candidates:
        if (Path(directory) / "initdb").exists() and (Path(directory) / "postgres").exists():
            return Path(directory)
    return None


def postgres_skip_reason() -> str | None:
    if postgres_bin() is None:
        return "PostgreSQL server binaries not found (apt-get install postgresql, or set BOOKLIB_POSTGRES_BIN)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    return None


def _server_user() -> pwd.struct_passwd | None:
    """Who the server runs as: ourselves, unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL")


class PostgresServer:
    def __init__(self):
        self.bin = postgres_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="booklib-pg-"))  # short: a socket path has ~100 bytes
        self.process: subprocess.Popen | None = None
        self._names = itertools.count()
        self._lock = threading.Lock()

    def _run_as(self) -> dict:
        user = _server_user()
        if user is None:
            return {}
        os.chown(self.dir, user.pw_uid, user.pw_gid)
        return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}

    def start(self) -> "PostgresServer":
        as_user = self._run_as()
        data = self.dir / "data"
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        subprocess.run([str(self.bin / "initdb"), "-D", str(data), "-U", "booklib", "--auth=trust", "-E", "UTF8",
                        "--locale=C", "--no-sync"], check=True, capture_output=True, env=env, cwd=self.dir, **as_user)
        self.process = subprocess.Popen(
            [str(self.bin / "postgres"), "-D", str(data), "-k", str(self.dir), "-c", "listen_addresses=",
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"],
            stdout=subprocess.DEVNULL, stderr=open(self.dir / "server.log", "ab"), env=env, cwd=self.dir,
            start_new_session=True, **as_user)
        self._wait_ready()
        self._make_template()
        return self

    def _wait_ready(self, timeout: float = 30.0) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"PostgreSQL exited at start: {self.log()[-2000:]}")
            try:
                psycopg.connect(self.dsn("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"PostgreSQL did not answer within {timeout} s: {self.log()[-2000:]}")
                time.sleep(0.1)

    def log(self) -> str:
        try:
            return (self.dir / "server.log").read_text(errors="replace")
        except OSError:
            return ""

    def dsn(self, database: str) -> str:
        return f"host={self.dir} user=booklib dbname={database}"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://booklib@/{database}?host={self.dir}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def _make_template(self) -> None:
        from .sql import migrated_engine

        self._admin(f"CREATE DATABASE {TEMPLATE}")
        migrated_engine(self.url(TEMPLATE)).dispose()

    def new_database(self) -> str:
        """A fresh database at the schema's head (a copy of the template); returns its URL."""
        with self._lock:  # CREATE DATABASE ... TEMPLATE needs the template to itself
            name = f"booklib_{os.getpid()}_{next(self._names)}"
            self._admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def new_empty_database(self) -> str:
        with self._lock:
            name = f"booklib_{os.getpid()}_{next(self._names)}"
            self._admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGINT)  # "fast" shutdown: ends sessions, then exits
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


_shared: PostgresServer | None = None


def shared_postgres() -> PostgresServer:
    """One server for the test session, started on first use (stop_shared_postgres ends it)."""
    global _shared
    if _shared is None:
        server = PostgresServer()
        try:
            server.start()
        except BaseException:
            server.stop()
            raise
        _shared = server
    return _shared


def stop_shared_postgres() -> None:
    global _shared
    if _shared is not None:
        _shared.stop()
        _shared = None


@contextlib.contextmanager
def postgres_database(empty: bool = False):
    """The URL of a new database on the shared server (at head, or empty), dropped afterwards; the
    test is skipped with the reason where PostgreSQL cannot run here."""
    import pytest

    reason = postgres_skip_reason()
    if reason:
        pytest.skip(reason)
    server = shared_postgres()
    url = server.new_empty_database() if empty else server.new_database()
    try:
        yield url
    finally:
        server.drop_database(url)
