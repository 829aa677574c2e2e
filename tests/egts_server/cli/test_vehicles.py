"""``terminals add`` and ``vehicles add|edit|remove`` as a person runs them: bad input is refused
with a Russian message naming the problem and exit status 2, and nothing is stored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from tests.conftest import REPO


def run(dsn: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": dsn, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "egts_server.cli", *args], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


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
    result = run(dsn, "terminals", "add", *args)
    assert result.returncode == 2, result
    assert result.stderr.startswith("glonass-dispatch: ") and message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert rows(dsn, "SELECT count(*) FROM terminals") == [(0,)]


def test_terminals_add_takes_good_ids_and_refuses_a_second_registration(dsn: str) -> None:
    for args in (["egts", "4294967295"], ["egts", "352093081234567"], ["ndtp", "0"],
                 ["teltonika", "352093081234567"], ["wialonretr", "truck-7"]):
        assert run(dsn, "terminals", "add", *args).returncode == 0, args
    again = run(dsn, "terminals", "add", "egts", "4294967295")
    assert again.returncode == 2
    assert "терминал egts:4294967295 уже зарегистрирован" in again.stderr
    assert rows(dsn, "SELECT protocol || ':' || identifier FROM terminals ORDER BY id") == [
        ("egts:4294967295",), ("egts:352093081234567",), ("ndtp:0",),
        ("teltonika:352093081234567",), ("wialonretr:truck-7",)]


def test_vehicles_refuse_bad_fields_and_remove_softly(dsn: str) -> None:
    bad = run(dsn, "vehicles", "add", "Плуг 1", "--equipment-input", "40")
    assert bad.returncode == 2
    assert "номер входа — от 1 до 32 (0 — без датчика), а не 40" in bad.stderr
    assert run(dsn, "vehicles", "add", "  ").returncode == 2
    assert run(dsn, "vehicles", "add", "Плуг 1", "--plate", "а 123 вс 27", "--kind",
               "plow").returncode == 0
    assert rows(dsn, "SELECT name, plate FROM vehicles") == [("Плуг 1", "А123ВС27")]
    assert "госномер — буквы и цифры" in run(dsn, "vehicles", "edit", "1", "--plate",
                                               "A-1").stderr
    assert run(dsn, "terminals", "add", "egts", "1001", "--vehicle", "1").returncode == 0
    removed = run(dsn, "vehicles", "remove", "1")
    assert removed.returncode == 0, removed.stderr
    assert run(dsn, "vehicles", "list").stdout == ""
    assert run(dsn, "vehicles", "remove", "1").returncode == 1
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
    result = run(dsn, "vehicles", "add", "КДМ 7", "--driver", "Сидоров", *args)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"glonass-dispatch: {message}\n"
    assert rows(dsn, "SELECT count(*) FROM vehicles") == [(0,)]


def test_vehicles_add_and_edit_set_change_and_clear_the_driver(dsn: str) -> None:
    added = run(dsn, "vehicles", "add", "КДМ 7", "--driver", "  Сидоров Иван ",
                "--driver-phone", "8 (914) 123-45-67")
    assert added.returncode == 0, added.stderr
    assert rows(dsn, "SELECT driver, driver_phone FROM vehicles") == [
        ("Сидоров Иван", "+79141234567")]
    assert run(dsn, "vehicles", "list").stdout.endswith(
        " -  driver: Сидоров Иван, +7 914 123-45-67\n")
    refused = run(dsn, "vehicles", "edit", "1", "--driver-phone", "12345")
    assert refused.returncode == 2 and "телефон водителя" in refused.stderr
    assert run(dsn, "vehicles", "edit", "1", "--driver-phone", "+7 924 000 11 22").returncode == 0
    assert rows(dsn, "SELECT driver, driver_phone FROM vehicles") == [
        ("Сидоров Иван", "+79240001122")]
    assert run(dsn, "vehicles", "edit", "1", "--driver", "").returncode == 0
    assert run(dsn, "vehicles", "list").stdout.endswith(" -  driver: +7 924 000-11-22\n")
    assert run(dsn, "vehicles", "edit", "1", "--driver-phone", "").returncode == 0
    assert rows(dsn, "SELECT driver, driver_phone FROM vehicles") == [(None, None)]
    assert run(dsn, "vehicles", "list").stdout.endswith("other      -          -\n")


@pytest.mark.parametrize("args", [
    ["simulate", "--first", "500", "--duration", "1"],
    ["simulate", "--vehicles", "0", "--duration", "1"],
    ["vehicles", "edit", "1", "--kind", "plow"],
    ["vehicles", "assign", "5", "--route-number", "7"],
    ["terminals", "remove", "egts", "77"],
    ["terminals", "command", "egts:77", "--text", "GETVER"],
    ["routes", "restore", "9"],
    ["routes", "import", "/nonexistent/routes.geojson"],
    ["acts", "show", "9"],
    ["acts", "diff", "9"],
    ["report", "storm", "9", "-o", "/nonexistent/act.html"],
    ["coverage", "--all", "--from", "2026-01-01T00:00", "--to", "2026-01-02T00:00", "-o",
     "/nonexistent/cov.csv"],
    ["coverage", "--all", "--from", "вчера", "--to", "2026-01-02T00:00"],
    ["routes", "export", "/nonexistent/routes.geojson"],
    ["audit", "--from", "2026-01-01T00:00", "-o", "/nonexistent/audit.csv"],
    ["maps", "export", "/dev/null/site"],
    ["storms", "end", "9"],
    ["users", "set-role", "nobody", "admin"],
    ["db", "retention", "--keep-months", "0"],
])
def test_user_errors_end_without_a_traceback(dsn: str, args: list[str]) -> None:
    """Bad input, a missing thing or an output nobody can write: a message, no traceback."""
    result = run(dsn, *args)
    assert result.returncode in (1, 2), result
    assert "Traceback" not in result.stderr and result.stderr.startswith(
        ("glonass-dispatch: ", "usage: ")), result.stderr


def test_output_folders_are_checked_before_any_work(dsn: str, tmp_path: Path) -> None:
    """Storm 9 does not exist, yet the missing folder is what is reported: it is checked first."""
    missing = tmp_path / "nowhere" / "act.html"
    report = run(dsn, "report", "storm", "9", "-o", str(missing))
    assert (report.returncode, report.stderr) == (
        2, f"glonass-dispatch: report storm --output: the folder {missing.parent} does not "
           "exist\n")
    coverage = run(dsn, "coverage", "--all", "--from", "2026-01-01T00:00", "--to",
                   "2026-01-02T00:00", "-o", str(tmp_path))
    assert (coverage.returncode, coverage.stderr) == (
        2, f"glonass-dispatch: coverage --output: {tmp_path} is a folder; give a file name "
           "in it\n")
    blocker = tmp_path / "file"
    blocker.write_text("")
    export = run(dsn, "maps", "export", str(blocker / "site"))
    assert (export.returncode, export.stderr) == (
        2, f"glonass-dispatch: maps export: {blocker} is a file, not a folder\n")
