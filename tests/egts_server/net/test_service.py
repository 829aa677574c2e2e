"""A listener as a service: where it listens, sharing a port with other processes, and the
graceful stop (stop accepting, stop reading, acknowledge what commits, close)."""

from __future__ import annotations

import socket

import pytest
from twisted.internet.error import CannotListenError
from twisted.internet.protocol import Factory
from twisted.python.failure import Failure

from egts_server.net.service import ListenerService
from tests.conftest import free_port
from tests.egts_server.net.egts_rig import Rig, fixes_packet, replies


def test_listens_with_the_deep_backlog_on_the_configured_interface() -> None:
    rig = Rig()
    service = ListenerService(rig.factory, 5020, host="127.0.0.1")
    service.startService()
    assert rig.reactor.tcpServers == [(5020, rig.factory, 4096, "127.0.0.1")]
    assert service.port is not None


def test_a_proxy_header_reader_accepts_in_front_of_the_factory() -> None:
    rig = Rig()
    accept = Factory()
    ListenerService(rig.factory, 5020, backlog=16, accept=accept).startService()
    assert rig.reactor.tcpServers == [(5020, accept, 16, "")]


def test_a_shared_port_is_bound_beside_another_process_on_it() -> None:
    """With ``reuse_port`` the socket binds a port another process listens on (SO_REUSEPORT),
    and the reactor adopts it for the factory."""
    port = free_port()
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", port))
        other.listen()
        rig = Rig()
        ListenerService(rig.factory, port, host="127.0.0.1", reuse_port=True).startService()
    [(_fileno, family, factory)] = rig.reactor.adoptedPorts
    assert (family, factory) == (socket.AF_INET, rig.factory)
    assert rig.reactor.tcpServers == []


def test_a_shared_port_taken_by_a_process_that_does_not_share_cannot_be_listened_on() -> None:
    port = free_port()
    with socket.socket() as other:
        other.bind(("127.0.0.1", port))
        other.listen()
        service = ListenerService(Rig().factory, port, host="127.0.0.1", reuse_port=True)
        with pytest.raises(CannotListenError) as refused:
            service.startService()
    assert refused.value.port == port


def test_stop_reads_nothing_more_acknowledges_what_commits_then_closes() -> None:
    rig = Rig()
    service = ListenerService(rig.factory, 5020, shutdown_timeout_s=5)
    service.startService()
    proto, transport = rig.connect()
    proto.dataReceived(fixes_packet(1, 0, 2))
    stopped: list[object] = []
    service.stopService().addBoth(stopped.append)
    assert service.port is None and not service.running
    assert transport.producerState == "paused" and stopped == []
    rig.store.commit_all()
    assert replies(transport) == [(1, 0)] and transport.disconnecting
    proto.connectionLost(Failure(ConnectionError("closed")))
    assert stopped == [None]


def test_stop_drops_what_has_not_committed_when_the_timeout_passes() -> None:
    rig = Rig()
    service = ListenerService(rig.factory, 5020, shutdown_timeout_s=5)
    service.startService()
    proto, transport = rig.connect()
    proto.dataReceived(fixes_packet(1, 0, 1))
    service.stopService()
    rig.reactor.advance(4.9)
    assert not transport.disconnected
    rig.reactor.advance(0.1)
    assert transport.disconnected and replies(transport) == []
