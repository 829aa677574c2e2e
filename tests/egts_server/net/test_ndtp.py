"""The Twisted NDTP adapter on a StringTransport: results after commit, in order, any split."""

from __future__ import annotations

import pytest
from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred
from twisted.internet.testing import EventLoggingObserver
from twisted.logger import globalLogPublisher

from db.terminals import Admission
from egts_server.codec.ndtp import kernels as ndtp_kernels
from egts_server.model import DeviceKey
from egts_server.net.limits import ConnectionCounter
from tests.egts_server.net.ndtp_rig import ACCEPTED, Registry, Rig, login_frame, nav_frame, result


@pytest.fixture(autouse=True, scope="module")
def each_implementation(ndtp_implementation: ndtp_kernels.Kernels) -> ndtp_kernels.Kernels:
    """Run with each implementation of the NDTP hot path, as the codec's own tests do."""
    return ndtp_implementation


CONVERSATION = login_frame(request_id=0) + nav_frame(1, minute=1) + \
    nav_frame(2, minute=2, history=True) + nav_frame(3, minute=3)
ANSWERS = result(0, service=0) + result(1) + result(2) + result(3)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 15, 25, 64, 89, len(CONVERSATION)])
def test_any_segmentation_gives_the_same_fixes_and_results(size: int) -> None:
    """Byte by byte, in chunks, or glued: three fixes stored, four results, exact bytes."""
    rig = Rig()
    proto, transport = rig.connect()
    for i in range(0, len(CONVERSATION), size):
        proto.dataReceived(CONVERSATION[i : i + size])
    rig.writer.commit()
    assert transport.value() == ANSWERS
    rows = rig.writer.rows
    assert [r.position.fix_time.minute for r in rows] == [1, 2, 3]
    assert [r.position.black_box for r in rows] == [False, True, False]
    assert {(r.terminal_id, r.vehicle_id) for r in rows} == {(7, 9)}
    assert rig.registry.asked[0][:2] == (DeviceKey("ndtp", "134223"), "351513051194055")


def test_result_waits_for_the_commit_of_its_own_fixes() -> None:
    """Nothing but the login result is written until the writer commits the fix."""
    rig = Rig()
    proto, transport = rig.connect()
    proto.dataReceived(login_frame() + nav_frame(1))
    assert transport.value() == result(0, service=0)
    rig.writer.commit(0)
    assert transport.value() == result(0, service=0) + result(1)


def test_results_go_out_in_arrival_order_whatever_commits_first() -> None:
    """A later frame's commit does not overtake an earlier frame's result."""
    rig = Rig()
    proto, transport = rig.connect()
    proto.dataReceived(login_frame() + nav_frame(1) + nav_frame(2))
    transport.clear()
    rig.writer.commit(1)
    assert transport.value() == b""
    rig.writer.commit(0)
    assert transport.value() == result(1) + result(2)


def test_error_replies_queue_behind_pending_results() -> None:
    """An unsupported-service answer waits for the fix before it (one order for all)."""
    from tests.builders import ndtp as build

    rig = Rig()
    proto, transport = rig.connect()
    proto.dataReceived(login_frame() + nav_frame(1) + build.frame(b"", service=7, request_id=2))
    transport.clear()
    rig.writer.commit()
    assert transport.value() == result(1) + result(2, service=7, code=100)


def test_fixes_wait_for_the_registry_verdict_before_reaching_the_writer() -> None:
    """Pipelined NAVDATA behind CONN_REQUEST is submitted only once the terminal is admitted."""
    registry = Registry(manual=True)
    rig = Rig(registry)
    proto, transport = rig.connect()
    proto.dataReceived(login_frame() + nav_frame(1) + nav_frame(2))
    assert rig.writer.calls == [] and transport.value() == b""
    d: Deferred[Admission] = registry.pending[0]
    d.callback(ACCEPTED)
    assert len(rig.writer.calls) == 2
    assert transport.value() == result(0, service=0)
    assert len(registry.asked) == 1  # one lookup for the whole connection


def test_corrupted_crc_gets_no_reply_and_the_connection_stays_usable() -> None:
    """A flipped byte: silence; the same frame resent intact is stored and answered."""
    rig = Rig()
    proto, transport = rig.connect()
    good = nav_frame(5)
    bad = good[:30] + bytes([good[30] ^ 0xFF]) + good[31:]
    proto.dataReceived(login_frame() + bad)
    rig.writer.commit()
    assert transport.value() == result(0, service=0) and not transport.disconnecting
    proto.dataReceived(good)
    rig.writer.commit()
    assert transport.value() == result(0, service=0) + result(5)


