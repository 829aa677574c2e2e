"""Simulated Wialon Retranslator relays and OsmAnd phones: end to end against the served
process, and in memory how their unnamed answers confirm their packets in order."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from twisted.internet.task import Clock
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure

from dispatch.demo_fleet import demo_driver, demo_fleet
from egts_server.codec.wialonretr import ACK, build_packet
from egts_server.simulator.black_box import TerminalMemory
from egts_server.simulator.relays import SimulatedPhone, SimulatedRetranslator
from tests.tracker_support import simulated_fixes_stored

START = datetime(2026, 2, 3, tzinfo=UTC)
VEHICLE = demo_fleet()[0]
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
REFUSED = (b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\n"
           b"no lat\n")


@pytest.mark.parametrize("protocol", ["wialonretr", "osmand"])
def test_simulated_relays_and_phones_are_stored(dsn: str, tmp_path: Path, protocol: str) -> None:
    counts = simulated_fixes_stored(dsn, tmp_path, protocol)
    assert len(counts) == 2
    assert all(n >= 3 and valid for _, n, valid in counts)


def connected(kind: type[Any], memory: TerminalMemory[Any], clock: Clock
              ) -> tuple[Any, StringTransport]:
    """A relay or phone with no login: it reports the moment it connects."""
    device = kind(memory, 5.0, clock, random.Random(1))
    transport = StringTransport()
    device.makeConnection(transport)
    return device, transport


def on_the_road() -> tuple[TerminalMemory[Any], Clock]:
    clock = Clock()
    clock.advance(START.timestamp() + 8 * 3600)
    return TerminalMemory(VEHICLE, demo_driver(VEHICLE, START)), clock


def test_a_relay_sends_each_fix_as_its_packet_and_each_0x11_confirms_the_oldest() -> None:
    memory, clock = on_the_road()
    relay, transport = connected(SimulatedRetranslator, memory, clock)
    (first,) = memory.backlog
    assert first.controller_id == str(VEHICLE.tid)
    assert transport.value() == build_packet(first)
    relay.dataReceived(ACK)
    assert memory.backlog == [] and memory.confirmed == 1
    transport.clear()
    clock.advance(5.0)
    (second,) = memory.backlog
    assert transport.value() == build_packet(second)
    relay.dataReceived(ACK)
    assert memory.backlog == [] and memory.confirmed == 2


def test_a_replayed_backlog_is_confirmed_only_by_its_last_0x11() -> None:
    """After a reconnect the backlog goes as one packet of several blocks, each answered."""
    memory, clock = on_the_road()
    old, transport = connected(SimulatedRetranslator, memory, clock)
    clock.advance(5.0)
    clock.advance(5.0)
    old.connectionLost(Failure(ConnectionError("gone")))
    assert len(memory.backlog) == 3
    relay, transport = connected(SimulatedRetranslator, memory, clock)
    relay.dataReceived(ACK + ACK)
    assert memory.confirmed == 0
    relay.dataReceived(ACK)
    assert memory.confirmed == 3 and len(memory.backlog) == 1  # the live fix still waits
    relay.dataReceived(ACK)
    assert memory.confirmed == 4 and memory.backlog == []


def test_a_relay_drops_the_connection_on_anything_but_0x11() -> None:
    memory, clock = on_the_road()
    relay, transport = connected(SimulatedRetranslator, memory, clock)
    relay.dataReceived(b"\x12")
    assert transport.disconnecting and memory.confirmed == 0


def test_a_phone_reports_each_fix_as_a_get_and_a_200_confirms_it() -> None:
    memory, clock = on_the_road()
    phone, transport = connected(SimulatedPhone, memory, clock)
    request = transport.value().decode()
    assert request.startswith(f"GET /?id={VEHICLE.tid}&lat=")
    assert request.endswith(" HTTP/1.1\r\nHost: osmand\r\n\r\n")
    phone.dataReceived(OK[:10])
    assert memory.confirmed == 0
    phone.dataReceived(OK[10:])
    assert memory.confirmed == 1 and memory.backlog == []


def test_a_phone_keeps_a_fix_the_server_refused() -> None:
    """A refusal (with a body) answers the request without confirming its fix; the next 200
    confirms the next request only."""
    memory, clock = on_the_road()
    phone, transport = connected(SimulatedPhone, memory, clock)
    phone.dataReceived(REFUSED)
    (first,) = memory.backlog
    assert memory.confirmed == 0
    clock.advance(5.0)
    phone.dataReceived(OK)
    assert memory.backlog == [first] and memory.confirmed == 1
