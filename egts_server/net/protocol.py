"""EGTS over TCP: framing, per-connection state and acknowledgement; nothing else.

The codec decides what every frame means and which bytes answer it. This adapter writes
immediate replies at once, hands fixes to the writer, and writes each packet's acknowledgement
only after the writer says its fixes committed, in the order the packets arrived.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from twisted.internet.defer import Deferred, gatherResults, succeed
from twisted.internet.protocol import Protocol, ServerFactory
from twisted.logger import Logger
from twisted.protocols.policies import TimeoutMixin
from twisted.python.failure import Failure

from db.positions import FixRow
from db.terminals import Admission
from egts_server.codec.egts import Framer, Handled, ResultCode, Session
from egts_server.codec.errors import FramingError
from egts_server.model import DeviceKey, Position
from egts_server.sinks import BatchingWriter

Admit = Callable[[DeviceKey, "str | None", Mapping[str, str]], "Deferred[Admission]"]
Clock = Callable[[], datetime]


class TerminalRejected(Exception):
    """The registry refused a device whose fixes arrived on this connection."""


class EgtsProtocol(Protocol, TimeoutMixin):
    """One terminal (or relay) connection."""

    log = Logger()

    def __init__(self, factory: EgtsFactory) -> None:
        self._factory = factory
        self._framer = Framer()
        self._session = Session(now=factory.clock)
        self._admitted: dict[DeviceKey, Admission] = {}
        self._tail: Deferred[Any] = succeed(None)  # acknowledgements go out in arrival order
        self._peer = "?"
        self._closing = False

    # -- Twisted callbacks -------------------------------------------------------------------

    def connectionMade(self) -> None:  # noqa: N802
        assert self.transport is not None
        self._peer = str(self.transport.getPeer())
        self.setTimeout(self._factory.idle_timeout_s)
        self._factory.writer.register_producer(self.transport)  # type: ignore[arg-type]
        self.log.info("EGTS connection from {peer}", peer=self._peer)

    def connectionLost(self, reason: Failure = Failure(ConnectionError())) -> None:  # noqa: N802
        self.setTimeout(None)
        if self.transport is not None:
            self._factory.writer.unregister_producer(self.transport)  # type: ignore[arg-type]
        self.log.info("EGTS connection from {peer} ({device}) closed: {why}", peer=self._peer,
                      device=self._session.device, why=reason.getErrorMessage())

    def timeoutConnection(self) -> None:  # noqa: N802
        self.log.info("EGTS {peer} ({device}) idle for {s}s: closing", peer=self._peer,
                      device=self._session.device, s=self._factory.idle_timeout_s)
        super().timeoutConnection()

    def dataReceived(self, data: bytes) -> None:  # noqa: N802
        self.resetTimeout()
        try:
            frames = self._framer.feed(data)
        except FramingError as error:
            # The stream cannot be cut any more: handle the whole frames cut before the bad
            # bytes, answer what the codec prescribes, and close once those are acknowledged.
            for frame in error.frames:
                self._process(self._session.handle(frame), frame)
            self._process(self._session.framing_error(error), bytes(data[:32]))
            return
        for frame in frames:
            self._process(self._session.handle(frame), frame)

    # -- per packet ----------------------------------------------------------------------------

    def _process(self, handled: Handled, frame: bytes) -> None:
        if handled.error is not None:
            self.log.warn("EGTS {peer} ({device}): {error}", peer=self._peer,
                          device=self._session.device, error=handled.error,
                          head=frame[:32].hex())
        for reply in handled.replies:
            self._write(reply)
        if handled.login is not None:
            self._after_pending(lambda _: self._log_in(handled))
        elif handled.positions or handled.ack is not None:
            stored = self._store(handled.positions)
            self._after_pending(lambda _: stored.addCallback(lambda _: self._write(handled.ack)))
        if handled.close:
            self._close_after_pending()

    def _log_in(self, handled: Handled) -> Deferred[None]:
        login = handled.login
        assert login is not None
        d = self._factory.admit(login.device, login.imei, login.details)

        def decided(admission: Admission) -> Deferred[None] | None:
            self._admitted[login.device] = admission
            code = ResultCode.OK if admission.accepted else ResultCode.AUTH_DENIED
            self.log.info("EGTS {peer}: login {device} imei={imei}: {verdict} ({reason})",
                          peer=self._peer, device=login.device, imei=login.imei,
                          verdict="accepted" if admission.accepted else "refused",
                          reason=admission.reason, terminal_id=admission.terminal_id,
                          vehicle_id=admission.vehicle_id)
            stored = self._store(handled.positions) if admission.accepted else succeed(None)

            def answer(_: object) -> None:
                self._write(handled.ack)
                self._write(self._session.login_result(code))
                if not admission.accepted:
                    self._lose()

            return stored.addCallback(answer)

        return d.addCallback(decided)

    def _store(self, positions: Iterable[Position]) -> Deferred[None]:
        """Submit now; devices seen for the first time (record OIDs) go through the registry."""
        batch = list(positions)
        if not batch:
            return succeed(None)
        unknown = {p.device for p in batch} - set(self._admitted)
        admitted = gatherResults([self._admit_device(device) for device in unknown],
                                 consumeErrors=True)
        return admitted.addCallback(lambda _: self._factory.writer.submit(self._rows(batch)))

    def _admit_device(self, device: DeviceKey) -> Deferred[None]:
        def remember(admission: Admission) -> None:
            self._admitted[device] = admission

        return self._factory.admit(device, None, {}).addCallback(remember)

    def _rows(self, positions: list[Position]) -> list[FixRow]:
        now = self._factory.clock()
        rows = []
        for p in positions:
            admission = self._admitted[p.device]
            if not admission.accepted or admission.terminal_id is None:
                raise TerminalRejected(f"{p.device}: {admission.reason}")
            rows.append(FixRow(admission.terminal_id, admission.vehicle_id, now, p))
        return rows

    # -- ordering and closing --------------------------------------------------------------------

    def _after_pending(self, step: Callable[[Any], Any]) -> None:
        self._tail.addCallback(step)
        self._tail.addErrback(self._broken)

    def _broken(self, failure: Failure) -> None:
        """A login or store step failed: nothing more is acknowledged; the terminal resends."""
        if failure.check(TerminalRejected):
            self.log.warn("EGTS {peer}: {error}; closing", peer=self._peer,
                          error=failure.getErrorMessage())
        else:
            self.log.failure("EGTS {peer} ({device}): closing after a storage failure", failure,
                             peer=self._peer, device=self._session.device)
        self._lose()

    def _close_after_pending(self) -> None:
        self._after_pending(lambda _: self._lose())

    def _write(self, data: bytes | None) -> None:
        if data and self.transport is not None and not self._closing:
            self.transport.write(data)

    def _lose(self) -> None:
        self._closing = True
        if self.transport is not None:
            self.transport.loseConnection()


class EgtsFactory(ServerFactory):
    """Shared by every EGTS connection: the writer, the registry and the clock."""

    protocol = EgtsProtocol  # type: ignore[assignment]
    noisy = False

    def __init__(self, writer: BatchingWriter, admit: Admit, clock: Clock,
                 idle_timeout_s: float) -> None:
        self.writer = writer
        self.admit = admit
        self.clock = clock
        self.idle_timeout_s = idle_timeout_s

    def buildProtocol(self, addr: Any) -> EgtsProtocol:  # noqa: N802
        proto = EgtsProtocol(self)
        proto.factory = self
        return proto
