"""Session, COMMANDS service: the packet that carries a command, and the terminal's answers.

Packets from the terminal are built with ``tests.builders.egts`` (independent of the codec);
the command packet is read back byte by byte here.
"""

import struct
from datetime import UTC, datetime

from egts_server.codec.egts import CommandAnswered, CommandDelivered, ResultCode, Session
from egts_server.codec.egts.subrecords import CommandData
from egts_server.commands import Action, Charset
from tests.builders import egts as build

NOW = datetime(2024, 1, 15, 7, 0, tzinfo=UTC)
COMMANDS, COMMAND_DATA = 4, 51


def logged_in() -> Session:
    s = Session(now=lambda: NOW)
    s.handle(build.packet(pid=0, records=[build.auth_record(rn=0, tid=1001)]))
    s.login_result(ResultCode.OK)
    return s


def test_command_packet_carries_one_commands_record() -> None:
    """PT_APPDATA, our next PID; one SDR (SST = RST = 4) holding SRT 51 with the command."""
    s = logged_in()
    frame = s.command_packet(CommandData.com(command_id=77, source_id=5, code=0x0010,
                                             action=Action.PARAMETERS, charset=Charset.BINARY,
                                             data=b""))
    hl, fdl, pid, pt = frame[3], struct.unpack_from("<H", frame, 5)[0], *struct.unpack_from(
        "<HB", frame, 7)
    assert (hl, pt, pid) == (11, 1, 2)  # PIDs 0 and 1 went to the login's ack and result
    assert frame[hl - 1] == build.crc8(frame[:hl - 1])
    body = frame[hl:hl + fdl]
    assert struct.unpack_from("<H", frame, hl + fdl)[0] == build.crc16(body)
    rl, _rn, rfl, sst, rst = struct.unpack_from("<HHBBB", body, 0)
    assert (rfl, sst, rst, rl) == (0, COMMANDS, COMMANDS, len(body) - 7)
    srt, srl = body[7], struct.unpack_from("<H", body, 8)[0]
    srd = body[10:10 + srl]
    assert srt == COMMAND_DATA
    assert srd == build.command_data(ct=5, cid=77, sid=5, chs=Charset.BINARY,
                                     cd=struct.pack("<HBH", 0, 0, 0x0010))


def test_terminal_response_to_the_command_packet_is_its_delivery() -> None:
    s = logged_in()
    frame = s.command_packet(CommandData.com(command_id=77, source_id=0, code=0, action=0,
                                             charset=0, data=b"STATUS"))
    pid = struct.unpack_from("<H", frame, 7)[0]
    rn = struct.unpack_from("<H", frame, 13)[0]
    handled = s.handle(build.record_ack(rpid=pid, confirmed=[(rn, 0)], sst=COMMANDS))
    assert handled.commands == (CommandDelivered(77, 0),)
    assert (handled.ack, handled.replies, handled.error) == (None, (), None)
    # answered once: a repeated response is just a response
    assert s.handle(build.record_ack(rpid=pid, confirmed=[(rn, 0)], sst=COMMANDS)).commands == ()


def test_refused_command_record_is_delivered_with_its_result() -> None:
    """PR 0 but the record's RST 150 (service unknown to the terminal): result 150."""
    s = logged_in()
    frame = s.command_packet(CommandData.com(command_id=8, source_id=0, code=0, action=0,
                                             charset=0, data=b"X"))
    pid, rn = struct.unpack_from("<H", frame, 7)[0], struct.unpack_from("<H", frame, 13)[0]
    handled = s.handle(build.record_ack(rpid=pid, confirmed=[(rn, 150)], sst=COMMANDS))
    assert handled.commands == (CommandDelivered(8, 150),)
    frame = s.command_packet(CommandData.com(command_id=9, source_id=0, code=0, action=0,
                                             charset=0, data=b"X"))
    pid = struct.unpack_from("<H", frame, 7)[0]
    assert s.handle(build.record_ack(rpid=pid, pr=138)).commands == (CommandDelivered(9, 138),)


def test_responses_to_other_packets_say_nothing_about_commands() -> None:
    """With a command out, a response to the login result (PID 1, RN 1) delivers nothing;
    the response to the command's own packet does."""
    s = logged_in()
    frame = s.command_packet(CommandData.com(command_id=12, source_id=0, code=0, action=0,
                                             charset=0, data=b"STATUS"))
    pid, rn = struct.unpack_from("<H", frame, 7)[0], struct.unpack_from("<H", frame, 13)[0]
    assert pid != 1
    assert s.handle(build.record_ack(rpid=1, confirmed=[(1, 0)], sst=1)).commands == ()
    handled = s.handle(build.record_ack(rpid=pid, confirmed=[(rn, 0)], sst=COMMANDS))
    assert handled.commands == (CommandDelivered(12, 0),)


def test_comconf_is_an_answer_and_its_record_is_confirmed() -> None:
    cd = struct.pack("<HBH", 0, 2 << 3 | 1, 0x0262) + b"60"
    answer = build.subrecord(COMMAND_DATA, build.command_data(ct=1, cct=0, cid=77, sid=5,
                                                              chs=0, cd=cd))
    handled = logged_in().handle(build.packet(pid=4, records=[
        build.record(rn=9, sst=COMMANDS, subrecords=[answer])]))
    assert handled.commands == (CommandAnswered(77, 0, cd, 0),)
    assert handled.ack is not None and handled.positions == ()
    assert handled.ack[-12:-2] == build.record_ack(rpid=4, confirmed=[(9, 0)],
                                                   sst=COMMANDS)[-12:-2]


def test_comconf_beside_fixes_and_msgconf_both_count() -> None:
    records = [
        build.pos_record(rn=1, oid=1001),
        build.record(rn=2, sst=COMMANDS, subrecords=[
            build.subrecord(COMMAND_DATA, build.command_data(ct=1, cct=6, cid=3)),
            build.subrecord(COMMAND_DATA, build.command_data(ct=2, cct=0, cid=4, cd=b"ok")),
            build.subrecord(COMMAND_DATA, build.command_data(ct=3, cid=5, cd=b"hello")),
        ]),
    ]
    handled = logged_in().handle(build.packet(pid=4, records=records))
    assert len(handled.positions) == 1
    assert handled.commands == (CommandAnswered(3, 6, b"", None), CommandAnswered(4, 0, b"ok",
                                                                                  None))


def test_malformed_comconf_record_is_refused_and_yields_nothing() -> None:
    """A COMMAND_DATA cut short: the record gets RST 132 (INC_DATAFORM), no answer is taken."""
    bad = build.subrecord(COMMAND_DATA, b"\x10\x01\x00")
    good = build.subrecord(COMMAND_DATA, build.command_data(ct=1, cid=3))
    handled = logged_in().handle(build.packet(pid=4, records=[
        build.record(rn=2, sst=COMMANDS, subrecords=[good, bad])]))
    assert handled.commands == ()
    assert handled.ack is not None and handled.ack[-3] == 132
