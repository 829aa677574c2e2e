"""NDTP v6 over TCP: how NDTP bytes are cut, a login answered and frames counted.

Everything else a connection does (results only after commit and in arrival order,
backpressure, limits, metrics, shutdown) is ``telemetry.TelemetryProtocol``'s, the same as for
EGTS. NDTP has no unrecoverable framing state: garbage between frames is skipped by the framer,
counted and logged, and the connection goes on (research/nis.md §4-5).
"""

from __future__ import annotations

from typing import Final

from egts_server.codec.errors import FramingError
from egts_server.codec.ndtp import POLICY, Framer, Handled, NphResult, Session, Situation
from egts_server.codec.ndtp.session import Login as NdtpLogin
from egts_server.net.factory import TelemetryFactory
from egts_server.net.outcome import Login, Outcome
from egts_server.net.telemetry import TelemetryProtocol

_REFUSED: Final = POLICY[Situation.UNREGISTERED].reply


class NdtpProtocol(TelemetryProtocol):
    """One NDTP terminal (or relay) connection."""

    label = "NDTP"

    def __init__(self, factory: NdtpFactory, address: str) -> None:
        self._framer = Framer()
        self._session = Session()
        super().__init__(factory, address, self._framer, self._session)

    def cut(self, data: bytes) -> tuple[list[bytes], FramingError | None]:
        skipped, false_signatures = self._framer.skipped, self._framer.false_signatures
        frames = self._framer.feed(data)
        if self._framer.skipped != skipped:
            self.log.warn("NDTP {peer}: skipped {n} bytes to resynchronise "
                          "({false} false signatures)", n=self._framer.skipped - skipped,
                          false=self._framer.false_signatures - false_signatures,
                          **self._fields())
        return frames, None

    def handle(self, frame: bytes) -> Handled:
        return self._session.handle(frame)

    def login_result(self, login: Login, accepted: bool) -> bytes:
        assert isinstance(login, NdtpLogin) and _REFUSED is not None
        return self._session.login_result(login, NphResult.OK if accepted else _REFUSED)

    def count(self, handled: Outcome) -> None:
        """Packets by the NPH_RESULT that answers them (``none``: dropped unanswered)."""
        assert isinstance(handled, Handled)
        f = self._factory
        if handled.situation is None:
            f.packet_ok.inc()
            return
        reply = POLICY[handled.situation].reply
        f.metrics.packets.labels(f.name, "none" if reply is None else str(int(reply))).inc()


class NdtpFactory(TelemetryFactory):
    """Shared by every NDTP connection."""

    protocol = NdtpProtocol
    name = "ndtp"
