"""``terminals add`` and ``vehicles add|edit|remove`` as a person runs them: bad input is refused
with a Russian message naming the problem and exit status 2, and nothing is stored."""

from __future__ import annotations

import psycopg2
import pytest

from tests.conftest import run_cli


def rows(dsn: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(sql)
        found: list[tuple[object, ...]] = cur.fetchall()
    conn.close()
    return found


@pytest.mark.parametrize(("args", "message"), [
    (["egts", "abc"], "ТИД ЕГТС — целое число, а не «abc»"),
    (["egts", "-5"], "ТИД ЕГТС не может быть отрицательным (-5)"),
    (["egts", "99999999999999"], "ТИД ЕГТС — число от 1 до 4294967295, а не 99999999999999"),
    (["egts", "0"], "ТИД ЕГТС — число от 1 до 4294967295, а не 0"),
    (["ndtp", "4294967296"], "идентификатор НДТП — число от 0 до 4294967295, а не 4294967296"),
    (["teltonika", "35209308123456"], "IMEI — ровно 15 цифр, а здесь 14"),
    (["galileosky", "86123A567890123"], "IMEI должен состоять из цифр, а не «86123A567890123»"),
    (["wialon", "car;7"], "идентификатор Wialon IPS не может содержать «;» и «#»"),
    (["osmand", "phone 7"], "идентификатор OsmAnd не может содержать пробелы"),
    (["egts", "1001", "--imei", "12345"], "IMEI — ровно 15 цифр, а здесь 5"),
    (["egts", "1001", "--vehicle", "77"], "нет машины № 77"),
])
def test_terminals_add_refuses_bad_input(dsn: str, args: list[str], message: str) -> None:
    result = run_cli(dsn, "terminals", "add", *args)
    assert result.returncode == 2, result
    assert result.stderr.startswith("glonass-dispatch: ") and message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert rows(dsn, "SELECT count(*) FROM terminals") == [(0,)]


def test_terminals_add_takes_good_ids_and_refuses_a_second_registration(dsn: str) -> None:
    for args in (["egts", "4294967295"], ["egts", "352093081234567"], ["ndtp", "0"],
                 ["teltonika", "352093081234567"], ["wialonretr", "truck-7"]):
        assert run_cli(dsn, "terminals", "add", *args).returncode == 0, args
    again = run_cli(dsn, "terminals", "add", "egts", "4294967295")
    assert again.returncode == 2
    assert "терминал egts:4294967295 уже зарегистрирован" in again.stderr
    assert rows(dsn, "SELECT protocol || ':' || identifier FROM terminals ORDER BY id") == [
        ("egts:4294967295",), ("egts:352093081234567",), ("ndtp:0",),
        ("teltonika:352093081234567",), ("wialonretr:truck-7",)]


def test_vehicles_refuse_bad_fields_and_remove_softly(dsn: str) -> None:
    bad = run_cli(dsn, "vehicles", "add", "Плуг 1", "--equipment-input", "40")
    assert bad.returncode == 2
    assert "номер входа — от 1 до 32 (0 — без датчика), а не 40" in bad.stderr
    assert run_cli(dsn, "vehicles", "add", "  ").returncode == 2
    assert run_cli(dsn, "vehicles", "add", "Плуг 1", "--plate", "а 123 вс 27", "--kind",
               "plow").returncode == 0
    assert rows(dsn, "SELECT name, plate FROM vehicles") == [("Плуг 1", "А123ВС27")]
    assert "госномер — буквы и цифры" in run_cli(dsn, "vehicles", "edit", "1", "--plate",
                                               "A-1").stderr
    assert run_cli(dsn, "terminals", "add", "egts", "1001", "--vehicle", "1").returncode == 0
    removed = run_cli(dsn, "vehicles", "remove", "1")
    assert removed.returncode == 0, removed.stderr
    assert run_cli(dsn, "vehicles", "list").stdout == ""
    assert run_cli(dsn, "vehicles", "remove", "1").returncode == 1
    assert rows(dsn, "SELECT deleted_at IS NOT NULL, deleted_by LIKE 'cli:%' FROM vehicles") == [
        (True, True)]
    assert rows(dsn, "SELECT vehicle_id FROM terminals") == [(None,)]
    assert rows(dsn, "SELECT action, actor LIKE 'cli:%' FROM audit_log WHERE kind = 'vehicle'"
                     " ORDER BY id") == [("create", True), ("delete", True)]


@pytest.mark.parametrize(("args", "message"), [
    (["--driver-phone", "914 123-45-67"], "телефон водителя — российский номер из 11 цифр, "
                                          "например +7 914 123-45-67, а не «914 123-45-67»"),
    (["--driver-phone", "+7 701 123 45 67"], "телефон водителя: код 701 — не российский"),
    (["--driver", "Д" * 121], "имя водителя длиннее 120 знаков"),
])
def test_vehicles_add_refuses_a_bad_driver(dsn: str, args: list[str], message: str) -> None:
    result = run_cli(dsn, "vehicles", "add", "КДМ 7", "--driver", "Сидоров", *args)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"glonass-dispatch: {message}\n"
    assert rows(dsn, "SELECT count(*) FROM vehicles") == [(0,)]


def test_vehicles_add_and_edit_set_change_and_clear_the_driver(dsn: str) -> None:
    added = run_cli(dsn, "vehicles", "add", "КДМ 7", "--driver", "  Сидоров Иван ",
                "--driver-phone", "8 (914) 123-45-67")
    assert added.returncode == 0, added.stderr
    assert rows(dsn, "SELECT driver, driver_phone FROM vehicles") == [
        ("Сидоров Иван", "+79141234567")]
    assert run_cli(dsn, "vehicles", "list").stdout.endswith(
        " -  driver: Сидоров Иван, +7 914 123-45-67\n")
    refused = run_cli(dsn, "vehicles", "edit", "1", "--driver-phone", "12345")
    assert refused.returncode == 2 and "телефон водителя" in refused.stderr
    assert run_cli(dsn, "vehicles", "edit", "1", "--driver-phone",
                   "+7 924 000 11 22").returncode == 0
    assert rows(dsn, "SELECT driver, driver_phone FROM vehicles") == [
        ("Сидоров Иван", "+79240001122")]
    assert run_cli(dsn, "vehicles", "edit", "1", "--driver", "").returncode == 0
    assert run_cli(dsn, "vehicles", "list").stdout.endswith(" -  driver: +7 924 000-11-22\n")
    assert run_cli(dsn, "vehicles", "edit", "1", "--driver-phone", "").returncode == 0
    assert rows(dsn, "SELECT driver, driver_phone FROM vehicles") == [(None, None)]
    assert run_cli(dsn, "vehicles", "list").stdout.endswith("other      -          -\n")
