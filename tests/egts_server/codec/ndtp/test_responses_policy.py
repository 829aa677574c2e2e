"""Every row of the NDTP policy table (research/nis.md §5, ``responses.POLICY``), one test each.

Rows the framer or the session carries out are checked there; rows that need the registry, the
writer or the clock are checked through the Twisted adapter on a StringTransport.
"""

from __future__ import annotations

import struct

import pytest
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from db.terminals import Admission
from egts_server.codec.errors import ChecksumError
from egts_server.codec.ndtp import POLICY, Framer, NphResult, Reaction, Session, Situation
from egts_server.codec.ndtp import responses as responses_module
from tests.builders import ndtp as build
from tests.egts_server.net.ndtp_rig import REFUSED, Registry, Rig, login_frame, nav_frame, result

OK, R = NphResult.OK, NphResult


def identified() -> Session:
    session = Session()
    handled = session.handle(login_frame())
    assert handled.login is not None
    session.login_result(handled.login, OK)
    return session


def test_table_has_one_row_per_situation_and_documents_each() -> None:
    """POLICY covers every Situation, and the module's table lists as many rows."""
    assert set(POLICY) == set(Situation)
    doc = responses_module.__doc__ or ""
    rows = [line for line in doc.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) - 1 == len(Situation)  # minus the heading


@pytest.mark.parametrize(("situation", "reaction"), [
    (Situation.GARBAGE, Reaction(None, close=False, store=False)),
    (Situation.FALSE_SIGNATURE, Reaction(None, close=False, store=False)),
    (Situation.INCOMPLETE, Reaction(None, close=False, store=False)),
    (Situation.BAD_CRC, Reaction(None, close=False, store=False)),
    (Situation.UNCHECKED_CRC, Reaction(OK, close=False, store=True)),
    (Situation.NOT_NPH, Reaction(None, close=False, store=False)),
    (Situation.SHORT_CONN_REQUEST, Reaction(R.PACKET_INVALID_SIZE, close=True, store=False)),
    (Situation.UNREGISTERED, Reaction(R.CLIENT_NOT_REGISTERED, close=True, store=False)),
    (Situation.NOT_IDENTIFIED, Reaction(None, close=True, store=False)),
    (Situation.UNKNOWN_CELL, Reaction(OK, close=False, store=True)),
    (Situation.TRUNCATED, Reaction(R.PACKET_INVALID_SIZE, close=False, store=False)),
    (Situation.BAD_COORDINATES, Reaction(R.PACKET_INVALID_PARAMETER, close=False, store=False)),
    (Situation.UNKNOWN_SERVICE, Reaction(R.SERVICE_NOT_SUPPORTED, close=False, store=False)),
    (Situation.UNKNOWN_TYPE, Reaction(R.PACKET_NOT_SUPPORTED, close=False, store=False)),
    (Situation.DEVICE_DATA, Reaction(OK, close=False, store=False)),
    (Situation.RESULT, Reaction(None, close=False, store=False)),
    (Situation.DATABASE_DOWN, Reaction(None, close=True, store=False)),
])
def test_row_says_what_research_section_5_says(situation: Situation, reaction: Reaction) -> None:
    """The table's values are the research's (plus the documented coordinate row)."""
    assert POLICY[situation] == reaction


# -- framer rows ---------------------------------------------------------------------------------


def test_bytes_before_signature_are_skipped_and_counted() -> None:
    """GARBAGE: junk before 7E 7E is dropped, counted, and the frame behind it is cut."""
    framer = Framer()
    frames = framer.feed(b"\x01\x02\x03" + nav_frame(1))
    assert (frames, framer.skipped, framer.false_signatures) == ([nav_frame(1)], 3, 0)


def test_false_signature_is_skipped_one_byte_and_rescanned() -> None:
    """FALSE_SIGNATURE: an impossible NPL type costs one byte; the real frame right behind is
    found even when the stray signature overlaps it."""
    framer = Framer()
    fake = b"\x7e\x7e" + struct.pack("<HHH", 20, 2, 0) + b"\x09" + bytes(6)  # type 9
    frames = framer.feed(fake + b"\x7e" + nav_frame(1))
    assert frames == [nav_frame(1)]
    # the stray 7E and the real frame's first 7E make a second (false) signature
    assert framer.false_signatures == 2 and framer.skipped == len(fake) + 1


