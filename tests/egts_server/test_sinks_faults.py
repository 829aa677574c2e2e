"""The batching writer when the database fails: outages, refused data, and what it logs."""

from __future__ import annotations

from typing import Any

import psycopg2
from twisted.enterprise.adbapi import ConnectionLost
from twisted.internet.defer import Deferred, fail, succeed
from twisted.internet.task import Clock
from twisted.logger import Logger, formatEvent

from db.pool import StorageRefused, StorageUnavailable
from db.positions import FixRow
from egts_server.sinks import BatchingWriter
from tests.writer_rig import ManualStore, row

REFUSED = StorageRefused("value out of range")
DOWN = StorageUnavailable("connection refused")


def listen(writer: BatchingWriter) -> list[dict[str, Any]]:
    """The writer's log events from now on."""
    events: list[dict[str, Any]] = []
    writer.log = Logger(observer=events.append)
    return events


def messages(events: list[dict[str, Any]]) -> list[str]:
    return [formatEvent(e) for e in events]


def outcome(d: Deferred[None]) -> list[object]:
    """What a submission's Deferred fired with: None when stored, the error when refused."""
    seen: list[object] = []
    d.addCallbacks(seen.append, lambda f: seen.append(f.value))
    return seen


class _Quiet:
    """A producer that only notes that it was resumed."""

    resumed = False

    def pauseProducing(self) -> None:  # noqa: N802
        pass

    def resumeProducing(self) -> None:  # noqa: N802
        self.resumed = True


def test_a_refused_batch_survives_a_database_outage_during_its_split() -> None:
    """The database goes down while a refused batch is being split: the half that failed to
    reach it is retried on its own, and in the end every good fix is stored and only the
    culprit refused."""
    clock = Clock()
    store = ManualStore()
    writer = BatchingWriter(store, clock, retry_delay_s=1.0)
    writer.submit([row(0)])
    good_a, bad, good_b = (outcome(writer.submit(rows))
                           for rows in ([row(1)], [row(2), row(99)], [row(3)]))
    store.open()[0][1].callback(1)
    store.open()[0][1].errback(REFUSED)  # [1, 2+99, 3] refused: halves [1] and [2+99, 3]
    assert store.open()[0][0] == [row(1)]
    store.open()[0][1].errback(DOWN)  # the outage starts while the first half is stored
    late = outcome(writer.submit([row(4)]))
    clock.advance(1.0)
    assert store.open()[0][0] == [row(1)]  # retried alone, not merged with the late fix
    store.open()[0][1].callback(1)
    assert store.open()[0][0] == [row(2), row(99), row(3)]
    store.open()[0][1].errback(REFUSED)
    store.open()[0][1].errback(REFUSED)  # [2+99] alone: the culprit
    store.open()[0][1].callback(1)  # [3]
    store.open()[0][1].callback(1)  # [4]
    assert good_a == good_b == late == [None]
    assert bad == [REFUSED]
    assert writer.queue_depth == 0 and writer.idle


def test_a_refused_batch_is_halved_until_the_culprit_is_alone() -> None:
    """Four submissions refused together: halves of two, then the culprit's half in ones."""
    store = ManualStore()
    writer = BatchingWriter(store, Clock())
    writer.submit([row(0)])
    for n in (1, 2, 99, 3):
        writer.submit([row(n)])
    store.open()[0][1].callback(1)
    while store.open():
        rows, d = store.open()[0]
        if row(99) in rows:
            d.errback(REFUSED)
        else:
            d.callback(len(rows))
    assert store.sizes() == [1, 4, 2, 2, 1, 1]


def test_rejections_are_counted_and_leave_the_rest_queued() -> None:
    """Each refused submission adds its fixes to the rejected count; the queue depth still
    counts everything else that waits."""
    store = ManualStore()
    writer = BatchingWriter(store, Clock())
    for rows in ([row(0)], [row(1), row(2), row(3)], [row(4)], [row(5)]):
        outcome(writer.submit(rows))
    store.open()[0][1].callback(1)
    store.open()[0][1].errback(REFUSED)  # all three: halves [1, 2, 3] and [4], [5]
    store.open()[0][1].errback(REFUSED)  # [1, 2, 3] alone: refused
    assert writer.queue_depth == 2
    store.open()[0][1].errback(REFUSED)  # [4], [5]: halves again
    store.open()[0][1].errback(REFUSED)  # [4] alone: refused
    assert writer.queue_depth == 1
    assert writer.stats.rejected == 4 and writer.metrics.fixes_rejected.value() == 4
    assert writer.metrics.database_errors.value("refused") == 4
    store.open()[0][1].callback(1)
    assert writer.queue_depth == 0 and writer.stats.stored == 2


