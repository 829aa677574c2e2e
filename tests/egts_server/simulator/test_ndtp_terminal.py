"""The simulated NDTP terminal against the real adapter (in memory)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from twisted.internet.task import Clock
from twisted.test.iosim import connectedServerAndClient

from dispatch.demo_fleet import BUS_KIND, demo_driver, demo_fleet
from egts_server.codec.ndtp import kernels as ndtp_kernels
from egts_server.net.ndtp import NdtpFactory, NdtpProtocol
from egts_server.simulator.ndtp_terminal import NdtpTerminalMemory, SimulatedNdtpTerminal
from tests.egts_server.net.ndtp_rig import ManualWriter, Registry


@pytest.fixture(autouse=True, scope="module")
def each_implementation(ndtp_implementation: ndtp_kernels.Kernels) -> ndtp_kernels.Kernels:
    """Run with each implementation of the NDTP hot path, as the codec's own tests do."""
    return ndtp_implementation


START = datetime(2026, 2, 3, 0, 0, tzinfo=UTC)


def pair(memory: NdtpTerminalMemory, clock: Clock,
         writer: ManualWriter) -> tuple[SimulatedNdtpTerminal, NdtpProtocol, object]:
    factory = NdtpFactory(writer, Registry(), lambda: START, reactor=clock)
    return connectedServerAndClient(
        lambda: NdtpProtocol(factory, "127.0.0.1"),
        lambda: SimulatedNdtpTerminal(memory, 5.0, clock, random.Random(1)), clock=clock)


def test_simulated_plough_identifies_reports_and_forgets_confirmed_records() -> None:
    """CONN_REQUEST, then a record every interval with cell 5; confirmed records are dropped."""
    plough = next(v for v in demo_fleet() if v.equipment_tool is not None)
    clock = Clock()
    clock.advance(START.timestamp() + 8 * 3600)
    memory = NdtpTerminalMemory(plough, demo_driver(plough, START))
    writer = ManualWriter()
    _, _, pump = pair(memory, clock, writer)
    for _ in range(3):
        writer.commit()
        pump.flush()  # type: ignore[attr-defined]
        clock.advance(5.0)
        pump.flush()  # type: ignore[attr-defined]
    writer.commit()
    pump.flush()  # type: ignore[attr-defined]
    rows = writer.rows
    assert len(rows) == memory.sent >= 3 and memory.confirmed == memory.sent
    assert memory.backlog == []
    assert {r.position.device.identifier for r in rows} == {str(plough.tid)}
    assert all("road_machine0_raw" in r.position.attributes for r in rows)


def test_unconfirmed_records_are_replayed_as_history_after_a_reconnect() -> None:
    """Records left unanswered come back as NPH_SND_HISTORY (black-box) on the next connection."""
    bus = next(v for v in demo_fleet() if v.kind == BUS_KIND)
    clock = Clock()
    clock.advance(START.timestamp() + 9 * 3600)
    memory = NdtpTerminalMemory(bus, demo_driver(bus, START))
    lost = ManualWriter()  # never commits: nothing is confirmed
    _, _, pump = pair(memory, clock, lost)
    for _ in range(2):
        clock.advance(5.0)
        pump.flush()  # type: ignore[attr-defined]
    assert memory.confirmed == 0 and len(memory.backlog) >= 2
    backlog = len(memory.backlog)
    writer = ManualWriter()
    _, _, pump = pair(memory, clock, writer)
    writer.commit()
    pump.flush()  # type: ignore[attr-defined]
    history = [r for r in writer.rows if r.position.black_box]
    assert len(history) == backlog
