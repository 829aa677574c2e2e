"""``serve`` as an operator meets it: a second one on busy ports says which port in one line and
exits 2; the demo fleet's logins do not bury the URLs; HTTP requests are logged only to the
file ``http.access_log`` names."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import REPO, start_server, stop_server


def serve(dsn: str, config: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": dsn, "GLONASS_DISPATCH_HOME": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "egts_server.cli", "--config", str(config),
                             "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=REPO)


def test_a_second_serve_on_busy_ports_names_the_port_and_exits_2(dsn: str,
                                                                 tmp_path: Path) -> None:
    first = start_server(dsn, tmp_path)
    try:
        second = serve(dsn, tmp_path / "config.toml")
        _, err = second.communicate(timeout=60)
        assert second.returncode == 2
        assert err == (f"glonass-dispatch: port {first.egts_port} (egts.port) is busy (Address "
                       "already in use): is another `glonass-dispatch serve` running? Stop it, "
                       "or set other ports in the config\n")
        with urllib.request.urlopen(first.base_url + "/healthz", timeout=5) as r:
            assert r.status == 200  # the first one is untouched
    finally:
        stop_server(first)


def test_requests_go_to_the_access_log_file_only(dsn: str, tmp_path: Path) -> None:
    quiet = start_server(dsn, tmp_path)
    try:
        for _ in range(3):
            urllib.request.urlopen(quiet.base_url + "/healthz", timeout=5).close()
    finally:
        stop_server(quiet)
    assert "healthz" not in quiet.log_path.read_text()

    config = tmp_path / "config.toml"
    access_log = tmp_path / "access.log"
    config.write_text(config.read_text().replace(
        "[http]\n", f'[http]\naccess_log = "{access_log}"\n'))
    logged = serve(dsn, config)
    try:
        wait_healthy(quiet.base_url)
        urllib.request.urlopen(quiet.base_url + "/healthz?from=test", timeout=5).close()
    finally:
        logged.terminate()
        out, _ = logged.communicate(timeout=30)
    assert "healthz" not in out
    assert '"GET /healthz?from=test HTTP/1.1" 200' in access_log.read_text()


def wait_healthy(base_url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base_url + "/healthz", timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_the_urls_are_the_last_lines_once_the_demo_fleet_is_up(dsn: str,
                                                                tmp_path: Path) -> None:
    stop_server(start_server(dsn, tmp_path))  # writes a config with free ports
    process = serve(dsn, tmp_path / "config.toml", "--simulate", "3", "--simulate-interval", "1")
    try:
        deadline = time.monotonic() + 60
        lines: list[str] = []
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "the demo fleet is on the road" in line:
                break
        url_line = process.stdout.readline()
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert "the demo fleet is on the road: 3 terminals logged in" in lines[-1]
    assert sum("login" in line and "accepted" in line for line in lines) == 3
    assert "live map: http://127.0.0.1:" in url_line