def test_idle_connection_is_closed() -> None:
    """No byte for idle_timeout_s while nothing waits for a commit: the adapter closes (at
    the next sweep); every byte restarts the timer."""
    rig = Rig(idle_timeout_s=180)
    proto, transport = rig.connect()
    proto.dataReceived(login_frame())
    rig.clock.advance(170)
    proto.dataReceived(nav_frame(1))
    rig.writer.commit()
    rig.clock.advance(170)
    assert not transport.disconnecting
    rig.clock.advance(11)
    assert transport.disconnecting


def test_connection_without_conn_request_is_closed_after_the_login_timeout() -> None:
    """Something that never identifies is dropped after login_timeout_s."""
    rig = Rig(login_timeout_s=30)
    proto, transport = rig.connect()
    proto.dataReceived(b"GET / HTTP/1.1\r\n")
    rig.clock.advance(31)
    assert transport.disconnecting


def test_identified_connection_is_not_hit_by_the_login_timeout() -> None:
    """Once CONN_REQUEST arrived only the idle timer applies."""
    rig = Rig(login_timeout_s=30, idle_timeout_s=300)
    proto, transport = rig.connect()
    proto.dataReceived(login_frame())
    rig.clock.advance(60)
    assert not transport.disconnecting


def test_garbage_is_logged_with_the_count(request: pytest.FixtureRequest) -> None:
    """Skipped bytes are logged as a structured event with how many."""
    observer = EventLoggingObserver()
    globalLogPublisher.addObserver(observer)
    request.addfinalizer(lambda: globalLogPublisher.removeObserver(observer))
    rig = Rig()
    proto, _ = rig.connect()
    proto.dataReceived(b"\x01\x02\x03" + login_frame())
    skips = [e for e in observer if "false" in e and "n" in e]
    assert [(e["n"], e["false"]) for e in skips] == [(3, 0)]


def test_writer_backpressure_covers_the_connection() -> None:
    """The connection is registered with the writer while connected, and released after; a
    full queue pauses its reading."""
    rig = Rig()
    proto, transport = rig.connect()
    (producer,) = rig.writer.producers
    producer.pauseProducing()
    assert transport.producerState == "paused"
    producer.resumeProducing()
    assert transport.producerState == "producing"
    proto.connectionLost()
    assert not rig.writer.producers


# -- the listener's common machinery: metrics, caps, shutdown ------------------------------------


def test_connections_and_results_are_in_the_metrics() -> None:
    """connections{protocol="ndtp"} while open; packets by the NPH_RESULT that answered them
    (``none``: a bad CRC, dropped unanswered); closes by reason."""
    rig = Rig()
    metrics = rig.factory.metrics
    proto, transport = rig.connect()
    assert metrics.connections.value("ndtp") == 1
    proto.dataReceived(login_frame())
    frame = bytearray(nav_frame(1))
    frame[-1] ^= 0xFF
    proto.dataReceived(bytes(frame))
    assert metrics.packets.value("ndtp", "0") == 1
    assert metrics.packets.value("ndtp", "none") == 1
    proto.connectionLost()
    assert metrics.connections.value("ndtp") == 0


def test_connection_caps_apply_to_ndtp() -> None:
    """Past max_connections_per_address the listener refuses, counted by reason."""
    rig = Rig()
    rig.factory.counter = ConnectionCounter(10, 1)
    rig.connect()
    assert rig.factory.buildProtocol(IPv4Address("TCP", "10.0.0.1", 40001)) is None
    assert rig.factory.metrics.connections_refused.value("ndtp", "address_cap") == 1


def test_shutdown_answers_what_commits_then_closes() -> None:
    """SIGTERM: reading stops, the result of a fix already submitted goes out once it commits,
    then the connection closes."""
    rig = Rig()
    proto, transport = rig.connect()
    proto.dataReceived(login_frame() + nav_frame(1))
    rig.factory.stop_reading()
    done = rig.factory.finish_all(timeout_s=5)
    proto.dataReceived(nav_frame(2))  # (already read from the socket: it waits, unanswered)
    assert not transport.disconnecting
    rig.writer.commit()
    assert transport.value() == result(0, service=0) + result(1)
    assert transport.disconnecting
    proto.connectionLost()
    assert done.called
