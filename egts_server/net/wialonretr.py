"""Wialon Retranslator over TCP (another platform relays its units): how packets are cut,
answered and counted. Every packet names its controller, admitted on first sight; the 0x11
answer goes out after commit (``telemetry.TelemetryProtocol``). A size no packet may have ends
the stream once the answers before it are out."""

from __future__ import annotations

from egts_server.codec.errors import FramingError
from egts_server.codec.wialonretr import Framer, Handled, Session
from egts_server.net.factory import TelemetryFactory
from egts_server.net.outcome import Login, Outcome
from egts_server.net.telemetry import TelemetryProtocol


class WialonRetranslatorProtocol(TelemetryProtocol):
    """One relaying platform's connection."""

    label = "WIALONRETR"

    def __init__(self, factory: WialonRetranslatorFactory, address: str) -> None:
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
        raise AssertionError("Wialon Retranslator has no login")

    def count(self, handled: Outcome) -> None:
        assert isinstance(handled, Handled)
        f = self._factory
        if handled.dropped:
            f.count_dropped(handled.dropped, self._peer)
        if handled.ack is None:
            f.metrics.packets.labels(f.name, "none").inc()
        else:
            f.packet_ok.inc()
            f.record_ok.inc(len(handled.positions))


class WialonRetranslatorFactory(TelemetryFactory):
    """Shared by every Wialon Retranslator connection."""

    protocol = WialonRetranslatorProtocol
    name = "wialonretr"
