"""NPL and NPH headers: hand-built frames decoded field by field and encoded back exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.crc import crc16_modbus
from egts_server.codec.errors import FormatError, TruncatedError
from egts_server.codec.ndtp import (
    NphHeader,
    NplHeader,
    Packet,
    build_frame,
    parse_packet,
)
from tests.builders import ndtp as build

# navprot TestMakeReply: the server's result for request 5291 in service 1.
REPLY = bytes.fromhex(
    "7e7e 0e00 0200 0ab4 02 00000000 0000"  # NPL: size 14, flags CRC, crc BE, type 2, peer, id
    "0100 0000 0000 ab140000"  # NPH: service 1, type 0 (result), flags 0, request 5291
    "00000000")  # result 0


def test_reply_frame_decodes_field_by_field() -> None:
    """Every NPL and NPH field of navprot's reply, CRC read high byte first."""
    packet = parse_packet(REPLY)
    assert packet.npl == NplHeader(data_size=14, flags=2, crc=0x0AB4, npl_type=2,
                                   peer_address=0, request_id=0)
    assert packet.nph == NphHeader(service=1, packet_type=0, flags=0, request_id=5291)
    assert packet.body == bytes(4) and packet.crc_ok and packet.npl.crc_flag


def test_packet_encodes_back_to_the_same_bytes() -> None:
    """encode(decode(b)) == b, including a relay-rewritten peer address."""
    frame = build.frame(build.nav(), request_id=77, peer=0x0100007F, npl_request_id=3)
    assert parse_packet(frame).encode() == frame


def test_build_frame_matches_the_independent_builder() -> None:
    """Our reply builder and the test builder agree byte for byte."""
    nph = NphHeader(service=0, packet_type=0, request_id=1)
    ours = build_frame(nph, bytes(4), peer_address=1166336)
    assert ours == build.result(service=0, request_id=1, peer=1166336)
    assert ours.hex() == "7e7e0e000200cd6a0200cc110000000000000000000100000000000000"


def test_crc_is_modbus_and_covers_only_the_payload() -> None:
    """Rewriting the NPL header keeps the CRC valid; the check value of "123456789" is 0x4B37."""
    assert crc16_modbus(b"123456789") == 0x4B37
    frame = bytearray(REPLY)
    frame[9:13] = (1024).to_bytes(4, "little")  # peer address
    assert parse_packet(bytes(frame)).crc_ok


def test_non_nph_frame_keeps_its_payload_as_body() -> None:
    """NPL type 3 has no NPH header: the whole payload is the body."""
    packet = parse_packet(build.npl(b"abc", npl_type=3))
    assert packet.nph is None and packet.body == b"abc"


@pytest.mark.parametrize(("frame", "error"), [
    (REPLY[:10], TruncatedError),
    (REPLY[:-1], TruncatedError),
    (b"\x7e\x7f" + REPLY[2:], FormatError),
    (build.npl(bytes(4)), TruncatedError),
])
def test_inconsistent_frames_raise_codec_errors(frame: bytes, error: type[Exception]) -> None:
    """Short headers, wrong lengths and a wrong signature are CodecErrors, nothing else."""
    with pytest.raises(error):
        parse_packet(frame)


def test_out_of_range_header_values_are_refused() -> None:
    """A header value that does not fit its field cannot even be built."""
    with pytest.raises(ValueError, match="peer_address"):
        NplHeader(data_size=10, flags=0, crc=0, npl_type=2, peer_address=1 << 32)
    with pytest.raises(ValueError, match="request_id"):
        NphHeader(service=0, packet_type=0, request_id=-1)


@given(st.integers(0, 0xFFFF), st.integers(0, 0xFFFF), st.integers(0, 0xFFFF),
       st.integers(0, 0xFFFF_FFFF), st.binary(max_size=64), st.integers(0, 0xFFFF_FFFF),
       st.integers(0, 0xFFFF))
def test_any_packet_round_trips(service: int, ptype: int, flags: int, request_id: int,
                                body: bytes, peer: int, npl_id: int) -> None:
    """parse(encode(packet)) == packet for every header value and body."""
    nph = NphHeader(service=service, packet_type=ptype, flags=flags, request_id=request_id)
    frame = build_frame(nph, body, peer_address=peer, npl_request_id=npl_id)
    packet = parse_packet(frame)
    assert packet == Packet(npl=packet.npl, nph=nph, body=body)
    assert packet.encode() == frame and packet.crc_ok
