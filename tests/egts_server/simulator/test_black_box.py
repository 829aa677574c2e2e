"""What every simulated terminal does alike: log in, report every interval, keep fixes until
confirmed, resend an unconfirmed packet every 5 s, give up after 3 writes, replay the backlog
as history after a reconnect. A line protocol written here stands in for a real one."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest
from twisted.internet.error import ConnectionRefusedError
from twisted.internet.task import Clock
from twisted.internet.testing import MemoryReactorClock, StringTransport
from twisted.python.failure import Failure

from dispatch.demo_fleet import demo_driver, demo_fleet
from dispatch.motion import VehicleState
from egts_server.codec.errors import FormatError
from egts_server.simulator.black_box import (
    MAX_BACKLOG,
    MAX_FIXES_PER_PACKET,
    BlackBoxTerminal,
    BlackBoxTerminalFactory,
    TerminalMemory,
)

START = datetime(2026, 2, 3, tzinfo=UTC)
VEHICLE = demo_fleet()[0]


@dataclass
class Fix:
    """Equal fixes are still separate records: identity matters, as for a real terminal."""

    at: datetime
    history: bool = False


class LineTerminal(BlackBoxTerminal[Fix]):
    """Says ``HELLO``; the server answers ``OK`` (logged in), ``A<packet>`` (confirmed) or
    anything else (a bad reply). A packet is ``P<packet> <fixes> <history>``."""

    label = "line terminal"
    answer = "A"

    def _hello(self) -> bytes:
        return b"HELLO\n"

    def _answer_size(self, received: bytes) -> int | None:
        end = received.find(b"\n")
        return None if end < 0 else end + 1

    def _on_frame(self, frame: bytes) -> None:
        if frame == b"OK\n":
            self._logged_in()
        elif frame.startswith(b"A"):
            flight = self._in_flight.pop(int(frame[1:]), None)
            if flight is not None:
                self._memory.forget(flight.fixes)
        else:
            raise FormatError(f"unexpected answer {frame!r}")

    def _fix(self, now: datetime, state: VehicleState) -> Fix:
        return Fix(now)

    def _packet(self, fixes: list[Fix], *, history: bool) -> tuple[bytes, int, tuple[int, ...]]:
        packet_id = next(self._packet_ids)
        return f"P{packet_id} {len(fixes)} {int(history)}\n".encode(), packet_id, ()

    def _as_history(self, fix: Fix) -> Fix:
        return replace(fix, history=True)


class LineTerminalFactory(BlackBoxTerminalFactory[Fix]):
    terminal = LineTerminal


def memory() -> TerminalMemory[Fix]:
    return TerminalMemory(VEHICLE, demo_driver(VEHICLE, START))


def connected(mem: TerminalMemory[Fix], clock: Clock, interval_s: float = 60.0
              ) -> tuple[LineTerminal, StringTransport]:
    terminal = LineTerminal(mem, interval_s, clock, random.Random(1))
    transport = StringTransport()
    terminal.makeConnection(transport)
    return terminal, transport


def clock_at_eight() -> Clock:
    clock = Clock()
    clock.advance(START.timestamp() + 8 * 3600)
    return clock


def lines(transport: StringTransport) -> list[str]:
    out = transport.value().decode().splitlines()
    transport.clear()
    return out


def test_reports_start_after_the_login_and_follow_the_interval() -> None:
    clock, mem = clock_at_eight(), memory()
    terminal, transport = connected(mem, clock, interval_s=10.0)
    assert lines(transport) == ["HELLO"]
    clock.advance(30)
    assert lines(transport) == []
    terminal.dataReceived(b"O")
    terminal.dataReceived(b"K\n")  # answers are cut however they arrive
    assert lines(transport) == ["P0 1 0"]
    terminal.dataReceived(b"A0\n")
    clock.advance(10)
    assert lines(transport) == ["P1 1 0"]
    assert mem.sent == 2 and [f.at.second for f in mem.backlog] == [40]


def test_confirmed_fixes_leave_the_black_box() -> None:
    clock, mem = clock_at_eight(), memory()
    terminal, transport = connected(mem, clock, interval_s=10.0)
    terminal.dataReceived(b"OK\n")
    (first,) = mem.backlog
    terminal.dataReceived(b"A0\n")
    assert (mem.sent, mem.confirmed, mem.backlog) == (1, 1, [])
    clock.advance(4)
    terminal.dataReceived(b"A0\n")  # confirmed once only
    assert mem.confirmed == 1
    clock.advance(6)
    (second,) = mem.backlog
    assert second is not first and second.at == datetime.fromtimestamp(clock.seconds(), UTC)


def test_an_unconfirmed_packet_is_resent_every_5_s_and_after_3_writes_the_terminal_reconnects(
        ) -> None:
    clock, mem = clock_at_eight(), memory()
    terminal, transport = connected(mem, clock)
    lines(transport)
    terminal.dataReceived(b"OK\n")
    assert lines(transport) == ["P0 1 0"]
    clock.advance(4)
    assert lines(transport) == []
    clock.advance(1)
    assert lines(transport) == ["P1 1 0"]
    clock.advance(5)
    assert lines(transport) == ["P2 1 0"]
    assert not transport.disconnecting
    clock.advance(5)
    assert lines(transport) == [] and transport.disconnecting
    assert mem.sent == 3 and len(mem.backlog) == 1


def test_after_a_reconnect_the_backlog_goes_first_as_history_in_packets_of_ten() -> None:
    clock, mem = clock_at_eight(), memory()
    old = [Fix(START) for _ in range(2 * MAX_FIXES_PER_PACKET + 3)]
    for fix in old:
        mem.remember(fix)
    terminal, transport = connected(mem, clock)
    lines(transport)
    terminal.dataReceived(b"OK\n")
    assert lines(transport) == ["P0 10 1", "P1 10 1", "P2 3 1", "P3 1 0"]
    assert all(f.history for f in mem.backlog[:len(old)]) and not mem.backlog[-1].history
    terminal.dataReceived(b"A1\n")
    assert mem.confirmed == MAX_FIXES_PER_PACKET and len(mem.backlog) == len(old) + 1 - 10


def test_a_lost_connection_stops_reporting_and_forgets_what_was_in_flight() -> None:
    clock, mem = clock_at_eight(), memory()
    terminal, transport = connected(mem, clock, interval_s=10.0)
    terminal.dataReceived(b"OK\n")
    lines(transport)
    terminal.connectionLost(Failure(ConnectionError("gone")))
    clock.advance(60)
    assert lines(transport) == []
    terminal.dataReceived(b"A0\n")  # a late answer confirms nothing any more
    assert mem.confirmed == 0 and len(mem.backlog) == 1


def test_a_bad_reply_drops_the_connection() -> None:
    terminal, transport = connected(memory(), clock_at_eight())
    terminal.dataReceived(b"NO\n")
    assert transport.disconnecting


def test_the_black_box_overwrites_its_oldest_fixes_when_full() -> None:
    mem = memory()
    fixes = [Fix(START) for _ in range(MAX_BACKLOG + 2)]
    for fix in fixes:
        mem.remember(fix)
    assert len(mem.backlog) == MAX_BACKLOG
    assert mem.backlog[0] is fixes[2] and mem.backlog[-1] is fixes[-1]


def test_forgetting_goes_by_identity_not_equality() -> None:
    mem = memory()
    first, twin = Fix(START), Fix(START)
    mem.remember(first)
    mem.remember(twin)
    mem.forget([first])
    assert mem.backlog == [twin] and mem.backlog[0] is twin and mem.confirmed == 1


@pytest.mark.parametrize("failures", [0, 3])
def test_each_connection_shares_the_memory_and_resets_the_backoff(failures: int) -> None:
    mem = memory()
    reactor = MemoryReactorClock()
    factory = LineTerminalFactory(mem, 60.0, reactor, lambda: random.Random(7))
    factory.clock = reactor
    connector = reactor.connectTCP("h", 1, factory)
    for _ in range(failures):
        factory.clientConnectionFailed(connector, Failure(ConnectionRefusedError()))
    assert (factory.delay > factory.initialDelay) == (failures > 0)
    terminal = factory.buildProtocol(None)
    assert factory.delay == factory.initialDelay and terminal.factory is factory
    assert isinstance(terminal, LineTerminal) and terminal._memory is mem
