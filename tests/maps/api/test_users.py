"""``/api/users`` and the admin pages against the served process."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Served
from tests.maps.auth.test_sign_in import call, sign_in
from tests.served_pages import AUDITOR, DISPATCHER, api


def signed_in(served: Served, session: dict[str, str]) -> bool:
    """Whether the session still reads the API (anonymous reading is off: 401 otherwise)."""
    status = call(served, "GET", "/api/vehicles", headers=session)[0]
    assert status in (200, 401)
    return status == 200


def refused(served: Served, login: str, password: str) -> bool:
    return call(served, "POST", "/login", {"login": login, "password": password})[0] == 401


def test_admin_manages_an_account_and_each_change_takes_effect(served: Served,
                                                               admin: dict[str, str]) -> None:
    """Role, disabling, password, removal: the user's next request already sees the change."""
    status, created = api(served, "POST", "/api/users", admin,
                          {"login": "sidorov", "role": "dispatcher", "password": "leto-2026!"})
    assert status == 201
    assert (created["login"], created["role"], created["disabled"],
            created["last_sign_in_at"]) == ("sidorov", "dispatcher", False, None)
    assert created["created_at"].endswith("+00:00")
    session = sign_in(served, "sidorov", "leto-2026!")
    assert signed_in(served, session)

    status, changed = api(served, "PATCH", "/api/users/sidorov", admin, {"role": "auditor"})
    assert (status, changed["role"]) == (200, "auditor")
    assert not signed_in(served, session)

    session = sign_in(served, "sidorov", "leto-2026!")
    assert api(served, "PUT", "/api/users/sidorov", admin, {"disabled": True})[1]["disabled"]
    assert not signed_in(served, session)
    assert refused(served, "sidorov", "leto-2026!")
    assert api(served, "PATCH", "/api/users/sidorov", admin, {"disabled": False})[0] == 200
    session = sign_in(served, "sidorov", "leto-2026!")

    assert api(served, "PATCH", "/api/users/sidorov", admin, {"password": "osen-2026!"})[0] == 200
    assert not signed_in(served, session)
    assert refused(served, "sidorov", "leto-2026!")
    session = sign_in(served, "sidorov", "osen-2026!")

    assert api(served, "DELETE", "/api/users/sidorov", admin) == (204, None)
    assert not signed_in(served, session)
    assert refused(served, "sidorov", "osen-2026!")
    status, listed = api(served, "GET", "/api/users", admin)
    assert (status, [u["login"] for u in listed]) == (200, ["boss", "ivanova", "petrov"])


BAD_REQUESTS: list[tuple[str, str, Any, int, str, str]] = [
    ("POST", "/api/users", {"login": "a b", "role": "dispatcher", "password": "leto-2026!"},
     400, "логин: от 1 до 64 букв, цифр или знаков . _ @ -", "login"),
    ("POST", "/api/users", {"login": "sidorov", "role": "root", "password": "leto-2026!"},
     400, "роль: одна из dispatcher, auditor, admin", "role"),
    ("POST", "/api/users", {"login": "sidorov", "role": "auditor", "password": "short"},
     400, "пароль: не короче 8 символов", "password"),
    ("POST", "/api/users", {"login": "sidorov", "role": "auditor"},
     400, "password: обязательное поле", "password"),
    ("POST", "/api/users", ["sidorov"], 400, "тело запроса: нужен объект JSON", "body"),
    ("POST", "/api/users", {"login": "ivanova", "role": "auditor", "password": "leto-2026!"},
     409, "учётная запись 'ivanova' уже есть", "login"),
    ("PATCH", "/api/users/ivanova", {"disabled": "yes"},
     400, "disabled: ожидается true или false", "disabled"),
    ("PATCH", "/api/users/ivanova", {"is_admin": True}, 400, "неизвестное поле 'is_admin'",
     "is_admin"),
    ("PATCH", "/api/users/ivanova", {"login": "ivanova2"},
     400, "логин не меняется: заведите новую учётную запись", "login"),
    ("PATCH", "/api/users/ghost", {"disabled": True}, 404, "нет учётной записи 'ghost'", "login"),
    ("PATCH", "/api/users/boss", {"role": "dispatcher"},
     409, "boss — последний действующий администратор; сначала назначьте другого", "login"),
    ("DELETE", "/api/users/boss", None,
     409, "boss — последний действующий администратор; сначала назначьте другого", "login"),
]


def test_bad_requests_are_refused_in_russian(served: Served, admin: dict[str, str]) -> None:
    """Each refusal names the field; nothing was changed by any of them."""
    for method, path, body, status, error, field in BAD_REQUESTS:
        assert api(served, method, path, admin, body) == (
            status, {"error": error, "detail": {"field": field}}), (method, path, body)
    listed = api(served, "GET", "/api/users", admin)[1]
    assert [(u["login"], u["role"], u["disabled"]) for u in listed] == [
        ("boss", "admin", False), ("ivanova", "dispatcher", False), ("petrov", "auditor", False)]


def test_only_admins_reach_accounts_and_the_trail(served: Served, admin: dict[str, str]) -> None:
    others = [sign_in(served, *who) for who in (DISPATCHER, AUDITOR)]
    for path in ("/api/users", "/api/audit", "/admin/users", "/admin/audit"):
        for auth in others:
            assert call(served, "GET", path, headers=auth)[0] == 403, path
        anonymous = 401 if path.startswith("/api/") else 302  # pages send to the sign-in
        assert call(served, "GET", path)[0] == anonymous, path
        status, headers, body = call(served, "GET", path, headers=admin)
        assert status == 200, path
        if path.startswith("/admin/"):
            assert headers["Content-Type"] == "text/html; charset=utf-8"
            assert "Журнал действий" in body.decode()
    for auth in others:
        assert call(served, "POST", "/api/users", {"login": "x", "role": "admin",
                                                   "password": "leto-2026!"},
                    headers=auth)[0] == 403


def test_the_demo_default_still_hides_accounts_and_the_trail(server: Served) -> None:
    """With anonymous_read on, visitors read the map's API, but never accounts or the trail."""
    assert call(server, "GET", "/api/vehicles")[0] == 200
    for path in ("/api/users", "/api/audit", "/api/audit?format=csv"):
        status, _, body = call(server, "GET", path)
        assert status == 401 and "entries" not in json.loads(body), path
