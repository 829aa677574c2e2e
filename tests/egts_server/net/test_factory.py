"""What a listener's connections share: caps at accept time and the two-step shutdown."""

from __future__ import annotations

from twisted.internet.address import IPv4Address
from twisted.python.failure import Failure

from egts_server.net.limits import ConnectionCounter
from tests.egts_server.net.egts_rig import Rig, fixes_packet, replies


def test_connection_caps_refuse_at_accept_time() -> None:
    """Per-address and total caps refuse new connections and count why."""
    rig = Rig(counter=ConnectionCounter(max_total=3, max_per_address=2))
    rig.connect("10.0.0.1")
    rig.connect("10.0.0.1")
    assert rig.factory.buildProtocol(IPv4Address("TCP", "10.0.0.1", 1)) is None
    rig.connect("10.0.0.2")
    assert rig.factory.buildProtocol(IPv4Address("TCP", "10.0.0.3", 1)) is None
    refused = rig.metrics.connections_refused
    assert refused.value("egts", "address_cap") == 1 and refused.value("egts", "total_cap") == 1
    assert rig.metrics.connections.value("egts") == 3


def test_closed_connections_free_their_place() -> None:
    """After a connection closes, its address may connect again."""
    rig = Rig(counter=ConnectionCounter(max_total=1, max_per_address=1))
    proto, _ = rig.connect()
    proto.connectionLost(Failure(ConnectionError("gone")))
    rig.connect()
    assert rig.factory.counter.total == 1


def test_finish_acknowledges_what_commits_then_closes() -> None:
    """Graceful stop: reading stops, pending acknowledgements go out, then the close."""
    rig = Rig()
    proto, transport = rig.connect()
    proto.dataReceived(fixes_packet(1, 0, 2))
    rig.factory.stop_reading()
    done = rig.factory.finish_all(timeout_s=5)
    assert transport.producerState == "paused" and not transport.disconnecting
    rig.store.commit_all()
    assert replies(transport) == [(1, 0)] and transport.disconnecting
    proto.connectionLost(Failure(ConnectionError("closed")))
    assert done.called


def test_finish_gives_up_after_the_timeout() -> None:
    """If commits do not come, connections are dropped when the shutdown timeout passes."""
    rig = Rig()
    proto, transport = rig.connect()
    proto.dataReceived(fixes_packet(1, 0, 1))
    rig.factory.finish_all(timeout_s=5)
    rig.reactor.advance(5)
    assert transport.disconnected and replies(transport) == []
