"""``/api/audit`` against the served process: writes over HTTP in the trail with who, from where
and the values, filters, the CSV download, and bad filters refused naming the parameter."""

from __future__ import annotations

import psycopg2

from db import terminals
from tests.conftest import Served
from tests.dispatch.geometry_fixtures import STRAIGHT_EAST_1KM, line_feature
from tests.maps.auth.test_sign_in import call, sign_in
from tests.served_pages import DISPATCHER, api


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
