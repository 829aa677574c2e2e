"""Any telemetry connection, driven through EGTS without sockets: acknowledgement after commit
in arrival order, backpressure, deadlines, the limits on bad input, and refusals."""

from __future__ import annotations

from collections.abc import Mapping

from twisted.internet.defer import Deferred

from db.pool import StorageRefused
from db.terminals import Admission
from egts_server.model import DeviceKey
from egts_server.net.limits import CloseReason, IntakeLimits
from egts_server.sinks import BatchingWriter
from tests.builders import egts as build
from tests.egts_server.net.egts_rig import Rig, fixes_packet, replies


def test_acknowledgements_wait_for_commit_and_keep_arrival_order() -> None:
    """Packets committed out of order are still acknowledged in the order they arrived."""
    rig = Rig()
    rig.writer = BatchingWriter(rig.store, rig.reactor, concurrency=2, metrics=rig.metrics)
    rig.factory.writer = rig.writer
    proto, transport = rig.connect()
    proto.dataReceived(fixes_packet(1, 0, 1) + fixes_packet(2, 1, 1))
    assert replies(transport) == [] and len(rig.store.calls) == 2
    rig.store.calls[1][1].callback(1)
    assert replies(transport) == []
    rig.store.calls[0][1].callback(1)
    assert replies(transport) == [(1, 0), (2, 0)]
    assert rig.metrics.ack_seconds.count == 2
    assert rig.metrics.records.value("egts", "0") == 2


def test_own_backlog_pauses_only_this_connection_and_holds_the_rest_of_the_read() -> None:
    """Past max_pending_fixes a connection stops reading; frames already read wait, then run."""
    rig = Rig(IntakeLimits(max_pending_fixes=4))
    busy, busy_transport = rig.connect("10.0.0.1")
    calm, calm_transport = rig.connect("10.0.0.2")
    busy.dataReceived(b"".join(fixes_packet(pid, pid * 2, 2) for pid in range(4)))
    assert busy_transport.producerState == "paused"
    assert calm_transport.producerState == "producing"
    assert rig.writer.queue_depth == 4  # two packets submitted, two held back
    calm.dataReceived(fixes_packet(1, 0, 1))
    rig.store.commit_all()
    assert replies(calm_transport) == [(1, 0)]
    assert replies(busy_transport) == [(0, 0), (1, 0), (2, 0), (3, 0)]
    assert busy_transport.producerState == "producing"
    assert rig.metrics.paused_connections.value("egts", "backlog") == 0


def test_full_write_queue_pauses_every_connection_until_drained() -> None:
    """When the writer's queue is full nobody reads; after commits everybody resumes."""
    rig = Rig(max_queue=3)
    a, ta = rig.connect("10.0.0.1")
    b, tb = rig.connect("10.0.0.2")
    a.dataReceived(fixes_packet(1, 0, 3))
    assert ta.producerState == tb.producerState == "paused"
    assert rig.metrics.writer_paused.value() == 1
    rig.store.commit_all()
    assert ta.producerState == tb.producerState == "producing"
    assert replies(ta) == [(1, 0)]


def test_idle_connection_is_closed_with_its_reason() -> None:
    """Nothing received (and nothing pending) for idle_timeout_s closes the connection."""
    rig = Rig(IntakeLimits(idle_timeout_s=10, login_timeout_s=100, stall_timeout_s=100))
    proto, transport = rig.connect()
    proto.dataReceived(fixes_packet(1, 0, 1))
    rig.store.commit_all()
    rig.reactor.advance(8)
    assert not transport.disconnecting
    rig.reactor.pump([1.0] * 8)
    assert transport.disconnecting and rig.closed(CloseReason.IDLE) == 1


def test_waiting_for_a_commit_is_not_idleness() -> None:
    """A terminal waiting for its acknowledgement during a slow commit is not closed as idle."""
    rig = Rig(IntakeLimits(idle_timeout_s=2, login_timeout_s=100, stall_timeout_s=100))
    proto, transport = rig.connect()
    proto.dataReceived(fixes_packet(1, 0, 1))
    rig.reactor.pump([0.5] * 20)
    assert not transport.disconnecting
    rig.store.commit_all()
    assert replies(transport) == [(1, 0)]


