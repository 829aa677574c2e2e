"""``glonass-dispatch coverage``, ``storms`` and ``report storm`` against the test database."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from db import routes as route_db
from db.positions import FixRow, ensure_partitions, insert_positions, months_of
from egts_server.cli import main
from egts_server.model import DeviceKey, Position
from maps.assets import external_references
from tests.dispatch.synthetic import T0, Drive, street

WINDOW = ["--from", (T0 - timedelta(minutes=5)).isoformat(),
          "--to", (T0 + timedelta(hours=2)).isoformat()]


def store_drive(cur: Any, vehicle_id: int, drive: Drive, black_box: bool = False,
                terminal_id: int = 1) -> None:
    rows = [FixRow(terminal_id=terminal_id, vehicle_id=vehicle_id, received_at=f.fix_time,
                   position=Position(device=DeviceKey("egts", "7"), fix_time=f.fix_time,
                                     latitude=f.latitude, longitude=f.longitude,
                                     valid=True, speed_kmh=f.speed_kmh,
                                     course_deg=f.course_deg, inputs=f.inputs,
                                     black_box=black_box))
            for f in drive.fixes()]
    ensure_partitions(cur, months_of(rows))
    insert_positions(cur, rows)


@pytest.fixture()
def city(dsn: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Two streets, one plough (blade on input 1) that drove the first both ways."""
    monkeypatch.setenv("DATABASE_URL", dsn)
    monkeypatch.delenv("GLONASS_DISPATCH_CONFIG", raising=False)
    drive = Drive(7, [(-60.0, 0.0), (1060.0, 0.0), (1060.0, 3.0), (-60.0, 3.0)])
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO vehicles (name, kind, contractor, equipment) VALUES"
                    " ('КДМ 007', 'plow', 'МУП', '{\"input\": 1, \"tool\": \"blade\"}')"
                    " RETURNING id")
        vehicle_id = cur.fetchone()[0]
        store_drive(cur, vehicle_id, drive)
        driven = route_db.insert_route(cur, street(0, ((0.0, 0.0), (1000.0, 0.0)),
                                                   name="ул. Ленина", contractor="МУП"))
        idle = route_db.insert_route(cur, street(0, ((0.0, 400.0), (1000.0, 400.0)),
                                                 name="ул. Мира", priority=3))
    conn.close()
    return {"driven": driven, "idle": idle}


