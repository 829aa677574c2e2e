"""Connection pools (psycopg2 in adbapi's threads) and the transactional store for fixes."""

from __future__ import annotations

from datetime import date
from typing import Any

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred

from db.positions import FixRow, ensure_partitions, insert_positions, months_of


def make_pool(dsn: str, *, max_connections: int = 5, reactor: Any = None) -> adbapi.ConnectionPool:
    """A pool that reconnects by itself after the database went away."""
    kwargs: dict[str, Any] = {}
    if reactor is not None:
        kwargs["cp_reactor"] = reactor
    return adbapi.ConnectionPool("psycopg2", dsn, cp_min=1, cp_max=max_connections,
                                 cp_reconnect=True, cp_noisy=False, **kwargs)


class PositionStore:
    """Stores batches of fixes through one single-connection pool, creating partitions ahead."""

    def __init__(self, pool: adbapi.ConnectionPool) -> None:
        self._pool = pool
        self._months: set[date] = set()

    def store(self, rows: list[FixRow]) -> Deferred[int]:
        months = months_of(rows)
        missing = months - self._months
        d: Deferred[int] = self._pool.runInteraction(self._write, rows, missing)
        d.addCallback(self._remember, missing)
        return d

    @staticmethod
    def _write(txn: Any, rows: list[FixRow], missing: set[date]) -> int:
        if missing:
            ensure_partitions(txn, missing)
        return insert_positions(txn, rows)

    def _remember(self, stored: int, months: set[date]) -> int:
        self._months |= months
        return stored
