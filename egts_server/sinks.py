"""The single writer: every listener hands its fixes here; acknowledgements wait for the commit.

``BatchingWriter.submit`` returns a Deferred that fires once the transaction holding those fixes
has committed; the protocol adapters write the terminal's acknowledgement from that callback.
Batches form by themselves (group commit): while a transaction runs, new submissions queue up
and go together in the next, so latency stays at about one commit under light load and batches
grow under heavy load. ``concurrency`` transactions may run at once (one per connection of the
writer's pool). ``linger_s`` spaces transaction starts at least that far apart: thousands of
terminals reporting at even intervals would otherwise each get a transaction of their own
(the next connection is always free), and a transaction's fixed cost, in the database and in
this process, is several times a fix's. A submission after a quiet spell never waits.

Failures never stop the writer:

* the database is unavailable (connection lost, server down, a deadlock): the same fixes are
  retried after ``retry_delay_s``, for as long as it takes, and nothing is acknowledged
  meanwhile; the pool reconnects by itself;
* the database refuses the data (``StorageRefused``: a value out of range, say): the batch is
  split in halves until the submission at fault is alone; that one fails (its connection is
  closed unacknowledged, see ``net.protocol``) and every other submission is stored. One bad
  packet can never hold up the others.

Backpressure: when the fixes queued or in flight reach ``max_queue`` the writer pauses every
registered producer (the listeners stop reading their sockets) and resumes them once it has
drained to half, so memory stays bounded whatever the terminals send.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import psycopg2
from twisted.application.service import Service
from twisted.enterprise.adbapi import ConnectionLost
from twisted.internet.defer import Deferred, maybeDeferred, succeed
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.logger import Logger
from twisted.python.failure import Failure

from db.pool import StorageRefused, StorageUnavailable
from db.positions import FixRow
from egts_server.fix_clock import ClockFault, ClockLimits
from egts_server.metrics import IntakeMetrics

StoreBatch = Callable[[list[FixRow]], "Deferred[int]"]


class PositionSink(Protocol):
    """Where listeners put decoded fixes."""

    def submit(self, rows: Sequence[FixRow]) -> Deferred[None]: ...


class Pausable(Protocol):
    """A reader the writer can hold back (the push-producer half that matters here)."""

    def pauseProducing(self) -> None: ...  # noqa: N802

    def resumeProducing(self) -> None: ...  # noqa: N802


@dataclass(slots=True)
class WriterStats:
    """Plain counters (the metrics registry has the same and more, for /metrics)."""

    submitted: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    commits: int = 0
    failures: int = 0


@dataclass(slots=True)
class _Pending:
    rows: Sequence[FixRow]
    done: Deferred[None]


@dataclass(slots=True)
class _Batch:
    items: list[_Pending]
    size: int
    isolating: bool = False  # part of a refused batch being split: never merged with others
    started: float = 0.0


@dataclass(slots=True)
class _Outage:
    since: float
    attempts: int = 0
    last_error: str = field(default="")


class BatchingWriter(Service):
    """Queue + group commit + retry + isolation of refused data + backpressure."""

    log = Logger()

    def __init__(self, store: StoreBatch, clock: IReactorTime, *, batch_size: int = 5000,
                 max_queue: int = 50000, retry_delay_s: float = 1.0, concurrency: int = 1,
                 linger_s: float = 0.0, metrics: IntakeMetrics | None = None,
                 clock_limits: ClockLimits | None = None) -> None:
        self._store = store
        self._clock = clock
        self._batch_size = batch_size
        self._max_queue = max_queue
        self._retry_delay_s = retry_delay_s
        self._concurrency = max(1, concurrency)
        self._linger_s = linger_s
        self._clock_limits = clock_limits
        self._last_start = float("-inf")
        self._lingering: IDelayedCall | None = None  # the next start, held back by linger_s
        self._pending: deque[_Pending] = deque()
        self._isolating: deque[_Batch] = deque()
        self._queued = 0  # fixes submitted and not yet committed or refused
        self._in_flight = 0
        self._retry: IDelayedCall | None = None
        self._outage: _Outage | None = None
        self._producers: set[Pausable] = set()
        self._paused = False
        self._drained: list[Deferred[None]] = []
        self.stats = WriterStats()
        self.metrics = metrics if metrics is not None else IntakeMetrics()
        self.metrics.queue_depth.set_function(lambda: float(self._queued))
        self.metrics.queue_limit.set(float(max_queue))
        self.metrics.writer_paused.set_function(lambda: 1.0 if self._paused else 0.0)

    def _count_received(self, rows: Sequence[FixRow]) -> None:
        """Per protocol, so operators see each intake's fix rate (stored counts have no label),
        and, given clock limits, the fixes whose terminal clock is wrong (stored all the same,
        never credited)."""
        by_protocol: dict[str, int] = {}
        faults: dict[tuple[str, int, ClockFault], int] = {}
        limits = self._clock_limits
        # Rows of one submission share their arrival, so the latest plausible fix time is worked
        # out once per arrival, not per fix; only a fix outside the limits goes on to fault(),
        # which names what is wrong with it.
        if limits is not None:
            arrival = rows[0].received_at
            earliest, latest = limits.earliest, limits.latest(arrival)
        for r in rows:
            position = r.position
            protocol = position.device.protocol
            by_protocol[protocol] = by_protocol.get(protocol, 0) + 1
            if limits is None:
                continue
            if r.received_at is not arrival:
                arrival = r.received_at
                latest = limits.latest(arrival)
            if earliest <= position.fix_time <= latest:
                continue
            fault = limits.fault(position.fix_time, arrival)
            if fault is not None:
                key = (protocol, r.terminal_id, fault)
                faults[key] = faults.get(key, 0) + 1
        for protocol, count in by_protocol.items():
            self.metrics.fixes_received.labels(protocol).inc(count)
        for (protocol, terminal_id, fault), count in faults.items():
            self.metrics.fixes_clock_fault.labels(protocol, fault.value).inc(count)
            self.log.warn("terminal {terminal_id} ({protocol}): {count} fixes timed {fault} "
                          "(stored, never credited)", terminal_id=terminal_id,
                          protocol=protocol, count=count, fault=fault.value)

    @property
    def queue_depth(self) -> int:
        """Fixes submitted and not yet committed (queued or in a running transaction)."""
        return self._queued

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def idle(self) -> bool:
        return not (self._pending or self._isolating or self._in_flight)

    def submit(self, rows: Sequence[FixRow]) -> Deferred[None]:
        if not rows:
            return succeed(None)
        done: Deferred[None] = Deferred()
        self._pending.append(_Pending(rows, done))
        self._queued += len(rows)
        self.stats.submitted += len(rows)
        self._count_received(rows)
        if self._queued >= self._max_queue and not self._paused:
            self._paused = True
            self.log.warn("write queue full ({depth} fixes): pausing {n} connections",
                          depth=self._queued, n=len(self._producers))
            for producer in list(self._producers):
                producer.pauseProducing()
        self._kick()
        return done

    def register_producer(self, producer: Pausable) -> None:
        """A connection that should stop reading while the queue is full."""
        self._producers.add(producer)
        if self._paused:
            producer.pauseProducing()

    def unregister_producer(self, producer: Pausable) -> None:
        self._producers.discard(producer)

    def drain(self) -> Deferred[None]:
        """Fires when everything submitted so far has committed (graceful shutdown)."""
        if self.idle:
            return succeed(None)
        d: Deferred[None] = Deferred()
        self._drained.append(d)
        return d

    def stopService(self) -> Deferred[None]:  # noqa: N802 (Twisted's name)
        super().stopService()
        return self.drain()

    # -- internals ---------------------------------------------------------------------------

    def _kick(self) -> None:
        while (self._retry is None and self._lingering is None
               and self._in_flight < self._concurrency):
            wait = self._last_start + self._linger_s - self._clock.seconds()
            if wait > 0 and self._pending:
                self._lingering = self._clock.callLater(wait, self._lingered)
                return
            batch = self._next_batch()
            if batch is None:
                return
            self._start(batch)

    def _lingered(self) -> None:
        self._lingering = None
        self._kick()

    def _next_batch(self) -> _Batch | None:
        if self._isolating:
            return self._isolating.popleft()
        if not self._pending:
            return None
        items: list[_Pending] = []
        size = 0
        limit = self._batch_size
        while self._pending and (not items or size + len(self._pending[0].rows) <= limit):
            item = self._pending.popleft()
            items.append(item)
            size += len(item.rows)
        return _Batch(items, size)

    def _start(self, batch: _Batch) -> None:
        self._in_flight += 1
        batch.started = self._last_start = self._clock.seconds()
        rows = [row for item in batch.items for row in item.rows]
        d: Deferred[int] = maybeDeferred(self._store, rows)
        d.addCallbacks(self._committed, self._failed, callbackArgs=(batch,),
                       errbackArgs=(batch,))
        d.addErrback(self._bug)

    def _committed(self, stored: int, batch: _Batch) -> None:
        self._in_flight -= 1
        self._queued -= batch.size
        m = self.metrics
        elapsed = self._clock.seconds() - batch.started
        self.stats.commits += 1
        self.stats.stored += stored
        self.stats.duplicates += batch.size - stored
        m.commits.inc()
        m.commit_seconds.observe(elapsed)
        m.batch_fixes.observe(batch.size)
        m.fixes_stored.inc(stored)
        m.fixes_duplicate.inc(batch.size - stored)
        if self._outage is not None:
            outage, self._outage = self._outage, None
            self.log.info("database writes recovered after {s:.1f}s and {n} failed attempts",
                          s=self._clock.seconds() - outage.since, n=outage.attempts)
        # Start the next transaction before answering this one: the database works on it while
        # the reactor writes this batch's acknowledgements.
        self._kick()
        for item in batch.items:
            item.done.callback(None)
        self._after_progress()

    def _failed(self, failure: Failure, batch: _Batch) -> None:
        self._in_flight -= 1
        self.stats.failures += 1
        if failure.check(StorageRefused):
            self.metrics.database_errors.labels("refused").inc()
            self._isolate(batch, failure)
            self._after_progress()
            return
        self.metrics.database_errors.labels("unavailable").inc()
        error = _one_line(failure)
        now = self._clock.seconds()
        if self._outage is None:
            self._outage = _Outage(since=now)
            if not _expected(failure):
                self.log.failure("storing {n} fixes failed; retrying every {delay}s", failure,
                                 n=batch.size, delay=self._retry_delay_s)
            else:
                self.log.warn("storing {n} fixes failed ({error}); retrying every {delay}s; "
                              "nothing is acknowledged meanwhile", n=batch.size, error=error,
                              delay=self._retry_delay_s)
        self._outage.attempts += 1
        self._outage.last_error = error
        if self._outage.attempts % 10 == 0:
            self.log.warn("database still failing after {n} attempts in {s:.0f}s: {error}; "
                          "{depth} fixes waiting", n=self._outage.attempts,
                          s=now - self._outage.since, error=error, depth=self._queued)
        if batch.isolating:
            self._isolating.appendleft(batch)
        else:
            self._pending.extendleft(reversed(batch.items))
        if self._retry is None:
            self._retry = self._clock.callLater(self._retry_delay_s, self._retry_now)

    def _retry_now(self) -> None:
        self._retry = None
        self._kick()

    def _isolate(self, batch: _Batch, failure: Failure) -> None:
        """The database refused something in this batch: split it, or fail the culprit."""
        if len(batch.items) == 1:
            (item,) = batch.items
            self._queued -= batch.size
            self.stats.rejected += batch.size
            self.metrics.fixes_rejected.inc(batch.size)
            self.log.warn("the database refused {n} fixes ({error}); they are not acknowledged",
                          n=batch.size, error=failure.getErrorMessage())
            item.done.errback(failure)
            return
        half = len(batch.items) // 2
        for part in (batch.items[half:], batch.items[:half]):
            self._isolating.appendleft(_Batch(part, sum(len(i.rows) for i in part),
                                              isolating=True))

    def _after_progress(self) -> None:
        if self._paused and self._queued <= self._max_queue // 2:
            self._paused = False
            self.log.info("write queue drained to {depth}: resuming connections",
                          depth=self._queued)
            for producer in list(self._producers):
                producer.resumeProducing()
        self._kick()
        if self.idle:
            drained, self._drained = self._drained, []
            for d in drained:
                d.callback(None)

    def _bug(self, failure: Failure) -> None:
        """Our own callbacks raised: log it; the writer must keep going."""
        self.log.failure("writer bookkeeping failed", failure)


def _expected(failure: Failure) -> bool:
    """Errors an outage produces: logged as one line instead of a traceback."""
    return failure.check(StorageUnavailable, psycopg2.Error, ConnectionLost) is not None


def _one_line(failure: Failure) -> str:
    text = failure.getErrorMessage().strip()
    return text.splitlines()[0] if text else failure.type.__name__  # type: ignore[union-attr]