def test_incomplete_frame_waits_then_the_stall_timeout_closes() -> None:
    """INCOMPLETE: a partial frame is buffered and nothing is answered; left incomplete for
    stall_timeout_s, the connection is closed as a slow sender."""
    rig = Rig(idle_timeout_s=180)
    proto, transport = rig.connect()
    proto.dataReceived(login_frame())
    proto.dataReceived(nav_frame(1)[:40])
    assert transport.value() == result(0, service=0)
    rig.clock.advance(rig.limits.stall_timeout_s - 1)
    assert not transport.disconnecting
    rig.clock.advance(2)
    assert transport.disconnecting and rig.writer.calls == []


# -- session rows ----------------------------------------------------------------------------------


def test_bad_crc_with_flag_set_drops_frame_silently_and_keeps_going() -> None:
    """BAD_CRC: no reply, no fix, connection kept; the next good frame is answered."""
    session = identified()
    bad = nav_frame(5)[:-1] + b"\x55"
    handled = session.handle(bad)
    assert (handled.ack, handled.positions, handled.close) == (None, (), False)
    assert isinstance(handled.error, ChecksumError) and handled.situation is Situation.BAD_CRC
    assert session.handle(nav_frame(6)).ack == result(6)


def test_crc_flag_clear_is_not_checked() -> None:
    """UNCHECKED_CRC: with NPL flags 0 a wrong CRC still gets the fix stored and result 0."""
    session = identified()
    frame = build.frame(build.nav(), request_id=8, flags=0, crc=0xDEAD)
    handled = session.handle(frame)
    assert handled.ack == result(8) and len(handled.positions) == 1 and handled.error is None


@pytest.mark.parametrize("npl_type", [1, 3])
def test_npl_error_and_debug_frames_are_ignored(npl_type: int) -> None:
    """NOT_NPH: NPL types 1 and 3 are consumed without a reply."""
    handled = identified().handle(build.npl(b"\x00\x01\x02", npl_type=npl_type))
    assert (handled.ack, handled.close, handled.situation) == (None, False, Situation.NOT_NPH)


def test_short_conn_request_gets_201_and_close() -> None:
    """SHORT_CONN_REQUEST: a body without the whole device id: result 201, then close."""
    body = build.conn_request(max_packet_size=None)[:9]
    handled = Session().handle(build.frame(body, service=0, ptype=100, request_id=3))
    assert handled.ack == result(3, service=0, code=201) and handled.close
    assert handled.login is None


def test_short_conn_request_without_request_flag_closes_silently() -> None:
    """SHORT_CONN_REQUEST without NPH flag bit 0: nothing to answer, still closed."""
    handled = Session().handle(build.frame(b"\x06\x00", service=0, ptype=100, nph_flags=0))
    assert handled.ack is None and handled.close


def test_navdata_before_conn_request_is_not_answered_and_closes() -> None:
    """NOT_IDENTIFIED: no reply (the terminal keeps the data), close."""
    handled = Session().handle(nav_frame(1))
    assert (handled.ack, handled.positions, handled.close) == (None, (), True)


def test_unknown_cell_keeps_decoded_cells_and_raw_tail_and_answers_0() -> None:
    """UNKNOWN_CELL: the fix before it is stored with the raw tail, and the result is 0."""
    tail = bytes.fromhex("630001020304")
    handled = identified().handle(nav_frame(4, cells=build.nav() + tail))
    assert handled.ack == result(4)
    (fix,) = handled.positions
    assert fix.attributes["ndtp_tail_raw"] == tail.hex()
    assert handled.situation is Situation.UNKNOWN_CELL


def test_truncated_cell_gets_201_and_stores_nothing() -> None:
    """TRUNCATED: a CRC-valid frame whose second cell is cut short: 201, no fix."""
    cells = build.nav() + build.int_sensor()[:10]
    handled = identified().handle(nav_frame(4, cells=cells))
    assert handled.ack == result(4, code=201) and handled.positions == ()
    assert not handled.close


