"""Seeding the demo city into PostGIS."""

from __future__ import annotations

import psycopg2
import pytest

from db.seed import seed_demo

pytestmark = pytest.mark.postgis


def test_demo_seed_fills_an_empty_database_once(dsn: str) -> None:
    """An empty database gets 78 road machines, buses, routes and marks; a rerun adds nothing."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        counts = seed_demo(cur)
        assert counts["vehicles"] >= 84 and counts["routes"] > 0 and counts["marks"] > 0
        assert seed_demo(cur) == {}
        cur.execute("SELECT count(*) FROM vehicles WHERE kind <> 'bus'")
        assert cur.fetchone()[0] == 78
        for protocol in ("egts", "ndtp"):  # one terminal per vehicle and protocol
            cur.execute("SELECT count(*) FROM terminals WHERE vehicle_id IS NOT NULL"
                        " AND protocol = %s", (protocol,))
            assert cur.fetchone()[0] == counts["vehicles"]
        cur.execute("SELECT bool_and(ST_IsValid(geom)) AND min(ST_NPoints(geom)) >= 2 FROM routes")
        assert cur.fetchone()[0] is True
