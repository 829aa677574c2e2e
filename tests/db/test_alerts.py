"""Stored alerts in PostGIS: raised once, refreshed while they hold, closed, acknowledged once;
the snapshot the alert job judges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from db import alerts as store
from db import storms, vehicles
from db.positions import ensure_partitions
from dispatch.alerts import Condition

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
KINDS = ("silent_during_storm", "online_not_moving")


def plough(cur: Any, name: str) -> int:
    vehicle_id: int = vehicles.add_vehicle(cur, name, "plow", None, None, equipment_input=1)
    return vehicle_id


def silent(vehicle_id: int, minutes: float = 20.0) -> Condition:
    return Condition("silent_during_storm", vehicle_id, (NOW - timedelta(minutes=minutes))
                     .timestamp(), 137.0, 50.55, {"silent_min": minutes})


def open_rows(cur: Any) -> list[tuple[Any, ...]]:
    cur.execute("SELECT vehicle_id, kind, started_at, raised_at, seen_at, details"
                " FROM alerts WHERE cleared_at IS NULL ORDER BY id")
    rows: list[tuple[Any, ...]] = cur.fetchall()
    return rows


def test_a_condition_raises_once_is_refreshed_then_closed(cur: Any) -> None:
    a, b = plough(cur, "КДМ 1"), plough(cur, "КДМ 2")
    assert store.sync(cur, [silent(a), silent(b)], KINDS, NOW) == store.Synced(2, 0)
    later = NOW + timedelta(minutes=1)
    assert store.sync(cur, [silent(a, 21.0), silent(b, 21.0)], KINDS, later) == \
        store.Synced(0, 0)
    assert open_rows(cur) == [
        (a, "silent_during_storm", NOW - timedelta(minutes=20), NOW, later, {"silent_min": 21.0}),
        (b, "silent_during_storm", NOW - timedelta(minutes=20), NOW, later, {"silent_min": 21.0})]
    assert store.sync(cur, [silent(b, 22.0)], KINDS, later + timedelta(minutes=1)) == \
        store.Synced(0, 1)
    assert [r[0] for r in open_rows(cur)] == [b]
    # the same condition again later: a new alert, the closed one stays as it was
    assert store.sync(cur, [silent(a, 1.0), silent(b, 23.0)], KINDS,
                      later + timedelta(minutes=2)) == store.Synced(1, 0)
    cur.execute("SELECT vehicle_id, cleared_at IS NULL FROM alerts ORDER BY id")
    assert cur.fetchall() == [(a, False), (b, True), (a, True)]


def test_only_the_kinds_judged_are_closed_and_unknown_vehicles_are_skipped(cur: Any) -> None:
    a = plough(cur, "КДМ 1")
    store.sync(cur, [silent(a)], KINDS, NOW)
    assert store.sync(cur, [], ("online_not_moving",), NOW) == store.Synced(0, 0)
    assert store.sync(cur, [silent(a + 100)], KINDS, NOW) == store.Synced(0, 1)
    assert open_rows(cur) == []


def test_a_vehicle_removed_from_the_fleet_raises_nothing(cur: Any) -> None:
    """Its stored fixes stay, so the judge may still name it; no alert is stored for it."""
    kept, removed = plough(cur, "КДМ 1"), plough(cur, "КДМ 2")
    assert vehicles.remove_vehicle(cur, removed, "admin")
    assert store.sync(cur, [silent(kept), silent(removed)], KINDS, NOW) == store.Synced(1, 0)
    assert [row[0] for row in open_rows(cur)] == [kept]


def test_acknowledged_once_by_the_first_dispatcher(cur: Any) -> None:
    a, b = plough(cur, "КДМ 1"), plough(cur, "КДМ 2")
    store.sync(cur, [silent(a), silent(b)], KINDS, NOW)
    (first, second) = store.list_alerts(cur, store.AlertFilter())
    acked = store.acknowledge(cur, second.id, "ivanova", NOW + timedelta(minutes=5))
    assert acked is not None
    assert (acked.vehicle, acked.acknowledged_by, acked.acknowledged_at) == (
        "КДМ 1", "ivanova", NOW + timedelta(minutes=5))
    again = store.acknowledge(cur, second.id, "petrova", NOW + timedelta(minutes=9))
    assert again == acked
    assert store.acknowledge(cur, 999_999, "ivanova", NOW) is None
    assert store.unacknowledged(cur) == 1
    assert [x.id for x in store.list_alerts(cur, store.AlertFilter(acknowledged=True))] == \
        [second.id]
    assert [x.id for x in store.list_alerts(cur, store.AlertFilter(acknowledged=False))] == \
        [first.id]


def test_the_snapshot_holds_recent_fixes_going_storms_and_latest_fixes(cur: Any) -> None:
    a = plough(cur, "КДМ 1")
    cur.execute("INSERT INTO storms (name, started_at, closed_at) VALUES"
                " ('Прошлая', %s, %s), ('Метель', %s, NULL), ('Будущая', %s, NULL)",
                (NOW - timedelta(days=3), NOW - timedelta(days=2), NOW - timedelta(hours=1),
                 NOW + timedelta(hours=1)))
    cur.execute("INSERT INTO terminals (protocol, identifier, vehicle_id) VALUES"
                " ('egts', '1', %s) RETURNING id", (a,))
    terminal = cur.fetchone()[0]
    ensure_partitions(cur, [NOW.date().replace(day=1)])
    for minutes in (90, 30, 5):
        cur.execute("INSERT INTO positions (vehicle_id, terminal_id, fix_time, received_at,"
                    " latitude, longitude, valid, speed_kmh, course_deg, protocol)"
                    " VALUES (%s, %s, %s, %s, 50.55, 137.0, true, 20, 90, 'egts')",
                    (a, terminal, NOW - timedelta(minutes=minutes),
                     NOW - timedelta(minutes=minutes)))
    snapshot = store.fleet_snapshot(cur, NOW, 3600.0)
    assert [s.name for s in snapshot.storms] == ["Метель"]
    assert sorted(snapshot.fixes.t.tolist()) == [
        (NOW - timedelta(minutes=m)).timestamp() for m in (30, 5)]
    assert snapshot.last_fixes[a].t == (NOW - timedelta(minutes=5)).timestamp()
    assert list(snapshot.vehicles) == [a] and snapshot.now == NOW
    assert storms.storms_going_on(cur, NOW + timedelta(hours=2))[1].name == "Будущая"


def test_route_alerts_are_keyed_by_route_and_by_vehicle_on_route(cur: Any) -> None:
    """A route's alert, a vehicle's and the vehicle's on that route are three alerts; a
    condition about a route not in the registry is skipped."""
    a = plough(cur, "КДМ 1")
    cur.execute("INSERT INTO routes (name, geom) VALUES ('ул. Ленина',"
                " ST_GeomFromText('LINESTRING(137 50.5, 137.01 50.5)', 4326)) RETURNING id")
    route = cur.fetchone()[0]
    late = [Condition("storm_norm_at_risk", None, NOW.timestamp(), None, None, route_id=route),
            Condition("storm_norm_at_risk", a, NOW.timestamp(), None, None),
            Condition("storm_norm_at_risk", a, NOW.timestamp(), None, None, route_id=route),
            Condition("storm_norm_at_risk", None, NOW.timestamp(), None, None,
                      route_id=route + 1)]
    kinds = ("storm_norm_at_risk",)
    assert store.sync(cur, late, kinds, NOW) == store.Synced(3, 0)
    assert store.sync(cur, late, kinds, NOW) == store.Synced(0, 0)
    assert [(x.vehicle, x.route) for x in store.list_alerts(
        cur, store.AlertFilter(route_id=route))] == [("КДМ 1", "ул. Ленина"), (None, "ул. Ленина")]
    assert store.sync(cur, late[:1], kinds, NOW) == store.Synced(0, 2)