def test_coordinates_off_the_globe_get_203_and_store_nothing() -> None:
    """BAD_COORDINATES: a latitude of 95 degrees cannot be a fix: 203, nothing stored."""
    handled = identified().handle(nav_frame(4, cells=build.nav(lat_raw=950_000_000)))
    assert handled.ack == result(4, code=203) and handled.positions == ()


@pytest.mark.parametrize("service", [7, 3, 6])
def test_unknown_or_unimplemented_service_gets_100(service: int) -> None:
    """UNKNOWN_SERVICE: result 100 in the request's service."""
    handled = identified().handle(build.frame(b"", service=service, ptype=100, request_id=2))
    assert handled.ack == result(2, service=service, code=100) and not handled.close


def test_known_service_unknown_type_gets_200() -> None:
    """UNKNOWN_TYPE: CONN_AUTH_STRING (0/101) is not handled: result 200."""
    handled = identified().handle(build.frame(b"x", service=0, ptype=101, request_id=2))
    assert handled.ack == result(2, service=0, code=200)


def test_unknown_service_without_request_flag_is_silent() -> None:
    """Replies go out only when NPH flag bit 0 asks for one."""
    handled = identified().handle(build.frame(b"", service=7, ptype=1, nph_flags=0))
    assert handled.ack is None and not handled.close


def test_title_data_is_answered_with_device_result_even_unrequested() -> None:
    """DEVICE_DATA: DEVICE_RESULT quoting pack_num's low 15 bits and mes_id."""
    frame = build.frame(build.title_data(mes_id=16, pack_num=0x8003), service=5, ptype=100,
                        nph_flags=0, request_id=17, peer=1024)
    handled = Session().handle(frame)
    assert handled.ack == build.device_result(request_id=17, mes_id=16, pack_num=3, peer=1024)


@pytest.mark.parametrize("frame", [
    build.result(service=1, request_id=9),
    build.device_result(request_id=9, mes_id=1),
])
def test_results_from_the_terminal_are_never_answered(frame: bytes) -> None:
    """RESULT: an NPH_RESULT or DEVICE_RESULT from the terminal is consumed silently."""
    handled = identified().handle(frame)
    assert (handled.ack, handled.close, handled.error) == (None, False, None)


# -- adapter rows ----------------------------------------------------------------------------------


def test_device_the_registry_refuses_gets_301_and_close() -> None:
    """UNREGISTERED: registry says no: result 301, close, nothing stored or acknowledged."""
    rig = Rig(Registry(REFUSED))
    proto, transport = rig.connect()
    proto.dataReceived(login_frame(request_id=4) + nav_frame(5))
    assert transport.value() == result(4, service=0, code=301)
    assert transport.disconnecting and rig.writer.calls == []


def test_database_down_at_login_answers_nothing_and_closes() -> None:
    """DATABASE_DOWN: the registry lookup fails: no result, the connection closes."""
    registry = Registry(manual=True)
    rig = Rig(registry)
    proto, transport = rig.connect()
    proto.dataReceived(login_frame() + nav_frame(5))
    registry.pending[0].errback(Failure(ConnectionError("database down")))
    assert transport.value() == b"" and transport.disconnecting
    assert rig.writer.calls == []


def test_database_down_while_storing_withholds_the_result() -> None:
    """DATABASE_DOWN: while the writer retries, the fix stays unacknowledged."""
    rig = Rig()
    proto, transport = rig.connect()
    proto.dataReceived(login_frame() + nav_frame(5))
    assert transport.value() == result(0, service=0)  # login answered, the fix not yet
    assert len(rig.writer.calls) == 1 and not transport.disconnecting
    rig.writer.commit()
    assert transport.value() == result(0, service=0) + result(5)


def test_refused_admission_of_a_login_never_reaches_the_writer() -> None:
    """Fixes pipelined behind a refused CONN_REQUEST are dropped, not stored."""
    registry = Registry(manual=True)
    rig = Rig(registry)
    proto, transport = rig.connect()
    proto.dataReceived(login_frame() + nav_frame(5) + nav_frame(6))
    assert rig.writer.calls == []
    d: Deferred[Admission] = registry.pending[0]
    d.callback(REFUSED)
    assert rig.writer.calls == [] and transport.disconnecting
