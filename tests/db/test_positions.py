"""The storage path against a real PostGIS: partitions, idempotent COPY insert, live state."""

from __future__ import annotations

import psycopg2

from db import queries
from tests.db.stored_fixes import fix, store


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

