"""A telemetry connection over TCP, whatever the protocol: framing, per-connection state,
acknowledgement and hygiene; nothing else.

The codec (``Session``) decides what every frame means and which bytes answer it. This adapter
writes immediate replies at once, hands fixes to the writer, and writes each packet's
acknowledgement only after the writer says its fixes committed, in the order the packets
arrived. ``protocol.EgtsProtocol`` and ``ndtp.NdtpProtocol`` say how their protocol's bytes
are cut into frames and how a login is answered; everything else is here, so every listener
gets the same durability, backpressure, limits, metrics and shutdown.

Reading stops (``transport.pauseProducing``) for any of these reasons, and resumes when the
last one is gone; frames already cut when a pause begins wait in a small inbox (at most one
read, 64 KiB) and are handled first on resume:

* ``queue``: the writer's queue is full (database slow or down), every connection pauses;
* ``backlog``: this connection has ``max_pending_fixes`` fixes waiting for their commit, so one
  fast sender cannot take the whole queue from the others;
* ``output``: our replies pile up unread in the transport (the peer does not read);
* ``shutdown``: the server is stopping.

The factory sweeps every connection once per check interval (a slice of them per tick, so no
tick is long) and closes, with a logged reason (``CloseReason``), those with nothing received for
``idle_timeout_s`` while nothing was pending, no valid packet within ``login_timeout_s``, a
packet left incomplete or replies left unread for ``stall_timeout_s``, ``max_bad_packets``
malformed packets in a row, a stream that cannot be framed, or more than
``max_buffered_bytes`` waiting for a packet's end.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from typing import Protocol as Interface

import psycopg2
from twisted.enterprise.adbapi import ConnectionLost
from twisted.internet.defer import Deferred, FirstError, fail, gatherResults, succeed
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.internet.protocol import Protocol, ServerFactory, connectionDone
from twisted.logger import Logger, LogLevel
from twisted.python.failure import Failure

from db.errors import StorageError
from db.pool import StorageRefused
from db.positions import FixRow
from db.terminals import Admission
from egts_server.codec.errors import CodecError, FramingError
from egts_server.metrics import CounterChild, IntakeMetrics
from egts_server.model import DeviceKey, Position
from egts_server.net.archive import PacketArchive
from egts_server.net.fastwrite import Write, direct_writer
from egts_server.net.limits import CloseReason, ConnectionCounter, IntakeLimits, Throttle

Admit = Callable[[DeviceKey, "str | None", Mapping[str, str]], "Deferred[Admission]"]
Clock = Callable[[], datetime]
_INBOX_FRAME, _INBOX_FRAMING_ERROR = 0, 1


class Login(Interface):
    """A device identified itself (each codec's ``Login``)."""

    @property
    def device(self) -> DeviceKey: ...

    @property
    def imei(self) -> str | None: ...

    @property
    def details(self) -> Mapping[str, str]: ...


class Outcome(Interface):
    """What one frame asks of the connection (each codec's ``Handled``): write ``replies`` now;
    store ``positions`` and write ``ack`` once they committed, in arrival order; decide on
    ``login``; ``close`` after the above."""

    @property
    def replies(self) -> tuple[bytes, ...]: ...

    @property
    def positions(self) -> tuple[Position, ...]: ...

    @property
    def ack(self) -> bytes | None: ...

    @property
    def login(self) -> Login | None: ...

    @property
    def close(self) -> bool: ...

    @property
    def error(self) -> CodecError | None: ...


class Framer(Interface):
    @property
    def buffered(self) -> int:
        """Bytes held while waiting for a frame's end."""


class Codec(Interface):
    @property
    def device(self) -> DeviceKey | None:
        """Who logged in on this connection (None: nobody yet)."""


@dataclass(slots=True, eq=False)
class _Due:
    """One packet's answer: written when its fixes committed and everything before it is out."""

    ack: bytes | None
    arrived: float
    fixes: int
    ready: bool = False
    then: Callable[[], None] | None = None  # runs right after the ack (login result, close)
    failure: Failure | None = None
    timed: bool = True  # counts in the ack latency histogram (logins wait for the registry)


class TerminalRejected(Exception):
    """The registry refused a device whose fixes arrived on this connection."""


class _Pause:
    """The producer a pauser (the writer, or the transport's write buffer) sees for us."""

    __slots__ = ("_proto", "_reason")

    def __init__(self, proto: TelemetryProtocol, reason: str) -> None:
        self._proto: TelemetryProtocol | None = proto
        self._reason = reason

    def detach(self) -> None:
        """Forget the connection (it closed): no reference cycle is left for the collector."""
        self._proto = None

    def pauseProducing(self) -> None:  # noqa: N802
        if self._proto is not None:
            self._proto.pause(self._reason)

    def resumeProducing(self) -> None:  # noqa: N802
        if self._proto is not None:
            self._proto.resume(self._reason)

    def stopProducing(self) -> None:  # noqa: N802
        pass


class TelemetryProtocol(Protocol):
    """One terminal (or relay) connection; a protocol's subclass says how frames are cut,
    handled and a login answered (the methods that raise ``NotImplementedError``)."""

    log = Logger()
    label: ClassVar[str] = "?"  # the protocol in log lines: "EGTS", "NDTP"

    def __init__(self, factory: TelemetryFactory, address: str, framer: Framer,
                 codec: Codec) -> None:
        self.framer = framer
        self._codec = codec
        self._factory = factory
        self._limits = factory.limits
        self._address = address
        self._admitted: dict[DeviceKey, Admission] = {}
        self._due: list[_Due] = []  # answers in arrival order, each waiting its turn
        self._admitting: dict[DeviceKey, list[Deferred[Admission]]] | None = None
        self._peer = "?"
        self._closing = False
        self._gone = False
        self._lost: Deferred[None] | None = None
        self._pauses: tuple[str, ...] = ()  # why we are not reading (empty: reading)
        self._inbox: list[tuple[int, Any, float]] | None = None  # cut while paused
        self._pending_fixes = 0
        self._bad_run = 0
        self._valid_seen = False
        self._connected_at = 0.0
        self._last_activity = 0.0
        self._partial_since: float | None = None
        self._unread_since: float | None = None
        self._queue_pause = _Pause(self, "queue")
        self._send: Write | None = None
        self._metric_label = factory.name

    # -- what each protocol says ---------------------------------------------------------------

    @property
    def device(self) -> DeviceKey | None:
        """Who logged in on this connection, for the logs (None: nobody yet)."""
        return self._codec.device

    def cut(self, data: bytes) -> tuple[list[bytes], FramingError | None]:
        """The whole frames in ``data`` (and what came before); the error that ends a stream
        which cannot be cut any more, if any."""
        raise NotImplementedError

    def handle(self, frame: bytes) -> Outcome:
        raise NotImplementedError

    def answer_framing_error(self, error: FramingError) -> Outcome:
        """The reply to a stream ``cut`` gave up on (only protocols whose ``cut`` fails)."""
        raise NotImplementedError

    def login_result(self, login: Login, accepted: bool) -> bytes:
        """What answers ``login`` once the registry decided (written after its ``ack``)."""
        raise NotImplementedError

    def count(self, handled: Outcome) -> None:
        """Count the frame in the metrics (packets and records by result)."""
        raise NotImplementedError

    def also_commit(self, handled: Outcome) -> Deferred[Any] | None:
        """Anything else to store before ``handled.ack`` may go out (None: nothing)."""
        return None

    # -- Twisted callbacks -------------------------------------------------------------------

    def connectionMade(self) -> None:  # noqa: N802
        assert self.transport is not None
        f = self._factory
        peer = self.transport.getPeer()
        self._peer = f"{getattr(peer, 'host', peer)}:{getattr(peer, 'port', '')}"
        self._connected_at = self._last_activity = f.seconds()
        f.protocols.add(self)
        f.metrics.connections.inc(1, self._metric_label)
        f.metrics.connections_opened.labels(self._metric_label).inc()
        set_no_delay = getattr(self.transport, "setTcpNoDelay", None)
        if set_no_delay is not None:
            set_no_delay(True)  # acknowledgements are small and must not wait for Nagle
        self.transport.registerProducer(_Pause(self, "output"), True)  # type: ignore[attr-defined]
        self._send = direct_writer(self.transport)
        f.writer.register_producer(self._queue_pause)
        self.log.debug("{protocol} connection from {peer}", protocol=self.label, peer=self._peer)

    def connectionLost(self, reason: Failure = connectionDone) -> None:  # noqa: N802
        f = self._factory
        self._closing = self._gone = True
        f.writer.unregister_producer(self._queue_pause)
        for pause in self._pauses:
            f.metrics.paused_connections.inc(-1, self._metric_label, pause)
        self._pauses = ()
        self._inbox = None
        self._queue_pause.detach()
        self._due.clear()  # (late commits find nothing to answer)
        f.protocols.discard(self)
        f.counter.release(self._address)
        f.metrics.connections.inc(-1, self._metric_label)
        self.log.info("{protocol} {peer} closed: {why}", why=reason.getErrorMessage(),
                      **self._fields())
        if self._lost is not None:
            lost, self._lost = self._lost, None
            lost.callback(None)

    def dataReceived(self, data: bytes) -> None:  # noqa: N802
        if self._closing:
            return
        now = self._factory.seconds()
        self._last_activity = now
        if self._factory.archive is not None:
            self._archive("in", data)
        frames, error = self.cut(data)
        buffered = self.framer.buffered
        if frames:
            self._partial_since = now if buffered else None
        elif buffered and self._partial_since is None:
            self._partial_since = now
        if self._pauses or self._inbox:
            self._hold_back(frames, 0, now)
        else:
            for i, frame in enumerate(frames):
                if self._closing:
                    return
                self._process(self.handle(frame), frame, now)
                if self._pauses and i + 1 < len(frames):
                    self._hold_back(frames, i + 1, now)
                    break
        if self._closing:
            return
        if error is not None:
            # The stream cannot be cut any more: answer what the codec prescribes once the
            # frames before the bad bytes are handled, and close after their acknowledgements.
            self._partial_since = None
            head = bytes(data[:32])
            if self._inbox:
                self._inbox.append((_INBOX_FRAMING_ERROR, (error, head), now))
            else:
                self._framing_error(error, head, now)
        elif self.framer.buffered > self._limits.max_buffered_bytes:
            self.close(CloseReason.BUFFER, abort=True, buffered=self.framer.buffered)

    # -- flow control --------------------------------------------------------------------------

    def pause(self, reason: str) -> None:
        """Stop reading for ``reason`` (see the module docstring)."""
        if reason in self._pauses or self._closing:
            return
        if reason == "output":
            self._unread_since = self._factory.seconds()
        if not self._pauses and self.transport is not None:
            self.transport.pauseProducing()  # type: ignore[attr-defined]
        self._pauses += (reason,)
        self._factory.metrics.paused_connections.inc(1, self._metric_label, reason)

    def resume(self, reason: str) -> None:
        if reason not in self._pauses:
            return
        self._pauses = tuple(r for r in self._pauses if r != reason)
        self._factory.metrics.paused_connections.inc(-1, self._metric_label, reason)
        if reason == "output":
            self._unread_since = None
        if self._pauses or self._closing:
            return
        now = self._factory.seconds()
        self._last_activity = now  # the peer could not send while we were not reading
        if self._partial_since is not None:
            self._partial_since = now
        self._run_inbox()
        if not self._pauses and not self._closing and self.transport is not None:
            self.transport.resumeProducing()  # type: ignore[attr-defined]

    def _hold_back(self, frames: list[bytes], start: int, arrived: float) -> None:
        """Keep frames already cut (at most one read) until reading resumes."""
        if self._inbox is None:
            self._inbox = []
        self._inbox.extend((_INBOX_FRAME, frame, arrived) for frame in frames[start:])

    def _run_inbox(self) -> None:
        inbox = self._inbox
        if not inbox:
            return
        done = 0
        while done < len(inbox) and not self._pauses and not self._closing:
            kind, item, arrived = inbox[done]
            done += 1
            if kind == _INBOX_FRAME:
                self._process(self.handle(item), item, arrived)
            else:
                error, head = item
                self._framing_error(error, head, arrived)
        if self._inbox is inbox:  # (a close empties it)
            del inbox[:done]
            if not inbox:
                self._inbox = None

    # -- per packet ----------------------------------------------------------------------------

    def _framing_error(self, error: FramingError, head: bytes, arrived: float) -> None:
        self._process(self.answer_framing_error(error), head, arrived,
                      reason=CloseReason.GARBAGE)

    def _process(self, handled: Outcome, frame: bytes, arrived: float,
                 reason: CloseReason = CloseReason.PROTOCOL) -> None:
        self.count(handled)
        if handled.error is not None:
            self._bad_run += 1
            self.log.warn("{protocol} {peer}: {error}", error=handled.error,
                          head=frame[:32].hex(), **self._fields())
        else:
            self._bad_run = 0
            self._valid_seen = True
        for reply in handled.replies:
            self._write(reply)
        n = len(handled.positions)
        if handled.login is not None:
            due = _Due(handled.ack, arrived, n, timed=False)
            self._enqueue(due)
            self._log_in(handled, due)
        else:
            extra = self.also_commit(handled)
            if n or extra is not None:
                due = _Due(handled.ack, arrived, n, timed=n > 0)
                self._enqueue(due)
                done = self._store(handled.positions) if n else extra
                assert done is not None
                if n and extra is not None:
                    done = gatherResults([done, extra], consumeErrors=True).addErrback(
                        first_error)
                done.addCallbacks(self._ready, self._ready, callbackArgs=(due,),
                                  errbackArgs=(due,))
            elif handled.ack is not None:
                self._enqueue(_Due(handled.ack, arrived, 0, ready=True))
        if handled.close:
            self._close_in_turn(reason)
        elif self._bad_run >= self._limits.max_bad_packets:
            self._close_in_turn(CloseReason.BAD_PACKETS)

    def _archive(self, direction: str, data: bytes) -> None:
        archive = self._factory.archive
        assert archive is not None
        device = self.device
        archive.record(direction, self._peer, str(device) if device else None, data)

    def _log_in(self, handled: Outcome, due: _Due) -> None:
        login = handled.login
        assert login is not None

        def decided(admission: Admission) -> Deferred[Any]:
            self.log.info("{protocol} {peer}: login {terminal} imei={imei}: {verdict} ({why})",
                          protocol=self.label, peer=self._peer, terminal=str(login.device),
                          imei=login.imei,
                          verdict="accepted" if admission.accepted else "refused",
                          why=admission.reason, terminal_id=admission.terminal_id,
                          vehicle_id=admission.vehicle_id, status=admission.status)

            def answer() -> None:
                self._write(self.login_result(login, admission.accepted))
                if not admission.accepted:
                    self.close(CloseReason.REJECTED, log=False)

            due.then = answer
            if admission.accepted and handled.positions:
                return self._store(handled.positions)
            return succeed(None)

        d = self._admission(login.device, login.imei, login.details)
        d.addCallback(decided).addCallbacks(self._ready, self._ready, callbackArgs=(due,),
                                            errbackArgs=(due,))

    def _admission(self, device: DeviceKey, imei: str | None = None,
                   details: Mapping[str, str] | None = None) -> Deferred[Admission]:
        """The registry's verdict on ``device``, asked once per connection (and at most one
        question in flight per device, so a first packet racing its login cannot register the
        terminal twice)."""
        known = self._admitted.get(device)
        if known is not None:
            return succeed(known)
        mine: Deferred[Admission] = Deferred()
        if self._admitting is None:
            self._admitting = {}
        waiters = self._admitting.get(device)
        if waiters is not None:
            waiters.append(mine)
            return mine
        self._admitting[device] = [mine]

        def settle(result: Admission | Failure) -> None:
            if isinstance(result, Admission):
                self._admitted[device] = result
            assert self._admitting is not None
            waiting = self._admitting.pop(device)
            if not self._admitting:
                self._admitting = None
            for waiter in waiting:
                if isinstance(result, Failure):
                    waiter.errback(result)
                else:
                    waiter.callback(result)

        self._factory.admit(device, imei, details or {}).addBoth(settle)
        return mine

    def _store(self, positions: Iterable[Position]) -> Deferred[None]:
        """Submit now; devices seen for the first time (record OIDs) go through the registry."""
        batch = list(positions)
        unknown = {p.device for p in batch} - self._admitted.keys()
        if not unknown:
            try:
                return self._factory.writer.submit(self._rows(batch))
            except TerminalRejected:
                return fail()
        admitted = gatherResults([self._admission(device) for device in unknown],
                                 consumeErrors=True)
        admitted.addErrback(first_error)
        return admitted.addCallback(lambda _: self._factory.writer.submit(self._rows(batch)))

    def _rows(self, positions: list[Position]) -> list[FixRow]:
        now = self._factory.clock()
        rows = []
        for p in positions:
            admission = self._admitted[p.device]
            if not admission.accepted or admission.terminal_id is None:
                raise TerminalRejected(f"{p.device}: {admission.reason}")
            rows.append(FixRow(admission.terminal_id, admission.vehicle_id, now, p))
        return rows

    # -- answers in arrival order ---------------------------------------------------------------

    def _enqueue(self, due: _Due) -> None:
        self._due.append(due)
        if due.fixes:
            self._pending_fixes += due.fixes
            if self._pending_fixes >= self._limits.max_pending_fixes:
                self.pause("backlog")
        if due.ready and len(self._due) == 1:
            self._answer()

    def _ready(self, result: object, due: _Due) -> None:
        """A packet's fixes committed (or failed): answer it, and what waited behind it."""
        if isinstance(result, Failure):
            due.failure = result
        due.ready = True
        if self._due and self._due[0] is due:
            self._answer()

    def _answer(self) -> None:
        queue = self._due
        while queue and queue[0].ready:
            due = queue.pop(0)
            if due.fixes:
                self._pending_fixes -= due.fixes
            if due.failure is not None:
                self._broken(due.failure)
            elif not self._closing:
                if due.ack is not None:
                    self._write(due.ack)
                    now = self._factory.seconds()
                    self._last_activity = max(self._last_activity, now)
                    if due.timed:
                        self._factory.metrics.ack_seconds.observe(now - due.arrived)
                if due.then is not None:
                    due.then()
        if "backlog" in self._pauses and \
                self._pending_fixes <= self._limits.max_pending_fixes // 2:
            self.resume("backlog")

    def _broken(self, failure: Failure) -> None:
        """A login or store step failed: nothing more is acknowledged; the terminal resends."""
        if self._closing:
            return
        if failure.check(TerminalRejected):
            self.close(CloseReason.REJECTED, error=failure.getErrorMessage())
        elif failure.check(StorageRefused):
            self.close(CloseReason.STORAGE, error=failure.getErrorMessage())
        elif _expected_storage_failure(failure):
            self.close(CloseReason.STORAGE, error=failure.getErrorMessage().strip())
        else:
            self.log.failure("{protocol} {peer}: closing after an unexpected failure", failure,
                             LogLevel.error, **self._fields())
            self.close(CloseReason.STORAGE, log=False)

    def _close_in_turn(self, reason: CloseReason) -> None:
        """Close once every answer queued before this point has been written."""
        self._enqueue(_Due(None, 0.0, 0, ready=True, then=lambda: self.close(reason)))

    def _write(self, data: bytes | None) -> None:
        if data and self._send is not None and not self._closing:
            self._send(data)
            if self._factory.archive is not None:
                self._archive("out", data)

    def close(self, reason: CloseReason, *, abort: bool = False, log: bool = True,
              **fields: object) -> None:
        """Close with a logged reason; ``abort`` drops unsent replies (peer not reading)."""
        if self._closing:
            return
        self._closing = True
        self._factory.metrics.connections_closed.labels(self._metric_label, reason.value).inc()
        if log:
            emit = self.log.info if reason in (CloseReason.SHUTDOWN,
                                               CloseReason.PROTOCOL) else self.log.warn
            emit("{protocol} {peer}: closing ({reason})", reason=reason.value, **fields,
                 **self._fields())
        if self.transport is not None:
            if abort:
                self.transport.abortConnection()  # type: ignore[attr-defined]
            else:
                self.transport.loseConnection()

    def finish(self) -> Deferred[None]:
        """Shutdown: close once every acknowledgement already due is written; fires when closed."""
        d: Deferred[None] = Deferred()
        if self.transport is None or self._gone:
            d.callback(None)
            return d
        self._lost = d
        self._close_in_turn(CloseReason.SHUTDOWN)
        return d

    @property
    def open(self) -> bool:
        return self.transport is not None and not self._gone

    def abort(self) -> None:
        """Shutdown took too long: drop the connection (what was not acknowledged is resent)."""
        if self.transport is not None:
            self._closing = True
            self.transport.abortConnection()  # type: ignore[attr-defined]

    # -- watchdog -------------------------------------------------------------------------------

    def check(self, now: float) -> None:
        """The factory's sweep: close this connection if one of its deadlines has passed."""
        limits = self._limits
        if self._closing:
            return
        reading = not [r for r in self._pauses if r != "output"]
        if self._unread_since is not None and now - self._unread_since > limits.stall_timeout_s:
            self.close(CloseReason.NOT_READING, abort=True, seconds=now - self._unread_since)
        elif reading and self._partial_since is not None and \
                now - self._partial_since > limits.stall_timeout_s:
            self.close(CloseReason.SLOW_SENDER, abort=True, buffered=self.framer.buffered,
                       seconds=now - self._partial_since)
        elif not self._valid_seen and reading and \
                now - self._connected_at > limits.login_timeout_s:
            self.close(CloseReason.LOGIN_TIMEOUT, abort=True)
        elif reading and not self._pending_fixes and \
                now - self._last_activity > limits.idle_timeout_s:
            self.close(CloseReason.IDLE, seconds=now - self._last_activity)

    def _fields(self) -> dict[str, object]:
        """Who this connection is, for structured log events."""
        device = self.device
        admission = self._admitted.get(device) if device is not None else None
        return {"protocol": self.label, "peer": self._peer,
                "terminal": str(device) if device else None,
                "terminal_id": admission.terminal_id if admission else None,
                "vehicle_id": admission.vehicle_id if admission else None}


def first_error(failure: Failure) -> Failure:
    """gatherResults wraps the first failure; the callers want the original."""
    if failure.check(FirstError):
        return failure.value.subFailure  # type: ignore[no-any-return,union-attr]
    return failure


def _expected_storage_failure(failure: Failure) -> bool:
    """The database went away during an admission or a store (logged without traceback)."""
    return failure.check(StorageError, ConnectionLost, psycopg2.Error) is not None


class Writer(Interface):
    """What connections need of ``sinks.BatchingWriter``: submit, and backpressure."""

    def submit(self, rows: list[FixRow]) -> Deferred[None]: ...

    def register_producer(self, producer: Any) -> None: ...

    def unregister_producer(self, producer: Any) -> None: ...


class TelemetryFactory(ServerFactory):
    """Shared by every connection of one listener: writer, registry, clocks, limits, metrics.

    ``counter`` is shared by all listeners of the process (one budget of file descriptors).
    """

    protocol: Callable[[Any, str], TelemetryProtocol]  # type: ignore[assignment]
    name: ClassVar[str] = "?"  # the protocol label of the metrics: "egts", "ndtp"
    noisy = False
    log = Logger()

    def __init__(self, writer: Writer, admit: Admit, clock: Clock,
                 limits: IntakeLimits | None = None, *, reactor: IReactorTime | None = None,
                 counter: ConnectionCounter | None = None,
                 metrics: IntakeMetrics | None = None,
                 archive: PacketArchive | None = None) -> None:
        if reactor is None:
            from twisted.internet import reactor as default_reactor

            reactor = default_reactor  # type: ignore[assignment]
        assert reactor is not None
        self.writer = writer
        self.admit = admit
        self.clock = clock
        self.limits = limits if limits is not None else IntakeLimits()
        self.reactor = reactor
        self.seconds = reactor.seconds
        self.counter = counter if counter is not None else ConnectionCounter(10**9, 10**9)
        self.metrics = metrics if metrics is not None else IntakeMetrics()
        self.archive = archive
        self.protocols: set[TelemetryProtocol] = set()
        self.packet_ok: CounterChild = self.metrics.packets.labels(self.name, "0")
        self.record_ok: CounterChild = self.metrics.records.labels(self.name, "0")
        self.metrics.connections.inc(0, self.name)
        self._refusals = Throttle(self.seconds, 1.0)
        self._sweep: IDelayedCall | None = None
        self._sweep_round: list[TelemetryProtocol] = []
        self._sweep_step = 1

    def buildProtocol(self, addr: Any) -> TelemetryProtocol | None:  # noqa: N802
        address = str(getattr(addr, "host", addr))
        refused = self.counter.acquire(address)
        if refused is not None:
            self.metrics.connections_refused.labels(self.name, refused.value).inc()
            held = self._refusals.allow()
            if held is not None:
                self.log.warn("{protocol} connection from {peer} refused ({reason}); {held} "
                              "more refused since the last message", peer=str(addr),
                              protocol=self.name.upper(), reason=refused.value, held=held)
            return None
        proto = self.protocol(self, address)
        proto.factory = self
        if self._sweep is None:
            self._sweep = self.reactor.callLater(self._sweep_interval(), self._sweep_tick)
        return proto

    # -- deadlines: one sweep over every connection per check interval, in slices --------------

    SWEEP_SLICES = 32  # each tick looks at 1/32 of the connections: short, evenly spread pauses

    def _sweep_interval(self) -> float:
        return self.limits.check_interval_s / self.SWEEP_SLICES

    def _sweep_tick(self) -> None:
        self._sweep = None
        if not self._sweep_round:
            if not self.protocols:
                return  # idle; the next connection starts the sweep again
            self._sweep_round = list(self.protocols)
            self._sweep_step = math.ceil(len(self._sweep_round) / self.SWEEP_SLICES)
        now = self.seconds()
        batch = self._sweep_round[-self._sweep_step:]
        del self._sweep_round[-self._sweep_step:]
        for proto in batch:
            proto.check(now)
        self._sweep = self.reactor.callLater(self._sweep_interval(), self._sweep_tick)

    def stop_reading(self) -> None:
        """Shutdown, step one: no connection reads anything more."""
        for proto in list(self.protocols):
            proto.pause("shutdown")

    def finish_all(self, timeout_s: float) -> Deferred[None]:
        """Shutdown, step two: close each connection once its due acknowledgements are written;
        after ``timeout_s`` drop whatever is left. Fires when every connection is closed."""
        protos = list(self.protocols)
        done: Deferred[list[None]] = gatherResults([p.finish() for p in protos])
        timer = self.reactor.callLater(timeout_s, self._abort_all, protos)

        def settled(_: object) -> None:
            if timer.active():
                timer.cancel()

        return done.addBoth(settled)

    def _abort_all(self, protos: list[TelemetryProtocol]) -> None:
        left = [p for p in protos if p.open]
        if left:
            self.log.warn("shutdown: dropping {n} connections still waiting for commits",
                          n=len(left))
        for proto in left:
            proto.abort()
