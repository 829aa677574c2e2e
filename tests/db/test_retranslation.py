"""The store-and-forward queue against a real PostGIS: trigger, fetch order, confirmation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg2
import pytest

from db import retranslation as queue
from db.positions import FixRow, ensure_partitions, insert_positions, months_of
from db.retranslation import Refused, UpstreamRow
from egts_server.model import DeviceKey, Position

T0 = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)
NOW = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)


@pytest.fixture()
def cur(dsn: str) -> Iterator[Any]:
    """One transaction per test, rolled back (the writer's staging table needs a transaction)."""
    conn = psycopg2.connect(dsn)
    with conn.cursor() as c:
        yield c
    conn.rollback()
    conn.close()


def vehicle(cur: Any, kind: str, tid: str) -> tuple[int, int]:
    """A vehicle with one EGTS terminal; (vehicle id, terminal id)."""
    cur.execute("INSERT INTO vehicles (name, kind) VALUES (%s, %s) RETURNING id",
                (f"{kind} {tid}", kind))
    vehicle_id = cur.fetchone()[0]
    cur.execute("INSERT INTO terminals (protocol, identifier, vehicle_id) VALUES ('egts', %s, %s)"
                " RETURNING id", (tid, vehicle_id))
    return vehicle_id, cur.fetchone()[0]


def store(cur: Any, ids: tuple[int, int], seconds: list[int], *, received: datetime = T0,
          black_box: bool = False) -> int:
    vehicle_id, terminal_id = ids
    rows = [FixRow(terminal_id, vehicle_id, received, Position(
        device=DeviceKey("egts", "x"), fix_time=T0 + timedelta(seconds=s), latitude=50.5,
        longitude=137.0 + s * 1e-5, valid=True, speed_kmh=20.0, course_deg=90.0,
        black_box=black_box, attributes={"adc1": s})) for s in seconds]
    ensure_partitions(cur, months_of(rows))
    return insert_positions(cur, rows)


def queued(cur: Any) -> list[tuple[str, int, int]]:
    cur.execute("SELECT u.name, q.vehicle_id, extract(epoch FROM q.fix_time - %s)::int"
                " FROM retranslation_queue q JOIN retranslation_upstreams u ON u.id = q.upstream_id"
                " ORDER BY 1, 2, 3", (T0,))
    return [tuple(r) for r in cur.fetchall()]


def upstreams(cur: Any, *rows: UpstreamRow) -> dict[str, int]:
    return queue.sync_upstreams(cur, list(rows))


def rnis(**kw: Any) -> UpstreamRow:
    values: dict[str, Any] = {"name": "rnis", "address": "h:1", "enabled": True,
                              "vehicle_ids": (), "kinds": ("bus",)}
    values.update(kw)
    return UpstreamRow(**values)


def test_trigger_queues_each_new_fix_for_the_upstreams_that_select_it(cur: Any) -> None:
    """Kinds and explicit vehicle ids select; resends and unselected vehicles add nothing."""
    bus, plow, sander = vehicle(cur, "bus", "1001"), vehicle(cur, "plow", "1002"), \
        vehicle(cur, "sander", "1003")
    upstreams(cur, rnis(), rnis(name="city", kinds=(), vehicle_ids=(plow[0],)))
    store(cur, bus, [0, 5])
    store(cur, plow, [0])
    store(cur, sander, [0])
    store(cur, bus, [0, 5, 10])  # a resend plus one new fix
    assert queued(cur) == [("city", plow[0], 0), ("rnis", bus[0], 0), ("rnis", bus[0], 5),
                           ("rnis", bus[0], 10)]


def test_nothing_is_queued_while_no_upstream_is_enabled(cur: Any) -> None:
    """A disabled (or unconfigured) upstream costs the writer nothing and queues nothing."""
    bus = vehicle(cur, "bus", "1001")
    upstreams(cur, rnis(enabled=False))
    store(cur, bus, [0])
    upstreams(cur)  # no upstream configured at all
    store(cur, bus, [5])
    assert queued(cur) == []


def test_fetch_gives_fix_time_order_per_vehicle_with_late_black_box_fixes(cur: Any) -> None:
    """A black-box fix stored later but older comes first; per-vehicle limit applies."""
    bus, other = vehicle(cur, "bus", "1001"), vehicle(cur, "bus", "abc")
    ids = upstreams(cur, rnis())
    store(cur, bus, [10, 20, 30])
    store(cur, bus, [5], received=T0 + timedelta(minutes=5), black_box=True)
    store(cur, other, [0], received=T0 - timedelta(minutes=1))
    fixes = queue.fetch_pending(cur, ids["rnis"], per_vehicle=3, max_vehicles=10)
    assert [(f.key.vehicle_id, (f.key.fix_time - T0).seconds) for f in fixes] == [
        (bus[0], 5), (bus[0], 10), (bus[0], 20), (other[0], 0)]
    first = fixes[0]
    assert first.position.black_box and first.position.attributes["adc1"] == 5
    assert first.egts_identifier == "1001" and first.position.device == DeviceKey("egts", "1001")
    only = queue.fetch_pending(cur, ids["rnis"], per_vehicle=3, max_vehicles=1)
    assert {f.key.vehicle_id for f in only} == {other[0]}  # waiting longest goes first
    rest = queue.fetch_pending(cur, ids["rnis"], per_vehicle=3, max_vehicles=10,
                               exclude=[bus[0]])
    assert {f.key.vehicle_id for f in rest} == {other[0]}


def test_confirm_removes_delivered_fixes_and_counts(cur: Any) -> None:
    """Delivered keys leave the queue; refused stay; counters and OID are kept per vehicle."""
    bus = vehicle(cur, "bus", "1001")
    ids = upstreams(cur, rnis())
    store(cur, bus, [0, 5, 10])
    a, b, c = queue.fetch_pending(cur, ids["rnis"], per_vehicle=10, max_vehicles=10)
    removed = queue.confirm(cur, ids["rnis"], delivered=[a.key, c.key],
                            refused=[Refused(b.key, 153)], sent={bus[0]: 4},
                            oids={bus[0]: 1001}, now=NOW)
    assert removed == 2
    assert queued(cur) == [("rnis", bus[0], 5)]
    (report,) = queue.delivery_report(cur)
    (v,) = report.vehicles
    assert (v.oid, v.backlog, v.sent, v.delivered, v.refused, v.last_result) == (
        1001, 1, 4, 2, 1, 153)
    assert v.last_fix_time == c.key.fix_time and v.last_delivered_at == NOW
    assert v.oldest_received_at == T0 and v.vehicle_name == "bus 1001"
    queue.confirm(cur, ids["rnis"], delivered=[b.key], refused=[], sent={bus[0]: 1},
                  oids={bus[0]: 1001}, now=NOW)
    (report,) = queue.delivery_report(cur)
    assert (report.vehicles[0].backlog, report.vehicles[0].delivered,
            report.vehicles[0].last_result) == (0, 3, 153)


def test_queued_fix_whose_position_is_gone_is_dropped(cur: Any) -> None:
    """Retention dropped the month: the queue entry cannot be sent and is removed."""
    bus = vehicle(cur, "bus", "1001")
    ids = upstreams(cur, rnis())
    store(cur, bus, [0, 5])
    cur.execute("DELETE FROM positions WHERE fix_time = %s", (T0,))
    fixes = queue.fetch_pending(cur, ids["rnis"], per_vehicle=10, max_vehicles=10)
    assert [(f.key.fix_time - T0).seconds for f in fixes] == [5]
    assert queued(cur) == [("rnis", bus[0], 5)]


def test_one_process_at_a_time_holds_an_upstream(cur: Any) -> None:
    """The lease goes to the first claimant until released or expired."""
    ids = upstreams(cur, rnis())
    u = ids["rnis"]
    assert queue.claim_lease(cur, u, "a:1", 30)
    assert queue.claim_lease(cur, u, "a:1", 30)  # renewal
    assert not queue.claim_lease(cur, u, "b:2", 30)
    queue.release_lease(cur, u, "a:1")
    assert queue.claim_lease(cur, u, "b:2", -1)  # taken, and already expired
    assert queue.claim_lease(cur, u, "a:1", 30)


def test_sync_disables_dropped_upstreams_and_forgets_unselected_vehicles(cur: Any) -> None:
    """An upstream gone from the file is disabled; a vehicle no longer selected is unqueued."""
    bus, plow = vehicle(cur, "bus", "1001"), vehicle(cur, "plow", "1002")
    upstreams(cur, rnis(vehicle_ids=(plow[0],)), rnis(name="old"))
    store(cur, bus, [0])
    store(cur, plow, [0])
    upstreams(cur, rnis())  # plow no longer selected, "old" no longer configured
    assert queued(cur) == [("old", bus[0], 0), ("rnis", bus[0], 0)]
    report = {u.name: u for u in queue.delivery_report(cur)}
    assert not report["old"].enabled and report["old"].state == "not configured"
    queue.set_state(cur, report["rnis"].id, "logged_in", "h:1", logged_in=True)
    (fresh,) = [u for u in queue.delivery_report(cur) if u.name == "rnis"]
    assert fresh.state == "logged_in" and fresh.last_login_at is not None
