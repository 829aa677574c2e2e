"""Simulated Wialon Retranslator relays and OsmAnd phones: real TCP clients with a black box.

A Wialon Retranslator relay forwards its vehicle's fixes one packet each and takes every 0x11
as the answer to its oldest packet. A phone reports each fix as an HTTP/1.1 GET on a kept-alive
connection, as OsmAnd and Traccar Client do; a 200 confirms the oldest request. Both keep
what is unconfirmed and send it again after a reconnect.
"""

from __future__ import annotations

import urllib.parse
from datetime import datetime
from itertools import count
from types import MappingProxyType
from typing import Any

from dispatch.motion import VehicleState
from egts_server.codec.errors import FormatError
from egts_server.codec.osmand import KNOT_KMH, Report
from egts_server.codec.wialonretr import ACK, PosInfo, RetranslatorPacket, build_packet
from egts_server.simulator.black_box import (
    BlackBoxTerminal,
    BlackBoxTerminalFactory,
    InFlight,
)


class _Countdown:
    """Packets of several requests, each answered in order without naming it: a packet is
    confirmed by the last of its answers."""

    def __init__(self) -> None:
        self._ids = count()
        self._left: dict[int, int] = {}  # packet id -> answers still to come

    def next_id(self, answers: int) -> int:
        packet_id = next(self._ids)
        self._left[packet_id] = answers
        return packet_id

    def answered(self, in_flight: dict[int, InFlight[Any]]) -> InFlight[Any] | None:
        """The packet one more answer completes, taken out of ``in_flight``; else None."""
        if not in_flight:
            return None
        oldest = min(in_flight)
        for stale in [k for k in self._left if k < oldest]:  # given up and sent again
            del self._left[stale]
        left = self._left.get(oldest, 1) - 1
        if left > 0:
            self._left[oldest] = left
            return None
        self._left.pop(oldest, None)
        return in_flight.pop(oldest)


class SimulatedRetranslator(BlackBoxTerminal[RetranslatorPacket]):
    label = "simulated Wialon Retranslator"
    answer = "0x11"

    def _hello(self) -> None:
        self._answers = _Countdown()  # the protocol has no login: every packet names its unit

    def _answer_size(self, received: bytes) -> int:
        return 1

    def _on_frame(self, frame: bytes) -> None:
        if frame != ACK:
            raise FormatError(f"unexpected answer {frame!r}")
        flight = self._answers.answered(self._in_flight)
        if flight is not None:
            self._memory.forget(flight.fixes)

    def _fix(self, now: datetime, state: VehicleState) -> RetranslatorPacket:
        return RetranslatorPacket(
            str(self._memory.vehicle.tid), now, 0x3,
            PosInfo(state.longitude, state.latitude, float(self._rng.randint(25, 60)),
                    round(state.speed_kmh), round(state.course_deg) % 360,
                    self._rng.randint(8, 16)),
            MappingProxyType({"avl_inputs": 1 if self._working(state) else 0,
                              "odometer_m": round(state.odometer_m, 1)}))

    def _packet(self, fixes: list[RetranslatorPacket], *,
                history: bool) -> tuple[bytes, int, tuple[int, ...]]:
        return b"".join(build_packet(f) for f in fixes), self._answers.next_id(len(fixes)), ()


class SimulatedPhone(BlackBoxTerminal[Report]):
    label = "simulated OsmAnd phone"
    answer = "200"

    def _hello(self) -> None:
        self._answers = _Countdown()
        self._failed = False  # a request of the packet in flight was not answered 200

    def _answer_size(self, received: bytes) -> int | None:
        """Whole HTTP responses (status line, headers, a Content-Length body)."""
        end = received.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = received[:end].decode("latin-1").lower()
        return end + 4 + next((int(line.split(":", 1)[1]) for line in head.split("\r\n")
                               if line.startswith("content-length:")), 0)

    def _on_frame(self, frame: bytes) -> None:
        self._failed = self._failed or not frame.startswith(b"HTTP/1.1 200")
        flight = self._answers.answered(self._in_flight)
        if flight is not None:
            if not self._failed:
                self._memory.forget(flight.fixes)
            self._failed = False

    def _fix(self, now: datetime, state: VehicleState) -> Report:
        return Report(device_id=str(self._memory.vehicle.tid), latitude=round(state.latitude, 6),
                      longitude=round(state.longitude, 6), fix_time=now,
                      speed_kmh=state.speed_kmh, course_deg=round(state.course_deg, 1),
                      accuracy_m=float(self._rng.randint(3, 15)),
                      battery_percent=float(self._rng.randint(40, 100)))

    def _packet(self, fixes: list[Report], *,
                history: bool) -> tuple[bytes, int, tuple[int, ...]]:
        """One GET per report, each answered on its own."""
        return b"".join(_request(r) for r in fixes), self._answers.next_id(len(fixes)), ()


def _request(report: Report) -> bytes:
    assert report.fix_time is not None and report.speed_kmh is not None
    query = urllib.parse.urlencode({
        "id": report.device_id, "lat": report.latitude, "lon": report.longitude,
        "timestamp": int(report.fix_time.timestamp()),
        "speed": round(report.speed_kmh / KNOT_KMH, 2), "bearing": report.course_deg,
        "accuracy": report.accuracy_m, "batt": report.battery_percent})
    return f"GET /?{query} HTTP/1.1\r\nHost: osmand\r\n\r\n".encode()


class SimulatedRetranslatorFactory(BlackBoxTerminalFactory[RetranslatorPacket]):
    terminal = SimulatedRetranslator


class SimulatedPhoneFactory(BlackBoxTerminalFactory[Report]):
    terminal = SimulatedPhone
