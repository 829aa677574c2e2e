"""Shared fixtures: the test PostGIS cluster (never the demo one) and a served instance.

The kind of a test is a marker given by the fixtures it uses (``pytest_collection_modifyitems``),
so a test lives beside the tests of the module it exercises, whatever its kind; the browser
fixtures come from ``tests/browser_fixtures.py``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import psycopg2
import pytest
from hypothesis import HealthCheck, settings

from db.cluster import LocalCluster
from db.migrate import migrate
from tests.replication import StandbyCluster, standby_of

REPO = Path(__file__).resolve().parents[1]
pytest_plugins = ["tests.browser_fixtures"]

#: The marker of a test that uses any of these fixtures, directly or through another fixture.
KIND_BY_FIXTURE = {
    "postgis_cluster": "postgis",
    "outage_cluster": "postgis",  # tests/reliability/test_outage.py: a cluster of its own to stop
    "browser": "browser",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """``postgis`` for a test that needs the test cluster, ``browser`` for one that drives
    Chromium, so ``-m "not postgis and not browser"`` selects the pure tests."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for fixture, kind in KIND_BY_FIXTURE.items():
            if fixture in used:
                item.add_marker(kind)

# `make mutate` runs the property tests under mutmut's tracing, many times slower: no deadline
# or speed check, and the same examples every run, so a mutant's verdict never depends on luck.
settings.register_profile("mutation", deadline=None, derandomize=True, database=None,
                          suppress_health_check=list(HealthCheck))
TEST_CLUSTER_PORT = int(os.environ.get("GLONASS_TEST_PG_PORT", "55433"))
TEST_DATABASE = "glonass_test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _drop_databases_of_dead_runs(cluster: LocalCluster) -> None:
    with psycopg2.connect(cluster.dsn("postgres")) as conn, conn.cursor() as cur:
        cur.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                    (f"{TEST_DATABASE}_%",))
        names = [row[0] for row in cur.fetchall()]
    conn.close()
    for name in names:
        pid = int(name.rsplit("_", 1)[1])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            cluster.drop_database(name)
        except PermissionError:
            pass


@pytest.fixture(scope="session")
def postgis_cluster() -> Iterator[LocalCluster]:
    """The suite's own cluster under var/test-pg with a database for this pytest run only.

    Several runs may share the cluster at once (each has its own database); the last one to
    finish stops it.
    """
    database = f"{TEST_DATABASE}_{os.getpid()}"
    cluster = LocalCluster(REPO / "var" / "test-pg" / "data", TEST_CLUSTER_PORT,
                           database=database)
    cluster.start()
    _drop_databases_of_dead_runs(cluster)
    migrate(cluster.dsn())
    yield cluster
    cluster.drop_database(database)
    with psycopg2.connect(cluster.dsn("postgres")) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_database WHERE datname LIKE %s",
                    (f"{TEST_DATABASE}_%",))
        others = cur.fetchone()[0]
    conn.close()
    if not others:
        cluster.stop()


@pytest.fixture(scope="module")
def standby(postgis_cluster: LocalCluster) -> Iterator[StandbyCluster]:
    """A streaming standby of the suite's cluster (pg_basebackup -R), on a free port."""
    follower = standby_of(postgis_cluster, REPO / "var" / "test-pg-standby", free_port())
    yield follower
    follower.stop_now()


@pytest.fixture()
def dsn(postgis_cluster: LocalCluster) -> str:
    """The test database, emptied before each test that uses it."""
    dsn = postgis_cluster.dsn()
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT string_agg(format('%I', tablename), ', ') FROM pg_tables"
                    " WHERE schemaname = 'public'"
                    " AND tablename NOT IN ('schema_migrations', 'spatial_ref_sys')")
        cur.execute(f"TRUNCATE {cur.fetchone()[0]} RESTART IDENTITY CASCADE")
    return dsn


@pytest.fixture()
def cur(dsn: str) -> Iterator[Any]:
    """A cursor on the test database in autocommit: what a test writes, the code under test
    reads at once, and what that code commits, the test sees."""
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            yield cursor
    finally:
        conn.close()


@dataclass(frozen=True)
class Served:
    """A running ``glonass-dispatch serve`` subprocess and where to reach it."""

    egts_port: int
    http_port: int
    dsn: str
    process: subprocess.Popen[bytes]
    log_path: Path
    ndtp_port: int = 0  # NDTP listener: a free port too, never the default 5243

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"


def answers_health(served: Served) -> bool:
    """Whether ``GET /healthz`` answers 200 (the server is up)."""
    try:
        with urllib.request.urlopen(served.base_url + "/healthz", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def start_server(dsn: str, tmp: Path, extra_config: str = "",
                 ready: Callable[[Served], bool] = answers_health,
                 listener_keys: Mapping[str, str] = MappingProxyType({}),
                 serve_args: tuple[str, ...] = ()) -> Served:
    """``serve`` on free ports with ``extra_config`` appended and ``serve_args`` after it;
    ``listener_keys``: more lines for the ``egts``, ``ndtp`` or ``http`` section."""
    egts_port, http_port, ndtp_port = free_port(), free_port(), free_port()
    config = tmp / "config.toml"
    keys = {name: listener_keys.get(name, "") for name in ("egts", "ndtp", "http")}
    config.write_text(
        f"[egts]\nhost = \"127.0.0.1\"\nport = {egts_port}\n{keys['egts']}"
        f"[ndtp]\nhost = \"127.0.0.1\"\nport = {ndtp_port}\n{keys['ndtp']}"
        f"[http]\nhost = \"127.0.0.1\"\nport = {http_port}\n{keys['http']}"
        "[demo]\nseed_when_empty = false\n"
        "[map]\ntile_url = \"\"\npoll_interval_s = 1.0\n" + extra_config)
    log_path = tmp / "server.log"
    env = {**os.environ, "DATABASE_URL": dsn, "GLONASS_DISPATCH_HOME": str(REPO)}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "egts_server.cli", "--config", str(config), "serve",
             *serve_args],
            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    served = Served(egts_port, http_port, dsn, process, log_path, ndtp_port)
    deadline = time.monotonic() + 30
    while True:
        if ready(served):
            return served
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("server did not start:\n" + log_path.read_text())
        time.sleep(0.1)


def run_cli(dsn: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``glonass-dispatch ARGS`` as a person runs it, against ``dsn``: its exit status, output
    and errors."""
    env = {**os.environ, "DATABASE_URL": dsn, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "egts_server.cli", *args], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def stop_server(served: Served) -> None:
    served.process.terminate()
    try:
        served.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait()


@pytest.fixture()
def server(dsn: str, tmp_path: Path) -> Iterator[Served]:
    """A server on free ports against the emptied test database (unknown terminals register)."""
    served = start_server(dsn, tmp_path)
    yield served
    stop_server(served)
