"""Sign-in, roles and CSRF against the served process."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, Served, start_server, stop_server


def add_user(dsn: str, login: str, password: str, role: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "egts_server.cli", "users", "add", login, "--role", role,
         "--password-stdin"], input=password + "\n", capture_output=True, text=True,
        env={"DATABASE_URL": dsn, "PATH": "/usr/bin:/bin"}, cwd=REPO)
    assert result.returncode == 0, result.stderr


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def call(served: Served, method: str, path: str, body: Any = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(served.base_url + path, data=data, method=method,
                                     headers={"content-type": "application/json",
                                              **(headers or {})})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def sign_in(served: Served, login: str, password: str) -> dict[str, str]:
    status, headers, body = call(served, "POST", "/login", {"login": login, "password": password})
    assert status == 200, body
    cookie = headers["Set-Cookie"].split(";")[0]
    set_cookie = headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "samesite=strict" in set_cookie.lower()
    return {"cookie": cookie, "x-csrf-token": json.loads(body)["csrf_token"]}


@pytest.fixture()
def closed_server(dsn: str, tmp_path: Path) -> Iterator[Served]:
    """A server where anonymous visitors see only public layers."""
    add_user(dsn, "ivanova", "zima-2026!", "dispatcher")
    add_user(dsn, "petrov", "audit-2026!", "auditor")
    served = start_server(dsn, tmp_path, "[auth]\nanonymous_read = false\n")
    yield served
    stop_server(served)


def test_anonymous_visitors_are_sent_to_sign_in(closed_server: Served) -> None:
    """Without a session the API answers 401 JSON and pages redirect to /login."""
    status, _, body = call(closed_server, "GET", "/api/vehicles")
    assert status == 401 and "error" in json.loads(body)
    status, headers, _ = call(closed_server, "GET", "/")
    assert status == 302 and headers["Location"].startswith("/login?next=/")
    assert call(closed_server, "GET", "/login")[0] == 200


def test_wrong_password_is_refused(closed_server: Served) -> None:
    """A wrong password gets 401 and no cookie."""
    status, headers, _ = call(closed_server, "POST", "/login",
                              {"login": "ivanova", "password": "wrong-one"})
    assert status == 401 and "Set-Cookie" not in headers


def test_signed_in_reader_reads_and_writes_need_csrf(closed_server: Served) -> None:
    """A session reads; a write without the CSRF token is refused with 403."""
    auth = sign_in(closed_server, "ivanova", "zima-2026!")
    assert call(closed_server, "GET", "/api/vehicles", headers={"cookie": auth["cookie"]})[0] \
        == 200
    status, _, body = call(closed_server, "POST", "/api/marks", {},
                           headers={"cookie": auth["cookie"]})
    assert status == 403 and "CSRF" in json.loads(body)["error"]


def test_auditor_cannot_write(closed_server: Served) -> None:
    """An auditor's write is refused with 403 even with a valid CSRF token."""
    auth = sign_in(closed_server, "petrov", "audit-2026!")
    status, _, _ = call(closed_server, "POST", "/api/marks", {}, headers=auth)
    assert status == 403


def test_admin_paths_need_admin(closed_server: Served) -> None:
    """A dispatcher is refused on admin paths."""
    auth = sign_in(closed_server, "ivanova", "zima-2026!")
    assert call(closed_server, "GET", "/api/terminals", headers=auth)[0] == 403


def test_demo_default_lets_visitors_read_but_not_write(server: Served) -> None:
    """With the default anonymous_read, GETs are open and writes still need a sign-in."""
    assert call(server, "GET", "/api/vehicles")[0] == 200
    assert call(server, "POST", "/api/marks", {})[0] == 401
