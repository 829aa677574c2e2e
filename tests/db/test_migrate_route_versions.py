"""``0011_route_versions.sql`` on a database that already has routes and stored results."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg2
import pytest

from db import routes as store
from db.cluster import LocalCluster
from db.migrate import available, migrate


@pytest.fixture()
def before_versions(postgis_cluster: LocalCluster) -> Iterator[str]:
    """A fresh database migrated up to the audit trail, the release before route versions."""
    name = f"glonass_pre_versions_{os.getpid()}"
    postgis_cluster.drop_database(name)
    postgis_cluster.create_database(name)
    dsn = postgis_cluster.dsn(name)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE schema_migrations (version integer PRIMARY KEY,"
                    " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
        for migration in available():
            if migration.version < 11:
                cur.execute(migration.sql)
                cur.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                            (migration.version, migration.name))
    conn.close()
    yield dsn
    postgis_cluster.drop_database(name)


def test_existing_routes_get_their_first_version_and_old_results_stay(
        before_versions: str) -> None:
    with psycopg2.connect(before_versions) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO routes (name, geom, created_at) VALUES ('ул. Ленина',"
                    " ST_GeomFromText('LINESTRING(137 50.55, 137.01 50.55)', 4326),"
                    " '2026-11-01T00:00:00Z') RETURNING id")
        route_id = cur.fetchone()[0]
        cur.execute("INSERT INTO coverage_results (computed_at, window_from, window_to,"
                    " route_ids, parameters, summary, result) VALUES (now(), now(), now(),"
                    " %s, '{}', '{}', '{}')", ([route_id],))
    conn.close()
    assert migrate(before_versions)[0] == "0011_route_versions.sql"  # and any later ones
    with psycopg2.connect(before_versions) as conn, conn.cursor() as cur:
        [first] = store.route_versions(cur, route_id)
        [row] = store.route_rows(cur)
        cur.execute("SELECT route_versions, content_hash FROM coverage_results")
        legacy = cur.fetchall()
    conn.close()
    assert (first["version"], first["valid_from"].isoformat(), first["valid_to"]) == (
        1, "2026-11-01T00:00:00+00:00", None)
    assert (row["version"], row["deleted_at"]) == (1, None)
    assert legacy == [([], None)]
