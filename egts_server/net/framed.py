"""Binary tracker protocols over TCP whose codec has the usual shape (``Framer`` that raises
``FramingError`` when the stream cannot be cut, ``Session`` with ``handle``,
``framing_error`` and, where the protocol has a login, ``login_result``): Teltonika
(``net.teltonika``, which adds commands), Galileosky, NavTelecom FLEX and Wialon Retranslator.
One adapter serves them all; each protocol is a few lines below.

Everything else (answers after commit and in order, backpressure, limits, shutdown) is
``telemetry.TelemetryProtocol``'s. Packets are counted by outcome: ``0`` answered without
error, ``none`` dropped unanswered, else the error's class; dropped optional elements in
``glonass_elements_dropped_total``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from egts_server.codec import galileosky, navtelecom, wialonretr
from egts_server.codec.errors import FramingError
from egts_server.net.factory import TelemetryFactory
from egts_server.net.outcome import Login, Outcome
from egts_server.net.telemetry import TelemetryProtocol

Codec = Callable[[], tuple[Any, Any]]  # a fresh (framer, session) for one connection


def pair(framer: Callable[[], Any], session: Callable[[], Any]) -> Codec:
    return lambda: (framer(), session())


def _navtelecom() -> tuple[Any, Any]:
    """NavTelecom's framer measures FLEX records by the field set its session negotiated."""
    negotiated = navtelecom.Negotiated()
    return navtelecom.Framer(negotiated), navtelecom.Session(negotiated)


class FramedProtocol(TelemetryProtocol):
    """One connection of the protocol whose ``codec`` makes the framer and session."""

    codec: ClassVar[Codec]

    def __init__(self, factory: TelemetryFactory, address: str) -> None:
        self._framer, self._session = type(self).codec()
        super().__init__(factory, address, self._framer, self._session)

    def cut(self, data: bytes) -> tuple[list[bytes], FramingError | None]:
        try:
            return self._framer.feed(data), None
        except FramingError as error:
            return list(error.frames), error

    def handle(self, frame: bytes) -> Outcome:
        handled: Outcome = self._session.handle(frame)
        return handled

    def answer_framing_error(self, error: FramingError) -> Outcome:
        handled: Outcome = self._session.framing_error(error)
        return handled

    def login_result(self, login: Login, accepted: bool) -> bytes:
        answer: bytes = self._session.login_result(login, accepted)
        return answer

    def count(self, handled: Outcome) -> None:
        f = self._factory
        dropped: tuple[str, ...] = getattr(handled, "dropped", ())
        if dropped:
            f.count_dropped(dropped, self._peer)
        if handled.error is None:
            f.packet_ok.inc()
            f.record_ok.inc(len(handled.positions))
        else:
            outcome = "none" if handled.ack is None else type(handled.error).__name__
            f.metrics.packets.labels(f.name, outcome).inc()


class GalileoskyProtocol(FramedProtocol):
    label = "GALILEOSKY"
    codec = pair(galileosky.Framer, galileosky.Session)


class GalileoskyFactory(TelemetryFactory):
    protocol = GalileoskyProtocol
    name = "galileosky"


class WialonRetranslatorProtocol(FramedProtocol):
    label = "WIALONRETR"
    codec = pair(wialonretr.Framer, wialonretr.Session)


class WialonRetranslatorFactory(TelemetryFactory):
    protocol = WialonRetranslatorProtocol
    name = "wialonretr"


class NavtelecomProtocol(FramedProtocol):
    label = "NAVTELECOM"
    codec = _navtelecom


class NavtelecomFactory(TelemetryFactory):
    protocol = NavtelecomProtocol
    name = "navtelecom"
