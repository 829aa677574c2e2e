"""The client-side EGTS conversation, driven against our own server-side ``Session``."""

from __future__ import annotations

import pytest

from egts_server.codec.egts import (
    Confirmation,
    Handled,
    ResultCode,
    Session,
    build_response,
    build_result_code,
    parse_packet,
)
from egts_server.codec.egts.subrecords import DispatcherIdentity
from egts_server.model import DeviceKey
from egts_server.retranslator.conversation import Conversation, Phase, Timing, code_name
from tests.builders import egts as build
from tests.egts_server.retranslator.helpers import T0, outgoing

DID = 77


def logged_in() -> tuple[Conversation, Session]:
    """A conversation that logged in to a fresh server session."""
    conv, session = Conversation(dispatcher_id=DID), Session(now=lambda: T0)
    (login,) = conv.start(0.0).writes
    handled = session.handle(login)
    assert handled.ack is not None and handled.login is not None
    assert conv.feed(handled.ack, 0.1).writes == []
    step = conv.feed(session.login_result(ResultCode.OK), 0.2)
    assert step.logged_in and len(step.writes) == 1  # our confirmation of the RESULT_CODE
    session.handle(step.writes[0])
    return conv, session


def test_login_packet_is_dispatcher_identity_per_the_builder() -> None:
    """PID 0, one AUTH record (RN 0, no OID) with DISPATCHER_IDENTITY DT 0 and our DID."""
    (data,) = Conversation(dispatcher_id=DID, description=b"city").start(0.0).writes
    assert data == build.packet(pid=0, records=[build.record(rn=0, sst=1, subrecords=[
        build.subrecord(5, build.dispatcher_identity(dt=0, did=DID, dscr=b"city"))])])
    (sub,) = parse_packet(data).records[0].subrecords
    assert sub == DispatcherIdentity(dispatcher_type=0, dispatcher_id=DID, description=b"city")


def test_server_session_sees_a_dispatcher_login() -> None:
    """Our intake's session reports the login as ``dispatcher:77``."""
    (login,) = Conversation(dispatcher_id=DID).start(0.0).writes
    handled = Session(now=lambda: T0).handle(login)
    assert handled.login is not None
    assert handled.login.device == DeviceKey("egts", f"dispatcher:{DID}")


def test_round_is_stored_under_each_oid_and_fully_confirmed() -> None:
    """Fixes of two vehicles in one packet: the server attributes each to its OID."""
    conv, session = logged_in()
    items = [outgoing(1, 0, oid=501), outgoing(1, 1, oid=501), outgoing(2, 0, oid=502)]
    (packet,) = conv.send_round([items], 1.0).writes
    handled: Handled = session.handle(packet)
    assert [p.device.identifier for p in handled.positions] == ["501", "501", "502"]
    assert [p.fix_time for p in handled.positions] == [i.fix.position.fix_time for i in items]
    assert conv.busy
    assert handled.ack is not None
    step = conv.feed(handled.ack, 1.1)
    assert step.round_done is not None
    assert step.round_done.delivered == tuple(items)
    assert step.round_done.sent == {1: 2, 2: 1}
    assert not conv.busy


def test_round_is_done_only_when_every_packet_is_answered() -> None:
    """Two packets: the round reports after the second confirmation, with both."""
    conv, session = logged_in()
    a, b = [outgoing(1, 0)], [outgoing(2, 0)]
    first, second = conv.send_round([a, b], 1.0).writes
    ack_a, ack_b = session.handle(first).ack, session.handle(second).ack
    assert ack_a is not None and ack_b is not None
    assert conv.feed(ack_b, 1.1).round_done is None
    done = conv.feed(ack_a, 1.2).round_done
    assert done is not None and sorted(done.delivered, key=lambda o: o.vehicle_id) == [*a, *b]


def test_refused_login_reports_the_code_and_closes() -> None:
    """RESULT_CODE 151: login_refused = 151, our confirmation still goes, then close."""
    conv, session = Conversation(dispatcher_id=DID), Session(now=lambda: T0)
    handled = session.handle(conv.start(0.0).writes[0])
    assert handled.ack is not None
    conv.feed(handled.ack, 0.1)
    step = conv.feed(session.login_result(ResultCode.AUTH_DENIED), 0.2)
    assert step.login_refused == 151
    assert step.close is not None and "151 (AUTH_DENIED)" in step.close
    assert len(step.writes) == 1 and parse_packet(step.writes[0]).response is not None
    assert conv.phase is Phase.CLOSED


def test_login_record_refused_in_the_response() -> None:
    """A PT_RESPONSE confirming the login record with RST 153 is a refusal too."""
    conv = Conversation(dispatcher_id=DID)
    conv.start(0.0)
    step = conv.feed(build.record_ack(rpid=0, sst=1, confirmed=[(0, 153)]), 0.1)
    assert step.login_refused == 153 and step.close


