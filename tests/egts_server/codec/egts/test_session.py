"""Session: replies, fixes, logins and errors per frame, with exact reply bytes."""

from datetime import UTC, datetime
from typing import Any

import pytest

from egts_server.codec.egts import Framer, Handled, ResultCode, Session, Unidentified
from egts_server.codec.egts.session import UNIDENTIFIED
from egts_server.codec.errors import (
    ChecksumError,
    FramingError,
    IdentityError,
    TruncatedError,
    UnknownServiceError,
)
from egts_server.model import DeviceKey
from tests.builders import egts as build

NOW = datetime(2024, 1, 15, 7, 0, tzinfo=UTC)


def session(**kwargs: object) -> Session:
    return Session(now=lambda: NOW, **kwargs)  # type: ignore[arg-type]


def test_fix_packet_yields_position_and_exact_ack() -> None:
    """One POS record: one fix for its OID and a PT_RESPONSE confirming RN 3 with RST 0."""
    handled = session().handle(build.packet(pid=7, records=[build.pos_record(rn=3, oid=4242)]))
    assert [p.device for p in handled.positions] == [DeviceKey("egts", "4242")]
    assert handled.ack == build.record_ack(rpid=7, confirmed=[(3, 0)])
    assert (handled.replies, handled.close, handled.error, handled.login) == ((), False, None,
                                                                             None)


def test_own_counters_advance_per_reply() -> None:
    """The second ack carries our PID 1 and our RN 1."""
    s = session()
    s.handle(build.packet(pid=7, records=[build.pos_record(rn=3)]))
    handled = s.handle(build.packet(pid=8, records=[build.pos_record(rn=4)]))
    assert handled.ack == build.record_ack(rpid=8, confirmed=[(4, 0)], pid=1, rn=1)


def test_records_of_two_services_get_one_sdr_each() -> None:
    """Confirmations are grouped into one SDR per service, in order of appearance."""
    data = build.packet(pid=1, records=[build.auth_record(rn=1), build.pos_record(rn=2)])
    handled = session().handle(data)
    expected = build.packet(pid=0, pt=0, response=(1, 0), records=[
        build.record(rn=0, sst=1, subrecords=[build.subrecord(0, build.record_response(1))]),
        build.record(rn=1, sst=2, subrecords=[build.subrecord(0, build.record_response(2))])])
    assert handled.ack == expected


def test_empty_appdata_is_acknowledged() -> None:
    """FDL 0 APPDATA: PR 0 and no confirmations."""
    handled = session().handle(build.packet(pid=7))
    assert handled.ack == build.record_ack(rpid=7)


def test_bad_sfrcs_answers_138_and_keeps_connection() -> None:
    """DATACRC_ERROR with RPID, no record confirmations, nothing stored."""
    handled = session().handle(build.packet(pid=5, records=[build.pos_record()], sfrcs=0))
    assert handled.replies == (build.record_ack(rpid=5, pr=138),)
    assert (handled.positions, handled.ack, handled.close) == ((), None, False)
    assert isinstance(handled.error, ChecksumError)


@pytest.mark.parametrize(("kwargs", "pr"), [
    ({"he": 1}, 131), ({"flags": 0x08}, 129), ({"flags": 0x04}, 132), ({"pt": 2}, 133),
    ({"pt": 3}, 133),
])
def test_unusable_packets_are_refused_and_kept(kwargs: dict[str, Any], pr: int) -> None:
    """HE, ENA, CMP and PT problems answer their code and keep the connection."""
    handled = session().handle(build.packet(pid=4, records=[build.pos_record()], **kwargs))
    assert handled.replies == (build.record_ack(rpid=4, pr=pr),)
    assert not handled.close and handled.positions == ()


def test_unsplittable_body_answers_132() -> None:
    """RL running past SFRD refuses the whole packet with INC_DATAFORM."""
    data = build.packet(pid=3, records=[build.record(rl=99, subrecords=[b"\x10\x00\x00"])])
    handled = session().handle(data)
    assert handled.replies == (build.record_ack(rpid=3, pr=132),)
    assert isinstance(handled.error, TruncatedError) and not handled.close


