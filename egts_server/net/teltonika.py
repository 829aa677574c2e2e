"""Teltonika AVL over TCP: how its bytes are cut, the IMEI answered and packets counted.

Everything else a connection does (the record count only after commit and in arrival order,
backpressure, limits, metrics, shutdown) is ``telemetry.TelemetryProtocol``'s. A stream whose
packet header is broken cannot be cut any more: it is closed once the answers before it are
out. Packets are counted by the record count they were answered with ("0": none accepted).
"""

from __future__ import annotations

from egts_server.codec.errors import FramingError
from egts_server.codec.teltonika import NOTHING_ACCEPTED, Framer, Handled, Session
from egts_server.codec.teltonika.session import Login as TeltonikaLogin
from egts_server.net.factory import TelemetryFactory
from egts_server.net.outcome import Login, Outcome
from egts_server.net.telemetry import TelemetryProtocol


class TeltonikaProtocol(TelemetryProtocol):
    """One Teltonika device connection."""

    label = "TELTONIKA"

    def __init__(self, factory: TeltonikaFactory, address: str) -> None:
        self._framer = Framer()
        self._session = Session()
        super().__init__(factory, address, self._framer, self._session)

    def cut(self, data: bytes) -> tuple[list[bytes], FramingError | None]:
        try:
            return self._framer.feed(data), None
        except FramingError as error:
            return list(error.frames), error

    def handle(self, frame: bytes) -> Handled:
        return self._session.handle(frame)

    def answer_framing_error(self, error: FramingError) -> Handled:
        return self._session.framing_error(error)

    def login_result(self, login: Login, accepted: bool) -> bytes:
        assert isinstance(login, TeltonikaLogin)
        return self._session.login_result(login, accepted)

    def count(self, handled: Outcome) -> None:
        assert isinstance(handled, Handled)
        f = self._factory
        if handled.ack is None or handled.login is not None:
            (f.packet_ok if handled.error is None else
             f.metrics.packets.labels(f.name, "none")).inc()
        elif handled.ack == NOTHING_ACCEPTED:
            f.metrics.packets.labels(f.name, "0").inc()
        else:
            f.metrics.packets.labels(f.name, "accepted").inc()
            f.record_ok.inc(len(handled.positions))


class TeltonikaFactory(TelemetryFactory):
    """Shared by every Teltonika connection."""

    protocol = TeltonikaProtocol
    name = "teltonika"
