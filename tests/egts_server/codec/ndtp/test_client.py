"""TerminalClient (the simulator's codec): its frames match the builders and the session."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from egts_server.codec.errors import CodecError
from egts_server.codec.ndtp import (
    DeviceMessageEvent,
    NdtpFix,
    NphResult,
    ResultEvent,
    Session,
    TerminalClient,
)
from tests.builders import ndtp as build

T = datetime(2026, 2, 3, 7, 0, tzinfo=UTC)


def test_conn_request_is_the_real_devices_49_byte_form() -> None:
    """With an IMEI the client sends exactly what a Granit 207 sends (request id 0)."""
    frame, request_id = TerminalClient(134223).conn_request("351513051194055",
                                                            "250026272748665")
    assert request_id == 0
    assert frame == build.frame(build.conn_request(), service=0, ptype=100)


def test_navdata_frame_holds_nav_io_and_road_machine_cells() -> None:
    """Cells 0, 2 and 5, the order real terminals use, with the fix's values."""
    client = TerminalClient(7)
    client.conn_request()
    fix = NdtpFix(time=T, lat=50.55, lon=137.01, speed_kmh=31.6, course_deg=359.7,
                  altitude_m=42, satellites=12, inputs=1, odometer_m=1500.4,
                  road_machine=bytes(6))
    frame, request_id = client.navdata([fix], history=True)
    body = (build.nav(time=T, lat=50.55, lon=137.01, speed_avg=32, course=0, alt=42, nsat=12)
            + build.int_sensor(di_in=1, odometer_m=1500) + build.raw(5, bytes(6)))
    assert request_id == 1
    assert frame == build.frame(body, ptype=100, request_id=1)


def test_session_reads_what_the_client_writes() -> None:
    """Client and server codecs agree: the client's fix comes out of the session."""
    client, session = TerminalClient(9), Session()
    handled = session.handle(client.conn_request()[0])
    assert handled.login is not None
    reply = session.login_result(handled.login, NphResult.OK)
    assert client.feed_reply(reply) == ResultEvent(0, 0, 0)
    frame, request_id = client.navdata([NdtpFix(time=T, lat=-1.5, lon=-2.5)])
    handled = session.handle(frame)
    (fix,) = handled.positions
    assert (fix.latitude, fix.longitude, fix.fix_time) == (-1.5, -2.5, T)
    assert handled.ack is not None
    assert client.feed_reply(handled.ack) == ResultEvent(1, request_id, 0)


def test_driver_message_is_answered_with_device_result() -> None:
    """A TITLE_DATA from the server gets the DEVICE_RESULT a terminal owes."""
    frame = build.frame(build.title_data(mes_id=18, pack_num=0x8000), service=5, ptype=100,
                        nph_flags=0, request_id=1, peer=1024, npl_request_id=1936)
    event = TerminalClient(1).feed_reply(frame)
    assert isinstance(event, DeviceMessageEvent) and event.data.mes_id == 18
    assert event.reply.hex() == ("7e7e12000200c03b02000400009007050066000000010000000000"
                                 "000000001200")  # navprot's expected answer


def test_unexpected_frames_from_the_server_are_codec_errors() -> None:
    """A NAVDATA frame from the server is not something a terminal reads."""
    with pytest.raises(CodecError):
        TerminalClient(1).feed_reply(build.frame(build.nav()))
