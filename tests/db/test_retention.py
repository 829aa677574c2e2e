"""Monthly partitions: created ahead, dropped whole by ``db retention`` (never a DELETE)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import psycopg2
import pytest

from db import retention
from db.positions import FixRow, ensure_partitions, insert_positions, months_of
from egts_server.cli import main as cli
from egts_server.model import DeviceKey, Position


def store_month(dsn: str, year: int, month: int) -> None:
    when = datetime(year, month, 10, 12, 0, tzinfo=UTC)
    p = Position(device=DeviceKey("egts", "1"), fix_time=when, latitude=50.5, longitude=137.0,
                 valid=True, speed_kmh=0.0, course_deg=0.0)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        rows = [FixRow(1, None, when, p)]
        ensure_partitions(cur, months_of(rows))
        insert_positions(cur, rows)


def partition_months(dsn: str) -> list[date]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        return [p.month for p in retention.partitions(cur)]


def drop_all_partitions(dsn: str) -> None:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        for p in retention.partitions(cur):
            cur.execute(f'DROP TABLE "{p.name}"')


def test_months_ahead_are_created_once(dsn: str) -> None:
    """The current month and the next N get partitions; a second run creates nothing."""
    drop_all_partitions(dsn)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        created = retention.ensure_months_ahead(cur, date(2026, 11, 30), 2)
        assert created == ["positions_2026_11", "positions_2026_12", "positions_2027_01"]
        assert retention.ensure_months_ahead(cur, date(2026, 11, 30), 2) == []


def test_partitions_skip_statistics_nobody_queries(dsn: str) -> None:
    """Every partition, new ones included, leaves the geometry and the sensor JSON out of
    ANALYZE (the reads never filter on them; sampling them was most of autovacuum's work)."""
    drop_all_partitions(dsn)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        retention.ensure_months_ahead(cur, date(2026, 11, 30), 1)
        cur.execute("SELECT c.relname, a.attname, a.attstattarget FROM pg_attribute a"
                    " JOIN pg_class c ON c.oid = a.attrelid"
                    " WHERE c.relname LIKE 'positions%%' AND c.relkind IN ('r', 'p')"
                    " AND a.attname IN ('geom', 'attributes', 'fix_time')")
        targets = {(table, column): target for table, column, target in cur.fetchall()}
    for table in ("positions", "positions_2026_11", "positions_2026_12"):
        assert targets[(table, "geom")] == 0
        assert targets[(table, "attributes")] == 0
        assert targets[(table, "fix_time")] == -1  # the default: filtered on


def test_retention_drops_whole_old_partitions_and_keeps_the_rest(
        dsn: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Partitions entirely older than N months go; younger data and future months stay."""
    drop_all_partitions(dsn)
    today = datetime.now(UTC).date()
    months = [retention.add_months(today.replace(day=1), k) for k in (-5, -4, -3, -2, 0, 1)]
    for m in months:
        store_month(dsn, m.year, m.month)
    monkeypatch.setenv("DATABASE_URL", dsn)
    assert cli(["db", "retention", "--keep-months", "3", "--dry-run"]) == 0
    assert partition_months(dsn) == months  # a dry run drops nothing
    assert cli(["db", "retention", "--keep-months", "3"]) == 0
    out = capsys.readouterr().out
    kept = [m for m in months if retention.add_months(m, 1) > retention.add_months(today, -3)]
    assert partition_months(dsn) == kept
    assert f"dropped positions_{months[0]:%Y_%m}" in out
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM positions")
        assert cur.fetchone() == (len(kept),)
    assert cli(["db", "retention", "--keep-months", "0"]) == 2


def test_add_months_clamps_to_shorter_months() -> None:
    """Month arithmetic lands on the last day when the target month is shorter."""
    assert retention.add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert retention.add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert retention.add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert retention.add_months(date(2026, 1, 15), -13) == date(2024, 12, 15)
