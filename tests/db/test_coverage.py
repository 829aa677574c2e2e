"""Dispatch's storage: fixes read as columns, the registry, routes, storms, stored results."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

import numpy as np
import psycopg2
import pytest

from db import coverage as coverage_db
from db import routes as route_db
from db import storms as storm_db
from db.positions import FixRow, ensure_partitions, insert_positions, months_of
from dispatch.coverage import compute_coverage
from dispatch.coverage_json import result_document
from dispatch.equipment import EquipmentSensor
from dispatch.routes import Route
from egts_server.model import DeviceKey, Position
from tests.dispatch.synthetic import lonlat

T0 = datetime(2026, 1, 20, 4, 0, tzinfo=UTC)


@pytest.fixture()
def cur(dsn: str) -> Iterator[Any]:
    conn = psycopg2.connect(dsn)
    try:
        with conn, conn.cursor() as cursor:
            yield cursor
    finally:
        conn.close()


def vehicle(cur: Any, name: str, equipment: str) -> int:
    cur.execute("INSERT INTO vehicles (name, kind, contractor, equipment) VALUES"
                " (%s, 'plow', 'МУП', %s) RETURNING id", (name, equipment))
    new_id: int = cur.fetchone()[0]
    return new_id


def store(cur: Any, vehicle_id: int, positions: list[Position]) -> None:
    rows = [FixRow(terminal_id=vehicle_id, vehicle_id=vehicle_id, received_at=T0, position=p)
            for p in positions]
    ensure_partitions(cur, months_of(rows))
    insert_positions(cur, rows)


def position(i: int, dx: float, **kwargs: Any) -> Position:
    lon, lat = lonlat(dx, 0.0)
    fields: dict[str, Any] = {"device": DeviceKey("egts", "1"),
                              "fix_time": T0 + timedelta(seconds=5 * i), "latitude": lat,
                              "longitude": lon, "valid": True, "speed_kmh": 20.0,
                              "course_deg": 90.0}
    fields.update(kwargs)
    return Position(**fields)


def test_fixes_come_back_as_columns_with_sentinels_for_missing_values(cur: Any) -> None:
    """Every column round-trips (arrival time included); absent satellites/HDOP/inputs become
    -1/NaN/-1."""
    v = vehicle(cur, "КДМ 1", '{"analog": 2, "threshold": 3}')
    store(cur, v, [
        position(0, 0.0, satellites=9, hdop=0.8, inputs=5, black_box=True,
                 attributes=MappingProxyType({"adc2": 4.5})),
        position(1, 50.0),
    ])
    fixes = coverage_db.fixes_for_coverage(cur, T0, T0 + timedelta(minutes=1))
    assert len(fixes) == 2
    order = np.argsort(fixes.t)
    assert fixes.vehicle.tolist() == [v, v]
    assert fixes.t[order].tolist() == [T0.timestamp(), T0.timestamp() + 5]
    assert fixes.satellites[order].tolist() == [9, -1]
    assert fixes.inputs[order].tolist() == [5, -1]
    assert fixes.hdop[order][0] == pytest.approx(0.8) and math.isnan(fixes.hdop[order][1])
    assert fixes.sensor_value[order][0] == 4.5 and math.isnan(fixes.sensor_value[order][1])
    assert fixes.black_box[order].tolist() == [True, False]
    assert fixes.received.tolist() == [T0.timestamp(), T0.timestamp()]
    assert fixes.lon[order][0] == pytest.approx(lonlat(0.0, 0.0)[0], abs=1e-9)


def test_fix_reads_filter_by_window_vehicle_and_box(cur: Any) -> None:
    """Only fixes in the window, of the asked vehicles and inside the box come back."""
    a = vehicle(cur, "A", '{"input": 1}')
    b = vehicle(cur, "B", '{"input": 1}')
    store(cur, a, [position(i, 100.0 * i) for i in range(10)])
    store(cur, b, [position(i, 100.0 * i) for i in range(3)])
    end = T0 + timedelta(hours=1)
    assert len(coverage_db.fixes_for_coverage(cur, T0, end)) == 13
    assert len(coverage_db.fixes_for_coverage(cur, T0, end, vehicle_ids=[b])) == 3
    assert len(coverage_db.fixes_for_coverage(cur, T0 + timedelta(seconds=11), end)) == 7
    west, south = lonlat(-10.0, -10.0)
    east, north = lonlat(250.0, 10.0)
    boxed = coverage_db.fixes_for_coverage(cur, T0, end, bbox=(west, south, east, north))
    assert len(boxed) == 6  # 0, 100, 200 m of each vehicle


def test_registry_equipment_becomes_sensors_and_bad_entries_mean_no_sensor(cur: Any) -> None:
    """The registry's JSON becomes sensors; an unreadable entry becomes 'no sensor'."""
    good = vehicle(cur, "A", '{"input": 2, "tool": "blade"}')
    bad = vehicle(cur, "B", '{"input": "two", "tool": "blade"}')
    infos = coverage_db.vehicle_infos(cur)
    assert infos[good].sensor == EquipmentSensor("input", number=2)
    assert infos[bad].sensor is None and infos[bad].tool == "blade"


def test_route_crud_and_upsert(cur: Any) -> None:
    """Routes go in and out unchanged; an import updates routes whose id exists."""
    coords = (lonlat(0.0, 0.0), lonlat(500.0, 0.0), lonlat(500.0, 300.0))
    route = Route(id=None, name="Ленина", coordinates=coords, treatment="sweep", priority=1,
                  passes_required=2, direction="as_drawn", half_width_m=12.5,
                  assigned_vehicles=(4, 9), contractor="МУП", properties={"district": "Ц"})
    new_id = route_db.insert_route(cur, route)
    stored = route_db.get_route(cur, new_id)
    assert stored is not None
    assert np.allclose(stored.coordinates, coords, atol=1e-7, rtol=0)
    assert (stored.treatment, stored.assigned_vehicles, stored.properties) == \
        ("sweep", (4, 9), {"district": "Ц"})
    assert route_db.route_rows(cur)[0]["length_m"] == pytest.approx(800.0, rel=0.01)
    created, updated = route_db.upsert_routes(cur, [
        Route(id=new_id, name="Ленина (изм.)", coordinates=coords),
        Route(id=999, name="Новая", coordinates=coords)])
    assert updated == [new_id] and len(created) == 1
    assert {r.name for r in route_db.list_routes(cur)} == {"Ленина (изм.)", "Новая"}
    assert route_db.delete_route(cur, new_id) and not route_db.delete_route(cur, new_id)


def test_storms_and_stored_results(cur: Any) -> None:
    """A storm is declared and ended; a result stored for it comes back as stored."""
    storm_id = storm_db.create_storm(cur, "Метель", T0, norms_h={1: 3.0})
    assert storm_db.end_snowfall(cur, storm_id, T0 + timedelta(hours=6))
    storm = storm_db.get_storm(cur, storm_id)
    assert storm is not None and storm.snowfall_ended_at == T0 + timedelta(hours=6)
    assert storm.norm_h(1) == 3.0 and storm.norm_h(3) == 12.0
    assert [s.id for s in storm_db.list_storms(cur)] == [storm_id]
    route = Route(id=1, name="x", coordinates=(lonlat(0, 0), lonlat(100, 0)))
    document = result_document(compute_coverage(
        [route], coverage_db.fixes_for_coverage(cur, T0, T0), {}, window=(T0, T0), now=T0))
    saved = coverage_db.save_result(cur, document, storm_id=storm_id)
    assert saved > 0
    assert coverage_db.latest_result(cur, storm_id=storm_id) == document
