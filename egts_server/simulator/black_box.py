"""What every simulated terminal does the same way, whatever protocol it speaks.

A terminal keeps every fix in its black box until the server confirms it, resends a packet left
unconfirmed for 5 s (TL_RESPONSE_TO) up to 3 times, then drops the connection; after the next
login it replays its backlog as history before live fixes. The protocol modules only build the
packets and read the server's answers.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count
from typing import Any, ClassVar, Generic, TypeVar
from typing import Protocol as Interface

from twisted.internet.protocol import Protocol, ReconnectingClientFactory, connectionDone
from twisted.internet.task import LoopingCall
from twisted.logger import Logger
from twisted.python.failure import Failure

from dispatch.demo_fleet import DemoVehicle
from dispatch.motion import RouteDriver, VehicleState
from egts_server.codec.errors import CodecError

RESPONSE_TIMEOUT_S = 5.0  # TL_RESPONSE_TO
RESEND_ATTEMPTS = 3  # TL_RESEND_ATTEMPTS
MAX_FIXES_PER_PACKET = 10  # backlog replay packs this many fixes into one packet
MAX_BACKLOG = 20_000

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


@dataclass(slots=True)
class InFlight(Generic[Fix]):
    """A packet awaiting its confirmation, kept to be resent as it was."""

    fixes: list[Fix]
    history: bool
    sent_at: float
    attempts: int = 1
    record_numbers: tuple[int, ...] = ()  # per-fix numbers where records are confirmed singly


class AnswerFramer(Interface):
    """A codec's framer, cutting the server's answers."""

    def feed(self, data: bytes) -> Sequence[bytes]: ...


class BlackBoxTerminal(Protocol, Generic[Fix]):
    """One connection of a simulated terminal; a subclass speaks the protocol."""

    log = Logger()
    label: ClassVar[str]  # these three only word the log messages
    peer: ClassVar[str] = "server"
    answer: ClassVar[str]
    framer: ClassVar[Callable[[], AnswerFramer] | None] = None  # else ``_answer_size`` cuts

    def __init__(self, memory: TerminalMemory[Fix], interval_s: float, clock: Any,
                 rng: random.Random) -> None:
        self._memory = memory
        self._interval_s = interval_s
        self._clock = clock
        self._rng = rng
        make_framer = type(self).framer
        self._framer = None if make_framer is None else make_framer()
        self._received = b""
        self._packet_ids = count()  # for protocols whose packets carry no number of their own
        self._in_flight: dict[int, InFlight[Fix]] = {}
        self._ticker = LoopingCall(self._tick)
        self._ticker.clock = clock
        self._watchdog = LoopingCall(self._resend_overdue)
        self._watchdog.clock = clock

    def connectionMade(self) -> None:  # noqa: N802
        assert self.transport is not None
        hello = self._hello()
        if hello is None:
            self._logged_in()
        else:
            self.transport.write(hello)

    def connectionLost(self, reason: Failure = connectionDone) -> None:  # noqa: N802
        for call in (self._ticker, self._watchdog):
            if call.running:
                call.stop()
        self._in_flight.clear()

    def dataReceived(self, data: bytes) -> None:  # noqa: N802
        assert self.transport is not None
        try:
            for frame in self._cut(data):
                self._on_frame(frame)
        except CodecError as error:
            self.log.warn("{label} {tid}: bad reply from the {peer}: {error}", label=self.label,
                          tid=self._memory.vehicle.tid, peer=self.peer, error=error)
            self.transport.loseConnection()

    def _hello(self) -> bytes | None:
        """Set up what this connection keeps, and say what the terminal sends first (its login);
        None where the protocol has no login and reporting starts at once."""
        raise NotImplementedError

    def _cut(self, data: bytes) -> Iterable[bytes]:
        """The server's whole answers so far, cut by ``framer`` or measured by
        ``_answer_size``."""
        if self._framer is not None:
            yield from self._framer.feed(data)
            return
        self._received += data
        while self._received:
            size = self._answer_size(self._received)
            if size is None or len(self._received) < size:
                return
            frame, self._received = self._received[:size], self._received[size:]
            yield frame

    def _answer_size(self, received: bytes) -> int | None:
        """How long the answer ``received`` starts with; None until that shows."""
        raise NotImplementedError

    def _on_frame(self, frame: bytes) -> None:
        """Act on one frame from the server; raises ``CodecError``."""
        raise NotImplementedError

    def _oldest_in_flight(self) -> InFlight[Fix] | None:
        """The oldest packet awaiting its answer, taken out: what an answer that names no
        packet confirms where answers come in sending order."""
        return self._in_flight.pop(min(self._in_flight)) if self._in_flight else None

    def _working(self, state: VehicleState) -> bool:
        """Whether the vehicle's working equipment (if it has any) is on."""
        return self._memory.vehicle.equipment_tool is not None and state.equipment_active

    def _fix(self, now: datetime, state: VehicleState) -> Fix:
        """The fix to report for the vehicle's ``state`` at ``now``."""
        raise NotImplementedError

    def _packet(self, fixes: list[Fix], *, history: bool) -> tuple[bytes, int, tuple[int, ...]]:
        """(bytes, the id its confirmation names, the fixes' record numbers if confirmed singly)."""
        raise NotImplementedError

    def _as_history(self, fix: Fix) -> Fix:
        """A backlog fix as replayed after a reconnect (unchanged where the packet says so)."""
        return fix

    def _logged_in(self) -> None:
        """Replay the backlog first, then report live and watch for missing confirmations."""
        backlog = [self._as_history(fix) for fix in self._memory.backlog]
        self._memory.backlog = backlog  # forget() goes by identity: remember the replayed copies
        for i in range(0, len(backlog), MAX_FIXES_PER_PACKET):
            self._send(backlog[i : i + MAX_FIXES_PER_PACKET], history=True)
        self._ticker.start(self._interval_s, now=True)
        self._watchdog.start(1.0, now=False)

    def _tick(self) -> None:
        now = datetime.fromtimestamp(self._clock.seconds(), UTC).replace(microsecond=0)
        fix = self._fix(now, self._memory.driver.state_at(now))
        self._memory.remember(fix)
        self._send([fix], history=False)

    def _send(self, fixes: list[Fix], *, history: bool, attempts: int = 1) -> None:
        assert self.transport is not None
        packet, packet_id, record_numbers = self._packet(fixes, history=history)
        self._in_flight[packet_id] = InFlight(fixes, history, self._clock.seconds(), attempts,
                                              record_numbers)
        self._memory.sent += len(fixes)
        self.transport.write(packet)

    def _resend_overdue(self) -> None:
        assert self.transport is not None
        now = self._clock.seconds()
        for packet_id, flight in list(self._in_flight.items()):
            if now - flight.sent_at < RESPONSE_TIMEOUT_S:
                continue
            del self._in_flight[packet_id]
            if flight.attempts >= RESEND_ATTEMPTS:
                self.log.warn("{label} {tid}: no {answer} after {n} attempts; reconnecting",
                              label=self.label, tid=self._memory.vehicle.tid, answer=self.answer,
                              n=flight.attempts)
                self.transport.loseConnection()
                return
            self._send(flight.fixes, history=flight.history, attempts=flight.attempts + 1)


class BlackBoxTerminalFactory(ReconnectingClientFactory, Generic[Fix]):
    """Reconnects like a terminal: soon at first, then backing off to TL_RECONNECT_TO (30 s)."""

    maxDelay = 30
    noisy = False
    initialDelay = 1.0
    terminal: Callable[[TerminalMemory[Fix], float, Any, random.Random], BlackBoxTerminal[Fix]]

    def __init__(self, memory: TerminalMemory[Fix], interval_s: float, clock: Any,
                 rng_factory: Callable[[], random.Random]) -> None:
        self.memory = memory
        self._interval_s = interval_s
        self._clock = clock
        self._rng_factory = rng_factory

    def buildProtocol(self, addr: Any) -> BlackBoxTerminal[Fix]:  # noqa: N802
        self.resetDelay()
        proto = self.terminal(self.memory, self._interval_s, self._clock, self._rng_factory())
        proto.factory = self
        return proto
