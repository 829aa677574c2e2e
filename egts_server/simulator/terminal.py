"""A simulated EGTS terminal: a real TCP client that behaves like a vehicle's black box.

It logs in with TID + IMEI, sends a fix every ``interval_s``, keeps every fix until the
platform confirms its record, resends what stays unconfirmed for 5 s (TL_RESPONSE_TO) up to 3
times, then drops the connection; after a reconnect it replays its backlog first, flagged as
black-box data. Its state outlives the connection, as a terminal's memory does.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from twisted.internet.protocol import Protocol, ReconnectingClientFactory, connectionDone
from twisted.internet.task import LoopingCall
from twisted.logger import Logger
from twisted.python.failure import Failure

from dispatch.demo_city import DemoVehicle
from dispatch.motion import RouteDriver
from egts_server.codec.egts import Framer
from egts_server.codec.egts.client import (
    AppDataEvent,
    FixToSend,
    ResponseEvent,
    ResultCodeEvent,
    TerminalClient,
)
from egts_server.codec.egts.subrecords import CommandData, CommandType
from egts_server.codec.errors import CodecError

RESPONSE_TIMEOUT_S = 5.0  # TL_RESPONSE_TO
RESEND_ATTEMPTS = 3  # TL_RESEND_ATTEMPTS
MAX_FIXES_PER_PACKET = 10
MAX_BACKLOG = 20_000


@dataclass(slots=True)
class _InFlight:
    fixes: dict[int, FixToSend]  # RN -> fix
    sent_at: float
    attempts: int = 1


Fix = TypeVar("Fix")


@dataclass(slots=True)
class TerminalMemory(Generic[Fix]):
    """What survives a reconnect: the fixes the platform has not confirmed yet (any protocol)."""

    vehicle: DemoVehicle
    driver: RouteDriver
    backlog: list[Fix] = field(default_factory=list)
    sent: int = 0
    confirmed: int = 0

    def remember(self, fix: Fix) -> None:
        self.backlog.append(fix)
        if len(self.backlog) > MAX_BACKLOG:  # a real black box overwrites its oldest records
            del self.backlog[: len(self.backlog) - MAX_BACKLOG]

    def forget(self, fixes: Iterable[Fix]) -> None:
        """Drop confirmed fixes (by identity: equal fixes sent twice are separate records)."""
        done = {id(f) for f in fixes}
        before = len(self.backlog)
        self.backlog = [f for f in self.backlog if id(f) not in done]
        self.confirmed += before - len(self.backlog)


class SimulatedTerminal(Protocol):
    log = Logger()

    def __init__(self, memory: TerminalMemory[FixToSend], interval_s: float, clock: Any,
                 rng: random.Random) -> None:
        self._memory = memory
        self._interval_s = interval_s
        self._clock = clock
        self._rng = rng
        self._client = TerminalClient()
        self._framer = Framer()
        self._in_flight: dict[int, _InFlight] = {}
        self._ticker = LoopingCall(self._tick)
        self._ticker.clock = clock
        self._watchdog = LoopingCall(self._resend_overdue)
        self._watchdog.clock = clock

    def connectionMade(self) -> None:  # noqa: N802
        assert self.transport is not None
        v = self._memory.vehicle
        self.transport.write(self._client.auth_packet(v.tid, v.imei))

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
            self.log.warn("simulated terminal {tid}: bad reply from the platform: {error}",
                          tid=self._memory.vehicle.tid, error=error)
            self.transport.loseConnection()

    def _on_event(self, event: Any) -> None:
        assert self.transport is not None
        if isinstance(event, ResultCodeEvent):
            self.transport.write(event.reply)
            if event.code != 0:
                self.log.warn("simulated terminal {tid}: login refused with {code}",
                              tid=self._memory.vehicle.tid, code=event.code)
                return
            self._replay_backlog()
            self._ticker.start(self._interval_s, now=True)
            self._watchdog.start(1.0, now=False)
        elif isinstance(event, ResponseEvent):
            flight = self._in_flight.pop(event.rpid, None)
            if flight is None or event.result != 0:
                return
            self._memory.forget(flight.fixes[crn] for crn, rst in event.confirmed
                                if rst == 0 and crn in flight.fixes)
        else:
            self.transport.write(event.reply)
            for command in _commands(event):
                self.log.info("simulated terminal {tid}: command {cid} ({code:#06x}) done",
                              tid=self._memory.vehicle.tid, cid=command.command_id,
                              code=command.command.code if command.command else 0)
                self.transport.write(self._client.command_answer(command, b"OK"))

    def _tick(self) -> None:
        now = datetime.fromtimestamp(self._clock.seconds(), UTC).replace(microsecond=0)
        state = self._memory.driver.state_at(now)
        has_tool = self._memory.vehicle.equipment_tool is not None
        fix = FixToSend(time=now, lat=state.latitude, lon=state.longitude,
                        speed_kmh=round(state.speed_kmh, 1), course_deg=state.course_deg,
                        altitude_m=float(self._rng.randint(25, 60)),
                        inputs=1 if has_tool and state.equipment_active else 0,
                        odometer_m=state.odometer_m, satellites=self._rng.randint(8, 16),
                        hdop=round(self._rng.uniform(0.6, 1.6), 1))
        self._memory.remember(fix)
        self._send([fix])

    def _replay_backlog(self) -> None:
        backlog = [FixToSend(**{**_fields(f), "black_box": True}) for f in self._memory.backlog]
        self._memory.backlog = backlog
        for i in range(0, len(backlog), MAX_FIXES_PER_PACKET):
            self._send(backlog[i : i + MAX_FIXES_PER_PACKET])

    def _send(self, fixes: list[FixToSend], attempts: int = 1) -> None:
        assert self.transport is not None
        packet, pid, rns = self._client.teledata_packet(fixes)
        self._in_flight[pid] = _InFlight(dict(zip(rns, fixes, strict=True)),
                                         self._clock.seconds(), attempts)
        self._memory.sent += len(fixes)
        self.transport.write(packet)

    def _resend_overdue(self) -> None:
        assert self.transport is not None
        now = self._clock.seconds()
        for pid, flight in list(self._in_flight.items()):
            if now - flight.sent_at < RESPONSE_TIMEOUT_S:
                continue
            del self._in_flight[pid]
            if flight.attempts >= RESEND_ATTEMPTS:
                self.log.warn("simulated terminal {tid}: no confirmation after {n} attempts;"
                              " reconnecting", tid=self._memory.vehicle.tid, n=flight.attempts)
                self.transport.loseConnection()
                return
            self._send(list(flight.fixes.values()), flight.attempts + 1)


def _commands(event: AppDataEvent) -> list[CommandData]:
    """The platform's commands (CT_COM) in an APPDATA packet; a simulated terminal does them
    all and answers OK."""
    return [sub for record in event.records for sub in record.subrecords
            if isinstance(sub, CommandData) and sub.command_type == CommandType.COM]


def _fields(fix: FixToSend) -> dict[str, Any]:
    return {name: getattr(fix, name) for name in FixToSend.__dataclass_fields__}


class SimulatedTerminalFactory(ReconnectingClientFactory):
    """Reconnects like a terminal: soon at first, then backing off to TL_RECONNECT_TO (30 s)."""

    maxDelay = 30
    noisy = False
    initialDelay = 1.0

    def __init__(self, memory: TerminalMemory[FixToSend], interval_s: float, clock: Any,
                 rng_factory: Callable[[], random.Random]) -> None:
        self.memory = memory
        self._interval_s = interval_s
        self._clock = clock
        self._rng_factory = rng_factory

    def buildProtocol(self, addr: Any) -> SimulatedTerminal:  # noqa: N802
        self.resetDelay()
        proto = SimulatedTerminal(self.memory, self._interval_s, self._clock, self._rng_factory())
        proto.factory = self
        return proto
