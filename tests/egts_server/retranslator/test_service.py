"""The Twisted side: one connection and the feeder's lease, pump and reconnect policy.

The database is a fake pool answering each ``db.retranslation`` call by name; the upstream is
our own server-side ``Session`` fed with what the connection wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from twisted.internet.defer import Deferred, succeed
from twisted.internet.error import ConnectionDone
from twisted.internet.testing import MemoryReactorClock, StringTransport
from twisted.logger import LogEvent, globalLogPublisher
from twisted.python.failure import Failure

from db.retranslation import QueuedFix
from egts_server.codec.egts import Confirmation, Framer, ResultCode, Session, build_response
from egts_server.retranslator.client import UpstreamProtocol
from egts_server.retranslator.service import UpstreamFeeder
from egts_server.retranslator.settings import RetranslatorSettings, UpstreamSettings
from tests.egts_server.retranslator.helpers import T0, queued

UPSTREAM = UpstreamSettings(name="rnis", host="10.0.0.9", port=4000, dispatcher_id=77,
                            kinds=("bus",), oids={"1": 880001})
OPTIONS = RetranslatorSettings(upstreams=(UPSTREAM,))


class FakePool:
    """``runInteraction`` answered by function name; every call is recorded."""

    def __init__(self, **answers: Any) -> None:
        self.answers = answers
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def runInteraction(self, f: Callable[..., Any], *args: Any,  # noqa: N802
                       **kwargs: Any) -> Deferred[Any]:
        self.calls.append((f.__name__, args, kwargs))
        answer = self.answers.get(f.__name__)
        return succeed(answer(*args, **kwargs) if callable(answer) else answer)

    def called(self, name: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        return [(a, k) for n, a, k in self.calls if n == name]


@pytest.fixture()
def events() -> Iterator[list[LogEvent]]:
    captured: list[LogEvent] = []
    globalLogPublisher.addObserver(captured.append)
    yield captured
    globalLogPublisher.removeObserver(captured.append)


def started(pool: FakePool) -> tuple[UpstreamFeeder, MemoryReactorClock]:
    reactor = MemoryReactorClock()
    feeder = UpstreamFeeder(UPSTREAM, OPTIONS, pool, reactor, lambda: T0, "test:1")  # type: ignore[arg-type]
    feeder.startService()
    feeder.begin(3)
    return feeder, reactor


def connect(reactor: MemoryReactorClock) -> tuple[UpstreamProtocol, StringTransport, Session]:
    """Complete the latest connection attempt; the server session has read the login."""
    host, port, factory, timeout, _ = reactor.tcpClients[-1]
    assert (host, port) == ("10.0.0.9", 4000)
    proto = factory.buildProtocol(None)
    transport = StringTransport()
    proto.makeConnection(transport)
    return proto, transport, Session(now=lambda: T0)


def serve_login(proto: UpstreamProtocol, transport: StringTransport, session: Session,
                code: ResultCode) -> list[bytes]:
    """Accept or refuse the login; returns the frames written after it, our confirmation of
    the RESULT_CODE (already handed to the session) excluded."""
    handled = session.handle(transport.value())
    transport.clear()
    assert handled.ack is not None
    proto.dataReceived(handled.ack + session.login_result(code))
    if code != ResultCode.OK:
        return []
    confirmation, *rest = Framer().feed(transport.value())
    session.handle(confirmation)
    transport.clear()
    return rest


def test_refused_login_is_retried_with_growing_pauses_and_logged(
        events: list[LogEvent]) -> None:
    """151 twice: reconnects after 30 s, then 60 s; each time a warning names the code."""
    pool = FakePool(claim_lease=True)
    feeder, reactor = started(pool)
    for expected_delay in (30.0, 60.0):
        proto, transport, session = connect(reactor)
        serve_login(proto, transport, session, ResultCode.AUTH_DENIED)
        assert transport.disconnecting
        proto.connectionLost(Failure(ConnectionDone()))
        (warning,) = [e for e in events if e.get("result_code") == 151 and "delay" in e]
        events.clear()
        assert warning["delay"] == expected_delay and warning["upstream"] == "rnis"
        attempts = len(reactor.tcpClients)
        reactor.advance(expected_delay - 0.1)
        assert len(reactor.tcpClients) == attempts
        reactor.advance(0.1)
        assert len(reactor.tcpClients) == attempts + 1
    states = [args[1] for args, _ in pool.called("set_state")]
    assert states == ["connecting", "refused", "connecting", "refused", "connecting"]
    feeder.stopService()


def test_logged_in_feeder_sends_the_queue_and_records_confirmations() -> None:
    """Fetch, one round, the upstream confirms, the keys go to ``confirm``; then it polls."""
    fixes = [queued(1, 0), queued(1, 1), queued(2, 0)]
    batches: list[list[QueuedFix]] = [fixes]
    pool = FakePool(claim_lease=True,
                    fetch_pending=lambda *a, **k: batches.pop(0) if batches else [],
                    confirm=len(fixes))
    feeder, reactor = started(pool)
    proto, transport, session = connect(reactor)
    (packet,) = serve_login(proto, transport, session, ResultCode.OK)
    (fetch_args, fetch_kwargs), = pool.called("fetch_pending")
    assert fetch_args == (3,) and fetch_kwargs["exclude"] == []
    assert (fetch_kwargs["per_vehicle"], fetch_kwargs["max_vehicles"]) == (50, 40)
    handled = session.handle(packet)
    assert [p.device.identifier for p in handled.positions] == ["880001", "880001", "4002"]
    assert handled.ack is not None
    proto.dataReceived(handled.ack)
    (_, confirm), = pool.called("confirm")
    assert confirm["delivered"] == [f.key for f in fixes]
    assert confirm["sent"] == {1: 2, 2: 1} and confirm["refused"] == []
    assert confirm["oids"] == {1: 880001, 2: 4002}
    assert len(pool.called("fetch_pending")) == 2  # fetched again at once: empty
    reactor.advance(OPTIONS.poll_interval_s)
    assert len(pool.called("fetch_pending")) == 3  # and polls while idle
    feeder.stopService()


def test_refused_vehicle_is_paused_and_excluded_from_fetches(events: list[LogEvent]) -> None:
    """A record refused with 153: logged with the code, its vehicle skipped for a while."""
    batches: list[list[QueuedFix]] = [[queued(1, 0)], []]
    pool = FakePool(claim_lease=True, fetch_pending=lambda *a, **k: batches.pop(0), confirm=0)
    feeder, reactor = started(pool)
    proto, transport, session = connect(reactor)
    (packet,) = serve_login(proto, transport, session, ResultCode.OK)
    pid = int.from_bytes(packet[7:9], "little")
    rn = int.from_bytes(packet[13:15], "little")
    proto.dataReceived(build_response(pid=5, rpid=pid, result=0,
                                      confirmations=[Confirmation(2, rn, 153)]))
    (_, confirm), = pool.called("confirm")
    assert [(r.key.vehicle_id, r.code) for r in confirm["refused"]] == [(1, 153)]
    assert pool.called("fetch_pending")[-1][1]["exclude"] == [1]
    assert any(e.get("result_code") == 153 and e.get("vehicle") == 1 for e in events)
    feeder.stopService()


def test_silent_upstream_gets_resends_then_a_reconnect() -> None:
    """No confirmation: the packet goes again every 5 s; after the third resend, reconnect."""
    batches: list[list[QueuedFix]] = [[queued(1, 0)]]
    pool = FakePool(claim_lease=True, fetch_pending=lambda *a, **k: batches.pop(0))
    feeder, reactor = started(pool)
    proto, transport, session = connect(reactor)
    (packet,) = serve_login(proto, transport, session, ResultCode.OK)
    for _ in range(3):
        transport.clear()
        reactor.advance(5.0)
        assert transport.value() == packet
    reactor.advance(5.0)
    assert transport.disconnecting
    proto.connectionLost(Failure(ConnectionDone()))
    (_, confirm), = pool.called("confirm")
    assert confirm["delivered"] == [] and confirm["sent"] == {1: 4}
    attempts = len(reactor.tcpClients)
    reactor.advance(30.0)
    assert len(reactor.tcpClients) == attempts + 1
    feeder.stopService()


def test_without_the_lease_the_feeder_stands_by() -> None:
    """Another process holds the lease: no connection; it is taken once the lease frees."""
    answers = [False, True]
    pool = FakePool(claim_lease=lambda *a: answers.pop(0))
    feeder, reactor = started(pool)
    assert reactor.tcpClients == []
    reactor.advance(10.0)
    assert len(reactor.tcpClients) == 1
    feeder.stopService()
    assert pool.called("release_lease")


def test_lease_lost_and_regained_while_a_reconnect_waits_makes_one_attempt() -> None:
    """Losing the lease drops the connection; regaining it connects once, not twice."""
    answers = [True, False, True]
    pool = FakePool(claim_lease=lambda *a: answers.pop(0) if answers else True)
    feeder, reactor = started(pool)
    assert len(reactor.tcpClients) == 1
    _, _, factory, _, _ = reactor.tcpClients[-1]
    factory.clientConnectionFailed(None, Failure(ConnectionDone()))  # retry in 30 s
    reactor.advance(10.0)  # renewal: lease lost
    reactor.advance(10.0)  # renewal: lease back, connects at once
    assert len(reactor.tcpClients) == 2
    reactor.advance(30.0)  # the old retry must not add a second connection
    assert len(reactor.tcpClients) == 2
    feeder.stopService()
