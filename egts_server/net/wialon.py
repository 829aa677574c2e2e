"""Wialon IPS over TCP: how its text packets are cut, a login answered and packets counted.

Everything else a connection does (answers only after commit and in arrival order,
backpressure, limits, metrics, shutdown) is ``telemetry.TelemetryProtocol``'s. Packets are
counted by the answer code they got (``#AD#1`` counts as ``1``); a malformed optional element
that was left out of a stored fix is counted in ``glonass_elements_dropped_total``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from egts_server.codec.errors import FramingError
from egts_server.codec.wialon import DroppedText, Framer, Handled, Session
from egts_server.codec.wialon import Login as WialonLogin
from egts_server.net.factory import TelemetryFactory
from egts_server.net.outcome import Login, Outcome
from egts_server.net.telemetry import TelemetryProtocol


class WialonProtocol(TelemetryProtocol):
    """One Wialon IPS tracker connection."""

    label = "WIALON"

    def __init__(self, factory: WialonFactory, address: str) -> None:
        self._framer = Framer()
        self._session = Session(factory.passwords, now=factory.clock)
        super().__init__(factory, address, self._framer, self._session)

    def cut(self, data: bytes) -> tuple[list[bytes], FramingError | None]:
        return self._framer.feed(data), None

    def handle(self, frame: bytes) -> Handled[DroppedText]:
        return self._session.handle(frame)

    def login_result(self, login: Login, accepted: bool) -> bytes:
        assert isinstance(login, WialonLogin)
        return self._session.login_result(login, accepted)

    def count(self, handled: Outcome) -> None:
        assert isinstance(handled, Handled)
        f = self._factory
        if handled.dropped:
            f.count_dropped((element for element, _ in handled.dropped), self._peer)
        if handled.ack is None:
            (f.packet_ok if handled.error is None else
             f.metrics.packets.labels(f.name, "none")).inc()
            return
        code = handled.ack.decode().rstrip("\r\n").rpartition("#")[2] or "none"
        f.metrics.packets.labels(f.name, code).inc()


class WialonFactory(TelemetryFactory):
    """Shared by every Wialon IPS connection; ``passwords`` by tracker id."""

    protocol = WialonProtocol
    name = "wialon"

    def __init__(self, *args: Any, passwords: Mapping[str, str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.passwords = passwords or {}
