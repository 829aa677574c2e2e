"""A simulated NDTP v6 terminal (a Granit-style black box) as a real TCP client.

It identifies with CONN_REQUEST (device id = the demo vehicle's terminal id, plus IMEI), then
sends one NPH_SND_REALTIME record every ``interval_s``: navigation, internal I/O (the
working-equipment input, the odometer) and, for road machines, the road-machine cell 5 with the
equipment state in its first byte. Every record stays in memory until the server's NPH_RESULT 0
for it arrives; unanswered requests are resent after 5 s up to 3 times, then the terminal
reconnects and replays its backlog as NPH_SND_HISTORY, as real terminals do after an outage.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from twisted.internet.protocol import Protocol, ReconnectingClientFactory, connectionDone
from twisted.internet.task import LoopingCall
from twisted.logger import Logger
from twisted.python.failure import Failure

from egts_server.codec.errors import CodecError
from egts_server.codec.ndtp import (
    DeviceMessageEvent,
    Framer,
    NdtpFix,
    ResultEvent,
    Service,
    TerminalClient,
)
from egts_server.simulator.terminal import (
    RESEND_ATTEMPTS,
    RESPONSE_TIMEOUT_S,
    TerminalMemory,
)

MAX_RECORDS_PER_FRAME = 10  # backlog replay packs this many records into one HISTORY frame


@dataclass(slots=True)
class _InFlight:
    fixes: list[NdtpFix]
    sent_at: float
    history: bool
    attempts: int = 1


NdtpTerminalMemory = TerminalMemory[NdtpFix]  # the same black box, holding NDTP records


class SimulatedNdtpTerminal(Protocol):
    log = Logger()

    def __init__(self, memory: NdtpTerminalMemory, interval_s: float, clock: Any,
                 rng: random.Random) -> None:
        self._memory = memory
        self._interval_s = interval_s
        self._clock = clock
        self._rng = rng
        self._client = TerminalClient(memory.vehicle.tid)
        self._framer = Framer()
        self._in_flight: dict[int, _InFlight] = {}
        self._login_id: int | None = None
        self._ticker = LoopingCall(self._tick)
        self._ticker.clock = clock
        self._watchdog = LoopingCall(self._resend_overdue)
        self._watchdog.clock = clock

    def connectionMade(self) -> None:  # noqa: N802
        assert self.transport is not None
        frame, self._login_id = self._client.conn_request(self._memory.vehicle.imei,
                                                          "250010000000000")
        self.transport.write(frame)

    def connectionLost(self, reason: Failure = connectionDone) -> None:  # noqa: N802
        for call in (self._ticker, self._watchdog):
            if call.running:
                call.stop()
        self._in_flight.clear()

    def dataReceived(self, data: bytes) -> None:  # noqa: N802
        assert self.transport is not None
        try:
            for frame in self._framer.feed(data):
                self._on_event(self._client.feed_reply(frame))
        except CodecError as error:
            self.log.warn("simulated NDTP terminal {tid}: bad reply from the server: {error}",
                          tid=self._memory.vehicle.tid, error=error)
            self.transport.loseConnection()

    def _on_event(self, event: ResultEvent | DeviceMessageEvent) -> None:
        assert self.transport is not None
        if isinstance(event, DeviceMessageEvent):
            self.transport.write(event.reply)
            return
        if event.service == Service.GENERIC_CONTROLS and event.request_id == self._login_id:
            self._logged_in(event.code)
            return
        flight = self._in_flight.pop(event.request_id, None)
        if flight is not None and event.code == 0:
            self._memory.forget(flight.fixes)

    def _logged_in(self, code: int) -> None:
        assert self.transport is not None
        if code != 0:
            self.log.warn("simulated NDTP terminal {tid}: CONN_REQUEST refused with {code}",
                          tid=self._memory.vehicle.tid, code=code)
            self.transport.loseConnection()
            return
        backlog = list(self._memory.backlog)
        for i in range(0, len(backlog), MAX_RECORDS_PER_FRAME):
            self._send(backlog[i : i + MAX_RECORDS_PER_FRAME], history=True)
        self._ticker.start(self._interval_s, now=True)
        self._watchdog.start(1.0, now=False)

    def _tick(self) -> None:
        now = datetime.fromtimestamp(self._clock.seconds(), UTC).replace(microsecond=0)
        state = self._memory.driver.state_at(now)
        vehicle = self._memory.vehicle
        working = vehicle.equipment_tool is not None and state.equipment_active
        fix = NdtpFix(time=now, lat=state.latitude, lon=state.longitude,
                      speed_kmh=state.speed_kmh, course_deg=state.course_deg,
                      altitude_m=float(self._rng.randint(25, 60)),
                      satellites=self._rng.randint(8, 16), inputs=1 if working else 0,
                      odometer_m=state.odometer_m, battery_v=round(self._rng.uniform(4.0, 4.2), 2),
                      road_machine=(bytes((1 if working else 0, 0, 0, 0, 0, 0))
                                    if vehicle.equipment_tool is not None else None))
        self._memory.remember(fix)
        self._send([fix], history=False)

    def _send(self, fixes: list[NdtpFix], *, history: bool, attempts: int = 1) -> None:
        assert self.transport is not None
        frame, request_id = self._client.navdata(fixes, history=history)
        self._in_flight[request_id] = _InFlight(fixes, self._clock.seconds(), history, attempts)
        self._memory.sent += len(fixes)
        self.transport.write(frame)

    def _resend_overdue(self) -> None:
        assert self.transport is not None
        now = self._clock.seconds()
        for request_id, flight in list(self._in_flight.items()):
            if now - flight.sent_at < RESPONSE_TIMEOUT_S:
                continue
            del self._in_flight[request_id]
            if flight.attempts >= RESEND_ATTEMPTS:
                self.log.warn("simulated NDTP terminal {tid}: no result after {n} attempts; "
                              "reconnecting", tid=self._memory.vehicle.tid, n=flight.attempts)
                self.transport.loseConnection()
                return
            self._send(flight.fixes, history=flight.history, attempts=flight.attempts + 1)


class SimulatedNdtpTerminalFactory(ReconnectingClientFactory):
    """Reconnects like a terminal: soon at first, then backing off to 30 s."""

    maxDelay = 30
    noisy = False
    initialDelay = 1.0

    def __init__(self, memory: NdtpTerminalMemory, interval_s: float, clock: Any,
                 rng_factory: Callable[[], random.Random]) -> None:
        self.memory = memory
        self._interval_s = interval_s
        self._clock = clock
        self._rng_factory = rng_factory

    def buildProtocol(self, addr: Any) -> SimulatedNdtpTerminal:  # noqa: N802
        self.resetDelay()
        proto = SimulatedNdtpTerminal(self.memory, self._interval_s, self._clock,
                                      self._rng_factory())
        proto.factory = self
        return proto
