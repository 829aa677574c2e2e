"""A telemetry connection over TCP, whatever the protocol: framing, acknowledgement after
commit, and hygiene; nothing else.

The codec (``Session``) decides what every frame means and which bytes answer it. This adapter
writes immediate replies at once, hands fixes to the writer, and writes each packet's
acknowledgement only after its fixes committed, in arrival order (``acks``). The protocol's
subclass (``protocol.EgtsProtocol``, ``ndtp.NdtpProtocol``) says how bytes are cut into frames
and how a login is answered, so every listener gets the same durability, backpressure
(``flow``), deadlines (``deadlines``), metrics and shutdown. A connection is closed, with a
logged ``CloseReason``, when a deadline passes, after ``max_bad_packets`` malformed packets in a
row, on a stream that cannot be framed, or with more than ``max_buffered_bytes`` waiting for a
packet's end.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from twisted.internet.defer import Deferred, gatherResults, succeed
from twisted.internet.protocol import Protocol, connectionDone
from twisted.logger import Logger, LogLevel
from twisted.python.failure import Failure

from db.terminals import Admission
from egts_server.codec.errors import FramingError
from egts_server.model import DeviceKey, Position
from egts_server.net.acks import AckQueue, Due
from egts_server.net.admission import Admissions, first_error, refusal
from egts_server.net.deadlines import ConnectionTimes
from egts_server.net.fastwrite import Write, direct_writer
from egts_server.net.flow import Inbox, Pauser
from egts_server.net.limits import CloseReason
from egts_server.net.outcome import Codec, Framer, Login, Outcome
from egts_server.net.proxy_header import address_text

if TYPE_CHECKING:
    from egts_server.net.factory import TelemetryFactory

__all__ = ["TelemetryProtocol"]


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
        self._admissions = Admissions(factory.admit, lambda: self._peer)
        self._acks = AckQueue(factory.limits.max_pending_fixes, self._deliver,
                              lambda: self.pause("backlog"), lambda: self.resume("backlog"))
        self._times = ConnectionTimes()
        self._peer = "?"
        self._closing = False
        self._gone = False
        self._lost: Deferred[None] | None = None
        self._pauses: tuple[str, ...] = ()  # why we are not reading (empty: reading)
        self._inbox = Inbox()  # frames cut while paused
        self._bad_run = 0
        self._queue_pause = Pauser(self, "queue")
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
        self._peer = address_text(self.transport.getPeer())
        self._times.connected_at = self._times.last_activity = f.seconds()
        f.protocols.add(self)
        f.metrics.connections.inc(1, self._metric_label)
        f.metrics.connections_opened.labels(self._metric_label).inc()
        set_no_delay = getattr(self.transport, "setTcpNoDelay", None)
        if set_no_delay is not None:
            set_no_delay(True)  # acknowledgements are small and must not wait for Nagle
        self.transport.registerProducer(Pauser(self, "output"), True)  # type: ignore[attr-defined]
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
        self._inbox.clear()
        self._queue_pause.detach()
        self._acks.clear()
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
        self._times.last_activity = now
        if self._factory.archive is not None:
            self._archive("in", data)
        frames, error = self.cut(data)
        self._track_partial(bool(frames), now)
        if self._pauses or self._inbox:
            self._inbox.hold(frames, 0, now)
        else:
            self._handle_frames(frames, now)
        if self._closing:
            return
        if error is not None:
            # The stream cannot be cut any more: answer what the codec prescribes once the
            # frames before the bad bytes are handled, and close after their acknowledgements.
            self._times.partial_since = None
            head = bytes(data[:32])
            if self._inbox:
                self._inbox.hold_framing_error(error, head, now)
            else:
                self._framing_error(error, head, now)
        elif self.framer.buffered > self._limits.max_buffered_bytes:
            self.close(CloseReason.BUFFER, abort=True, buffered=self.framer.buffered)

    def _track_partial(self, cut_some: bool, now: float) -> None:
        """Since when a frame has been incomplete (the slow-sender deadline counts from it)."""
        buffered = self.framer.buffered
        if cut_some:
            self._times.partial_since = now if buffered else None
        elif buffered and self._times.partial_since is None:
            self._times.partial_since = now

    def _handle_frames(self, frames: list[bytes], now: float) -> None:
        """Handle the frames of one read, holding back the rest if one of them pauses us."""
        for i, frame in enumerate(frames):
            if self._closing:
                return
            self._process(self.handle(frame), frame, now)
            if self._pauses and i + 1 < len(frames):
                self._inbox.hold(frames, i + 1, now)
                return

    # -- flow control --------------------------------------------------------------------------

    def pause(self, reason: str) -> None:
        """Stop reading for ``reason`` (see the module docstring)."""
        if reason in self._pauses or self._closing:
            return
        if reason == "output":
            self._times.unread_since = self._factory.seconds()
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
            self._times.unread_since = None
        if self._pauses or self._closing:
            return
        now = self._factory.seconds()
        self._times.last_activity = now  # the peer could not send while we were not reading
        if self._times.partial_since is not None:
            self._times.partial_since = now
        self._inbox.run(lambda frame, arrived: self._process(self.handle(frame), frame, arrived),
                        self._framing_error, lambda: not self._pauses and not self._closing)
        if not self._pauses and not self._closing and self.transport is not None:
            self.transport.resumeProducing()  # type: ignore[attr-defined]

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
            self._times.valid_seen = True
        for reply in handled.replies:
            self._write(reply)
        n = len(handled.positions)
        if handled.login is not None:
            due = Due(handled.ack, arrived, n, timed=False)
            self._acks.push(due)
            self._log_in(handled, due)
        else:
            extra = self.also_commit(handled)
            if n or extra is not None:
                due = Due(handled.ack, arrived, n, timed=n > 0)
                self._acks.push(due)
                done = self._store(handled.positions) if n else extra
                assert done is not None
                if n and extra is not None:
                    done = gatherResults([done, extra], consumeErrors=True).addErrback(
                        first_error)
                done.addCallbacks(self._ready, self._ready, callbackArgs=(due,),
                                  errbackArgs=(due,))
            elif handled.ack is not None:
                self._acks.push(Due(handled.ack, arrived, 0, ready=True))
        if handled.close:
            self._close_in_turn(reason)
        elif self._bad_run >= self._limits.max_bad_packets:
            self._close_in_turn(CloseReason.BAD_PACKETS)

    def _archive(self, direction: str, data: bytes) -> None:
        archive = self._factory.archive
        assert archive is not None
        device = self.device
        archive.record(direction, self._peer, str(device) if device else None, data)

    def _log_in(self, handled: Outcome, due: Due) -> None:
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

        d = self._admissions.ask(login.device, login.imei, login.details)
        d.addCallback(decided).addCallbacks(self._ready, self._ready, callbackArgs=(due,),
                                            errbackArgs=(due,))

    def _store(self, positions: Iterable[Position]) -> Deferred[None]:
        return self._admissions.store(positions, self._factory.writer.submit, self._factory.clock)

    # -- answers in arrival order ---------------------------------------------------------------

    def _ready(self, result: object, due: Due) -> None:
        """A packet's fixes committed (or failed): answer it, and what waited behind it."""
        self._acks.settle(due, result if isinstance(result, Failure) else None)

    def _deliver(self, due: Due) -> None:
        """A packet's turn has come: write its acknowledgement, or close after its failure."""
        if due.failure is not None:
            self._broken(due.failure)
        elif not self._closing:
            if due.ack is not None:
                self._write(due.ack)
                now = self._factory.seconds()
                self._times.last_activity = max(self._times.last_activity, now)
                if due.timed:
                    self._factory.metrics.ack_seconds.observe(now - due.arrived)
            if due.then is not None:
                due.then()

    def _broken(self, failure: Failure) -> None:
        """A login or store step failed: nothing more is acknowledged; the terminal resends."""
        if self._closing:
            return
        known = refusal(failure)
        if known is not None:
            self.close(known[0], error=known[1])
        else:
            self.log.failure("{protocol} {peer}: closing after an unexpected failure", failure,
                             LogLevel.error, **self._fields())
            self.close(CloseReason.STORAGE, log=False)

    def _close_in_turn(self, reason: CloseReason) -> None:
        """Close once every answer queued before this point has been written."""
        self._acks.push(Due(None, 0.0, 0, ready=True, then=lambda: self.close(reason)))

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
        if self._closing:
            return
        reading = not [r for r in self._pauses if r != "output"]
        expiry = self._times.expired(now, self._limits, reading=reading,
                                     pending=self._acks.pending_fixes > 0)
        if expiry is None:
            return
        fields: dict[str, Any] = {}
        if expiry.reason is CloseReason.SLOW_SENDER:
            fields["buffered"] = self.framer.buffered
        if expiry.seconds is not None:
            fields["seconds"] = expiry.seconds
        self.close(expiry.reason, abort=expiry.abort, **fields)

    def _fields(self) -> dict[str, object]:
        """Who this connection is, for structured log events."""
        device = self.device
        admission = self._admissions.get(device) if device is not None else None
        return {"protocol": self.label, "peer": self._peer,
                "terminal": str(device) if device else None,
                "terminal_id": admission.terminal_id if admission else None,
                "vehicle_id": admission.vehicle_id if admission else None}
