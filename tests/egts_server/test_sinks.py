"""The batching writer: group commit, retry after failure, backpressure, drain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from twisted.internet.defer import Deferred, fail, succeed
from twisted.internet.task import Clock
from twisted.logger import Logger, formatEvent

from db.pool import StorageRefused, StorageUnavailable
from db.positions import FixRow
from egts_server.fix_clock import ClockLimits
from egts_server.sinks import BatchingWriter
from tests.writer_rig import T0, ManualStore, Producer, row


def test_submission_fires_only_after_commit() -> None:
    """The Deferred a listener waits on fires when the store commits, not before."""
    store = ManualStore()
    writer = BatchingWriter(store, Clock())
    fired: list[None] = []
    writer.submit([row(1)]).addCallback(fired.append)
    assert fired == [] and len(store.calls) == 1
    store.calls[0][1].callback(1)
    assert fired == [None]


def test_submissions_during_a_commit_go_together_in_the_next() -> None:
    """While one transaction runs, later submissions queue and commit as one batch."""
    store = ManualStore()
    writer = BatchingWriter(store, Clock())
    writer.submit([row(1)])
    writer.submit([row(2)])
    writer.submit([row(3), row(4)])
    assert len(store.calls) == 1
    store.calls[0][1].callback(1)
    assert [len(rows) for rows, _ in store.calls] == [1, 3]


def test_linger_spaces_transaction_starts_and_gathers_what_comes_meanwhile() -> None:
    """With linger_s, a free connection waits until linger_s after the last start; a
    submission after a quiet spell starts at once."""
    store = ManualStore()
    clock = Clock()
    writer = BatchingWriter(store, clock, concurrency=2, linger_s=0.005)
    writer.submit([row(1)])
    writer.submit([row(2)])
    writer.submit([row(3)])
    assert [len(rows) for rows, _ in store.calls] == [1]
    clock.advance(0.005)
    assert [len(rows) for rows, _ in store.calls] == [1, 2]
    for _, d in store.calls:
        d.callback(1)
    clock.advance(1.0)
    writer.submit([row(4)])
    assert [len(rows) for rows, _ in store.calls] == [1, 2, 1]


def test_failed_commit_is_retried_with_same_rows_and_nothing_acknowledged() -> None:
    """A failing database delays the acknowledgement; the retry carries the same fixes."""
    clock = Clock()
    attempts: list[list[FixRow]] = []

    def flaky(rows: list[FixRow]) -> Deferred[int]:
        attempts.append(rows)
        return fail(RuntimeError("db down")) if len(attempts) < 3 else succeed(len(rows))

    writer = BatchingWriter(flaky, clock, retry_delay_s=1.0)
    fired: list[None] = []
    writer.submit([row(1), row(2)]).addCallback(fired.append)
    assert fired == []
    clock.advance(1.0)
    assert fired == []
    clock.advance(1.0)
    assert fired == [None]
    assert attempts[0] == attempts[1] == attempts[2]
    assert writer.stats.failures == 2 and writer.stats.stored == 2


def test_full_queue_pauses_producers_until_drained() -> None:
    """Past max_queue every registered connection stops reading, and resumes after a drain."""
    store = ManualStore()
    writer = BatchingWriter(store, Clock(), max_queue=4)
    producer = Producer()
    writer.register_producer(producer)
    writer.submit([row(1), row(2)])
    writer.submit([row(3), row(4)])
    assert producer.paused
    store.calls[0][1].callback(2)
    store.calls[1][1].callback(2)
    assert not producer.paused and writer.queue_depth == 0


def test_drain_waits_for_pending_commits() -> None:
    """Graceful shutdown waits until everything submitted has committed."""
    store = ManualStore()
    writer = BatchingWriter(store, Clock())
    writer.submit([row(1)])
    drained: list[None] = []
    writer.drain().addCallback(drained.append)
    assert drained == []
    store.calls[0][1].callback(1)
    assert drained == [None]


def test_refused_data_is_isolated_and_only_the_culprit_fails() -> None:
    """A batch the database refuses is split until the bad submission is alone; the rest commit."""
    poison = row(99)
    outcomes: dict[int, list[object]] = {}
    held = ManualStore()
    writer = BatchingWriter(held, Clock())
    writer.submit([row(0)])
    for n, rows in enumerate(([row(1)], [row(2), poison], [row(3)], [row(4)])):
        d = writer.submit(rows)
        outcomes[n] = []
        d.addCallbacks(outcomes[n].append, lambda f, n=n: outcomes[n].append(f.value))
    held.calls[0][1].callback(1)  # the four queued submissions now go as one batch
    batch, d = held.calls[1]
    assert len(batch) == 5
    d.errback(StorageRefused("value out of range"))
    while any(not c.called for _, c in held.calls):  # play the database for the halves
        for rows, c in held.calls:
            if not c.called:
                if poison in rows:
                    c.errback(StorageRefused("value out of range"))
                else:
                    c.callback(len(rows))
    assert outcomes[0] == outcomes[2] == outcomes[3] == [None]
    assert isinstance(outcomes[1][0], StorageRefused)
    assert writer.stats.rejected == 2 and writer.queue_depth == 0
    assert writer.metrics.fixes_rejected.value() == 2


def test_store_that_raises_at_once_does_not_wedge_the_writer() -> None:
    """An exception thrown synchronously by the store is retried like any failure."""
    clock = Clock()
    calls: list[int] = []

    def store(rows: list[FixRow]) -> Deferred[int]:
        calls.append(len(rows))
        if len(calls) == 1:
            raise RuntimeError("boom")
        return succeed(len(rows))

    writer = BatchingWriter(store, clock, retry_delay_s=0.5)
    fired: list[None] = []
    writer.submit([row(1)]).addCallback(fired.append)
    clock.advance(0.5)
    assert fired == [None] and calls == [1, 1]


def test_retries_go_on_through_a_long_outage_and_intake_resumes() -> None:
    """However many attempts fail, the writer keeps retrying and then commits everything."""
    clock = Clock()
    up = False
    attempts = 0

    def store(rows: list[FixRow]) -> Deferred[int]:
        nonlocal attempts
        attempts += 1
        return succeed(len(rows)) if up else fail(StorageUnavailable("connection refused"))

    writer = BatchingWriter(store, clock, retry_delay_s=1.0, max_queue=3)
    producer = Producer()
    writer.register_producer(producer)
    done: list[None] = []
    for n in range(3):
        writer.submit([row(n)]).addCallback(done.append)
    assert producer.paused
    clock.pump([1.0] * 30)
    assert done == [] and attempts == 31 and producer.paused
    up = True
    clock.advance(1.0)
    assert done == [None] * 3 and not producer.paused
    assert writer.metrics.database_errors.value("unavailable") == 31


def test_concurrent_transactions_run_side_by_side() -> None:
    """With concurrency 2, a second batch starts while the first is still committing."""
    store = ManualStore()
    writer = BatchingWriter(store, Clock(), concurrency=2)
    writer.submit([row(1)])
    writer.submit([row(2)])
    writer.submit([row(3)])
    assert [len(rows) for rows, _ in store.calls] == [1, 1]
    store.calls[1][1].callback(1)
    assert [len(rows) for rows, _ in store.calls] == [1, 1, 1]


def test_commits_are_measured() -> None:
    """Each commit lands in the latency and batch-size histograms and the counters."""
    clock = Clock()
    store = ManualStore()
    writer = BatchingWriter(store, clock)
    writer.submit([row(1), row(2)])
    clock.advance(0.004)
    store.calls[0][1].callback(1)
    m = writer.metrics
    assert m.commit_seconds.count == 1 and m.commit_seconds.quantile(1.0) == 0.005
    assert m.fixes_stored.value() == 1 and m.fixes_duplicate.value() == 1
    assert m.batch_fixes.count == 1


def test_fixes_are_counted_by_protocol_when_submitted() -> None:
    """Every submitted fix counts as received under its own protocol, before any commit."""
    writer = BatchingWriter(ManualStore(), Clock())
    writer.submit([row(1), row(2, "ndtp"), row(3)])
    writer.submit([row(4, "nis")])
    received = writer.metrics.fixes_received
    assert [received.value(p) for p in ("egts", "ndtp", "nis")] == [2.0, 1.0, 1.0]
    assert writer.metrics.fixes_stored.value() == 0


def test_fixes_timed_by_a_wrong_clock_are_stored_and_counted_by_fault() -> None:
    """A fix further ahead of its arrival than the tolerance, or before 2010, is still stored
    (the terminal is owed its acknowledgement) and counted per protocol and fault."""
    store = ManualStore()
    writer = BatchingWriter(store, Clock(), clock_limits=ClockLimits.of(300.0, 2010))
    ahead = row(1)._replace(position=row(1).position._replace(fix_time=T0 + timedelta(hours=1)))
    ndtp = row(2, "ndtp")
    ancient = ndtp._replace(
        position=ndtp.position._replace(fix_time=datetime(2005, 1, 1, tzinfo=UTC)))
    done = writer.submit([ahead, row(3), ancient, ahead])
    faults = writer.metrics.fixes_clock_fault
    assert faults.value("egts", "future") == 2.0 and faults.value("ndtp", "too_early") == 1.0
    assert faults.value("egts", "too_early") == 0.0
    assert store.calls[0][0] == [ahead, row(3), ancient, ahead]
    store.calls[0][1].callback(4)
    assert done.called


def test_a_lone_fix_is_judged_too() -> None:
    """Terminals mostly send one fix a packet: such a submission is judged like any other."""
    writer = BatchingWriter(ManualStore(), Clock(), clock_limits=ClockLimits.of(300.0, 2010))
    ahead = row(1)._replace(position=row(1).position._replace(fix_time=T0 + timedelta(hours=1)))
    writer.submit([ahead])
    writer.submit([row(2)])
    assert writer.metrics.fixes_clock_fault.value("egts", "future") == 1.0


def test_each_fix_is_judged_against_its_own_arrival() -> None:
    """Rows that arrived at different times are judged each against its own arrival, whatever
    their order: the same fix time is from the future for one and plausible for the next."""
    writer = BatchingWriter(ManualStore(), Clock(), clock_limits=ClockLimits.of(300.0, 2010))
    ahead = row(1)._replace(position=row(1).position._replace(fix_time=T0 + timedelta(hours=1)))
    later = ahead._replace(received_at=T0 + timedelta(minutes=56))
    writer.submit([ahead, later, ahead._replace(received_at=T0 + timedelta(minutes=55)), ahead])
    assert writer.metrics.fixes_clock_fault.value("egts", "future") == 2.0


def test_without_clock_limits_no_fix_is_judged() -> None:
    writer = BatchingWriter(ManualStore(), Clock())
    ahead = row(1)._replace(position=row(1).position._replace(fix_time=T0 + timedelta(days=1)))
    writer.submit([ahead])
    assert writer.metrics.fixes_clock_fault.value("egts", "future") == 0.0


def test_a_wrong_clock_is_logged_once_per_terminal_and_fault_with_the_count() -> None:
    """The operator's log names the terminal, its protocol, how many fixes and which fault."""
    writer = BatchingWriter(ManualStore(), Clock(), clock_limits=ClockLimits.of(300.0, 2010))
    events: list[dict[str, Any]] = []
    writer.log = Logger(observer=events.append)
    ahead = row(1)._replace(position=row(1).position._replace(fix_time=T0 + timedelta(hours=1)))
    writer.submit([ahead, row(2), ahead])
    assert [formatEvent(e) for e in events] == [
        "terminal 1 (egts): 2 fixes timed future (stored, never credited)"]
