"""One upstream connection: it writes what the conversation says, ticks the resend clock,
and reports logins, rounds and losses to its feeder with the reason the connection went.
The upstream is our own server-side ``Session`` fed with what the connection wrote."""

from __future__ import annotations

from twisted.internet.error import ConnectionDone, ConnectionRefusedError
from twisted.internet.task import Clock
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure

from egts_server.codec.egts import Framer, ResultCode, Session
from egts_server.retranslator.client import UpstreamFactory, UpstreamProtocol
from egts_server.retranslator.conversation import Conversation, RoundResult
from tests.egts_server.retranslator.helpers import T0, outgoing


class Feeder:
    """Records what the connection reports, in order."""

    upstream_name = "rnis"

    def __init__(self) -> None:
        self.reports: list[tuple[str, object]] = []

    def logged_in(self, connection: UpstreamProtocol) -> None:
        self.reports.append(("logged_in", connection))

    def login_refused(self, code: int) -> None:
        self.reports.append(("login_refused", code))

    def round_done(self, result: RoundResult) -> None:
        self.reports.append(("round_done", result))

    def connection_lost(self, why: str) -> None:
        self.reports.append(("connection_lost", why))


class Link:
    """A connection built by the factory, made on a string transport, and the upstream."""

    def __init__(self) -> None:
        self.clock = Clock()
        self.feeder = Feeder()
        self.factory = UpstreamFactory(self.feeder, Conversation(dispatcher_id=77), self.clock,
                                       tick_s=1.0)
        self.proto = self.factory.buildProtocol(None)
        self.transport = StringTransport()
        self.proto.makeConnection(self.transport)
        self.session = Session(now=lambda: T0)

    def written(self) -> list[bytes]:
        frames = Framer().feed(self.transport.value())
        self.transport.clear()
        return frames

    def answer_login(self, code: ResultCode) -> None:
        (login,) = self.written()
        handled = self.session.handle(login)
        assert handled.ack is not None
        self.proto.dataReceived(handled.ack + self.session.login_result(code))

    def lose(self) -> None:
        self.proto.connectionLost(Failure(ConnectionDone("closed by the platform")))


def test_the_login_goes_out_on_connect_and_an_accepted_login_is_reported() -> None:
    link = Link()
    assert link.factory is link.proto.factory and not link.proto.ready
    link.answer_login(ResultCode.OK)
    assert link.feeder.reports == [("logged_in", link.proto)]
    assert link.proto.ready
    (confirmation,) = link.written()  # of the platform's RESULT_CODE
    assert link.session.handle(confirmation).error is None


def test_a_refused_login_is_reported_with_its_code_and_the_connection_closes() -> None:
    link = Link()
    link.answer_login(ResultCode.AUTH_DENIED)
    assert link.feeder.reports == [("login_refused", 151)]
    assert link.transport.disconnecting and not link.proto.ready


def test_a_round_is_not_ready_for_another_until_confirmed() -> None:
    link = Link()
    link.answer_login(ResultCode.OK)
    link.written()
    fix = outgoing(1, 0)
    link.proto.send_round([[fix]])
    assert not link.proto.ready
    (packet,) = link.written()
    handled = link.session.handle(packet)
    assert handled.ack is not None
    link.proto.dataReceived(handled.ack)
    (kind, result), = link.feeder.reports[1:]
    assert kind == "round_done" and isinstance(result, RoundResult)
    assert result.delivered == (fix,) and result.unconfirmed == ()
    assert link.proto.ready


def test_the_clock_resends_an_unconfirmed_packet() -> None:
    """The conversation's resend timeout is noticed by the connection's ticker."""
    link = Link()
    link.answer_login(ResultCode.OK)
    link.written()
    link.proto.send_round([[outgoing(1, 0)]])
    (packet,) = link.written()
    link.clock.advance(4.0)
    assert link.written() == []
    link.clock.advance(1.0)
    assert link.written() == [packet]


def test_a_loss_mid_round_reports_the_round_then_the_loss() -> None:
    link = Link()
    link.answer_login(ResultCode.OK)
    fix = outgoing(1, 0)
    link.proto.send_round([[fix]])
    link.transport.clear()
    link.lose()
    kinds = [kind for kind, _ in link.feeder.reports]
    assert kinds == ["logged_in", "round_done", "connection_lost"]
    result = link.feeder.reports[1][1]
    assert isinstance(result, RoundResult)
    assert (result.delivered, result.unconfirmed) == ((), (fix,))
    assert link.feeder.reports[-1] == (
        "connection_lost",
        "connection lost: Connection was closed cleanly: closed by the platform.")
    link.clock.advance(60.0)
    assert link.written() == []  # the ticker stopped with the connection


def test_an_unreadable_stream_closes_with_that_reason() -> None:
    link = Link()
    link.proto.dataReceived(b"GET / HTTP/1.1\r\n\r\n" * 4)
    assert link.transport.disconnecting
    link.lose()
    (kind, why), = link.feeder.reports
    assert kind == "connection_lost"
    assert isinstance(why, str) and why.startswith("unreadable stream from the platform: ")


def test_a_failed_attempt_is_reported_as_cannot_connect() -> None:
    feeder = Feeder()
    factory = UpstreamFactory(feeder, Conversation(dispatcher_id=77), Clock(), tick_s=1.0)
    factory.clientConnectionFailed(None, Failure(ConnectionRefusedError("refused")))
    assert feeder.reports == [("connection_lost",
                               "cannot connect: Connection was refused by other side: "
                               "refused.")]
