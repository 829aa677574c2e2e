"""The access gate tried as an attacker would, over raw HTTP against the served process."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from tests.conftest import Served, start_server, stop_server
from tests.maps.auth.test_sign_in import add_user, call, sign_in

USERS = {"admin": ("boss", "adm-2026!"), "dispatcher": ("disp", "zima-2026!"),
         "auditor": ("aud", "audit-2026!")}

# (method, path, body) of every admin endpoint and a write of each kind
ADMIN_CALLS = [
    ("GET", "/api/terminals", None),
    ("POST", "/api/terminals/egts:1001/commands", {"command": "restart"}),
    ("GET", "/api/sign-in-throttle", None),
    ("GET", "/api/users", None),
    ("POST", "/api/users", {"login": "intruder", "role": "admin", "password": "x" * 12}),
    ("DELETE", "/api/users/boss", None),
    ("GET", "/api/audit", None),
    ("GET", "/admin/users", None),
    ("GET", "/admin/audit", None),
    ("GET", "/admin/terminals", None),
    ("GET", "/admin/delivery", None),
]
WRITE_CALLS = [
    ("POST", "/api/routes", {"type": "FeatureCollection", "features": []}),
    ("POST", "/api/marks", {}),
    ("DELETE", "/api/routes/1", None),
    ("POST", "/api/storms", {}),
    ("POST", "/api/storms/1/end", {}),
]


def spellings(path: str) -> list[str]:
    """The same path as an attacker writes it: encoded letters, double encoding, doubled
    slashes, dot segments, a trailing slash and a ``;`` parameter."""
    head, _, tail = path.partition("/")[2].partition("/")  # "api", "terminals/..."
    first = tail[:1]
    encoded = f"/{head}/%{ord(first):02x}{tail[1:]}" if tail else f"/%{ord(head[0]):02x}{head[1:]}"
    return [path, encoded, encoded.replace("%", "%25"), path.replace("/", "//", 1),
            f"/{head}/./{tail}" if tail else f"/./{head}", f"/x/..{path}", path + "/",
            path + ";x"]


def raw_call(served: Served, method: str, path: str, body: Any = None,
             headers: dict[str, str] | None = None,
             source: str = "127.0.0.1") -> tuple[int, dict[str, str], bytes]:
    """A request whose path goes on the wire exactly as written (no client normalising)."""
    conn = http.client.HTTPConnection("127.0.0.1", served.http_port, timeout=10,
                                      source_address=(source, 0))
    data = None if body is None else json.dumps(body).encode()
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in {"content-type": "application/json",
                            "content-length": str(len(data or b"")), **(headers or {})}.items():
            conn.putheader(name, value)
        conn.endheaders(data)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.fixture()
def closed(dsn: str, tmp_path: Path) -> Iterator[Served]:
    for role, (login, password) in USERS.items():
        add_user(dsn, login, password, role)
    served = start_server(dsn, tmp_path, "[auth]\nanonymous_read = false\n")
    yield served
    stop_server(served)


def test_no_spelling_of_an_admin_or_write_path_lets_a_lesser_role_through(
        closed: Served) -> None:
    """Anonymous, auditor and dispatcher try every admin endpoint and every write, each under
    every spelling: none is answered 2xx; the admin's plain path is served."""
    sessions: dict[str | None, dict[str, str]] = {None: {}}
    for role, (login, password) in USERS.items():
        sessions[role] = sign_in(closed, login, password)
    leaks = []
    for role in (None, "auditor", "dispatcher"):
        calls = ADMIN_CALLS + (WRITE_CALLS if role != "dispatcher" else [])
        for method, path, body in calls:
            for spelled in spellings(path):
                status, _, _ = raw_call(closed, method, spelled, body, sessions[role])
                if status < 400 and not (status == 302 and role is None):
                    leaks.append((role, method, spelled, status))
                assert status != 500, (role, method, spelled)
    assert leaks == []
    assert raw_call(closed, "GET", "/api/terminals", None, sessions["admin"])[0] == 200
    assert raw_call(closed, "GET", "/api/%74erminals", None, sessions["admin"])[0] == 200


def test_ambiguous_paths_are_a_400_that_names_the_segment(closed: Served) -> None:
    status, _, body = raw_call(closed, "GET", "/api/terminals%2Fx")
    assert status == 400 and "terminals/x" in json.loads(body)["error"]
    status, _, body = raw_call(closed, "GET", "/api/terminals/egts:%00/commands")
    assert status == 400
    status, headers, body = raw_call(closed, "GET", "/x/../editor")
    assert status == 400 and headers["Content-Type"].startswith("text/html")
    assert "Неверный запрос" in body.decode()


def test_unknown_paths_are_404_for_everyone(closed: Served) -> None:
    admin = sign_in(closed, *USERS["admin"])
    for path in ("/api/nothing", "/secret", "/api"):
        assert raw_call(closed, "GET", path, None, admin)[0] == 404


def test_csrf_token_is_read_from_the_header_only(closed: Served) -> None:
    auth = sign_in(closed, *USERS["dispatcher"])
    cookie = {"cookie": auth["cookie"]}
    status, _, body = raw_call(closed, "POST", f"/api/marks?csrf_token={auth['x-csrf-token']}",
                               {}, cookie)
    assert status == 403 and "X-CSRF-Token" in json.loads(body)["error"]


