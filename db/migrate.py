"""Numbered plain-SQL migrations, applied in order, each in its own transaction, recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import psycopg2
from psycopg2.extensions import connection as Connection

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def available() -> list[Migration]:
    """The migrations shipped in ``db/migrations``, by version."""
    found = []
    for entry in resources.files("db").joinpath("migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    return sorted(found, key=lambda m: m.version)


def migrate(dsn: str) -> list[str]:
    """Apply what is missing; return the names applied. Safe to run concurrently (advisory lock)."""
    applied: list[str] = []
    conn: Connection = psycopg2.connect(dsn)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(727001)")
            cur.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                        " version integer PRIMARY KEY, name text NOT NULL,"
                        " applied_at timestamptz NOT NULL DEFAULT now())")
        for migration in available():
            with conn, conn.cursor() as cur:
                cur.execute("SELECT 1 FROM schema_migrations WHERE version = %s",
                            (migration.version,))
                if cur.fetchone():
                    continue
                cur.execute(migration.sql)
                cur.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                            (migration.version, migration.name))
                applied.append(migration.name)
    finally:
        conn.close()
    return applied
