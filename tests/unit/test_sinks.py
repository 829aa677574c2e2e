"""The batching writer: group commit, retry after failure, backpressure, drain."""

from __future__ import annotations

from datetime import datetime, timezone

from twisted.internet.defer import Deferred, fail, succeed
from twisted.internet.task import Clock

from db.positions import FixRow
from egts_server.model import DeviceKey, Position
from egts_server.sinks import BatchingWriter

T0 = datetime(2026, 1, 15, 8, 0, tzinfo=timezone.utc)


def row(n: int) -> FixRow:
    p = Position(device=DeviceKey("egts", "1"), fix_time=T0, latitude=50.5 + n * 1e-4,
                 longitude=137.0, valid=True, speed_kmh=10.0, course_deg=90.0)
    return FixRow(1, 1, T0, p)


class ManualStore:
    """Each store call returns a Deferred the test fires by hand."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[FixRow], Deferred[int]]] = []

    def __call__(self, rows: list[FixRow]) -> Deferred[int]:
        d: Deferred[int] = Deferred()
        self.calls.append((rows, d))
        return d


class Producer:
    def __init__(self) -> None:
        self.paused = False

    def pauseProducing(self) -> None:  # noqa: N802
        self.paused = True

    def resumeProducing(self) -> None:  # noqa: N802
        self.paused = False

    def stopProducing(self) -> None:  # noqa: N802
        pass


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
