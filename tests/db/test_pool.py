"""The connection pool: which errors mean the database went away or refused the request, and
the retry on a fresh connection after the server dropped the pooled ones (a real PostGIS)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import psycopg2
import psycopg2.errors
import pytest
from twisted.enterprise import adbapi
from twisted.internet.testing import MemoryReactorClock
from twisted.python.failure import Failure

from db.pool import (
    ReconnectingPool,
    StorageRefused,
    StorageUnavailable,
    input_refused,
    make_pool,
    storage_unreachable,
)


@pytest.mark.parametrize(("error", "unreachable"), [
    (psycopg2.OperationalError("could not connect to server"), True),
    (psycopg2.DatabaseError("server closed the connection unexpectedly"), True),
    (psycopg2.InterfaceError("connection already closed"), True),
    (psycopg2.ProgrammingError("no results to fetch"), False),
    (psycopg2.DataError("invalid input syntax"), False),
    (LookupError("no such route"), False),
])
def test_which_errors_mean_the_server_went_away(error: Exception, unreachable: bool) -> None:
    """Errors without a server's SQLSTATE from a lost connection count; the rest do not."""
    assert storage_unreachable(error) is unreachable


def test_a_lost_connection_deep_in_the_causes_still_counts() -> None:
    wrapped = StorageRefused("could not store")
    wrapped.__cause__ = psycopg2.InterfaceError("connection already closed")
    assert storage_unreachable(wrapped)
    assert storage_unreachable(StorageUnavailable("down"))
    assert storage_unreachable(adbapi.ConnectionLost())
    assert not storage_unreachable(None)


@pytest.mark.parametrize(("error", "refused"), [
    (psycopg2.DataError("value out of range"), True),
    (StorageRefused("cannot encode a fix"), True),
    (ValueError("A string literal cannot contain NUL (0x00) characters."), True),
    (ValueError("invalid literal for int()"), False),
    (StorageUnavailable("down"), False),
    (psycopg2.IntegrityError("duplicate key"), False),
    (None, False),
])
def test_which_errors_are_the_requests_fault(error: Exception | None, refused: bool) -> None:
    assert input_refused(error) is refused


def test_the_servers_own_errors_are_told_apart(cur: Any, dsn: str) -> None:
    """A value the server refuses is the request's fault; a session the server ended means
    the database went away; a server error of another class means neither."""
    with pytest.raises(psycopg2.DataError) as division:
        cur.execute("SELECT 1 / 0")
    assert input_refused(division.value) and not storage_unreachable(division.value)
    with pytest.raises(psycopg2.ProgrammingError) as syntax:
        cur.execute("SELEC 1")
    assert not input_refused(syntax.value) and not storage_unreachable(syntax.value)
    victim = psycopg2.connect(dsn)
    try:
        with victim.cursor() as victim_cur:
            victim_cur.execute("SELECT pg_backend_pid()")
            cur.execute("SELECT pg_terminate_backend(%s)", victim_cur.fetchone())
            with pytest.raises(psycopg2.OperationalError) as terminated:
                victim_cur.execute("SELECT 1")
    finally:
        victim.close()
    assert terminated.value.pgcode is None  # the client found the connection closed
    assert storage_unreachable(terminated.value) and not input_refused(terminated.value)


@pytest.mark.parametrize(("sqlstate", "unreachable"), [
    ("57P01", True),  # admin_shutdown
    ("08006", True),  # connection_failure
    ("53300", False),  # too_many_connections: the server is there
    ("55P03", False),  # lock_not_available
])
def test_an_operational_error_counts_by_its_sqlstate_class(cur: Any, sqlstate: str,
                                                           unreachable: bool) -> None:
    with pytest.raises(psycopg2.OperationalError) as raised:
        cur.execute(f"DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '{sqlstate}'; END $$")
    assert raised.value.pgcode == sqlstate
    assert storage_unreachable(raised.value) is unreachable


class InlineReactor(MemoryReactorClock):
    """Delivers what a pool thread hands back at once (the pool's work runs inline)."""

    def callFromThread(self, f: Callable[..., Any], *args: Any, **kw: Any) -> None:  # noqa: N802
        f(*args, **kw)


class InlineThreadPool:
    """Runs each piece of the pool's work at once in the calling thread."""

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def callInThreadWithCallback(self, on_result: Callable[[bool, Any], None],  # noqa: N802
                                 f: Callable[..., Any], *args: Any, **kw: Any) -> None:
        try:
            result = f(*args, **kw)
        except BaseException:
            on_result(False, Failure())
        else:
            on_result(True, result)


@pytest.fixture()
def inline_pool(dsn: str) -> Iterator[ReconnectingPool]:
    pool = make_pool(dsn, max_connections=1, reactor=InlineReactor())
    assert isinstance(pool, ReconnectingPool)
    pool.threadpool = InlineThreadPool()
    pool.start()
    yield pool
    for conn in list(pool.connections.values()):
        conn.close()


def outcome(pool: ReconnectingPool, interaction: Callable[..., Any]) -> Any:
    results: list[Any] = []
    pool.runInteraction(interaction).addBoth(results.append)
    (result,) = results
    return result


def backend_pid(txn: Any) -> int:
    txn.execute("SELECT pg_backend_pid()")
    pid: int = txn.fetchone()[0]
    return pid


def test_an_interaction_on_a_dropped_connection_runs_again_on_a_new_one(
        inline_pool: ReconnectingPool, cur: Any) -> None:
    first = outcome(inline_pool, backend_pid)
    cur.execute("SELECT pg_terminate_backend(%s)", (first,))
    second = outcome(inline_pool, backend_pid)
    assert isinstance(second, int) and second != first


def test_an_interaction_that_fails_by_itself_is_not_repeated_and_rolled_back(
        inline_pool: ReconnectingPool, cur: Any) -> None:
    calls: list[int] = []

    def failing(txn: Any) -> None:
        calls.append(1)
        txn.execute("INSERT INTO vehicles (name) VALUES ('Призрак')")
        txn.execute("SELECT 1 / 0")

    failure = outcome(inline_pool, failing)
    assert isinstance(failure, Failure) and failure.check(psycopg2.errors.DivisionByZero)
    assert calls == [1]
    cur.execute("SELECT count(*) FROM vehicles")
    assert cur.fetchone() == (0,)
