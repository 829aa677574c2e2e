"""``/api/terminals`` over HTTP: what the registry refuses, with the field and the Russian
message (registering, fitting and removing: test_fleet.py; commands: the intake tests)."""

from __future__ import annotations

from tests.conftest import Served
from tests.served_pages import api


def test_bad_terminals_are_refused_with_the_field_and_a_russian_message(
        served: Served, admin: dict[str, str]) -> None:
    cases = [
        ({"protocol": "egts", "identifier": "abc"}, "identifier",
         "ТИД ЕГТС — целое число, а не «abc»"),
        ({"protocol": "egts", "identifier": "4294967296"}, "identifier",
         "ТИД ЕГТС — число от 1 до 4294967295, а не 4294967296"),
        ({"protocol": "teltonika", "identifier": "1234567890123456"}, "identifier",
         "IMEI — ровно 15 цифр, а здесь 16"),
        ({"protocol": "egts", "identifier": "7", "imei": "86753090000000x"}, "imei",
         "IMEI должен состоять из цифр, а не «86753090000000x»"),
        ({"protocol": "gt06", "identifier": "7"}, "protocol", "неизвестный протокол «gt06»"),
        ({"protocol": "egts", "identifier": "7", "vehicle_id": 99}, "vehicle_id",
         "нет машины № 99"),
        ({"protocol": "egts", "identifier": 7}, "identifier", "ожидается строка"),
    ]
    for body, field, message in cases:
        status, reply = api(served, "POST", "/api/terminals", admin, body)
        assert status == 400, (body, reply)
        assert reply["detail"] == {"field": field} and reply["error"].startswith(message), reply
    assert api(served, "GET", "/api/terminals", admin) == (200, [])


def test_paths_name_a_terminal_by_id_or_protocol_and_its_commands(
        served: Served, admin: dict[str, str]) -> None:
    """Anything else is a 404, a 400 or a 405 that says what the path should be."""
    status, terminal = api(served, "POST", "/api/terminals", admin,
                           {"protocol": "egts", "identifier": "1001"})
    assert status == 201
    status, command = api(served, "POST", "/api/terminals/egts:1001/commands", admin,
                          {"text": "STATUS"})
    assert status == 201
    assert api(served, "GET", f"/api/terminals/{terminal['id']}/commands", admin)[1] == \
        api(served, "GET", "/api/terminals/egts:1001/commands", admin)[1] != []
    assert api(served, "GET", f"/api/terminals/egts:1001/commands/{command['id']}",
               admin)[1]["id"] == command["id"]
    unknown = "нет такого терминала (укажите его номер или протокол:идентификатор)"
    for path in ("/api/terminals/ndtp:1001/commands", "/api/terminals/egts:9/commands",
                 "/api/terminals/999/commands", "/api/terminals/egts/commands"):
        assert api(served, "GET", path, admin)[1]["error"] == unknown, path
    refusals = [
        ("GET", "/api/terminals/egts:1001/secrets", 404,
         "no such resource: use /api/terminals/{id}/commands"),
        ("GET", "/api/terminals/egts:1001/commands/1/2", 404,
         "no such resource: use /api/terminals/{id}/commands"),
        ("GET", "/api/terminals/egts:1001/commands/first", 400,
         "the command id must be an integer"),
        ("GET", f"/api/terminals/egts:1001/commands/{command['id'] + 1}", 404,
         "no such command of this terminal"),
        ("POST", "/api/terminals/egts:1001", 405,
         "команда терминалу: POST /api/terminals/{id}/commands"),
        ("PUT", "/api/terminals", 405, "машина терминала: PUT /api/terminals/{id}"),
        ("PUT", "/api/terminals/egts:1001/commands", 405,
         "машина терминала: PUT /api/terminals/{id}"),
        ("DELETE", "/api/terminals/egts:1001/commands", 405,
         "DELETE /api/terminals/{id}/commands/{command_id}"),
    ]
    for method, path, status, error in refusals:
        answered, reply = api(served, method, path, admin, {})
        assert (answered, reply["error"]) == (status, error), (method, path)
    for vehicle_id in ("abc", True, 1.5):
        assert api(served, "PUT", "/api/terminals/egts:1001", admin,
                   {"vehicle_id": vehicle_id}) == (400, {"error": "номер машины — целое число",
                                                         "detail": {"field": "vehicle_id"}})
