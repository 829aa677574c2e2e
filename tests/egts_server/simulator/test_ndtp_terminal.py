"""The simulated NDTP terminal against the real adapter (in memory), and the mixed demo fleet."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime

import pytest
from twisted.internet.task import Clock
from twisted.internet.testing import MemoryReactorClock
from twisted.test.iosim import connectedServerAndClient

from dispatch.demo_fleet import BUS_KIND, TRACKER_PROTOCOLS, demo_driver, demo_fleet
from egts_server.codec.ndtp import kernels as ndtp_kernels
from egts_server.net.ndtp import NdtpFactory, NdtpProtocol
from egts_server.simulator.fleet import TRACKER_SIMULATORS, SimulatedFleet
from egts_server.simulator.ndtp_terminal import NdtpTerminalMemory, SimulatedNdtpTerminal
from egts_server.simulator.terminal import SimulatedTerminalFactory
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


def test_mixed_fleet_dials_each_vehicles_own_protocol() -> None:
    """The demo's mixed fleet: 6 buses dial the NDTP port, three road machines each tracker
    listener with that tracker's simulator, the rest the EGTS port."""
    reactor = MemoryReactorClock()
    ports = {name: 30000 + i for i, name in enumerate(TRACKER_PROTOCOLS)}
    fleet = SimulatedFleet(reactor, "127.0.0.1", 20629, count=84, interval_s=5.0,
                           protocol="mixed", ndtp_port=5243, tracker_ports=ports)
    fleet.startService()
    reactor.advance(2.0)
    dialled = [(port, type(factory)) for _, port, factory, _, _ in reactor.tcpClients]
    assert Counter(port for port, _ in dialled) == {
        20629: 60, 5243: 6, **{port: 3 for port in ports.values()}}
    assert {kind for port, kind in dialled if port == 20629} == {SimulatedTerminalFactory}
    assert {name: {kind for port, kind in dialled if port == ports[name]}
            for name in TRACKER_PROTOCOLS} == {
        name: {simulator} for name, simulator in TRACKER_SIMULATORS.items()}
    fleet.stopService()


def test_mixed_fleet_leaves_out_vehicles_whose_listener_is_off() -> None:
    reactor = MemoryReactorClock()
    fleet = SimulatedFleet(reactor, "127.0.0.1", 20629, count=84, interval_s=5.0,
                           protocol="mixed", ndtp_port=5243, tracker_ports={"wialon": 20332})
    fleet.startService()
    reactor.advance(2.0)
    assert Counter(port for _, port, _, _, _ in reactor.tcpClients) == {
        20629: 60, 5243: 6, 20332: 3}
    fleet.stopService()


def test_ndtp_fleet_needs_the_ndtp_port() -> None:
    """Asking for NDTP terminals without saying where the listener is fails early."""
    with pytest.raises(ValueError, match="NDTP port"):
        SimulatedFleet(MemoryReactorClock(), "h", 1, count=1, protocol="ndtp")