def test_bad_record_is_refused_alone() -> None:
    """A short POS_DATA gets RST 132; the good record next to it is stored and confirmed."""
    bad = build.record(rn=1, oid=1, subrecords=[build.subrecord(16, build.pos_data()[:20])])
    handled = session().handle(build.packet(pid=2, records=[bad, build.pos_record(rn=2)]))
    assert handled.ack == build.record_ack(rpid=2, confirmed=[(1, 132), (2, 0)])
    assert len(handled.positions) == 1 and isinstance(handled.error, TruncatedError)


def test_unknown_service_gets_rst_150() -> None:
    """SST 3 is not a service: SRVC_UNKN for that record, in an SDR of service 3."""
    handled = session().handle(build.packet(pid=2, records=[
        build.record(rn=6, sst=3, subrecords=[build.subrecord(16, build.pos_data())])]))
    assert handled.ack == build.record_ack(rpid=2, confirmed=[(6, 150)], sst=3)
    assert isinstance(handled.error, UnknownServiceError)


def test_terminal_response_is_never_answered() -> None:
    """A PT_RESPONSE from the terminal produces nothing at all."""
    assert session().handle(build.record_ack(rpid=0, confirmed=[(0, 0)])) == Handled()


def test_broken_terminal_response_is_not_answered_either() -> None:
    """Even a PT_RESPONSE with a bad SFRCS gets no reply."""
    handled = session().handle(build.packet(pt=0, response=(1, 0), sfrcs=0))
    assert handled.replies == () and isinstance(handled.error, ChecksumError)


def test_bad_header_given_directly_answers_and_closes() -> None:
    """A frame with a wrong HCS handed to the session: PR 137, close."""
    handled = session().handle(build.packet(pid=6, hcs=0, records=[build.pos_record()]))
    assert handled.replies == (build.record_ack(rpid=6, pr=137),) and handled.close


def test_framing_error_reply_quotes_pid_and_closes() -> None:
    """framing_error turns a Framer failure into PR 128 with RPID as read, then close."""
    with pytest.raises(FramingError) as caught:
        Framer().feed(build.packet(pid=21, prv=2, records=[build.pos_record()]))
    handled = session().framing_error(caught.value)
    assert handled.replies == (build.record_ack(rpid=21, pr=128),) and handled.close


def test_login_then_result_code_then_fixes_under_the_tid() -> None:
    """TERM_IDENTITY logs in; RESULT_CODE uses our next PID/RN; later fixes carry the TID."""
    s = session()
    handled = s.handle(build.packet(pid=0, records=[
        build.auth_record(rn=0, tid=77, imei=b"864495034643376")]))
    assert handled.login is not None
    assert handled.login.device == DeviceKey("egts", "77") == s.device
    assert handled.login.imei == "864495034643376"
    assert handled.login.details["tid"] == "77"
    assert handled.ack == build.record_ack(rpid=0, confirmed=[(0, 0)], sst=1)
    assert s.login_result(ResultCode.OK) == build.result_code_packet(pid=1, rn=1, rcd=0)
    fixes = s.handle(build.packet(pid=1, records=[build.pos_record(rn=1, oid=999)]))
    assert [p.device for p in fixes.positions] == [DeviceKey("egts", "77")]


def test_login_with_tid_zero_uses_imei() -> None:
    """TID 0: the identifier is the IMEI."""
    handled = session().handle(build.packet(records=[
        build.auth_record(tid=0, imei=b"866104029690008")]))
    assert handled.login is not None
    assert handled.login.device == DeviceKey("egts", "866104029690008")


def test_login_without_any_identity_is_refused_with_153() -> None:
    """TID 0 and no IMEI: the record is confirmed, RESULT_CODE 153 goes out, then close."""
    s = session()
    handled = s.handle(build.packet(pid=4, records=[build.auth_record(rn=9, tid=0)]))
    assert handled.login is None and handled.close
    assert handled.ack == build.record_ack(rpid=4, confirmed=[(9, 0)], sst=1)
    assert handled.replies == (build.result_code_packet(pid=1, rn=1, rcd=153),)
    assert isinstance(handled.error, IdentityError)


def test_refused_login_ends_the_session() -> None:
    """After a non-zero login result every frame just asks to close."""
    s = session()
    s.handle(build.packet(records=[build.auth_record()]))
    s.login_result(ResultCode.AUTH_DENIED)
    assert s.handle(build.packet(pid=1, records=[build.pos_record()])) == Handled(close=True)


