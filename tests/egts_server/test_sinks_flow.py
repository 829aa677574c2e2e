"""The batching writer's bookkeeping: the batch cap, backpressure cycles, counters and gauges."""

from __future__ import annotations

import pytest
from twisted.internet.task import Clock

from egts_server.metrics import IntakeMetrics
from egts_server.sinks import BatchingWriter
from tests.writer_rig import ManualStore, Producer, row


def test_a_transaction_never_carries_more_than_batch_size_fixes() -> None:
    """Queued submissions fill a transaction up to batch_size exactly and no further; a
    submission bigger than the cap goes alone rather than waiting for ever."""
    store = ManualStore()
    writer = BatchingWriter(store, Clock(), batch_size=3)
    writer.submit([row(0)])
    writer.submit([row(1), row(2)])
    writer.submit([row(3)])
    writer.submit([row(4), row(5)])
    writer.submit([row(6)])
    writer.submit([row(7), row(8), row(9), row(10), row(11)])
    writer.submit([row(12)])
    while store.open():
        store.open()[0][1].callback(0)
    assert store.sizes() == [1, 3, 3, 5, 1]


def test_backpressure_pauses_and_resumes_on_every_cycle() -> None:
    """Connections pause when the queue reaches max_queue and resume when it has drained to
    half, again and again; none is paused or resumed at any other moment."""
    store = ManualStore()
    writer = BatchingWriter(store, Clock(), batch_size=1, max_queue=4)
    producer = Producer()
    writer.register_producer(producer)
    for cycle in range(2):
        for n in range(4 - writer.queue_depth):
            writer.submit([row(n)])
        assert producer.calls == ["pause", "resume"] * cycle + ["pause"]
        assert writer.paused is True and writer.metrics.writer_paused.value() == 1.0
        store.open()[0][1].callback(1)  # 3 left: above half
        assert producer.paused and writer.queue_depth == 3
        store.open()[0][1].callback(1)  # 2 left: exactly half
        assert producer.calls == ["pause", "resume"] * (cycle + 1)
        assert writer.paused is False and writer.metrics.writer_paused.value() == 0.0
    assert writer.queue_depth == 2


def test_connections_read_freely_below_the_limit() -> None:
    """A writer below max_queue never pauses or resumes anyone."""
    store = ManualStore()
    writer = BatchingWriter(store, Clock(), max_queue=10)
    producer = Producer()
    writer.register_producer(producer)
    assert writer.paused is False
    writer.submit([row(1), row(2)])
    writer.submit([row(3)])
    for _, d in store.open():
        d.callback(2)
    store.open()[0][1].callback(1)
    assert producer.calls == [] and writer.metrics.writer_paused.value() == 0.0


def test_a_closed_connection_is_not_paused_later() -> None:
    """A connection that unregistered (it closed) is no longer paused or resumed."""
    store = ManualStore()
    writer = BatchingWriter(store, Clock(), max_queue=2)
    gone, staying = Producer(), Producer()
    writer.register_producer(gone)
    writer.register_producer(staying)
    writer.unregister_producer(gone)
    writer.submit([row(1), row(2)])
    assert gone.calls == [] and staying.calls == ["pause"]


def test_a_connection_opened_while_paused_starts_paused() -> None:
    """A connection registering while the queue is full is held back at once."""
    store = ManualStore()
    writer = BatchingWriter(store, Clock(), max_queue=2)
    writer.submit([row(1), row(2)])
    late = Producer()
    writer.register_producer(late)
    assert late.calls == ["pause"]


def test_counters_add_up_over_several_commits() -> None:
    """Stats and metrics accumulate across transactions: submitted, stored, duplicates,
    commits and the batch sizes."""
    store = ManualStore()
    metrics = IntakeMetrics()
    writer = BatchingWriter(store, Clock(), metrics=metrics)
    writer.submit([row(1), row(2)])
    writer.submit([row(3), row(4), row(5)])
    writer.submit([row(6)])
    store.open()[0][1].callback(1)  # 1 of 2 new, 1 duplicate
    store.open()[0][1].callback(3)  # 3 of 4 new, 1 duplicate
    s = writer.stats
    assert (s.submitted, s.stored, s.duplicates, s.commits) == (6, 4, 2, 2)
    assert metrics.commits.value() == 2
    assert metrics.fixes_stored.value() == 4 and metrics.fixes_duplicate.value() == 2
    assert metrics.batch_fixes.count == 2 and metrics.batch_fixes.sum == 6


def test_commit_time_is_measured_from_the_transaction_start() -> None:
    """The commit-time histogram holds how long each transaction took, whatever the clock
    read when it started."""
    clock = Clock()
    clock.advance(1000.0)
    store = ManualStore()
    writer = BatchingWriter(store, clock)
    writer.submit([row(1)])
    clock.advance(0.25)
    store.open()[0][1].callback(1)
    assert writer.metrics.commit_seconds.sum == pytest.approx(0.25)


def test_gauges_show_the_queue_and_its_limit() -> None:
    """/metrics shows the fixes waiting (queued or in a transaction) and the configured limit."""
    store = ManualStore()
    writer = BatchingWriter(store, Clock(), max_queue=40)
    writer.submit([row(1), row(2)])
    writer.submit([row(3)])
    m = writer.metrics
    assert m.queue_depth.value() == 3.0 and m.queue_limit.value() == 40.0
    store.open()[0][1].callback(2)
    assert m.queue_depth.value() == 1.0
