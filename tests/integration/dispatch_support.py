"""Shared set-up for the dispatch integration tests: one served instance per module.

Starting ``serve`` and creating a user costs seconds; the route and coverage tests only need
their own tables emptied between tests, so a module shares one signed-in server.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from db.cluster import LocalCluster
from tests.conftest import Served, start_server, stop_server
from tests.integration.test_auth import add_user, sign_in

DISPATCH_TABLES = ("routes", "storms", "coverage_results", "positions", "vehicle_state",
                   "terminals", "vehicles")


@dataclass(frozen=True)
class SignedIn:
    served: Served
    auth: dict[str, str]

    @property
    def dsn(self) -> str:
        return self.served.dsn


def empty_database(dsn: str) -> None:
    """Every table but the migrations' and PostGIS's own, as the ``dsn`` fixture does."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT string_agg(format('%I', tablename), ', ') FROM pg_tables"
                    " WHERE schemaname = 'public'"
                    " AND tablename NOT IN ('schema_migrations', 'spatial_ref_sys')")
        cur.execute(f"TRUNCATE {cur.fetchone()[0]} RESTART IDENTITY CASCADE")
    conn.close()


def empty_dispatch_tables(dsn: str) -> None:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(f"TRUNCATE {', '.join(DISPATCH_TABLES)} RESTART IDENTITY CASCADE")
    conn.close()


def signed_in_server(cluster: LocalCluster, tmp: Path,
                     extra_config: str = "") -> Iterator[SignedIn]:
    """A served instance on an emptied database with a dispatcher signed in."""
    dsn = cluster.dsn()
    empty_database(dsn)
    add_user(dsn, "kuznetsova", "purga-2026!", "dispatcher")
    served = start_server(dsn, tmp, extra_config)
    try:
        yield SignedIn(served, sign_in(served, "kuznetsova", "purga-2026!"))
    finally:
        stop_server(served)
