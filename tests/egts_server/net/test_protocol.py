"""The EGTS adapter without sockets: acknowledgement order, backpressure, hygiene, caps."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest
from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred, succeed
from twisted.internet.testing import MemoryReactorClock, StringTransport
from twisted.python.failure import Failure

from db.pool import StorageRefused
from db.positions import FixRow
from db.terminals import Admission
from egts_server.metrics import IntakeMetrics
from egts_server.model import DeviceKey
from egts_server.net.limits import CloseReason, ConnectionCounter, IntakeLimits
from egts_server.net.protocol import EgtsFactory, EgtsProtocol
from egts_server.sinks import BatchingWriter
from tests.builders import egts as build

T0 = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)


class ManualStore:
    """Each store call returns a Deferred the test fires by hand."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[FixRow], Deferred[int]]] = []

    def __call__(self, rows: list[FixRow]) -> Deferred[int]:
        d: Deferred[int] = Deferred()
        self.calls.append((rows, d))
        return d

    def commit_all(self) -> None:
        while any(not d.called for _, d in self.calls):
            for rows, d in list(self.calls):
                if not d.called:
                    d.callback(len(rows))


def admit(device: DeviceKey, imei: str | None, details: Mapping[str, str],
          address: str) -> Deferred[Admission]:
    return succeed(Admission(True, 7, 9, "active", "known terminal"))


class Rig:
    """A factory on a fake reactor with a hand-driven store."""

    def __init__(self, limits: IntakeLimits | None = None, *, max_queue: int = 50000,
                 counter: ConnectionCounter | None = None) -> None:
        self.reactor = MemoryReactorClock()
        self.store = ManualStore()
        self.metrics = IntakeMetrics()
        self.writer = BatchingWriter(self.store, self.reactor, max_queue=max_queue,
                                     metrics=self.metrics)
        self.factory = EgtsFactory(self.writer, admit, lambda: T0, limits or IntakeLimits(),
                                   reactor=self.reactor, counter=counter, metrics=self.metrics)

    def connect(self, host: str = "10.0.0.1") -> tuple[EgtsProtocol, StringTransport]:
        addr = IPv4Address("TCP", host, 40000)
        proto = self.factory.buildProtocol(addr)
        assert proto is not None
        transport = StringTransport(peerAddress=addr)
        proto.makeConnection(transport)
        return proto, transport

    def closed(self, reason: CloseReason) -> float:
        return self.metrics.connections_closed.value("egts", reason.value)


def fixes_packet(pid: int, first_rn: int, count: int, oid: int = 4242) -> bytes:
    records = [build.pos_record(rn=first_rn + k, oid=oid, time=T0 + timedelta(seconds=pid * 60 + k))
               for k in range(count)]
    return build.packet(pid=pid, records=records)


def replies(transport: StringTransport) -> list[tuple[int, int]]:
    """(RPID, PR) of every PT_RESPONSE written so far."""
    out, data = [], transport.value()
    while data:
        hl, fdl = data[3], int.from_bytes(data[5:7], "little")
        size = hl + fdl + (2 if fdl else 0)
        frame, data = data[:size], data[size:]
        if frame[9] == 0:
            out.append((int.from_bytes(frame[hl:hl + 2], "little"), frame[hl + 2]))
    return out


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


def test_garbage_gets_the_codec_reply_and_the_connection_closes() -> None:
    """Bytes that cannot be framed are answered (PR from the codec's table) and closed."""
    rig = Rig()
    proto, transport = rig.connect()
    proto.dataReceived(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert replies(transport) == [(int.from_bytes(b"TT", "little"), 128)]  # PID as read
    assert transport.disconnecting and rig.closed(CloseReason.GARBAGE) == 1
    assert rig.metrics.packets.value("egts", "128") == 1


def test_valid_frames_before_garbage_are_still_acknowledged() -> None:
    """Frames cut before the bad bytes are stored and acknowledged before the close."""
    rig = Rig()
    proto, transport = rig.connect()
    proto.dataReceived(fixes_packet(5, 0, 1) + b"\x09" * 20)
    assert not transport.disconnecting
    rig.store.commit_all()
    assert replies(transport)[-1] == (5, 0)
    assert transport.disconnecting


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


def test_refused_data_closes_only_that_connection_unacknowledged() -> None:
    """A packet the database refuses is not acknowledged; its connection is closed."""
    rig = Rig()
    proto, transport = rig.connect()
    proto.dataReceived(fixes_packet(1, 0, 1))
    rig.store.calls[0][1].errback(StorageRefused("value out of range"))
    assert replies(transport) == []
    assert transport.disconnecting and rig.closed(CloseReason.STORAGE) == 1


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


def test_records_are_counted_by_the_result_they_were_confirmed_with() -> None:
    """records{result} per RECORD_RESPONSE sent: good records under 0, a refused one (an
    unknown service, 150) under its code."""
    rig = Rig()
    proto, transport = rig.connect()
    proto.dataReceived(fixes_packet(1, 0, 3))
    bad = build.packet(pid=2, records=[build.pos_record(rn=3), build.record(rn=4, sst=99)])
    proto.dataReceived(bad)
    rig.store.commit_all()
    records = rig.metrics.records
    assert (records.value("egts", "0"), records.value("egts", "150")) == (4, 1)


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


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 11, 64, 4096])
def test_any_segmentation_gives_the_same_reply_bytes_and_fixes(chunk: int) -> None:
    """However TCP splits a login and two glued data packets, the replies and fixes are the same."""
    stream = (build.packet(pid=0, records=[build.auth_record(rn=0, tid=4242, oid=4242)])
              + fixes_packet(1, 1, 3) + fixes_packet(2, 4, 2))

    def run(step: int) -> tuple[bytes, list[tuple[float, float]]]:
        rig = Rig()
        proto, transport = rig.connect()
        for i in range(0, len(stream), step):
            proto.dataReceived(stream[i : i + step])
            rig.store.commit_all()
        rig.store.commit_all()
        fixes = [(r.position.latitude, r.position.longitude)
                 for rows, _ in rig.store.calls for r in rows]
        return transport.value(), fixes

    whole, whole_fixes = run(len(stream))
    split, split_fixes = run(chunk)
    assert split == whole and split_fixes == whole_fixes and len(whole_fixes) == 5
    written = StringTransport()
    written.write(whole)
    assert replies(written) == [(0, 0), (1, 0), (2, 0)]