def test_coverage_json_for_all_routes(city: dict[str, int],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """--all --format json prints the full document; progress goes to stderr only."""
    assert main(["coverage", "--all", *WINDOW, "--format", "json"]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    by_name = {r["route"]["name"]: r for r in document["routes"]}
    assert by_name["ул. Ленина"]["state_m"]["served"] == pytest.approx(1000.0, abs=1.0)
    assert by_name["ул. Мира"]["state_m"]["not_served"] == pytest.approx(1000.0, abs=1.0)
    assert "reading fixes" in captured.err and "route 2/2" in captured.err


@pytest.mark.parametrize("fmt", ["table", "csv", "geojson"])
def test_coverage_other_formats_for_one_route(city: dict[str, int], fmt: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """--route ID in table, CSV and GeoJSON form."""
    assert main(["coverage", "--route", str(city["driven"]), *WINDOW, "--format", fmt,
                 "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    if fmt == "table":
        assert captured.out.startswith(
            "уборка с 14.01.2026 11:55 (+10:00) по 14.01.2026 14:00 (+10:00)\n")
        assert re.search(r"ул\. Ленина\s+1,00\s+100,0%", captured.out)
    elif fmt == "csv":
        assert captured.out.startswith("\ufeffпараметр;значение\r\n"
                                       "окно с;14.01.2026 11:55 (+10:00)\r\n")
        table = captured.out.split("\r\n\r\n")[1]
        rows = list(csv.DictReader(io.StringIO(table), delimiter=";"))
        assert {r["Состояние"] for r in rows} == {"убрано"}
        assert all(r["Маршрут"] == "ул. Ленина" and r["Последний проход"].endswith("(+10:00)")
                   for r in rows)
        assert {r["Версия маршрута"] for r in rows} == {"1"}
    else:
        document = json.loads(captured.out)
        assert document["type"] == "FeatureCollection" and "parameters" in document
        assert set(document) == {"type", "features", "from", "to", "computed_at", "parameters"}


def test_coverage_save_stores_the_result_with_its_parameters(
        city: dict[str, int], dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--save keeps the result and the parameters it was computed with."""
    assert main(["coverage", "--all", *WINDOW, "--save", "-q", "-o", "/dev/null"]) == 0
    assert "sealed as act 1" in capsys.readouterr().err
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT parameters ->> 'engine', cardinality(route_ids)"
                    " FROM coverage_results")
        assert cur.fetchall() == [("coverage/2", 2)]
    conn.close()


def test_a_time_without_offset_is_the_city_clock(city: dict[str, int],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """An auditor typing local midnight means 14:00 UTC the day before (site.time_zone)."""
    assert main(["coverage", "--all", "--from", "2026-01-14T00:00", "--to", "2026-01-14T12:00",
                 "--format", "json", "-q"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["from"], document["to"]) == ("2026-01-13T14:00:00+00:00",
                                                  "2026-01-14T02:00:00+00:00")


def test_a_time_that_is_not_iso_8601_is_refused(city: dict[str, int],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "--all", "--from", "14.01.2026"]) == 2
    assert capsys.readouterr().err == (
        "glonass-dispatch: coverage --from: '14.01.2026' is not an ISO 8601 time "
        "(e.g. 2026-12-05T08:00, read in site.time_zone)\n")


def test_unknown_route_is_an_error(city: dict[str, int],
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Asking for a route that does not exist fails with a message."""
    assert main(["coverage", "--route", "9999", *WINDOW]) == 2
    assert "no such route: 9999" in capsys.readouterr().err


def test_storm_report_csv_and_offline_html(city: dict[str, int], dsn: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A declared storm's act comes out as CSV and as an HTML page that works offline."""
    assert main(["storms", "declare", "Метель", "--start",
                 (T0 - timedelta(hours=1)).isoformat(), "--norm", "3=10"]) == 0
    storm_id = int(re.findall(r"storm (\d+) declared", capsys.readouterr().out)[0])
    assert main(["storms", "end", str(storm_id), "--snowfall-end", T0.isoformat(),
                 "--close", (T0 + timedelta(hours=2)).isoformat()]) == 0
    assert capsys.readouterr().out.endswith(
        f"storm {storm_id}: snowfall ended 14.01.2026 12:00 (+10:00)\n")
    assert main(["storms", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split() == [
        str(storm_id), "Метель", "14.01.2026", "11:00", "(+10:00)", "14.01.2026", "12:00",
        "(+10:00)", "14.01.2026", "14:00", "(+10:00)"]

    assert main(["report", "storm", str(storm_id), "--format", "csv", "-q"]) == 0
    text = capsys.readouterr().out
    about, table = text.removeprefix("\ufeff").split("\r\n\r\n")
    about_rows = dict(csv.reader(io.StringIO(about), delimiter=";"))
    assert about_rows["начало"] == (
        "14.01.2026 11:00 (+10:00)")
    rows = {r["Маршрут"]: r for r in csv.DictReader(io.StringIO(table), delimiter=";")}
    assert rows["ул. Ленина"]["Итог"] == "в норматив"
    assert rows["ул. Мира"]["Норматив, ч"] == "10"
    assert rows["ул. Мира"]["Итог"] == "просрочено"
    assert about_rows["версии маршрутов"] == f"{city['driven']} v1, {city['idle']} v1"
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT storm_id, content_hash IS NOT NULL FROM coverage_results")
        assert cur.fetchall() == [(storm_id, True)]  # the storm's act, sealed
    conn.close()

    page = tmp_path / "acts" / "storm.html"
    page.parent.mkdir()
    assert main(["report", "storm", str(storm_id), "-o", str(page), "-q"]) == 0
    html = page.read_text(encoding="utf-8")
    assert external_references(html) == []
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts and all((page.parent / s).is_file() for s in scripts)
    assert "ул. Ленина" in html and "Начало: 14.01.2026 11:00 (+10:00)" in html
    assert re.search(r"Акт № 2 запечатан, sha256 его данных: <code>[0-9a-f]{64}</code>", html)
    assert f"№ {city['driven']} — версия 1" in html


def test_storm_declared_with_local_times_lists_them_as_typed(
        city: dict[str, int], capsys: pytest.CaptureFixture[str]) -> None:
    """``--start`` without an offset is the city's time; the list shows it back the same."""
    assert main(["storms", "declare", "Буран", "--start", "2026-12-05T02:30"]) == 0
    capsys.readouterr()
    assert main(["storms", "list"]) == 0
    line = capsys.readouterr().out.splitlines()[1]
    assert "Буран" in line and "05.12.2026 02:30 (+10:00)" in line


def test_report_for_a_missing_storm_fails(city: dict[str, int],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown storm id is an error with a message."""
    assert main(["report", "storm", "424242", "--format", "csv"]) == 1
    assert "no storm 424242" in capsys.readouterr().err
