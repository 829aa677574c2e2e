"""The simulated EGTS terminal against the real EGTS adapter (in memory): it logs in with its
TID and IMEI, reports, forgets what was confirmed, replays the rest as black-box data after a
reconnect, and carries out the platform's commands."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from twisted.internet.defer import Deferred, succeed
from twisted.internet.task import Clock
from twisted.test.iosim import connectedServerAndClient

from dispatch.demo_fleet import demo_driver, demo_fleet
from egts_server.codec.egts import CommandAnswered
from egts_server.codec.egts.client import FixToSend
from egts_server.model import DeviceKey
from egts_server.net.commands import QueuedCommand
from egts_server.net.protocol import EgtsFactory, EgtsProtocol
from egts_server.simulator.black_box import TerminalMemory
from egts_server.simulator.terminal import SimulatedTerminal
from tests.egts_server.net.ndtp_rig import ManualWriter, Registry

START = datetime(2026, 2, 3, 0, 0, tzinfo=UTC)
VEHICLE = next(v for v in demo_fleet() if v.protocol == "egts")


class Answers:
    """The command log: what the terminal answered, by terminal."""

    source_id = 1

    def __init__(self) -> None:
        self.recorded: list[tuple[int, Sequence[Any]]] = []

    def record(self, terminal_id: int, events: Sequence[Any]) -> Deferred[None]:
        self.recorded.append((terminal_id, events))
        return succeed(None)


def pair(memory: TerminalMemory[FixToSend], clock: Clock, writer: ManualWriter,
         registry: Registry | None = None, answers: Answers | None = None
         ) -> tuple[EgtsProtocol, Any]:
    factory = EgtsFactory(writer, registry or Registry(), lambda: START, reactor=clock,
                          commands=answers)
    _client, server, pump = connectedServerAndClient(
        lambda: EgtsProtocol(factory, "127.0.0.1"),
        lambda: SimulatedTerminal(memory, 5.0, clock, random.Random(1)), clock=clock)
    return server, pump


def on_the_road(hour: int) -> tuple[TerminalMemory[FixToSend], Clock]:
    clock = Clock()
    clock.advance(START.timestamp() + hour * 3600)
    return TerminalMemory(VEHICLE, demo_driver(VEHICLE, START)), clock


def test_logs_in_with_tid_and_imei_reports_and_forgets_confirmed_fixes() -> None:
    memory, clock = on_the_road(8)
    writer, registry = ManualWriter(), Registry()
    _, pump = pair(memory, clock, writer, registry)
    for _ in range(3):
        writer.commit()
        pump.flush()
        clock.advance(5.0)
        pump.flush()
    writer.commit()
    pump.flush()
    assert registry.asked[0][:2] == (DeviceKey("egts", str(VEHICLE.tid)), VEHICLE.imei)
    rows = writer.rows
    assert len(rows) == memory.sent >= 3 and memory.confirmed == memory.sent
    assert memory.backlog == [] and not any(r.position.black_box for r in rows)
    assert {r.position.device.identifier for r in rows} == {str(VEHICLE.tid)}
    assert [r.position.fix_time for r in rows] == [
        datetime.fromtimestamp(START.timestamp() + 8 * 3600 + 5 * k, UTC)
        for k in range(len(rows))]


def test_unconfirmed_fixes_come_back_as_black_box_data_after_a_reconnect() -> None:
    memory, clock = on_the_road(9)
    _, pump = pair(memory, clock, ManualWriter())  # never commits: nothing is confirmed
    for _ in range(2):
        clock.advance(5.0)
        pump.flush()
    backlog = [fix.time for fix in memory.backlog]
    assert memory.confirmed == 0 and len(backlog) >= 2
    writer = ManualWriter()
    _, pump = pair(memory, clock, writer)
    writer.commit()
    pump.flush()
    history = [r.position.fix_time for r in writer.rows if r.position.black_box]
    assert history == backlog


def test_a_command_is_carried_out_and_answered_ok() -> None:
    memory, clock = on_the_road(10)
    writer, answers = ManualWriter(), Answers()
    server, pump = pair(memory, clock, writer, answers=answers)
    writer.commit()
    pump.flush()
    server.send_command(QueuedCommand(command_id=42, code=0, action=0, charset=0, data=b"?"))
    pump.flush()
    writer.commit()
    pump.flush()
    answered = [event for _, events in answers.recorded for event in events
                if isinstance(event, CommandAnswered)]
    assert [(event.command_id, event.confirmation) for event in answered] == [(42, 0)]
    assert answered[0].data.endswith(b"OK")
