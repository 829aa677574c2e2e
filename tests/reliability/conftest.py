"""Reliability tests get a database of their own in the test cluster (never the shared one that
other tests truncate), created and migrated once per module."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg2
import pytest

from db.cluster import LocalCluster
from db.migrate import migrate


@pytest.fixture(scope="module")
def reliability_db(postgis_cluster: LocalCluster, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh migrated database, dropped after the module."""
    name = f"glonass_rel_{request.module.__name__.rsplit('.', 1)[-1]}_{os.getpid()}"
    postgis_cluster.drop_database(name)
    postgis_cluster.create_database(name)
    dsn = postgis_cluster.dsn(name)
    migrate(dsn)
    yield dsn
    postgis_cluster.drop_database(name)


@pytest.fixture()
def rel_dsn(reliability_db: str) -> str:
    """The module's database, emptied of fleet data before each test."""
    with psycopg2.connect(reliability_db) as conn, conn.cursor() as cur:
        cur.execute("TRUNCATE positions, vehicle_state, terminals, vehicles RESTART IDENTITY"
                    " CASCADE")
    return reliability_db
