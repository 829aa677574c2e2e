"""The read side for the API, maps and dispatch against a real PostGIS."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg2

from db import queries
from db.terminals import add_terminal
from db.vehicles import add_vehicle, remove_vehicle
from tests.db.stored_fixes import T0, fix, store, store_on


def test_track_returns_fixes_in_time_order_with_geometry(dsn: str) -> None:
    """Stored fixes come back ordered by fix time with exact coordinates."""
    store(dsn, [fix(10), fix(0)])
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT vehicle_id FROM terminals")
        vehicle_id = cur.fetchone()[0]
        track = queries.track(cur, vehicle_id, T0 - timedelta(hours=1), T0 + timedelta(hours=1))
        assert [f.fix_time for f in track] == [T0, T0 + timedelta(seconds=10)]
        assert track[0].longitude == 137.012345
        cur.execute("SELECT ST_AsText(geom) FROM positions ORDER BY fix_time LIMIT 1")
        assert cur.fetchone()[0] == "POINT(137.012345 50.55)"


def test_track_keeps_to_its_window_and_limit(cur: Any) -> None:
    """Both ends of the window are inside it; ``limit`` keeps the oldest fixes."""
    vehicle = add_vehicle(cur, "КДМ 1", "plow", None, None)
    store_on(cur, add_terminal(cur, "egts", "1", None, vehicle), vehicle,
             [fix(s) for s in (0, 10, 20, 30)])
    window = queries.track(cur, vehicle, T0 + timedelta(seconds=10), T0 + timedelta(seconds=20))
    assert [f.fix_time - T0 for f in window] == [timedelta(seconds=10), timedelta(seconds=20)]
    limited = queries.track(cur, vehicle, T0, T0 + timedelta(hours=1), limit=3)
    assert [f.fix_time - T0 for f in limited] == [timedelta(seconds=s) for s in (0, 10, 20)]
    assert queries.track(cur, vehicle + 1, T0, T0 + timedelta(hours=1)) == []


def test_live_vehicles_are_those_with_a_fix_and_not_removed(cur: Any) -> None:
    """Each with its terminals in the order they were fitted and its driver."""
    seen = add_vehicle(cur, "КДМ 1", "plow", "А001АА", "ООО Снег", 2, driver="Иван",
                       driver_phone="+79001234567")
    add_vehicle(cur, "Без связи", "grader", None, None)
    removed = add_vehicle(cur, "Списан", "plow", None, None)
    first = add_terminal(cur, "egts", "1", None, seen)
    add_terminal(cur, "ndtp", "2", None, seen)
    store_on(cur, first, seen, [fix(0)])
    store_on(cur, add_terminal(cur, "egts", "3", None, removed), removed, [fix(0)])
    remove_vehicle(cur, removed, "admin")
    (live,) = queries.live_vehicles(cur)
    assert (live.id, live.name, live.kind, live.plate, live.contractor, live.driver,
            live.driver_phone, live.terminals, live.equipment) == (
        seen, "КДМ 1", "plow", "А001АА", "ООО Снег", "Иван", "+79001234567", ("egts:1", "ndtp:2"),
        {"input": 2})
    assert (live.fix_time, live.latitude, live.longitude, live.inputs) == (T0, 50.55,
                                                                         137.012345, 1)
    assert queries.count_vehicles(cur) == 3


def test_track_owner_names_the_vehicle_or_none(cur: Any) -> None:
    vehicle = add_vehicle(cur, "КДМ 1", "plow", None, None, 3)
    assert queries.track_owner(cur, vehicle) == queries.TrackOwner("КДМ 1", "plow", {"input": 3})
    assert queries.track_owner(cur, vehicle + 1) is None


def test_routes_come_by_priority_without_the_deleted(cur: Any) -> None:
    line = "ST_GeomFromText('LINESTRING(137 50.5, 137.000000012 50.5)', 4326)"
    for name, priority in (("Вторая", 2), ("Первая", 1), ("Удалённая", 1), ("Тоже вторая", 2)):
        cur.execute(f"INSERT INTO routes (name, geom, priority) VALUES (%s, {line}, %s)",
                    (name, priority))
    cur.execute("UPDATE routes SET deleted_at = now() WHERE name = 'Удалённая'")
    shown = queries.routes(cur)
    assert [r["name"] for r in shown] == ["Первая", "Вторая", "Тоже вторая"]
    assert shown[0]["geometry"] == {"type": "LineString",
                                    "coordinates": [[137, 50.5], [137.0000000, 50.5]]}


def test_marks_for_the_public_are_only_the_public_ones(cur: Any) -> None:
    point = "ST_GeomFromText('POINT(137 50.5)', 4326)"
    for text, public in (("для всех", True), ("для своих", False), ("удалена", True)):
        cur.execute(f"INSERT INTO marks (layer, geom, text, public) VALUES ('roads', {point},"
                    " %s, %s)", (text, public))
    cur.execute("UPDATE marks SET deleted_at = now() WHERE text = 'удалена'")
    assert [m["text"] for m in queries.marks(cur)] == ["для всех", "для своих"]
    assert [m["text"] for m in queries.marks(cur, public_only=True)] == ["для всех"]
