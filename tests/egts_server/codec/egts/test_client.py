"""TerminalClient: what the simulator sends, and how it reads the platform's answers."""

from datetime import UTC, datetime

import pytest

from egts_server.codec.egts import (
    CommandAnswered,
    FixToSend,
    ResponseEvent,
    ResultCode,
    ResultCodeEvent,
    Session,
    TerminalClient,
)
from egts_server.codec.egts.client import AppDataEvent
from egts_server.codec.egts.subrecords import CommandData
from egts_server.codec.errors import CodecError
from egts_server.commands import Action
from egts_server.model import DeviceKey
from tests.builders import egts as build

T0 = datetime(2024, 1, 15, 6, 30, tzinfo=UTC)


def test_auth_packet_matches_the_builder() -> None:
    """TERM_IDENTITY with TID, IMEI and OID = TID, PID 0, RN 0."""
    data = TerminalClient().auth_packet(4242, "864495034643376")
    assert data == build.packet(pid=0, records=[
        build.auth_record(rn=0, tid=4242, imei=b"864495034643376", oid=4242)])


def test_teledata_packet_has_one_record_per_fix() -> None:
    """Two fixes: two records with consecutive RNs; PID and RNs are returned."""
    client = TerminalClient()
    client.auth_packet(7, None)
    data, pid, rns = client.teledata_packet([
        FixToSend(time=T0, lat=55.75, lon=37.62, speed_kmh=12.5, course_deg=300,
                  altitude_m=-3, inputs=0x105, odometer_m=1234, satellites=9, hdop=0.8,
                  black_box=True),
        FixToSend(time=T0, lat=-1.0, lon=-2.0)])
    assert (pid, rns) == (1, (1, 2))
    handled = Session(now=lambda: T0).handle(data)
    first, second = handled.positions
    assert first.device == DeviceKey("egts", "7")
    assert (first.fix_time, first.speed_kmh, first.course_deg, first.altitude_m) == (
        T0, 12.5, 300.0, -3.0)
    assert first.latitude == pytest.approx(55.75, abs=1e-6)
    assert (first.inputs, first.odometer_m, first.satellites, first.hdop, first.black_box) == (
        0x105, 1200.0, 9, 0.8, True)
    assert (second.latitude, second.longitude) == pytest.approx((-1.0, -2.0), abs=1e-6)


def test_feed_reply_reads_a_record_ack() -> None:
    """A PT_RESPONSE becomes ResponseEvent with RPID, PR and (CRN, RST) pairs."""
    event = TerminalClient().feed_reply(build.record_ack(rpid=3, confirmed=[(1, 0), (2, 132)]))
    assert event == ResponseEvent(rpid=3, result=0, confirmed=((1, 0), (2, 132)))


def test_feed_reply_acknowledges_a_result_code() -> None:
    """RESULT_CODE yields its code and the PT_RESPONSE the terminal owes for it."""
    event = TerminalClient().feed_reply(build.result_code_packet(pid=1, rn=1, rcd=151))
    assert isinstance(event, ResultCodeEvent) and event.code == ResultCode.AUTH_DENIED
    assert event.reply == build.record_ack(rpid=1, confirmed=[(1, 0)], sst=1)


def test_feed_reply_acknowledges_other_appdata() -> None:
    """Any other APPDATA (a command) is acknowledged too."""
    data = build.packet(pid=4, records=[build.record(rn=2, sst=4, subrecords=[
        build.subrecord(51, build.command_data())])])
    event = TerminalClient().feed_reply(data)
    assert isinstance(event, AppDataEvent)
    assert event.reply == build.record_ack(rpid=4, confirmed=[(2, 0)], sst=4)


def test_feed_reply_raises_codec_error_on_garbage() -> None:
    """Garbage raises a CodecError."""
    with pytest.raises(CodecError):
        TerminalClient().feed_reply(b"\x00" * 11)


def test_client_and_session_complete_a_login() -> None:
    """Auth, ack, RESULT_CODE and the terminal's ack of it all line up."""
    client, server = TerminalClient(), Session(now=lambda: T0)
    handled = server.handle(client.auth_packet(5, None))
    assert client.feed_reply(handled.ack or b"") == ResponseEvent(rpid=0, result=0,
                                                                   confirmed=((0, 0),))
    event = client.feed_reply(server.login_result(ResultCode.OK))
    assert isinstance(event, ResultCodeEvent) and event.code == 0
    assert server.handle(event.reply).replies == ()


def test_command_answer_round_trip_through_the_session() -> None:
    """The platform's command, as the client reads it, answered with COMCONF OK and a value:
    the session sees the answer for the same CID, with the command's ADR, ACT and CCD."""
    platform, client = Session(now=lambda: T0), TerminalClient()
    platform.handle(client.auth_packet(7, None))
    event = client.feed_reply(platform.command_packet(CommandData.com(
        command_id=42, source_id=3, code=0x0262, action=Action.GET, charset=0, data=b"")))
    assert isinstance(event, AppDataEvent)
    (command,) = [s for r in event.records for s in r.subrecords if isinstance(s, CommandData)]
    handled = platform.handle(client.command_answer(command, b"60"))
    (answer,) = handled.commands
    assert isinstance(answer, CommandAnswered)
    assert (answer.command_id, answer.confirmation, answer.charset) == (42, 0, 0)
    assert answer.data == bytes([0, 0, 2 << 3 | Action.GET, 0x62, 0x02]) + b"60"
