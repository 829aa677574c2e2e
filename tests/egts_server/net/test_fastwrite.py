"""Replies straight to an idle socket: sent at once when nothing is queued, and in the same
order as Twisted's buffered path whenever something is. A real socket pair under a Twisted TCP
connection whose reactor is never run, so every write the reactor would do is visible."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from twisted.internet import tcp
from twisted.internet.protocol import Protocol
from twisted.internet.testing import MemoryReactor, StringTransport

from egts_server.net.fastwrite import direct_writer


@pytest.fixture()
def pair() -> Iterator[tuple[tcp.Connection, socket.socket, MemoryReactor]]:
    ours, peer = socket.socketpair()
    ours.setblocking(False)
    peer.settimeout(5)
    reactor = MemoryReactor()
    connection = tcp.Connection(ours, Protocol(), reactor)
    connection.connected = 1  # what the reactor sets once it accepted the connection
    yield connection, peer, reactor
    ours.close()
    peer.close()


def test_other_transports_get_their_own_write() -> None:
    transport = StringTransport()
    assert direct_writer(transport) == transport.write


def test_a_reply_on_an_idle_connection_is_sent_at_once(
        pair: tuple[tcp.Connection, socket.socket, MemoryReactor]) -> None:
    connection, peer, reactor = pair
    direct_writer(connection)(b"\x01\x00\x03")
    assert peer.recv(100) == b"\x01\x00\x03"
    assert reactor.writers == set() and connection.dataBuffer == b""


def test_a_reply_behind_queued_bytes_queues_after_them(
        pair: tuple[tcp.Connection, socket.socket, MemoryReactor]) -> None:
    connection, peer, reactor = pair
    write = direct_writer(connection)
    connection.write(b"first")
    write(b"second")
    assert reactor.writers == {connection}
    connection.doWrite()
    assert peer.recv(100) == b"firstsecond"


def test_what_a_full_socket_buffer_does_not_take_is_queued_in_order(
        pair: tuple[tcp.Connection, socket.socket, MemoryReactor]) -> None:
    connection, peer, reactor = pair
    connection.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    data = bytes(range(256)) * 4096
    direct_writer(connection)(data)
    assert reactor.writers == {connection} and 0 < connection._tempDataLen < len(data)
    received = b""
    while len(received) < len(data):
        connection.doWrite()
        received += peer.recv(1 << 20)
    assert received == data


def test_a_closing_connection_takes_the_ordinary_path(
        pair: tuple[tcp.Connection, socket.socket, MemoryReactor]) -> None:
    connection, peer, _ = pair
    connection.disconnecting = True
    direct_writer(connection)(b"late")
    peer.settimeout(0.2)
    with pytest.raises(TimeoutError):
        peer.recv(100)
