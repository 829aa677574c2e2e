"""``glonass-dispatch audit``: the trail for a window, as a table or a CSV for spreadsheets."""

from __future__ import annotations

import csv
import getpass
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from db import audit
from egts_server.cli import main
from tests.dispatch.geometry_fixtures import STRAIGHT_EAST_1KM, line_feature

NOON = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)  # 12:00 in Vladivostok


def event(cur: Any, minutes: int, actor: str, action: str, kind: str, object_id: str,
          **values: Any) -> None:
    cur.execute("INSERT INTO audit_log (at, actor, role, address, action, kind, object_id,"
                " before, after, detail) VALUES (%s + %s * interval '1 minute', %s, %s, %s, %s,"
                " %s, %s, %s, %s, %s)",
                (NOON, minutes, actor, values.get("role"), values.get("address"), action, kind,
                 object_id, values.get("before"), values.get("after"), values.get("detail")))


@pytest.fixture()
def trail(cur: Any) -> None:
    event(cur, -5, "ivanova", "sign_in", "session", "ivanova", role="dispatcher",
          address="10.0.0.7")
    event(cur, 1, "ivanova", "update", "mark", "12", role="dispatcher", address="10.0.0.7",
          before='{"text": "скользко"}', after='{"text": "=посыпано; 2"}')
    event(cur, 2, "boss", "delete", "route", "3", role="admin", address="10.0.0.1")
    event(cur, 90, "boss", "create", "user", "petrov", role="admin", address="10.0.0.1")


def test_csv_opens_in_a_russian_spreadsheet(trail: None,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """BOM, ';', Russian headers, Vladivostok times with offset, values as JSON; [from, to)."""
    assert main(["audit", "--from", "2026-12-05T12:00", "--to", "2026-12-05T13:00",
                 "--format", "csv"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("\ufeffВремя;Кто;Роль;Адрес;Действие;Объект;Идентификатор;Было;"
                           "Стало;Подробности\r\n")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[1:] == [
        ["05.12.2026 12:02:00 (+10:00)", "boss", "admin", "10.0.0.1", "удаление", "маршрут", "3",
         "", "", ""],
        ["05.12.2026 12:01:00 (+10:00)", "ivanova", "dispatcher", "10.0.0.7", "изменение", "метка",
         "12", '{"text": "скользко"}', '{"text": "=посыпано; 2"}', ""]]


def test_filters_and_the_table(trail: None, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "audit.txt"
    assert main(["audit", "--from", "2026-12-05T01:00:00Z", "--to", "2026-12-05T14:00+10:00",
                 "--who", "boss", "--output", str(out)]) == 0
    assert capsys.readouterr().err == f"2 entries written to {out}\n"
    assert out.read_text(encoding="utf-8").splitlines()[1:] == [
        "05.12.2026 13:30:00 (+10:00) boss             создание         учётная запись     petrov",
        "05.12.2026 12:02:00 (+10:00) boss             удаление         маршрут            3"]
    assert main(["audit", "--from", "2026-12-05T11:00", "--to", "2026-12-06T00:00",
                 "--kind", "session", "--action", "sign_in"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[3:] for line in lines[1:]] == [["ivanova", "вход", "сеанс", "ivanova"]]


def test_a_formula_is_never_a_formula_in_the_csv(cur: Any,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    event(cur, 0, "=HYPERLINK(\"http://x\")", "sign_in_failed", "session", "@evil")
    assert main(["audit", "--from", "2026-12-05T11:00", "--to", "2026-12-06T00:00",
                 "--format", "csv"]) == 0
    row = list(csv.reader(io.StringIO(capsys.readouterr().out[1:]), delimiter=";"))[1]
    assert (row[1], row[4], row[6]) == ("'=HYPERLINK(\"http://x\")", "неудачный вход", "'@evil")


def test_bad_window_is_refused(trail: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "--from", "вчера"]) == 2
    assert capsys.readouterr().err == (
        "glonass-dispatch: audit --from: 'вчера' is not an ISO 8601 time "
        "(e.g. 2026-12-05T08:00, read in site.time_zone)\n")
    assert main(["audit", "--from", "2026-12-05T12:00", "--to", "2026-12-05T11:00"]) == 2
    assert capsys.readouterr().err == "glonass-dispatch: audit: --from must be before --to\n"


def test_cli_changes_are_listed_as_made_by_the_os_user(cur: Any,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vehicles", "add", "КДМ 5", "--kind", "plow"]) == 0
    assert main(["storms", "declare", "Циклон", "--start", "2026-12-05T00:00:00Z"]) == 0
    found = audit.query(cur, since=None, until=None)
    assert [(e.actor, e.kind, e.action, e.after["name"]) for e in found] == [
        (f"cli:{getpass.getuser()}", "storm", "create", "Циклон"),
        (f"cli:{getpass.getuser()}", "vehicle", "create", "КДМ 5")]


def test_every_registry_write_of_the_cli_is_in_the_trail(cur: Any, tmp_path: Path) -> None:
    """Terminals, vehicles (edit, route assignment), routes import, storms: one entry each."""
    routes = tmp_path / "routes.geojson"
    routes.write_text(json.dumps({"type": "FeatureCollection", "features": [
        line_feature(STRAIGHT_EAST_1KM, "Ленина")]}), encoding="utf-8")
    assert main(["vehicles", "add", "Автобус 5", "--kind", "bus"]) == 0
    assert main(["terminals", "add", "egts", "1001", "--vehicle", "1"]) == 0
    assert main(["vehicles", "edit", "1", "--plate", "А123ВС27"]) == 0
    assert main(["vehicles", "assign", "1", "--route-number", "5"]) == 0
    assert main(["routes", "import", str(routes)]) == 0
    assert main(["storms", "declare", "Циклон", "--start", "2026-12-05T00:00:00Z"]) == 0
    assert main(["storms", "end", "1", "--snowfall-end", "2026-12-05T06:00:00Z"]) == 0
    assert main(["terminals", "remove", "egts", "1001"]) == 0
    found = audit.query(cur, since=None, until=None)
    assert {e.actor for e in found} == {f"cli:{getpass.getuser()}"}
    assert [(e.kind, e.action, e.object_id) for e in reversed(found)] == [
        ("vehicle", "create", "1"), ("terminal", "create", "egts:1001"),
        ("vehicle", "update", "1"), ("vehicle", "update", "1"), ("route", "create", "1"),
        ("storm", "create", "1"), ("storm", "update", "1"), ("terminal", "delete", "egts:1001")]
    plate, assignment = found[-3], found[-4]
    assert (plate.before["plate"], plate.after["plate"]) == (None, "А123ВС27")
    assert (assignment.before["route_number"], assignment.after["route_number"]) == (None, "5")