def test_dispatcher_login_keeps_record_oids() -> None:
    """DISPATCHER_IDENTITY logs a platform in; its fixes stay attributed to their OIDs."""
    s = session()
    handled = s.handle(build.packet(records=[build.record(sst=1, subrecords=[
        build.subrecord(5, build.dispatcher_identity(dt=1, did=1007, dscr=b"relay"))])]))
    assert handled.login is not None
    assert handled.login.device == DeviceKey("egts", "dispatcher:1007")
    assert handled.login.details["dispatcher_description"] == "relay"
    records = [build.pos_record(oid=5), build.pos_record(oid=6)]
    fixes = s.handle(build.packet(pid=1, records=records))
    assert [p.device.identifier for p in fixes.positions] == ["5", "6"]


def test_oid_carries_forward_within_a_packet() -> None:
    """A record without OID takes the OID of an earlier record in the same packet."""
    handled = session().handle(build.packet(records=[
        build.pos_record(rn=1, oid=31), build.pos_record(rn=2, oid=None)]))
    assert [p.device.identifier for p in handled.positions] == ["31", "31"]


def test_oid_does_not_carry_over_to_the_next_packet() -> None:
    """A packet without OIDs after one with them is unidentified again."""
    s = session()
    s.handle(build.packet(records=[build.pos_record(rn=1, oid=31)]))
    handled = s.handle(build.packet(pid=1, records=[build.pos_record(rn=2, oid=None)]))
    assert [p.device.identifier for p in handled.positions] == [UNIDENTIFIED]


def test_many_oids_on_one_connection_keep_their_own_devices() -> None:
    """A platform relaying thousands of vehicles: every fix keeps its record's OID."""
    s = session()
    for oid in range(5000):
        (p,) = s.handle(build.packet(pid=oid, records=[build.pos_record(oid=oid)])).positions
        assert p.device == DeviceKey("egts", str(oid))


def test_a_malformed_record_without_identity_is_refused_for_its_form() -> None:
    """REJECT policy: a record that does not decode gets 132, not 153 (form is judged first)."""
    bad = build.record(rn=1, sst=2, subrecords=[build.subrecord(16, b"\x01")])  # POS_DATA
    handled = session(unidentified=Unidentified.REJECT).handle(build.packet(records=[bad]))
    assert handled.ack == build.record_ack(rpid=0, confirmed=[(1, 132)])


def test_unidentified_fixes_are_accepted_by_default() -> None:
    """No login, no OID: stored under the UNIDENTIFIED key and confirmed with RST 0."""
    handled = session().handle(build.packet(records=[build.pos_record(rn=1, oid=None)]))
    assert [p.device for p in handled.positions] == [DeviceKey("egts", UNIDENTIFIED)]
    assert handled.ack == build.record_ack(rpid=0, confirmed=[(1, 0)])


def test_unidentified_fixes_can_be_rejected() -> None:
    """With Unidentified.REJECT such records get RST 153 and nothing is stored."""
    handled = session(unidentified=Unidentified.REJECT).handle(
        build.packet(records=[build.pos_record(rn=1, oid=None)]))
    assert handled.positions == ()
    assert handled.ack == build.record_ack(rpid=0, confirmed=[(1, 153)])
    assert isinstance(handled.error, IdentityError)


def test_login_details_include_module_and_vehicle_data() -> None:
    """MODULE_DATA and VEHICLE_DATA next to TERM_IDENTITY enrich Login.details."""
    handled = session().handle(build.packet(records=[build.record(sst=1, subrecords=[
        build.subrecord(1, build.term_identity(5, imsi=b"250011234567890\x00",
                                               nid=(250 << 10 | 1).to_bytes(3, "little"))),
        build.subrecord(2, build.module_data(mt=1, fwv=0x0203, srn=b"SN42")),
        build.subrecord(3, build.vehicle_data(vin=b"XTA21099012345678"))])]))
    assert handled.login is not None
    details = handled.login.details
    assert (details["imsi"], details["mcc"], details["mnc"]) == ("250011234567890", "250", "1")
    assert (details["module1_firmware"], details["module1_serial"]) == ("2.3", "SN42")
    assert details["vin"] == "XTA21099012345678"
    assert handled.login.imei is None
