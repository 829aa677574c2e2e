"""NDTP v6 over TCP: framing, per-connection state and results; nothing else.

The codec decides what every frame means and which bytes answer it. This adapter hands fixes
to the writer as soon as the terminal's registry admission is known, and writes each frame's
result only after the writer says its fixes committed, in the order the frames arrived
(research/nis.md §4-5). It mirrors ``protocol.EgtsProtocol`` with two differences: the login
decision is started at once and every store waits for it (so pipelined NAVDATA never races the
registry), and NDTP has no unrecoverable framing state, so garbage is only counted and logged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from typing import Protocol as Interface

from twisted.internet.defer import Deferred, succeed
from twisted.internet.interfaces import IDelayedCall
from twisted.internet.protocol import Protocol, ServerFactory, connectionDone
from twisted.logger import Logger
from twisted.protocols.policies import TimeoutMixin
from twisted.python.failure import Failure

from db.positions import FixRow
from db.terminals import Admission
from egts_server.codec.ndtp import POLICY, Framer, Handled, Login, NphResult, Session, Situation
from egts_server.model import DeviceKey, Position

Admit = Callable[[DeviceKey, "str | None", Mapping[str, str]], "Deferred[Admission]"]
Clock = Callable[[], datetime]


class Writer(Interface):
    """What the adapter needs of ``sinks.BatchingWriter``: submit, and backpressure."""

    def submit(self, rows: Sequence[FixRow]) -> Deferred[None]: ...

    def register_producer(self, producer: Any) -> None: ...

    def unregister_producer(self, producer: Any) -> None: ...


class TerminalRejected(Exception):
    """The registry refused the device whose fixes arrived on this connection."""


class NdtpProtocol(Protocol, TimeoutMixin):
    """One NDTP terminal (or relay) connection."""

    log = Logger()

    def __init__(self, factory: NdtpFactory) -> None:
        self._factory = factory
        self._framer = Framer()
        self._session = Session()
        self._admitted: dict[DeviceKey, Admission] = {}
        self._deciding: dict[DeviceKey, list[Deferred[Admission]]] = {}
        self._tail: Deferred[Any] = succeed(None)  # results go out in arrival order
        self._peer = "?"
        self._closing = False
        self._login_deadline: IDelayedCall | None = None

    def callLater(self, period: float, func: Callable[[], object]) -> IDelayedCall:  # noqa: N802
        """TimeoutMixin's timer (and ours), on the factory's reactor: a clock in tests."""
        call: IDelayedCall = self._factory.reactor.callLater(period, func)
        return call

    # -- Twisted callbacks -------------------------------------------------------------------

    def connectionMade(self) -> None:  # noqa: N802
        assert self.transport is not None
        self._peer = str(self.transport.getPeer())
        self.setTimeout(self._factory.idle_timeout_s)
        self._login_deadline = self.callLater(self._factory.login_timeout_s, self._no_login)
        self._factory.writer.register_producer(self.transport)
        self.log.info("NDTP connection from {peer}", peer=self._peer)

    def connectionLost(self, reason: Failure = connectionDone) -> None:  # noqa: N802
        self.setTimeout(None)
        self._cancel_login_deadline()
        if self.transport is not None:
            self._factory.writer.unregister_producer(self.transport)
        if self._framer.buffered:
            self.log.info("NDTP {peer}: {n} bytes of an incomplete frame discarded",
                          peer=self._peer, n=self._framer.buffered)
        self.log.info("NDTP connection from {peer} ({device}) closed: {why}", peer=self._peer,
                      device=self._session.device, why=reason.getErrorMessage())

    def timeoutConnection(self) -> None:  # noqa: N802
        self.log.info("NDTP {peer} ({device}) idle for {s}s: closing", peer=self._peer,
                      device=self._session.device, s=self._factory.idle_timeout_s)
        super().timeoutConnection()

    def _no_login(self) -> None:
        """No CONN_REQUEST in time: whatever this is, it is not a terminal talking NDTP."""
        self._login_deadline = None
        self.log.info("NDTP {peer}: no CONN_REQUEST within {s}s: closing", peer=self._peer,
                      s=self._factory.login_timeout_s)
        self._lose()

    def _cancel_login_deadline(self) -> None:
        if self._login_deadline is not None and self._login_deadline.active():
            self._login_deadline.cancel()
        self._login_deadline = None

    def dataReceived(self, data: bytes) -> None:  # noqa: N802
        self.resetTimeout()
        skipped, false_signatures = self._framer.skipped, self._framer.false_signatures
        frames = self._framer.feed(data)
        if self._framer.skipped != skipped:
            self.log.warn("NDTP {peer}: skipped {n} bytes to resynchronise "
                          "({false} false signatures)", peer=self._peer,
                          n=self._framer.skipped - skipped,
                          false=self._framer.false_signatures - false_signatures)
        for frame in frames:
            if self._closing:  # refused or broken: nothing after that is read
                return
            self._process(self._session.handle(frame), frame)

    # -- per frame -----------------------------------------------------------------------------

    def _process(self, handled: Handled, frame: bytes) -> None:
        if handled.error is not None:
            self.log.warn("NDTP {peer} ({device}): {error}", peer=self._peer,
                          device=self._session.device, error=handled.error,
                          situation=handled.situation, head=frame[:32].hex())
        for reply in handled.replies:
            self._write(reply)
        if handled.login is not None:
            self._cancel_login_deadline()
            self._log_in(handled.login)
        if handled.positions or handled.ack is not None:
            stored = self._store(handled.positions)
            ack = handled.ack
            self._after_pending(lambda _: stored.addCallback(lambda _: self._write(ack)))
        if handled.close:
            self._after_pending(lambda _: self._lose())

    def _log_in(self, login: Login) -> None:
        """Ask the registry now; answer in turn; wake the stores waiting for the verdict."""
        self._admitted.pop(login.device, None)
        self._deciding.setdefault(login.device, [])
        d = self._factory.admit(login.device, login.imei, login.details)

        def decided(admission: Admission) -> Admission:
            self._admitted[login.device] = admission
            for waiter in self._deciding.pop(login.device, []):
                waiter.callback(admission)
            self.log.info("NDTP {peer}: login {device} imei={imei}: {verdict} ({reason})",
                          peer=self._peer, device=login.device, imei=login.imei,
                          verdict="accepted" if admission.accepted else "refused",
                          reason=admission.reason, terminal_id=admission.terminal_id,
                          vehicle_id=admission.vehicle_id)
            return admission

        def failed(failure: Failure) -> Failure:
            for waiter in self._deciding.pop(login.device, []):
                waiter.errback(failure)
            return failure

        def answer(admission: Admission) -> None:
            refused = POLICY[Situation.UNREGISTERED].reply
            code = NphResult.OK if admission.accepted else refused
            assert code is not None
            self._write(self._session.login_result(login, code))
            if not admission.accepted and POLICY[Situation.UNREGISTERED].close:
                self._lose()

        d.addCallbacks(decided, failed)
        self._after_pending(lambda _: d.addCallback(answer))

    def _store(self, positions: tuple[Position, ...]) -> Deferred[None]:
        """Submit as soon as the device's admission is known (at once when it already is)."""
        if not positions:
            return succeed(None)
        device = positions[0].device  # one connection, one device at a time
        admission = self._admitted.get(device)
        if admission is not None:
            return self._submit(admission, positions)
        waiter: Deferred[Admission] = Deferred()
        waiting = self._deciding.get(device)
        if waiting is None:  # no login in flight for it (cannot happen with a sane session)
            self._factory.admit(device, None, {}).chainDeferred(waiter)
        else:
            waiting.append(waiter)
        return waiter.addCallback(self._submit, positions)

    def _submit(self, admission: Admission, positions: tuple[Position, ...]) -> Deferred[None]:
        if not admission.accepted or admission.terminal_id is None:
            raise TerminalRejected(f"{positions[0].device}: {admission.reason}")
        now = self._factory.clock()
        return self._factory.writer.submit(
            [FixRow(admission.terminal_id, admission.vehicle_id, now, p) for p in positions])

    # -- ordering and closing --------------------------------------------------------------------

    def _after_pending(self, step: Callable[[Any], Any]) -> None:
        self._tail.addCallback(step)
        self._tail.addErrback(self._broken)

    def _broken(self, failure: Failure) -> None:
        """A login or store step failed: nothing more is answered; the terminal resends."""
        if failure.check(TerminalRejected):
            self.log.warn("NDTP {peer}: {error}; closing", peer=self._peer,
                          error=failure.getErrorMessage())
        else:
            self.log.failure("NDTP {peer} ({device}): closing after a registry or storage "
                             "failure", failure, peer=self._peer, device=self._session.device)
        if POLICY[Situation.DATABASE_DOWN].close:
            self._lose()

    def _write(self, data: bytes | None) -> None:
        if data and self.transport is not None and not self._closing:
            self.transport.write(data)

    def _lose(self) -> None:
        self._closing = True
        if self.transport is not None:
            self.transport.loseConnection()


class NdtpFactory(ServerFactory):
    """Shared by every NDTP connection: the writer, the registry and the clock."""

    protocol = NdtpProtocol  # type: ignore[assignment]
    noisy = False

    def __init__(self, writer: Writer, admit: Admit, clock: Clock,
                 idle_timeout_s: float = 300.0, *, login_timeout_s: float = 30.0,
                 reactor: Any = None) -> None:
        if reactor is None:
            from twisted.internet import reactor as default_reactor

            reactor = default_reactor
        self.writer = writer
        self.admit = admit
        self.clock = clock
        self.idle_timeout_s = idle_timeout_s
        self.login_timeout_s = login_timeout_s
        self.reactor = reactor

    def buildProtocol(self, addr: Any) -> NdtpProtocol:  # noqa: N802
        proto = NdtpProtocol(self)
        proto.factory = self
        return proto
