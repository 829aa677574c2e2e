"""Served processes on chosen ports, a second test database, and small HTTP/DB helpers for
the retranslation and GTFS-RT integration tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg2

from db.cluster import LocalCluster
from db.migrate import migrate
from tests.conftest import REPO, TEST_DATABASE, Served


def second_database(cluster: LocalCluster, role: str) -> str:
    """A fresh migrated database in the test cluster, named so a dead run's copy is dropped
    by the next run (the suffix after the last ``_`` is our pid)."""
    name = f"{TEST_DATABASE}_{role}_{os.getpid()}"
    cluster.drop_database(name)
    cluster.create_database(name)
    dsn = cluster.dsn(name)
    migrate(dsn)
    return dsn


def serve_on(dsn: str, folder: Path, egts_port: int, http_port: int,
             extra_config: str = "") -> Served:
    """``glonass-dispatch serve`` on the given ports (so a restart keeps its address)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.toml"
    config.write_text(
        f'[egts]\nhost = "127.0.0.1"\nport = {egts_port}\n'
        f'[ndtp]\nenabled = false\n'
        f'[http]\nhost = "127.0.0.1"\nport = {http_port}\n'
        "[demo]\nseed_when_empty = false\n" + extra_config)
    log_path = folder / "server.log"
    env = {**os.environ, "DATABASE_URL": dsn, "GLONASS_DISPATCH_HOME": str(REPO)}
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "egts_server.cli", "--config", str(config), "serve"],
            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    served = Served(egts_port, http_port, dsn, process, log_path)
    wait_for(lambda: _healthy(served), 30, lambda: "server did not start:\n"
             + log_path.read_text(), process=process)
    return served


def _healthy(served: Served) -> bool:
    try:
        with urllib.request.urlopen(served.base_url + "/healthz", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def wait_for(condition: Callable[[], bool], timeout_s: float,
             message: Callable[[], str] = lambda: "timed out", *,
             process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(message())
        if time.monotonic() > deadline:
            if process is not None:
                process.kill()
            raise AssertionError(message())
        time.sleep(0.1)


def scalar(dsn: str, sql: str, *args: Any) -> Any:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(sql, args)
        value = cur.fetchone()[0]
    conn.close()
    return value


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def get(served: Served, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """Status and body, redirects not followed (a 302 to the sign-in page stays a 302)."""
    request = urllib.request.Request(served.base_url + path, headers=headers or {})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def sign_in_admin(served: Served) -> dict[str, str]:
    """Create an admin account in the served database and sign in; the cookie header."""
    from db import users
    from maps.auth.passwords import hash_password

    with psycopg2.connect(served.dsn) as conn, conn.cursor() as cur:
        users.add_user(cur, "admin", hash_password("admin-2026!"), "admin")
    conn.close()
    request = urllib.request.Request(
        served.base_url + "/login", method="POST",
        data=json.dumps({"login": "admin", "password": "admin-2026!"}).encode(),
        headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return {"cookie": r.headers["Set-Cookie"].split(";")[0]}
