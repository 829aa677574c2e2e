"""CONN_REQUEST bodies of every length seen in the wild, decoded and encoded back exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.errors import TruncatedError
from egts_server.codec.ndtp import ConnRequest, NphResult, Session
from egts_server.model import DeviceKey
from tests.builders import ndtp as build

# Traccar's Granit Navigator 207 sample, body only (49 bytes).
GRANIT_207 = bytes.fromhex(
    "0600 0200"  # version 6.2
    "0203"  # connection flags 0x0302
    "4f0c0200"  # device id 134223
    "00040000"  # max packet size 1024
    "00000000"  # reserved
    "333531353133303531313934303535"  # IMEI 351513051194055
    "323530303236323732373438363635"  # IMSI 250026272748665
    "00")  # terminator


def test_real_device_body_decodes_with_imei_and_imsi() -> None:
    """The 49-byte form: u32 device id (not Traccar's u16), IMEI, IMSI, terminator in tail."""
    request = ConnRequest.decode(GRANIT_207)
    assert request == ConnRequest(version_high=6, version_low=2, conn_flags=0x0302,
                                  device_id=134223, max_packet_size=1024, reserved=0,
                                  imei="351513051194055", imsi="250026272748665", tail=b"\x00")
    assert request.version == "6.2" and request.encode() == GRANIT_207


@pytest.mark.parametrize(("body", "expected"), [
    (build.conn_request(imei=None, conn_flags=0, device_id=1166336, max_packet_size=65535),
     ConnRequest(version_high=6, version_low=2, conn_flags=0, device_id=1166336,
                 max_packet_size=65535, reserved=0)),  # the emulator's 18 bytes
    (build.conn_request(reserved=None, conn_flags=0x0201),
     ConnRequest(version_high=6, version_low=2, conn_flags=0x0201, device_id=134223,
                 max_packet_size=1024)),  # the Go client's 14 bytes
    (build.conn_request(max_packet_size=None),
     ConnRequest(version_high=6, version_low=2, conn_flags=0x0302, device_id=134223)),
    (build.conn_request(imsi=None),
     ConnRequest(version_high=6, version_low=2, conn_flags=0x0302, device_id=134223,
                 max_packet_size=1024, reserved=0, imei="351513051194055", tail=b"\x00")),
])
def test_shorter_forms_read_what_is_there(body: bytes, expected: ConnRequest) -> None:
    """18, 14 and 10 bytes and an IMEI without IMSI all decode and encode back."""
    assert ConnRequest.decode(body) == expected
    assert expected.encode() == body


def test_non_digit_bytes_after_reserved_are_no_imei() -> None:
    """Fifteen bytes that are not all digits stay in the tail."""
    body = build.conn_request(imei=b"35151305119405X", imsi=None, terminator=False)
    request = ConnRequest.decode(body)
    assert request.imei is None and request.tail == b"35151305119405X"
    assert request.encode() == body


@pytest.mark.parametrize("size", range(10))
def test_body_shorter_than_the_device_id_is_truncated(size: int) -> None:
    """Fewer than 10 bytes cannot name a device."""
    with pytest.raises(TruncatedError):
        ConnRequest.decode(GRANIT_207[:size])


def test_login_names_the_device_and_carries_imei_and_details() -> None:
    """The session's Login: DeviceKey("ndtp", id), the IMEI, and IMSI/version in details."""
    handled = Session().handle(build.frame(GRANIT_207, service=0, ptype=100))
    login = handled.login
    assert login is not None and handled.ack is None
    assert login.device == DeviceKey("ndtp", "134223") and login.imei == "351513051194055"
    assert dict(login.details) == {"protocol_version": "6.2", "conn_flags": "0x0302",
                                   "max_packet_size": "1024", "imsi": "250026272748665"}


def test_second_conn_request_reidentifies_the_connection() -> None:
    """A new CONN_REQUEST on the same socket names a new device for later fixes."""
    session = Session()
    for device_id in (1, 2):
        handled = session.handle(build.frame(build.conn_request(device_id=device_id),
                                             service=0, ptype=100))
        assert handled.login is not None
        session.login_result(handled.login, NphResult.OK)
    fix = session.handle(build.frame(build.nav())).positions[0]
    assert fix.device == DeviceKey("ndtp", "2")


def test_refused_login_makes_the_session_refuse_everything() -> None:
    """After a non-zero login result every later frame just closes."""
    session = Session()
    handled = session.handle(build.frame(GRANIT_207, service=0, ptype=100, request_id=5))
    assert handled.login is not None
    reply = session.login_result(handled.login, NphResult.CLIENT_NOT_REGISTERED)
    assert reply == build.result(service=0, request_id=5, code=301)
    later = session.handle(build.frame(build.nav()))
    assert later.close and later.ack is None and later.positions == ()


def test_login_result_is_empty_when_none_was_requested() -> None:
    """Without NPH flag bit 0 the CONN_REQUEST gets no result frame."""
    session = Session()
    handled = session.handle(build.frame(GRANIT_207, service=0, ptype=100, nph_flags=0))
    assert handled.login is not None
    assert session.login_result(handled.login, NphResult.OK) == b""


digits = st.text("0123456789", min_size=15, max_size=15)


@st.composite
def requests(draw: st.DrawFn) -> ConnRequest:
    depth = draw(st.integers(0, 4))
    optional: list[object] = [draw(st.integers(0, 2**32 - 1)), draw(st.integers(0, 2**32 - 1)),
                              draw(digits), draw(digits)][:depth]
    optional += [None] * (4 - depth)
    tail_limit = 3 if depth < 2 else 20
    tail = draw(st.binary(max_size=tail_limit).filter(
        lambda t: depth < 2 or depth == 4 or not t[:15].isdigit() or len(t) < 15))
    return ConnRequest(version_high=draw(st.integers(0, 0xFFFF)),
                       version_low=draw(st.integers(0, 0xFFFF)),
                       conn_flags=draw(st.integers(0, 0xFFFF)),
                       device_id=draw(st.integers(0, 2**32 - 1)),
                       max_packet_size=optional[0], reserved=optional[1],  # type: ignore[arg-type]
                       imei=optional[2], imsi=optional[3], tail=tail)  # type: ignore[arg-type]


@given(requests())
def test_any_request_round_trips(request: ConnRequest) -> None:
    """decode(encode(v)) == v for every consistent value."""
    assert ConnRequest.decode(request.encode()) == request
