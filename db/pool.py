"""Connection pools (psycopg2 in adbapi's threads) and the transactional store for fixes."""

from __future__ import annotations

import struct
import weakref
from datetime import date
from typing import Any

import psycopg2
from twisted.enterprise import adbapi
from twisted.internet import threads
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from db.errors import StorageError
from db.positions import FixRow, ensure_partitions, insert_positions, months_of


class StorageUnavailable(StorageError):
    """The database could not be reached or the transaction broke off: try again later."""


class StorageRefused(StorageError):
    """The database rejected the data itself (a value out of range, say): retrying won't help."""


class _Connection(adbapi.Connection):
    """adbapi's connection wrapper, but a failed rollback drops the connection quietly.

    (adbapi logs a traceback for every rollback on a dead connection; during an outage that
    is one per attempt. The caller logs the error that mattered.)
    """

    def rollback(self) -> None:
        try:
            if self._connection is not None:
                self._connection.rollback()
                return
        except psycopg2.Error:
            pass
        self._pool.disconnect(self._connection)
        raise adbapi.ConnectionLost()


class ReconnectingPool(adbapi.ConnectionPool):
    """adbapi's pool (``cp_reconnect``) that retries at once when a connection was dead.

    adbapi notices a dead connection only when a transaction on it fails, and then drops it.
    After a database restart every pooled connection is dead, so each would fail one request;
    instead the transaction is retried on a fresh connection, up to once per pooled
    connection. A failed transaction was rolled back, except in the rare case the connection
    broke during COMMIT itself, so interactions must be idempotent (ours are).
    """

    connectionFactory = _Connection  # noqa: N815 (adbapi's name)

    def runInteraction(self, interaction: Any, *args: Any, **kw: Any) -> Deferred[Any]:  # noqa: N802
        return self._attempt(self.max + 1, interaction, args, kw)

    # (methods rather than closures that call each other: such closures form a reference cycle
    # that would keep every batch of fixes alive until the cyclic garbage collector runs)

    def _attempt(self, attempts: int, interaction: Any, args: tuple[Any, ...],
                 kw: dict[str, Any]) -> Deferred[Any]:
        d: Deferred[Any] = threads.deferToThreadPool(
            self._reactor, self.threadpool, self._interact, interaction, *args, **kw)
        return d.addErrback(self._retry, attempts - 1, interaction, args, kw)

    def _retry(self, failure: Failure, attempts: int, interaction: Any, args: tuple[Any, ...],
               kw: dict[str, Any]) -> Any:
        if attempts > 0 and self.running and _connection_broke(failure.value):
            return self._attempt(attempts, interaction, args, kw)
        return failure

    def _interact(self, interaction: Any, *args: Any, **kw: Any) -> Any:
        """In a pool thread: one transaction, committed, or rolled back on any error."""
        conn = self.connectionFactory(self)
        trans = self.transactionFactory(self, conn)
        try:
            result = interaction(trans, *args, **kw)
            trans.close()
            conn.commit()
            return result
        except BaseException:
            try:
                conn.rollback()
            except adbapi.ConnectionLost:
                pass  # the connection is gone and dropped; the original error is what counts
            raise


def _connection_broke(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, psycopg2.InterfaceError | adbapi.ConnectionLost):
            return True
        if isinstance(error, psycopg2.OperationalError):
            code = getattr(error, "pgcode", None)  # None: the client lost the connection
            if code is None or code[:2] in ("08", "57"):  # connection exception, shutdown
                return True
        error = error.__cause__
    return False


def make_pool(dsn: str, *, max_connections: int = 5, reactor: Any = None,
              connect_timeout_s: int = 10) -> adbapi.ConnectionPool:
    """A pool that reconnects by itself after the database went away (``cp_reconnect``)."""
    kwargs: dict[str, Any] = {}
    if reactor is not None:
        kwargs["cp_reactor"] = reactor
    return ReconnectingPool("psycopg2", dsn, cp_min=1, cp_max=max_connections,
                            cp_reconnect=True, cp_noisy=False,
                            connect_timeout=connect_timeout_s, **kwargs)


class PositionStore:
    """Stores batches of fixes through the writer's pool, creating monthly partitions on demand.

    Errors come out as ``StorageRefused`` (the data is at fault: SQLSTATE classes 22 and 23
    other than a missing partition) or ``StorageUnavailable`` (anything else).
    """

    def __init__(self, pool: adbapi.ConnectionPool) -> None:
        self._pool = pool
        self._months: set[date] = set()
        # psycopg2 connections whose session already holds the staging table
        self._staged: weakref.WeakSet[Any] = weakref.WeakSet()

    def store(self, rows: list[FixRow]) -> Deferred[int]:
        missing = months_of(rows) - self._months
        d: Deferred[int] = self._pool.runInteraction(self._write, rows, missing)
        d.addCallbacks(self._remember, self._forget, callbackArgs=(missing,))
        return d

    def _write(self, txn: Any, rows: list[FixRow], missing: set[date]) -> int:
        raw = txn._connection._connection  # adbapi Transaction -> Connection -> psycopg2
        staged = raw in self._staged
        try:
            if missing:
                ensure_partitions(txn, missing)
            stored = insert_positions(txn, rows, staged=staged)
        except (struct.error, OverflowError, ValueError, TypeError) as e:  # encoding a row
            raise StorageRefused(f"cannot encode a fix: {e}") from e
        except (psycopg2.DataError, psycopg2.IntegrityError) as e:
            if isinstance(e, psycopg2.errors.CheckViolation) and "partition" in str(e):
                raise StorageUnavailable(f"no partition for a fix: {e}") from e
            raise StorageRefused(str(e).strip()) from e
        except psycopg2.Error as e:
            raise StorageUnavailable(str(e).strip() or type(e).__name__) from e
        self._staged.add(raw)
        return stored

    def _remember(self, stored: int, months: set[date]) -> int:
        self._months |= months
        return stored

    def _forget(self, failure: Any) -> Any:
        # after any failure, trust nothing cached: partitions may have been dropped by
        # retention, the session (and its staging table) may be a new one
        self._months.clear()
        self._staged = weakref.WeakSet()
        return failure
