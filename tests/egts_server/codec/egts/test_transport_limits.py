"""Transport framing at its edges: the 65,535-byte limit, truncated frames, and what each
refusal says (the PID it quotes becomes the reply's RPID; its text is what the log shows)."""

from __future__ import annotations

import pytest

from egts_server.codec.egts import Framer, Packet, PacketType, ResponseHead, TransportHeader
from egts_server.codec.egts.transport import parse_packet, unpack_header
from egts_server.codec.errors import CodecError, PacketLengthError
from tests.builders import egts as build

LONGEST_BODY = 65535 - 11 - 2  # header, body, SFRCS: exactly the protocol's maximum


def test_a_packet_of_exactly_65535_bytes_is_framed_and_one_byte_more_is_refused() -> None:
    longest = build.packet(pid=4, body=b"\x00" * LONGEST_BODY)
    assert len(longest) == 65535
    assert Framer().feed(longest) == [longest]
    with pytest.raises(PacketLengthError) as refused:
        Framer().feed(build.packet(pid=4, body=b"\x00" * (LONGEST_BODY + 1)))
    assert (str(refused.value), refused.value.pid) == ("declared packet of 65536 bytes", 4)


def test_the_encoder_builds_packets_up_to_65535_bytes_and_no_longer() -> None:
    header = TransportHeader(pid=1, packet_type=PacketType.SIGNED_APPDATA)
    signature_room = 65535 - 11 - 2 - 2  # header, SIGL, SFRCS
    assert len(Packet(header=header, signature=b"s" * signature_room).encode()) == 65535
    with pytest.raises(ValueError, match="^packet of 65536 bytes exceeds 65535$"):
        Packet(header=header, signature=b"s" * (signature_room + 1)).encode()


@pytest.mark.parametrize(("frame", "message", "pid"), [
    (build.packet(pid=0x1234)[:10], "10 bytes are not a whole header", 0x1234),
    (build.packet(pid=0x1234)[:9], "9 bytes are not a whole header", 0x1234),
    (build.packet(pid=0x1234)[:8], "8 bytes are not a whole header", None),
    (build.packet(pid=0x0203, records=[b"abc"]) + b"\x00",
     "frame of 17 bytes, header says 16", 0x0203),
])
def test_a_truncated_or_overlong_frame_quotes_the_pid_as_read(
        frame: bytes, message: str, pid: int | None) -> None:
    """The PID comes from bytes 7-8, little-endian, as soon as they arrived, and only then."""
    with pytest.raises(PacketLengthError) as refused:
        unpack_header(frame)
    assert (str(refused.value), refused.value.pid) == (message, pid)


def test_a_header_only_packet_has_no_body_checksum() -> None:
    """FDL 0: eleven bytes and nothing after them, and they decode as a packet."""
    frame = build.packet(pid=3)
    assert len(frame) == 11 and unpack_header(frame)[6] == 3
    assert parse_packet(frame).header.pid == 3


@pytest.mark.parametrize(("frame", "message"), [
    (build.packet(pid=9, prv=2), "PRV 0x02"),
    (build.packet(pid=9, flags=0x80), "PRF 2"),
    (build.packet(pid=9, hl=12), "HL 12 with RTE 0"),
    (build.packet(pid=9, flags=0x20, hl=11), "HL 11 with RTE 1"),
    (build.packet(pid=9, hcs=0x5A, records=[b"x"]),
     f"HCS 0x5a, computed {build.crc8(build.packet(pid=9, records=[b'x'])[:10]):#04x}"),
    (build.packet(pid=9, he=1, records=[b"x"]), "HE 1"),
    (build.packet(pid=9, flags=0x08, records=[b"x"]),
     "ENA 1: no encryption algorithm is available"),
    (build.packet(pid=9, flags=0x10, records=[b"x"]),
     "ENA 2: no encryption algorithm is available"),
    (build.packet(pid=9, flags=0x04, records=[b"x"]), "CMP 1: no compression algorithm is defined"),
    (build.packet(pid=9, pt=3), "PT 3"),
])
def test_each_refusal_names_the_field_and_value_at_fault(frame: bytes, message: str) -> None:
    with pytest.raises(CodecError) as refused:
        parse_packet(frame)
    assert str(refused.value) == message


def test_packet_values_that_cannot_exist_are_refused_with_the_rule() -> None:
    """RPID/PR only in a PT_RESPONSE, which needs them when it carries records; SIGL/SIGD
    exactly in PT_SIGNED_APPDATA."""
    appdata = TransportHeader(pid=0, packet_type=PacketType.APPDATA)
    response = TransportHeader(pid=0, packet_type=PacketType.RESPONSE)
    with pytest.raises(ValueError, match="^only a PT_RESPONSE carries RPID/PR$"):
        Packet(header=appdata, response=ResponseHead(rpid=0, result=0))
    with pytest.raises(ValueError, match="^SIGL/SIGD are present exactly in PT_SIGNED_APPDATA$"):
        Packet(header=appdata, signature=b"")
    record = parse_packet(build.packet(records=[build.pos_record()])).records
    with pytest.raises(ValueError, match="^a PT_RESPONSE with records needs RPID/PR$"):
        Packet(header=response, records=record)
