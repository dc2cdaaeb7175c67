"""A real PostgreSQL server for the tests: fixtures ``pg_server`` (session) and ``pg_url``.

``pg_server`` uses ``DESPATCH_TEST_PG_URL`` when it is set (a superuser URL of a server
someone else runs); otherwise it starts a throwaway server with ``scripts/pg-test-server``
on a free loopback port and stops it when the session ends. Without server binaries the
postgres tests are skipped with the reason shown, except when ``CI=true``: there a missing
server fails the run, so CI can never pass without exercising the PostgreSQL backend.

``pg_url`` gives each test a fresh, empty database of its own (dropped afterwards).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "pg-test-server"
ENV_URL = "DESPATCH_TEST_PG_URL"

_counter = itertools.count()


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def _unavailable(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"CI=true but the PostgreSQL tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


def has_server_binaries() -> bool:
    """Whether initdb/pg_ctl can be found the way scripts/pg-test-server looks for them."""
    if os.environ.get("PG_BINDIR"):
        return (Path(os.environ["PG_BINDIR"]) / "initdb").exists()
    if Path("/usr/lib/postgresql/15/bin/initdb").exists():
        return True
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return False
    out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
    return (Path(out.stdout.strip()) / "initdb").exists()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def with_database(url: str, dbname: str) -> str:
    """``url`` pointing at database ``dbname`` instead of its own."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


def _admin_execute(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]  # fixed test DDL


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A superuser URL of a running PostgreSQL server for this test session."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'despatch[postgres]')")
    url = os.environ.get(ENV_URL)
    if url:
        try:
            _admin_execute(url, "SELECT 1")
        except Exception as exc:  # any failure to reach a configured server is fatal
            pytest.fail(f"{ENV_URL} is set but the server does not answer: {exc}", pytrace=False)
        yield url
        return
    if not has_server_binaries():
        _unavailable(
            "no PostgreSQL server binaries (install Debian's postgresql package or run "
            f"scripts/install-system-deps), and {ENV_URL} is not set"
        )
    # Not pytest's tmp_path: its parents are private to the current user, and when the tests
    # run as root the server runs as the postgres user, who must reach the directory.
    workdir = tempfile.mkdtemp(prefix="despatch-pg-")
    url = ""
    last_error = ""
    for _ in range(3):  # a free port can be taken between choosing it and listening on it
        port = _free_port()
        proc = subprocess.run(
            ["bash", str(SCRIPT), "start", workdir, str(port)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode == 0:
            url = proc.stdout.strip().splitlines()[-1]
            break
        last_error = proc.stderr.strip()
    if not url:
        shutil.rmtree(workdir, ignore_errors=True)
        pytest.fail(f"could not start a test PostgreSQL server: {last_error}", pytrace=False)
    try:
        yield url
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", workdir], capture_output=True, check=False)
        shutil.rmtree(workdir, ignore_errors=True)


def create_database(server_url: str) -> str:
    """Create a new empty database on ``server_url``; returns its URL."""
    name = f"despatch_test_{os.getpid()}_{next(_counter)}"
    _admin_execute(server_url, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    return with_database(server_url, name)


def drop_database(server_url: str, url: str) -> None:
    """Drop the database ``url`` names, closing any connection still open to it."""
    name = urlsplit(url).path.lstrip("/")
    _admin_execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """The URL of a fresh, empty database that only this test uses."""
    url = create_database(pg_server)
    try:
        yield url
    finally:
        drop_database(pg_server, url)


@pytest.fixture(scope="module")
def pg_module_url(pg_server: str) -> Iterator[str]:
    """A fresh database shared by the tests of one module (for read-only suites)."""
    url = create_database(pg_server)
    try:
        yield url
    finally:
        drop_database(pg_server, url)