def test_confirmed_login_without_result_code_is_accepted_after_the_timeout() -> None:
    """Some relays never send RESULT_CODE: after TL_RESPONSE_TO the login counts as accepted."""
    conv = Conversation(dispatcher_id=DID)
    conv.start(0.0)
    conv.feed(build.record_ack(rpid=0, sst=1, confirmed=[(0, 0)]), 0.5)
    assert not conv.tick(5.0).logged_in
    step = conv.tick(5.6)
    assert step.logged_in and step.note and conv.phase is Phase.READY


def test_unanswered_packet_is_resent_three_times_then_the_connection_goes() -> None:
    """Same bytes again at 5, 10 and 15 s; at 20 s close, the fixes unconfirmed."""
    conv, _ = logged_in()
    items = [outgoing(1, 0)]
    (packet,) = conv.send_round([items], 100.0).writes
    pid = parse_packet(packet).header.pid
    assert conv.tick(104.9).writes == []
    for n, at in enumerate((105.0, 110.0, 115.0), start=2):
        step = conv.tick(at)
        assert step.writes == [packet] and step.resent == [(pid, n)]
    step = conv.tick(120.0)
    assert step.close is not None and "after 4 sends" in step.close
    assert step.round_done is not None
    assert step.round_done.unconfirmed == tuple(items) and step.round_done.sent == {1: 4}


def test_unanswered_login_is_resent_then_given_up() -> None:
    """The login packet follows the same resend rule."""
    conv = Conversation(dispatcher_id=DID, timing=Timing(response_timeout_s=1.0,
                                                         resend_attempts=1))
    (login,) = conv.start(0.0).writes
    assert conv.tick(1.0).writes == [login]
    step = conv.tick(2.0)
    assert step.close is not None and "login" in step.close and step.round_done is None


def test_per_record_refusal_and_unmentioned_records() -> None:
    """RST 153 for one record, nothing for another: refused and unconfirmed respectively."""
    conv, _ = logged_in()
    items = [outgoing(1, 0), outgoing(1, 1), outgoing(1, 2)]
    (packet,) = conv.send_round([items], 1.0).writes
    sent = parse_packet(packet)
    pid, first_rn = sent.header.pid, sent.records[0].header.rn
    reply = build_response(pid=9, rpid=pid, result=0, confirmations=[
        Confirmation(2, first_rn, 0), Confirmation(2, first_rn + 1, 153)])
    done = conv.feed(reply, 1.1).round_done
    assert done is not None
    assert done.delivered == (items[0],)
    assert done.refused == ((items[1], 153),)
    assert done.unconfirmed == (items[2],)


def test_packet_level_error_refuses_every_record() -> None:
    """PR 138 (DATACRC_ERROR) refuses the whole packet with that code."""
    conv, _ = logged_in()
    items = [outgoing(1, 0), outgoing(2, 0)]
    (packet,) = conv.send_round([items], 1.0).writes
    done = conv.feed(build.record_ack(rpid=parse_packet(packet).header.pid, pr=138),
                     1.1).round_done
    assert done is not None and done.refused == tuple((i, 138) for i in items)


def test_bare_packet_confirmation_confirms_every_record() -> None:
    """PR 0 with no RECORD_RESPONSE at all: the receiver only confirms packets."""
    conv, _ = logged_in()
    items = [outgoing(1, 0), outgoing(1, 1)]
    (packet,) = conv.send_round([items], 1.0).writes
    done = conv.feed(build.record_ack(rpid=parse_packet(packet).header.pid), 1.1).round_done
    assert done is not None and done.delivered == tuple(items)


def test_late_duplicate_confirmation_is_ignored() -> None:
    """A second answer to a resent packet changes nothing."""
    conv, session = logged_in()
    (packet,) = conv.send_round([[outgoing(1, 0)]], 1.0).writes
    ack = session.handle(packet).ack
    assert ack is not None
    assert conv.feed(ack, 1.1).round_done is not None
    assert conv.feed(ack, 1.2).round_done is None


def test_abort_reports_what_was_confirmed_before_the_loss() -> None:
    """Connection lost mid-round: confirmed packets count, the rest is unconfirmed."""
    conv, session = logged_in()
    a, b = [outgoing(1, 0)], [outgoing(2, 0)]
    first, _ = conv.send_round([a, b], 1.0).writes
    ack = session.handle(first).ack
    assert ack is not None
    conv.feed(ack, 1.1)
    done = conv.abort()
    assert done is not None and done.delivered == tuple(a) and done.unconfirmed == tuple(b)
    assert conv.abort() is None