def test_sessions_end_on_the_next_request(closed: Served) -> None:
    """Expiry, a closed session and a disabled account take effect at once, in any process."""
    auth = sign_in(closed, *USERS["dispatcher"])
    assert call(closed, "GET", "/api/vehicles", headers=auth)[0] == 200
    with psycopg2.connect(closed.dsn) as conn, conn.cursor() as cur:
        cur.execute("UPDATE user_sessions SET expires_at = now() - interval '1 second'")
    assert call(closed, "GET", "/api/vehicles", headers=auth)[0] == 401
    auth = sign_in(closed, *USERS["dispatcher"])
    with psycopg2.connect(closed.dsn) as conn, conn.cursor() as cur:
        cur.execute("UPDATE users SET disabled = true WHERE login = %s",
                    (USERS["dispatcher"][0],))
    assert call(closed, "GET", "/api/vehicles", headers=auth)[0] == 401


def test_random_cookies_are_refused_and_cost_nothing(closed: Served) -> None:
    for n in range(50):
        status, _, _ = call(closed, "GET", "/api/vehicles",
                            headers={"cookie": f"gd_session=forged-{n}"})
        assert status == 401


def test_sign_in_is_throttled_per_login_and_address(closed: Served) -> None:
    """Ten wrong passwords from one address: the eleventh try waits (429, Retry-After) even
    with the right password; the same login from another address still signs in; admins
    see the throttled login."""
    login, password = USERS["dispatcher"]
    for _ in range(10):
        status, _, _ = raw_call(closed, "POST", "/login",
                                {"login": login, "password": "guess"}, source="127.0.0.2")
        assert status == 401
    status, headers, body = raw_call(closed, "POST", "/login",
                                     {"login": login, "password": password}, source="127.0.0.2")
    assert status == 429 and int(headers["Retry-After"]) == 30
    assert "Повторите через" in json.loads(body)["error"]
    status, _, _ = raw_call(closed, "POST", "/login", {"login": login, "password": password},
                            source="127.0.0.3")
    assert status == 200
    admin = sign_in(closed, *USERS["admin"])
    status, _, body = raw_call(closed, "GET", "/api/sign-in-throttle", None, admin)
    assert status == 200
    [entry] = json.loads(body)["throttled"]
    assert (entry["login"], entry["address"], entry["failures"]) == (login, "127.0.0.2", 10)
    assert entry["retry_after_s"] in (29, 30)


@pytest.mark.parametrize(("method", "path", "body", "names"), [
    ("GET", "/api/vehicles/1/track?to=0001-01-01T00:00:00", None, "'to'"),
    ("GET", "/api/coverage?from=9999-12-31T23:59:59", None, "'from'"),
    ("GET", "/api/coverage?from=2026-13-01", None, "'from'"),
    ("POST", "/login", "[" * 100_000 + "]" * 100_000, "nested"),
    ("POST", "/login", "[1, 2]", "object"),
    ("POST", "/api/marks", "[" * 100_000 + "]" * 100_000, "nested"),
    ("POST", "/api/marks", "[1]", "Feature"),
    ("POST", "/api/routes", '"x"', "Feature"),
    ("POST", "/api/users", "[]", "объект JSON"),
    ("POST", "/api/terminals/egts:1001/commands", "[]", "объект JSON"),
    ("POST", "/api/terminals/egts:1001/commands", '{"command": "zzz"}', "zzz"),
    ("GET", "/api/vehicles/1/track?format=zzz", None, "format"),
    ("GET", "/api/vehicles/x%01/track", None, "\\x01"),
])
def test_bad_input_is_a_400_naming_what_is_wrong(closed: Served, method: str, path: str,
                                                 body: str | None, names: str) -> None:
    auth = sign_in(closed, *USERS["admin"])
    conn = http.client.HTTPConnection("127.0.0.1", closed.http_port, timeout=10)
    try:
        conn.request(method, path, body=body, headers={"content-type": "application/json",
                                                        **auth})
        response = conn.getresponse()
        status, answer = response.status, json.loads(response.read())
    finally:
        conn.close()
    assert status == 400
    assert names in answer["error"]


def test_metrics_refuse_addresses_outside_the_allowed_networks(dsn: str,
                                                              tmp_path: Path) -> None:
    served = start_server(dsn, tmp_path, '[metrics]\nallow = ["10.0.0.0/8"]\n')
    try:
        status, _, body = raw_call(served, "GET", "/metrics")
        assert status == 403 and b"glonass_" not in body
    finally:
        stop_server(served)


def test_metrics_are_served_to_loopback_by_default(closed: Served) -> None:
    status, _, body = raw_call(closed, "GET", "/metrics")
    assert status == 200 and b"glonass_" in body


def test_sign_ins_and_outs_are_in_the_audit_trail(closed: Served) -> None:
    """Who signed in and out, failed, and when a login was held back, with the address."""
    login, password = USERS["dispatcher"]
    for _ in range(10):
        raw_call(closed, "POST", "/login", {"login": login, "password": "guess"},
                 source="127.0.0.5")
    auth = sign_in(closed, login, password)
    status, _, _ = raw_call(closed, "POST", "/logout", None, {"cookie": auth["cookie"]})
    assert status == 303
    with psycopg2.connect(closed.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT action, actor, address, object_id, detail FROM audit_log"
                    " WHERE kind = 'session' ORDER BY id")
        rows = cur.fetchall()
    assert rows[:10] == [("sign_in_failed", None, "127.0.0.5", login, None)] * 10
    assert rows[10:] == [
        ("sign_in_throttled", None, "127.0.0.5", login, "вход приостановлен на 30 с"),
        ("sign_in", login, "127.0.0.1", login, None),
        ("sign_out", login, "127.0.0.1", login, None)]
