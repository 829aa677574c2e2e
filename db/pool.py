"""Connection pools (psycopg2 in adbapi's threads) and the transactional store for fixes."""

from __future__ import annotations

import contextlib
import struct
import weakref
from typing import Any

import psycopg2
from twisted.enterprise import adbapi
from twisted.internet import threads
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from db.errors import StorageError
from db.positions import (
    FixRow,
    copy_positions,
    ensure_partitions,
    ensure_stage,
    insert_positions,
    months_of,
)


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
        # (a server that vanished mid-reply surfaces as a bare DatabaseError)
        if isinstance(error, psycopg2.OperationalError) or type(error) is psycopg2.DatabaseError:
            code = getattr(error, "pgcode", None)  # None: the client lost the connection
            if code is None or code[:2] in ("08", "57"):  # connection exception, shutdown
                return True
        error = error.__cause__
    return False


def storage_unreachable(error: BaseException | None) -> bool:
    """Whether a failed interaction means the database cannot be reached (HTTP 503), as
    opposed to a fault of the request or of our code."""
    return isinstance(error, StorageUnavailable) or _connection_broke(error)


def input_refused(error: BaseException | None) -> bool:
    """Whether the database refused a value the request carried (SQLSTATE class 22, or a NUL
    character psycopg2 cannot send): the request's fault, answered 400."""
    if isinstance(error, psycopg2.DataError | StorageRefused):
        return True
    return isinstance(error, ValueError) and "NUL" in str(error)


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
    """Stores batches of fixes through the writer's pool.

    The writer's sessions run in autocommit mode, so a batch is a single statement, one COPY
    straight into ``positions`` (``copy_positions``) that has committed when it returns: no
    BEGIN or COMMIT round trips, and a pool thread that wakes up for two database replies per
    batch instead of five. (Each wake-up takes the GIL from the reactor for a moment; at ten
    thousand terminals those hand-overs cost the reactor more time than the batches' Python.)

    Two things make the database refuse such a COPY as a whole; each is mended at once:

    * a fix in a month without a partition (the partition keeper makes them ahead of time, so
      this is black-box data from the past): the partitions are created and the batch goes
      again. Nothing is computed per fix beforehand, so the common case costs nothing;
    * a fix stored before (a terminal resending what we stored but could not acknowledge): the
      batch goes through the idempotent staging path in a transaction of its own, and so do
      the batches after it until one holds nothing stored before; resends come in runs (a
      black box replayed after a reconnect), and each would cost a failed COPY.

    Errors come out as ``StorageRefused`` (the data is at fault: SQLSTATE classes 22 and 23
    other than a missing partition) or ``StorageUnavailable`` (anything else).
    """

    def __init__(self, pool: adbapi.ConnectionPool) -> None:
        self._pool = pool
        # psycopg2 connections already in autocommit mode and holding the staging table
        self._sessions: weakref.WeakSet[Any] = weakref.WeakSet()
        self._resending = False  # the last batch held fixes stored before

    def store(self, rows: list[FixRow]) -> Deferred[int]:
        d: Deferred[int] = self._pool.runInteraction(self._write, rows)
        d.addErrback(self._forget)
        return d

    def _write(self, txn: Any, rows: list[FixRow]) -> int:
        try:
            self._prepare(txn)
            try:
                return self._insert(txn, rows)
            except psycopg2.errors.CheckViolation as e:
                if not _no_partition(e):
                    raise
                self._create_partitions(txn, rows)
                return self._insert(txn, rows)
        except (struct.error, OverflowError, ValueError, TypeError) as e:  # encoding a row
            raise StorageRefused(f"cannot encode a fix: {e}") from e
        except (psycopg2.DataError, psycopg2.IntegrityError) as e:
            if _no_partition(e):  # dropped again meanwhile (retention): try again later
                raise StorageUnavailable(f"no partition for a fix: {e}") from e
            raise StorageRefused(str(e).strip()) from e
        except psycopg2.Error as e:
            raise StorageUnavailable(str(e).strip() or type(e).__name__) from e

    def _prepare(self, txn: Any) -> None:
        """Once per database session: autocommit mode and the staging table."""
        raw = txn._connection._connection  # adbapi Transaction -> Connection -> psycopg2
        if raw not in self._sessions:
            raw.autocommit = True
            ensure_stage(txn)
            self._sessions.add(raw)

    def _insert(self, txn: Any, rows: list[FixRow]) -> int:
        if not self._resending:
            try:
                return copy_positions(txn, rows)
            except psycopg2.errors.UniqueViolation:
                self._resending = True
        txn.execute("BEGIN")
        try:
            stored = insert_positions(txn, rows, staged=True)
            txn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(psycopg2.Error):  # the error that matters is the first
                txn.execute("ROLLBACK")
            raise
        self._resending = stored < len(rows)
        return stored

    @staticmethod
    def _create_partitions(txn: Any, rows: list[FixRow]) -> None:
        try:
            ensure_partitions(txn, months_of(rows))
        except psycopg2.Error as e:  # another writer creating the same month, say
            raise StorageUnavailable(f"could not create partitions: {str(e).strip()}") from e

    def _forget(self, failure: Failure) -> Failure:
        # after any failure the session may be a new one: set it up again
        self._sessions = weakref.WeakSet()
        return failure


def _no_partition(error: psycopg2.Error) -> bool:
    """The database's refusal of a row no partition of ``positions`` takes."""
    return isinstance(error, psycopg2.errors.CheckViolation) and "partition" in str(error)