def test_garbage_from_the_platform_closes_without_raising() -> None:
    """A frame that does not parse asks for the connection to be dropped."""
    conv, _ = logged_in()
    step = conv.feed(build.packet(pid=1, records=[b"\x01"]), 1.0)
    assert step.close is not None and "unreadable" in step.close


def test_commands_from_the_platform_are_confirmed_and_ignored() -> None:
    """Any other APPDATA gets a PT_RESPONSE with RST 0 per record."""
    conv, _ = logged_in()
    command = build.packet(pid=5, records=[build.record(rn=3, sst=4, subrecords=[
        build.subrecord(51, build.command_data())])])
    (reply,) = conv.feed(command, 1.0).writes
    assert reply == build_response(pid=reply[7] | reply[8] << 8, rpid=5, result=0,
                                   confirmations=[Confirmation(4, 3, 0)],
                                   rns=iter([int.from_bytes(reply[16:18], "little")]))


def test_withdrawn_login_closes() -> None:
    """A RESULT_CODE != 0 after the login closes the connection (not a login refusal)."""
    conv, _ = logged_in()
    step = conv.feed(build_result_code(pid=3, rn=3, code=ResultCode.AUTH_DENIED), 1.0)
    assert step.close is not None and step.login_refused is None



def test_refusals_and_give_ups_say_why_the_connection_goes() -> None:
    """The close reason names what happened and the code by number and name."""
    conv = Conversation(dispatcher_id=DID)
    conv.start(0.0)
    step = conv.feed(build.record_ack(rpid=0, sst=1, confirmed=[(0, 151)]), 0.1)
    assert step.close == "login refused with result code 151 (AUTH_DENIED)"
    conv, session = Conversation(dispatcher_id=DID), Session(now=lambda: T0)
    conv.start(0.0)
    step = conv.feed(session.login_result(ResultCode.AUTH_DENIED), 0.2)
    assert step.close == "login refused with result code 151 (AUTH_DENIED)"
    conv, _ = logged_in()
    step = conv.feed(build_result_code(pid=3, rn=3, code=250), 1.0)
    assert step.close == "platform withdrew the login with result code 250"


def test_giving_up_names_the_packet_or_the_login() -> None:
    timing = Timing(response_timeout_s=1.0, resend_attempts=0)
    conv = Conversation(dispatcher_id=DID, timing=timing)
    conv.start(0.0)
    assert conv.tick(1.0).close == "no confirmation of the login after 1 sends"
    conv, _ = logged_in()
    (packet,) = conv.send_round([[outgoing(1, 0)]], 1.0).writes
    pid = parse_packet(packet).header.pid
    for at in (6.0, 11.0, 16.0):
        conv.tick(at)
    assert conv.tick(21.0).close == f"no confirmation of packet PID {pid} after 4 sends"


def test_a_confirmed_login_is_taken_as_accepted_exactly_at_the_timeout() -> None:
    conv = Conversation(dispatcher_id=DID)
    conv.start(0.0)
    conv.feed(build.record_ack(rpid=0, sst=1, confirmed=[(0, 0)]), 0.5)
    step = conv.tick(5.5)
    assert step.logged_in
    assert step.note == "login confirmed but no RESULT_CODE followed; taking it as accepted"


def test_nothing_is_resent_before_the_login_is_written() -> None:
    assert Conversation(dispatcher_id=DID).tick(100.0).writes == []


def test_the_login_carries_no_description_unless_given_one() -> None:
    (data,) = Conversation(dispatcher_id=DID).start(0.0).writes
    (sub,) = parse_packet(data).records[0].subrecords
    assert sub == DispatcherIdentity(dispatcher_type=0, dispatcher_id=DID, description=b"")


def test_our_records_are_numbered_in_one_sequence_confirmations_included() -> None:
    """Login RN 0, the confirmation of its verdict RN 1, then the next confirmation and the next
    round's record continue the same count."""
    conv, _ = logged_in()
    confirm = conv.feed(build_result_code(pid=4, rn=9, code=ResultCode.OK), 1.0).writes[0]
    assert parse_packet(confirm).records[0].header.rn == 2
    (packet,) = conv.send_round([[outgoing(1, 0)]], 1.0).writes
    assert parse_packet(packet).records[0].header.rn == 3


def test_a_round_needs_a_login_and_no_round_open() -> None:
    conv = Conversation(dispatcher_id=DID)
    conv.start(0.0)
    with pytest.raises(RuntimeError, match="^send_round needs a logged-in conversation"):
        conv.send_round([[outgoing(1, 0)]], 1.0)
    conv, _ = logged_in()
    conv.send_round([[outgoing(1, 0)]], 1.0)
    with pytest.raises(RuntimeError):
        conv.send_round([[outgoing(2, 0)]], 1.0)


def test_result_codes_are_named_when_the_standard_names_them() -> None:
    assert code_name(151) == "151 (AUTH_DENIED)"
    assert code_name(250) == "250"
