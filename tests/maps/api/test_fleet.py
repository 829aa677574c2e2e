"""``/api/fleet`` over HTTP, with the terminals fitted to its vehicles: admins register, fit and
remove vehicles; refusals are 400s with the Russian message and the field; others get 403."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from tests.conftest import Served, start_server, stop_server
from tests.egts_terminal import EgtsTerminal
from tests.maps.auth.test_sign_in import add_user, call, sign_in
from tests.public_city import leaks

T0 = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)


@pytest.fixture()
def served(dsn: str, tmp_path: Path) -> Iterator[Served]:
    add_user(dsn, "admin", "admin-2026!", "admin")
    add_user(dsn, "ivanova", "zima-2026!", "dispatcher")
    add_user(dsn, "petrova", "vesna-2026!", "auditor")
    s = start_server(dsn, tmp_path)
    yield s
    stop_server(s)


def api(served: Served, auth: dict[str, str], method: str, path: str,
        body: Any = None) -> tuple[int, Any]:
    status, _, raw = call(served, method, path, body, headers=auth)
    return status, json.loads(raw) if raw else None


def test_admin_registers_fits_and_removes_terminals_and_vehicles(served: Served) -> None:
    admin = sign_in(served, "admin", "admin-2026!")
    status, plough = api(served, admin, "POST", "/api/fleet",
                         {"name": "Плуг 5", "kind": "plow", "plate": "в 555 ор 27",
                          "contractor": "ДРСУ-1", "equipment_input": 2})
    assert status == 201
    assert plough == {"id": 1, "name": "Плуг 5", "kind": "plow", "plate": "В555ОР27",
                      "contractor": "ДРСУ-1", "driver": None, "driver_phone": None,
                      "equipment": {"input": 2}, "terminals": []}
    status, reply = api(served, admin, "POST", "/api/fleet",
                        {"name": "Грейдер", "kind": "tank"})
    assert (status, reply["detail"]) == (400, {"field": "kind"})
    assert reply["error"] == "неизвестный вид машины «tank»"
    status, reply = api(served, admin, "PUT", "/api/fleet/1", {"equipment_input": 33})
    assert (status, reply["detail"]) == (400, {"field": "equipment_input"})

    status, terminal = api(served, admin, "POST", "/api/terminals",
                           {"protocol": "egts", "identifier": " 1001 ", "imei": ""})
    assert status == 201 and (terminal["identifier"], terminal["vehicle_id"]) == ("1001", None)
    status, reply = api(served, admin, "POST", "/api/terminals",
                        {"protocol": "egts", "identifier": "1001"})
    assert (status, reply["error"]) == (400, "терминал egts:1001 уже зарегистрирован")
    status, fitted = api(served, admin, "PUT", f"/api/terminals/{terminal['id']}",
                         {"vehicle_id": 1})
    assert status == 200 and (fitted["vehicle_id"], fitted["vehicle"]) == (1, "Плуг 5")
    status, changed = api(served, admin, "PUT", "/api/fleet/1",
                          {"plate": "", "equipment_input": 0, "name": "Плуг 6"})
    assert status == 200 and (changed["name"], changed["plate"], changed["equipment"],
                              changed["terminals"]) == ("Плуг 6", None, {}, ["egts:1001"])

    assert api(served, admin, "DELETE", "/api/fleet/1") == (204, None)
    assert api(served, admin, "GET", "/api/fleet") == (200, [])
    assert api(served, admin, "DELETE", "/api/fleet/1")[0] == 404
    status, terminals = api(served, admin, "GET", "/api/terminals")
    assert [t["vehicle_id"] for t in terminals] == [None]
    assert api(served, admin, "DELETE", "/api/terminals/egts:1001") == (204, None)
    assert api(served, admin, "GET", "/api/terminals") == (200, [])

    with psycopg2.connect(served.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT actor, kind, action FROM audit_log WHERE kind IN"
                    " ('vehicle', 'terminal') ORDER BY id")
        trail = cur.fetchall()
    conn.close()
    assert trail == [("admin", "vehicle", "create"), ("admin", "terminal", "create"),
                     ("admin", "terminal", "update"), ("admin", "vehicle", "update"),
                     ("admin", "vehicle", "delete"), ("admin", "terminal", "update"),
                     ("admin", "terminal", "delete")]


def test_the_registry_is_for_admins_only(served: Served) -> None:
    dispatcher = sign_in(served, "ivanova", "zima-2026!")
    for method, path, body in (("GET", "/api/fleet", None),
                               ("POST", "/api/fleet", {"name": "x"}),
                               ("POST", "/api/terminals", {"protocol": "egts",
                                                           "identifier": "5"}),
                               ("DELETE", "/api/fleet/1", None)):
        assert call(served, method, path, body, headers=dispatcher)[0] == 403, path
        assert call(served, method, path, body)[0] in (401, 403), path
    for page in ("/admin/vehicles", "/admin/terminals"):
        status, _, html = call(served, "GET", page, headers=dispatcher)
        assert status == 403 and "только администратору" in html.decode(), page


def test_a_removed_vehicle_leaves_the_live_map(served: Served) -> None:
    """A terminal registers its vehicle by logging in; once removed, the vehicle is off
    /api/vehicles and the terminal is fitted to no vehicle."""
    terminal = EgtsTerminal(served.egts_port)
    terminal.login(777001, b"867530900000777")
    terminal.send_fixes(777001, [{"time": T0, "lat": 50.55, "lon": 137.0}])
    terminal.read_reply()
    admin = sign_in(served, "admin", "admin-2026!")
    (vehicle,) = api(served, admin, "GET", "/api/vehicles")[1]["features"]
    assert vehicle["properties"]["terminals"] == ["egts:777001"]
    assert api(served, admin, "DELETE", f"/api/fleet/{vehicle['id']}") == (204, None)
    assert api(served, admin, "GET", "/api/vehicles")[1]["features"] == []
    assert [t["vehicle_id"] for t in api(served, admin, "GET", "/api/terminals")[1]] == [None]
    terminal.close()


def test_the_driver_is_set_by_admins_and_shown_to_signed_in_staff_only(served: Served) -> None:
    """An admin gives a bus a driver; the live feed carries the name and phone to every
    signed-in role, and not to an anonymous visitor, the public map or GTFS-Realtime."""
    admin = sign_in(served, "admin", "admin-2026!")
    status, reply = api(served, admin, "POST", "/api/fleet",
                        {"name": "ЛиАЗ 12", "kind": "bus", "driver_phone": "914 123-45-67"})
    assert (status, reply["detail"]) == (400, {"field": "driver_phone"})
    assert reply["error"] == ("телефон водителя — российский номер из 11 цифр, например "
                              "+7 914 123-45-67, а не «914 123-45-67»")
    status, bus = api(served, admin, "POST", "/api/fleet",
                      {"name": "ЛиАЗ 12", "kind": "bus", "plate": "АВ12327",
                       "driver": " Сидоров Иван ", "driver_phone": "8 (914) 123-45-67"})
    assert status == 201
    assert (bus["driver"], bus["driver_phone"]) == ("Сидоров Иван", "+79141234567")
    status, reply = api(served, admin, "PUT", f"/api/fleet/{bus['id']}", {"driver": "Я" * 121})
    assert (status, reply) == (400, {"error": "имя водителя длиннее 120 знаков",
                                     "detail": {"field": "driver"}})
    assert api(served, admin, "POST", "/api/terminals",
               {"protocol": "egts", "identifier": "777002", "vehicle_id": bus["id"]})[0] == 201
    now = datetime.now(UTC).replace(microsecond=0)
    terminal = EgtsTerminal(served.egts_port)
    terminal.login(777002, None)
    terminal.send_fixes(777002, [{"time": now - timedelta(minutes=20), "lat": 50.55,
                                  "lon": 137.0},
                                 {"time": now - timedelta(seconds=30), "lat": 50.56,
                                  "lon": 137.01}])
    terminal.read_reply()
    terminal.close()

    driver = {"driver": "Сидоров Иван", "driver_phone": "+79141234567",
              "driver_phone_text": "+7 914 123-45-67"}
    for login, password in (("admin", "admin-2026!"), ("ivanova", "zima-2026!"),
                            ("petrova", "vesna-2026!")):
        (feature,) = api(served, sign_in(served, login, password), "GET",
                         "/api/vehicles")[1]["features"]
        assert {k: feature["properties"].get(k) for k in driver} == driver, login
    status, headers, body = call(served, "GET", "/api/vehicles")
    (feature,) = json.loads(body)["features"]
    assert status == 200 and feature["properties"]["name"] == "ЛиАЗ 12"
    assert headers["Vary"] == "Cookie"  # a shared cache must not hand staff's answer to others
    assert not set(feature["properties"]) & set(driver)

    public = {path: call(served, "GET", path) for path in (
        "/public/data/map.json", "/gtfs-rt/vehicle-positions.json",
        "/gtfs-rt/vehicle-positions.pb")}
    assert {path: status for path, (status, _, _) in public.items()} == dict.fromkeys(public, 200)
    public_map = json.loads(public["/public/data/map.json"][2])
    assert [f["properties"]["kind"] for f in public_map["vehicles"]["features"]] == ["bus"]
    assert "ЛиАЗ 12" in public["/gtfs-rt/vehicle-positions.json"][2].decode()  # and in GTFS-RT
    secrets = ("Сидоров", "+79141234567", "9141234567", "914 123-45-67")
    assert {path: leaks(body, secrets) for path, (_, _, body) in public.items()} == dict.fromkeys(
        public, [])

    status, cleared = api(served, admin, "PUT", f"/api/fleet/{bus['id']}",
                          {"driver": "", "driver_phone": ""})
    assert status == 200 and (cleared["driver"], cleared["driver_phone"]) == (None, None)
    (feature,) = api(served, admin, "GET", "/api/vehicles")[1]["features"]
    assert {k: feature["properties"][k] for k in driver} == dict.fromkeys(driver)
