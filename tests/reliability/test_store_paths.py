"""The writer's store against a real PostGIS: the COPY path and the ways it falls back.

``PositionStore`` copies a batch straight into ``positions`` (in autocommit mode: the COPY is a
transaction of its own) and mends the two refusals that fail such a COPY as a whole: months
without a partition (the partitions are created and the batch is copied again) and fixes stored
before (resends: the batch goes through the idempotent staging path in a transaction of its own,
and so do the batches after it until one holds nothing stored before). Each test runs the
store's interaction synchronously through the pool (``ReconnectingPool._interact``, what a
pool thread runs), so two threads can race each other on purpose.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg2
import pytest
from twisted.internet.testing import MemoryReactorClock

from db import pool as db_pool
from db import terminals
from db.pool import PositionStore, ReconnectingPool, make_pool
from db.positions import FixRow, copy_positions
from egts_server.model import DeviceKey, Position

pytestmark = pytest.mark.reliability
T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


@pytest.fixture()
def pool(rel_dsn: str) -> Iterator[ReconnectingPool]:
    pool = make_pool(rel_dsn, max_connections=2, reactor=MemoryReactorClock())
    assert isinstance(pool, ReconnectingPool)
    yield pool
    for conn in list(pool.connections.values()):
        conn.close()


def terminal(dsn: str, identifier: str) -> tuple[int, int]:
    """A registered terminal: (terminal id, vehicle id)."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        admission = terminals.admit(cur, "egts", identifier, None, {}, "register", None)
    conn.close()
    assert admission.terminal_id is not None and admission.vehicle_id is not None
    return admission.terminal_id, admission.vehicle_id


def fixes(ids: tuple[int, int], seconds: range | list[int], *, start: datetime = T0,
          lat: float = 50.5) -> list[FixRow]:
    terminal_id, vehicle_id = ids
    return [FixRow(terminal_id, vehicle_id, start, Position(
        device=DeviceKey("egts", str(terminal_id)), fix_time=start + timedelta(seconds=s),
        latitude=lat, longitude=137.0 + s * 1e-5, valid=True, speed_kmh=20.0, course_deg=90.0,
        attributes={"record_number": s})) for s in seconds]


def write(pool: ReconnectingPool, store: PositionStore, rows: list[FixRow]) -> int:
    stored: int = pool._interact(store._write, rows)
    return stored


def live_state(dsn: str, vehicle_id: int) -> list[tuple[int, float]]:
    """The vehicle's state row: (seconds after T0, latitude)."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT extract(epoch FROM fix_time - %s)::int, latitude"
                    " FROM vehicle_state WHERE vehicle_id = %s", (T0, vehicle_id))
        state: list[tuple[int, float]] = cur.fetchall()
    conn.close()
    return state


def counts(dsn: str) -> tuple[int, int]:
    """(fixes stored, distinct natural keys among them)."""
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*), count(DISTINCT (terminal_id, fix_time, latitude,"
                    " longitude)) FROM positions")
        total, distinct = cur.fetchone() or (0, 0)
    conn.close()
    return int(total), int(distinct)


def test_resends_are_stored_once_and_the_next_batch_is_copied_again(
        rel_dsn: str, pool: ReconnectingPool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch holding fixes stored before stores only the new ones; later batches go on,
    through the staging path until one holds no resend, then with COPY again."""
    copies: list[int] = []  # the batches COPY stored

    def spy(cur: Any, rows: list[FixRow]) -> int:
        stored = copy_positions(cur, rows)
        copies.append(stored)
        return stored

    monkeypatch.setattr(db_pool, "copy_positions", spy)
    ids = terminal(rel_dsn, "501")
    store = PositionStore(pool)
    assert write(pool, store, fixes(ids, range(0, 10))) == 10
    assert copies == [10]
    assert write(pool, store, fixes(ids, range(5, 15))) == 5  # half of it resent
    assert copies == [10] and store._resending  # the COPY failed: the staging path
    assert write(pool, store, fixes(ids, range(15, 20))) == 5
    assert copies == [10] and not store._resending  # staged, and nothing was resent
    assert write(pool, store, fixes(ids, range(20, 25))) == 5
    assert copies == [10, 5]  # copied again
    assert counts(rel_dsn) == (25, 25)


def test_a_fix_twice_in_one_batch_is_stored_once(rel_dsn: str, pool: ReconnectingPool) -> None:
    """The same fix resent on a second connection can land in the batch of the first."""
    ids = terminal(rel_dsn, "502")
    store = PositionStore(pool)
    assert write(pool, store, fixes(ids, [1, 2, 3, 2, 1])) == 3
    assert counts(rel_dsn) == (3, 3)


def test_a_month_without_partition_gets_one(rel_dsn: str, pool: ReconnectingPool) -> None:
    """Black-box fixes from a month long past create their partition and are stored."""
    ids = terminal(rel_dsn, "503")
    store = PositionStore(pool)
    old = datetime(2019, 7, 31, 23, 59, 58, tzinfo=UTC)
    assert write(pool, store, fixes(ids, range(0, 4), start=old)) == 4  # July and August
    with psycopg2.connect(rel_dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT tableoid::regclass::text, count(*) FROM positions"
                    " GROUP BY 1 ORDER BY 1")
        assert cur.fetchall() == [("positions_2019_07", 2), ("positions_2019_08", 2)]
    conn.close()


def test_live_state_follows_the_copy(rel_dsn: str, pool: ReconnectingPool) -> None:
    """The vehicle's live state is its newest valid fix, whichever path stored it."""
    ids = terminal(rel_dsn, "504")
    store = PositionStore(pool)
    assert write(pool, store, fixes(ids, [10], lat=50.6)) == 1  # COPY
    assert live_state(rel_dsn, ids[1]) == [(10, 50.6)]
    resend = fixes(ids, [10], lat=50.6) + fixes(ids, [0, 20], lat=50.7)
    assert write(pool, store, resend) == 2  # the fix at 10 is resent: the staging path
    assert store._resending
    assert live_state(rel_dsn, ids[1]) == [(20, 50.7)]
    assert write(pool, store, fixes(ids, [5], lat=50.8)) == 1  # older than the state's fix
    assert live_state(rel_dsn, ids[1]) == [(20, 50.7)]


def test_two_writers_racing_on_the_same_resends_store_each_fix_once(
        rel_dsn: str, pool: ReconnectingPool) -> None:
    """Two transactions copying overlapping resends in opposite orders neither deadlock nor
    store a fix twice: the rows go in natural key order, and the loser falls back."""
    many = [terminal(rel_dsn, str(600 + i)) for i in range(20)]
    store = PositionStore(pool)
    batch = [row for ids in many for row in fixes(ids, range(0, 50))]
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(rows: list[FixRow]) -> None:
        start.wait()
        try:
            results.append(write(pool, store, rows))
        except BaseException as e:  # reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(rows,))
               for rows in (batch, list(reversed(batch)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == [0, len(batch)]
    assert counts(rel_dsn) == (len(batch), len(batch))