def test_drain_fires_after_a_failed_transaction_is_retried() -> None:
    """A failure leaves no phantom transaction behind: shutdown's drain fires once the retry
    commits, and a second connection is not started meanwhile."""
    clock = Clock()
    store = ManualStore()
    writer = BatchingWriter(store, clock, retry_delay_s=1.0, concurrency=1)
    writer.submit([row(1)])
    store.open()[0][1].errback(DOWN)
    drained: list[None] = []
    writer.drain().addCallback(drained.append)
    clock.advance(1.0)
    writer.submit([row(2)])
    assert store.sizes() == [1, 1]  # the retry runs; the new fix waits for the connection
    store.open()[0][1].callback(1)
    store.open()[0][1].callback(1)
    assert drained == [None]


def test_an_outage_is_logged_once_then_every_tenth_attempt_then_its_end() -> None:
    """Operators see one line when writes start failing, a reminder every ten failed
    attempts with how long and how much waits, and the recovery with its duration."""
    clock = Clock()
    clock.advance(500.0)
    up = False

    def store(rows: list[FixRow]) -> Deferred[int]:
        return succeed(len(rows)) if up else fail(DOWN)

    writer = BatchingWriter(store, clock, retry_delay_s=2.0)
    events = listen(writer)
    writer.submit([row(1), row(2)])
    clock.pump([2.0] * 20)
    up = True
    clock.advance(2.0)
    assert messages(events) == [
        "storing 2 fixes failed (connection refused); retrying every 2.0s; "
        "nothing is acknowledged meanwhile",
        "database still failing after 10 attempts in 18s: connection refused; "
        "2 fixes waiting",
        "database still failing after 20 attempts in 38s: connection refused; "
        "2 fixes waiting",
        "database writes recovered after 42.0s and 21 failed attempts",
    ]
    assert writer.metrics.database_errors.value("unavailable") == 21


def test_outage_errors_are_one_line_and_unexpected_ones_keep_their_traceback() -> None:
    """Connection trouble (our own, psycopg2's, adbapi's) is logged as its first line, or
    its type when it has no message; anything else is logged with the traceback."""
    cases: list[tuple[Exception, str]] = [
        (StorageUnavailable("server closed the connection\nDETAIL: more"),
         "server closed the connection"),
        (psycopg2.OperationalError("could not connect"), "could not connect"),
        (ConnectionLost(), "ConnectionLost"),
    ]
    for error, line in cases:
        writer = BatchingWriter(lambda rows, e=error: fail(e), Clock())
        events = listen(writer)
        writer.submit([row(1)])
        assert messages(events) == [f"storing 1 fixes failed ({line}); retrying every 1.0s; "
                                    "nothing is acknowledged meanwhile"]
        assert "log_failure" not in events[0]
    writer = BatchingWriter(lambda rows: fail(RuntimeError("bug")), Clock())
    events = listen(writer)
    writer.submit([row(1)])
    assert messages(events)[0].startswith("storing 1 fixes failed; retrying every 1.0s")
    assert events[0]["log_failure"].value.args == ("bug",)


def test_a_refusal_and_backpressure_are_logged_with_their_numbers() -> None:
    """The log names the refused fixes and why, and each pause and resume with the depth."""
    store = ManualStore()
    writer = BatchingWriter(store, Clock(), max_queue=4)
    writer.register_producer(quiet := _Quiet())
    events = listen(writer)
    refused = outcome(writer.submit([row(1), row(2), row(3), row(4)]))
    store.open()[0][1].errback(REFUSED)
    assert refused == [REFUSED]
    assert messages(events) == [
        "write queue full (4 fixes): pausing 1 connections",
        "the database refused 4 fixes (value out of range); they are not acknowledged",
        "write queue drained to 0: resuming connections",
    ]
    assert quiet.resumed


def test_a_fault_in_the_writers_own_bookkeeping_is_logged() -> None:
    """A store answering something that is not a count breaks the writer's own callback:
    that is logged with its traceback instead of vanishing into a Deferred."""
    writer = BatchingWriter(lambda rows: succeed(None), Clock())  # type: ignore[arg-type,return-value]
    events = listen(writer)
    writer.submit([row(1)])
    assert messages(events) == ["writer bookkeeping failed"]
    assert events[0]["log_failure"].check(TypeError)
