"""The demo fleet on the road: which port and which simulator each vehicle gets, the vehicles
chosen, the connections spread over a second, and the stop. The reactor only records the dials."""

from __future__ import annotations

from collections import Counter

import pytest
from twisted.internet.testing import MemoryReactorClock

from dispatch.demo_fleet import TRACKER_PROTOCOLS, demo_fleet
from egts_server.simulator.fleet import TRACKER_SIMULATORS, SimulatedFleet
from egts_server.simulator.ndtp_terminal import SimulatedNdtpTerminalFactory
from egts_server.simulator.terminal import SimulatedTerminalFactory
from egts_server.simulator.trackers import SimulatedTeltonikaTrackerFactory


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


def test_every_tracker_protocol_of_the_demo_has_its_simulator() -> None:
    assert set(TRACKER_SIMULATORS) == set(TRACKER_PROTOCOLS) | {"osmand"}


@pytest.mark.parametrize(("protocol", "port", "factory"), [
    ("egts", 20629, SimulatedTerminalFactory),
    ("ndtp", 5243, SimulatedNdtpTerminalFactory),
    ("teltonika", 20629, SimulatedTeltonikaTrackerFactory),
])
def test_a_single_protocol_fleet_dials_every_vehicle_the_same_way(
        protocol: str, port: int, factory: type) -> None:
    """Not mixed: every vehicle speaks the fleet's protocol, on ``port`` (NDTP: its port)."""
    reactor = MemoryReactorClock()
    fleet = SimulatedFleet(reactor, "10.0.0.1", 20629, count=5, protocol=protocol,  # type: ignore[arg-type]
                           ndtp_port=5243)
    fleet.startService()
    reactor.advance(1.0)
    assert [(host, p, type(f)) for host, p, f, _, _ in reactor.tcpClients] == [
        ("10.0.0.1", port, factory)] * 5
    assert [f.memory.vehicle for f in fleet.factories] == list(demo_fleet()[:5])  # type: ignore[attr-defined]
    fleet.stopService()


def test_the_fleet_starts_at_vehicle_first_and_refuses_vehicles_it_does_not_have() -> None:
    fleet = SimulatedFleet(MemoryReactorClock(), "h", 1, count=3, first=82)
    fleet.startService()
    assert [f.memory.vehicle.tid for f in fleet.factories] == [  # type: ignore[attr-defined]
        v.tid for v in demo_fleet()[82:]]
    fleet.stopService()
    for first, count in ((84, 1), (-1, 1), (0, 0)):
        with pytest.raises(ValueError, match="vehicles 0..83"):
            SimulatedFleet(MemoryReactorClock(), "h", 1, count=count, first=first)


@pytest.mark.parametrize(("interval_s", "spread_s"), [(5.0, 1.0), (0.5, 0.5)])
def test_connections_are_spread_evenly_over_a_second_or_one_interval(
        interval_s: float, spread_s: float) -> None:
    reactor = MemoryReactorClock()
    SimulatedFleet(reactor, "h", 1, count=4, interval_s=interval_s).startService()
    assert [call.getTime() for call in reactor.getDelayedCalls()] == [
        k * spread_s / 4 for k in range(4)]


def test_stop_ends_the_reconnects() -> None:
    reactor = MemoryReactorClock()
    fleet = SimulatedFleet(reactor, "h", 1, count=2)
    fleet.startService()
    assert all(f.continueTrying for f in fleet.factories)
    fleet.stopService()
    assert not any(f.continueTrying for f in fleet.factories)