def test_connection_without_a_valid_packet_is_closed_after_the_login_timeout() -> None:
    """A connection that never sends a valid packet goes after login_timeout_s."""
    rig = Rig(IntakeLimits(idle_timeout_s=100, login_timeout_s=4, stall_timeout_s=100))
    _proto, transport = rig.connect()
    rig.reactor.pump([1.0] * 7)
    assert transport.disconnecting and rig.closed(CloseReason.LOGIN_TIMEOUT) == 1


def test_slow_sender_is_closed_when_a_packet_stays_incomplete() -> None:
    """Trickling a packet byte by byte cannot hold a connection beyond stall_timeout_s."""
    rig = Rig(IntakeLimits(idle_timeout_s=100, login_timeout_s=100, stall_timeout_s=4))
    proto, transport = rig.connect()
    packet = fixes_packet(1, 0, 1)
    for byte in packet[:20]:
        proto.dataReceived(bytes([byte]))
        rig.reactor.advance(0.5)
    assert transport.disconnecting and rig.closed(CloseReason.SLOW_SENDER) == 1


def test_peer_that_does_not_read_replies_is_dropped() -> None:
    """When our replies pile up unread (transport paused us) for stall_timeout_s, we abort."""
    rig = Rig(IntakeLimits(idle_timeout_s=100, login_timeout_s=100, stall_timeout_s=4))
    proto, transport = rig.connect()
    proto.dataReceived(fixes_packet(1, 0, 1))
    transport.producer.pauseProducing()  # what a full write buffer does
    assert transport.producerState == "paused"
    rig.reactor.pump([1.0] * 7)
    assert transport.disconnected and rig.closed(CloseReason.NOT_READING) == 1


def test_too_many_bytes_waiting_for_one_packet_closes_the_connection() -> None:
    """A declared packet longer than max_buffered_bytes cannot make us buffer it."""
    rig = Rig(IntakeLimits(max_buffered_bytes=100))
    proto, transport = rig.connect()
    proto.dataReceived(fixes_packet(1, 0, 10)[:150])
    assert transport.disconnected and rig.closed(CloseReason.BUFFER) == 1


def test_a_run_of_malformed_packets_closes_the_connection() -> None:
    """max_bad_packets packets in a row with a bad body checksum end the connection."""
    rig = Rig(IntakeLimits(max_bad_packets=3))
    proto, transport = rig.connect()
    bad = build.packet(pid=1, records=[build.pos_record(rn=0)], sfrcs=0)
    proto.dataReceived(bad * 2)
    assert not transport.disconnecting
    proto.dataReceived(bad)
    assert transport.disconnecting and rig.closed(CloseReason.BAD_PACKETS) == 1
    assert rig.metrics.packets.value("egts", "138") == 3


def test_refused_data_closes_only_that_connection_unacknowledged() -> None:
    """A packet the database refuses is not acknowledged; its connection is closed."""
    rig = Rig()
    proto, transport = rig.connect()
    proto.dataReceived(fixes_packet(1, 0, 1))
    rig.store.calls[0][1].errback(StorageRefused("value out of range"))
    assert replies(transport) == []
    assert transport.disconnecting and rig.closed(CloseReason.STORAGE) == 1


def test_login_and_data_in_one_read_ask_the_registry_once() -> None:
    """A first data packet racing its login waits for the same admission (no double register)."""
    rig = Rig()
    asked: list[DeviceKey] = []
    verdict: Deferred[Admission] = Deferred()

    def slow_admit(device: DeviceKey, imei: str | None,
                   details: Mapping[str, str], address: str) -> Deferred[Admission]:
        asked.append(device)
        return verdict

    rig.factory.admit = slow_admit
    proto, transport = rig.connect()
    login = build.packet(pid=0, records=[build.auth_record(rn=0, tid=4242, oid=4242)])
    proto.dataReceived(login + fixes_packet(1, 1, 2))
    assert asked == [DeviceKey("egts", "4242")]
    verdict.callback(Admission(True, 7, 9, "active", "known terminal"))
    rig.store.commit_all()
    assert [rpid for rpid, _ in replies(transport)] == [0, 1]
    assert [row.terminal_id for row in rig.store.calls[0][0]] == [7, 7]
