"""The single writer: every listener hands its fixes here; acknowledgements wait for the commit.

``BatchingWriter.submit`` returns a Deferred that fires once the transaction holding those fixes
has committed; the protocol adapters write the terminal's acknowledgement from that callback.
Batches form by themselves (group commit): while one transaction runs, new submissions queue up
and go together in the next, so latency stays at one commit under light load and batches grow
under heavy load. A failed commit is retried after ``retry_delay_s`` with the same fixes, for as
long as it takes; nothing is acknowledged meanwhile. When the queue is full the writer pauses
every registered transport (they stop reading) and resumes them once it has drained by half.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from twisted.application.service import Service
from twisted.internet.defer import Deferred, succeed
from twisted.internet.interfaces import IDelayedCall, IPushProducer, IReactorTime
from twisted.logger import Logger
from twisted.python.failure import Failure

from db.positions import FixRow

StoreBatch = Callable[[list[FixRow]], "Deferred[int]"]


class PositionSink(Protocol):
    """Where listeners put decoded fixes."""

    def submit(self, rows: Sequence[FixRow]) -> Deferred[None]: ...


@dataclass(slots=True)
class WriterStats:
    """Counters for /metrics and the logs."""

    submitted: int = 0
    stored: int = 0
    duplicates: int = 0
    commits: int = 0
    failures: int = 0
    commit_seconds: list[float] = field(default_factory=list)


@dataclass(slots=True)
class _Pending:
    rows: Sequence[FixRow]
    done: Deferred[None]


class BatchingWriter(Service):
    """Queue + group commit + retry + backpressure, in front of one store function."""

    log = Logger()

    def __init__(self, store: StoreBatch, clock: IReactorTime, *, batch_size: int = 5000,
                 max_queue: int = 50000, retry_delay_s: float = 1.0) -> None:
        self._store = store
        self._clock = clock
        self._batch_size = batch_size
        self._max_queue = max_queue
        self._retry_delay_s = retry_delay_s
        self._pending: deque[_Pending] = deque()
        self._queued = 0
        self._busy = False
        self._retry: IDelayedCall | None = None
        self._producers: set[IPushProducer] = set()
        self._paused = False
        self._drained: list[Deferred[None]] = []
        self.stats = WriterStats()

    @property
    def queue_depth(self) -> int:
        return self._queued

    def submit(self, rows: Sequence[FixRow]) -> Deferred[None]:
        if not rows:
            return succeed(None)
        done: Deferred[None] = Deferred()
        self._pending.append(_Pending(rows, done))
        self._queued += len(rows)
        self.stats.submitted += len(rows)
        if self._queued >= self._max_queue and not self._paused:
            self._paused = True
            self.log.warn("write queue full ({depth} fixes): pausing {n} connections",
                          depth=self._queued, n=len(self._producers))
            for producer in list(self._producers):
                producer.pauseProducing()
        self._kick()
        return done

    def register_producer(self, producer: IPushProducer) -> None:
        """A connection that should stop reading while the queue is full."""
        self._producers.add(producer)
        if self._paused:
            producer.pauseProducing()

    def unregister_producer(self, producer: IPushProducer) -> None:
        self._producers.discard(producer)

    def drain(self) -> Deferred[None]:
        """Fires when everything submitted so far has committed (graceful shutdown)."""
        if not self._pending and not self._busy:
            return succeed(None)
        d: Deferred[None] = Deferred()
        self._drained.append(d)
        return d

    def stopService(self) -> Deferred[None]:  # noqa: N802 (Twisted's name)
        super().stopService()
        return self.drain()

    # -- internals ---------------------------------------------------------------------------

    def _kick(self) -> None:
        if not self._busy and self._retry is None and self._pending:
            self._flush()

    def _flush(self) -> None:
        self._retry = None
        batch: list[_Pending] = []
        size = 0
        while self._pending and (not batch or size + len(self._pending[0].rows) <= self._batch_size):
            item = self._pending.popleft()
            batch.append(item)
            size += len(item.rows)
        rows = [row for item in batch for row in item.rows]
        self._busy = True
        started = self._clock.seconds()
        d = self._store(rows)
        d.addCallbacks(self._committed, self._failed, callbackArgs=(batch, size, started),
                       errbackArgs=(batch, size))

    def _committed(self, stored: int, batch: list[_Pending], size: int, started: float) -> None:
        self._busy = False
        self._queued -= size
        self.stats.commits += 1
        self.stats.stored += stored
        self.stats.duplicates += size - stored
        self.stats.commit_seconds.append(self._clock.seconds() - started)
        if len(self.stats.commit_seconds) > 1000:
            del self.stats.commit_seconds[:500]
        for item in batch:
            item.done.callback(None)
        if self._paused and self._queued <= self._max_queue // 2:
            self._paused = False
            self.log.info("write queue drained to {depth}: resuming connections", depth=self._queued)
            for producer in list(self._producers):
                producer.resumeProducing()
        if self._pending:
            self._flush()
        else:
            drained, self._drained = self._drained, []
            for d in drained:
                d.callback(None)

    def _failed(self, failure: Failure, batch: list[_Pending], size: int) -> None:
        self._busy = False
        self.stats.failures += 1
        self.log.failure("storing {n} fixes failed; retrying in {delay}s", failure,
                         n=size, delay=self._retry_delay_s)
        self._pending.extendleft(reversed(batch))
        self._retry = self._clock.callLater(self._retry_delay_s, self._flush)
