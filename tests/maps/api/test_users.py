"""``/api/users``, ``/api/audit`` and their admin pages against the served process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from db import terminals
from tests.conftest import Served, start_server, stop_server
from tests.dispatch.geometry_fixtures import STRAIGHT_EAST_1KM, line_feature
from tests.maps.auth.test_sign_in import add_user, call, sign_in

ADMIN, DISPATCHER, AUDITOR = ("boss", "nachalnik-2026!"), ("ivanova", "zima-2026!"), \
    ("petrov", "audit-2026!")


@pytest.fixture()
def served(dsn: str, tmp_path: Path) -> Iterator[Served]:
    for (login, password), role in ((ADMIN, "admin"), (DISPATCHER, "dispatcher"),
                                    (AUDITOR, "auditor")):
        add_user(dsn, login, password, role)
    server = start_server(dsn, tmp_path, "[auth]\nanonymous_read = false\n")
    yield server
    stop_server(server)


@pytest.fixture()
def admin(served: Served) -> dict[str, str]:
    return sign_in(served, *ADMIN)


def api(served: Served, method: str, path: str, auth: dict[str, str] | None,
        body: Any = None) -> tuple[int, Any]:
    status, _, raw = call(served, method, path, body, headers=auth)
    return status, json.loads(raw) if raw else None


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


def test_writes_over_http_are_in_the_trail_with_who_and_values(served: Served,
                                                               admin: dict[str, str]) -> None:
    dispatcher = sign_in(served, *DISPATCHER)
    mark = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [137.0, 50.55]},
            "properties": {"layer": "road_state", "status": "open", "text": "скользко"}}
    status, created = api(served, "POST", "/api/marks", dispatcher, mark)
    assert status == 201
    mark_id = created["id"]
    assert api(served, "PUT", f"/api/marks/{mark_id}", dispatcher,
               {"properties": {"text": "посыпано"}})[0] == 200
    assert api(served, "DELETE", f"/api/marks/{mark_id}", dispatcher)[0] == 204
    assert api(served, "PATCH", "/api/users/petrov", admin, {"disabled": True})[0] == 200

    status, trail = api(served, "GET", "/api/audit?kind=mark", admin)
    assert status == 200 and trail["truncated"] is False
    assert [(e["action"], e["action_label"], e["actor"], e["role"], e["address"],
             e["object_id"]) for e in trail["entries"]] == [
        (action, label, "ivanova", "dispatcher", "127.0.0.1", str(mark_id))
        for action, label in (("delete", "удаление"), ("update", "изменение"),
                              ("create", "создание"))]
    delete, update, create = trail["entries"]
    assert (update["before"]["text"], update["after"]["text"]) == ("скользко", "посыпано")
    assert create["before"] is None
    assert (delete["before"]["deleted_at"], delete["after"]["deleted_by"]) == (None, "ivanova")

    [disabled] = api(served, "GET", "/api/audit?kind=user&who=boss", admin)[1]["entries"]
    assert (disabled["object_id"], disabled["kind_label"], disabled["before"]["disabled"],
            disabled["after"]["disabled"]) == ("petrov", "учётная запись", False, True)
    assert "password_hash" not in disabled["after"]


def test_the_trail_downloads_as_csv(served: Served, admin: dict[str, str]) -> None:
    api(served, "PATCH", "/api/users/petrov", admin, {"role": "dispatcher"})
    status, headers, body = call(served, "GET", "/api/audit?kind=user&format=csv", headers=admin)
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    assert headers["Content-Disposition"].startswith('attachment; filename="audit-')
    text = body.decode("utf-8")
    header, row = text.split("\r\n")[:2]
    assert header == "\ufeffВремя;Кто;Роль;Адрес;Действие;Объект;Идентификатор;Было;Стало;" \
                     "Подробности"
    assert row.split(";")[1:7] == ["boss", "admin", "127.0.0.1", "изменение", "учётная запись",
                                   "petrov"]
    assert row.split(";")[0].endswith(" (+10:00)")  # Vladivostok wall time with its offset


BAD_FILTERS = [
    ("to=0001-01-01T00:00:00", "to: слишком ранний момент; укажите и from", "to"),
    ("from=2026-13-01", "from: время в формате ISO 8601, например 2026-12-05T08:00", "from"),
    ("to=9999-12-31T23:59:59-12:00",
     "to: время в формате ISO 8601, например 2026-12-05T08:00", "to"),
    ("from=2026-12-05T10:00&to=2026-12-05T09:00", "from: должно быть раньше to", "from"),
    ("kind=table", "kind: одно из route, mark, storm, vehicle, terminal, terminal_command, "
                   "user, session, coverage_act, alert", "kind"),
    ("limit=0", "limit: целое от 1 до 10000", "limit"),
    ("limit=%C2%B2", "limit: целое от 1 до 10000", "limit"),
]


def test_bad_audit_filters_are_a_400_naming_the_parameter(served: Served,
                                                          admin: dict[str, str]) -> None:
    for query, error, field in BAD_FILTERS:
        assert api(served, "GET", f"/api/audit?{query}", admin) == (
            400, {"error": error, "detail": {"field": field}}), query


def test_route_and_command_writes_are_attributed(served: Served, admin: dict[str, str]) -> None:
    """Routes (dispatcher) and commands to a terminal (admin): each write, who, from where."""
    dispatcher = sign_in(served, *DISPATCHER)
    route = line_feature(STRAIGHT_EAST_1KM, "Ленина")
    status, created = api(served, "POST", "/api/routes", dispatcher, route)
    assert status == 201
    route_id = created["id"]
    assert api(served, "PUT", f"/api/routes/{route_id}", dispatcher,
               {"properties": {"priority": 1}})[0] == 200
    assert api(served, "DELETE", f"/api/routes/{route_id}", dispatcher)[0] == 204
    with psycopg2.connect(served.dsn) as conn, conn.cursor() as cur:
        terminal_id = terminals.add_terminal(cur, "egts", "1001", None, None)
    conn.close()
    status, command = api(served, "POST", "/api/terminals/egts:1001/commands", admin,
                          {"text": "STATUS"})
    assert status == 201
    assert api(served, "DELETE", f"/api/terminals/{terminal_id}/commands/{command['id']}",
               admin)[0] == 204

    entries = [e for e in api(served, "GET", "/api/audit", admin)[1]["entries"]
               if e["kind"] != "session"]  # sign-ins are the gate's to record
    assert [(e["kind"], e["object_id"]) for e in entries[6:]] == [  # the fixture's accounts
        ("user", "petrov"), ("user", "ivanova"), ("user", "boss")]
    assert [(e["actor"], e["role"], e["address"], e["action"], e["kind"], e["object_id"])
            for e in entries[:6]] == [
        ("boss", "admin", "127.0.0.1", "update", "terminal_command", str(command["id"])),
        ("boss", "admin", "127.0.0.1", "create", "terminal_command", str(command["id"])),
        (None, None, None, "create", "terminal", "egts:1001"),
        ("ivanova", "dispatcher", "127.0.0.1", "delete", "route", str(route_id)),
        ("ivanova", "dispatcher", "127.0.0.1", "update", "route", str(route_id)),
        ("ivanova", "dispatcher", "127.0.0.1", "create", "route", str(route_id))]
    assert (entries[4]["before"]["priority"], entries[4]["after"]["priority"]) == (
        created["properties"]["priority"], 1)
    assert entries[0]["after"]["status"] == "cancelled"


def test_the_demo_default_still_hides_accounts_and_the_trail(server: Served) -> None:
    """With anonymous_read on, visitors read the map's API, but never accounts or the trail."""
    assert call(server, "GET", "/api/vehicles")[0] == 200
    for path in ("/api/users", "/api/audit", "/api/audit?format=csv"):
        status, _, body = call(server, "GET", path)
        assert status == 401 and "entries" not in json.loads(body), path
