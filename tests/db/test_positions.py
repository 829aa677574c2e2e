"""The storage path against a real PostGIS: partitions, idempotent COPY insert, live state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg2

from db import queries, terminals
from db.positions import FixRow, ensure_partitions, insert_positions, months_of
from egts_server.model import DeviceKey, Position

T0 = datetime(2026, 1, 31, 23, 59, 50, tzinfo=UTC)
DEVICE = DeviceKey("egts", "4242")


def fix(seconds: int, lat: float = 50.55, valid: bool = True) -> Position:
    return Position(device=DEVICE, fix_time=T0 + timedelta(seconds=seconds), latitude=lat,
                    longitude=137.012345, valid=valid, speed_kmh=23.4, course_deg=271.0,
                    inputs=1, attributes={"adc1": 12})


def store(dsn: str, positions: list[Position]) -> int:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        admission = terminals.admit(cur, "egts", "4242", None, {}, "register", None)
        rows = [FixRow(admission.terminal_id or 0, admission.vehicle_id, T0, p)
                for p in positions]
        ensure_partitions(cur, months_of(rows))
        return insert_positions(cur, rows)


def test_resent_fixes_are_stored_once(dsn: str) -> None:
    """The natural key makes a resend of the same fixes a no-op."""
    batch = [fix(0), fix(5), fix(10)]
    assert store(dsn, batch) == 3
    assert store(dsn, batch + [fix(15)]) == 1
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM positions")
        assert cur.fetchone()[0] == 4


def test_fixes_across_a_month_boundary_land_in_two_partitions(dsn: str) -> None:
    """Fixes on both sides of midnight at the month end create and fill both partitions."""
    store(dsn, [fix(0), fix(20)])
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT tableoid::regclass::text, count(*) FROM positions"
                    " GROUP BY 1 ORDER BY 1")
        assert cur.fetchall() == [("positions_2026_01", 1), ("positions_2026_02", 1)]


def test_live_state_moves_only_forward_and_ignores_invalid_fixes(dsn: str) -> None:
    """A late black-box fix or an invalid one never replaces the newest valid position."""
    store(dsn, [fix(10, lat=50.6)])
    store(dsn, [fix(0, lat=50.5), fix(20, lat=50.7, valid=False)])
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        (vehicle,) = queries.live_vehicles(cur)
        assert vehicle.latitude == 50.6
        assert vehicle.terminals == ("egts:4242",)


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
