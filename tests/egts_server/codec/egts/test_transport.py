"""Transport layer: header fields, HCS/SFRCS checks, byte-exact round trips."""

import pytest

from egts_server.codec.egts import Packet, PacketType, ResponseHead, Route, TransportHeader
from egts_server.codec.egts.transport import decode_header, open_body, parse_packet
from egts_server.codec.errors import (
    ChecksumError,
    CompressionError,
    EncryptionError,
    HeaderEncodingError,
    PacketLengthError,
    PacketTypeError,
)
from tests.builders import egts as build

# egts-debugger's nav_packet (SatisSoft/egts-debugger test_egts.py)
NAV = bytes.fromhex(
    "01"  # PRV 1
    "00"  # SKID 0
    "00"  # flags: PRF 0, RTE 0, ENA 0, CMP 0, PR 0
    "0b"  # HL 11
    "00"  # HE 0
    "2300"  # FDL 35
    "0000"  # PID 0
    "01"  # PT APPDATA
    "99"  # HCS
    "1800" "0000" "01" "ef000000" "02" "02"  # RL 24, RN 0, RFL OBFE, OID 239, SST/RST TELEDATA
    "10" "1500"  # SRT 16 POS_DATA, SRL 21
    "d2312b10" "4fba3a9e" "d227bc35" "03" "0000" "b2" "000000" "00" "00"  # NTM .. SRC
    "6a8d"  # SFRCS
)


def test_header_fields_decode() -> None:
    """Every header field of a real packet decodes to its value."""
    header, fdl = decode_header(NAV)
    assert fdl == 35
    assert header == TransportHeader(pid=0, packet_type=PacketType.APPDATA)


def test_routed_header_decodes_route() -> None:
    """RTE = 1 brings PRA, RCA and TTL."""
    data = build.packet(pid=5, route=(100, 200, 3), records=[build.pos_record()])
    header, _ = decode_header(data)
    assert header.route == Route(source=100, recipient=200, ttl=3)
    assert header.header_length == 16


def test_all_flag_bits_decode() -> None:
    """PR, CMP and ENA come out of the flag byte; SKID is kept."""
    header, _ = decode_header(build.packet(flags=0b0001_1111, skid=7, records=[b"x"]))
    assert (header.priority, header.compressed, header.encryption, header.key_id) == (3, 1, 3, 7)


def test_nav_packet_round_trips() -> None:
    """parse then encode gives back the same bytes."""
    assert parse_packet(NAV).encode() == NAV


def test_routed_packet_round_trips() -> None:
    """A routed packet survives decode/encode byte for byte."""
    data = build.packet(pid=5, route=(100, 200, 3), records=[build.pos_record()])
    assert parse_packet(data).encode() == data


def test_response_packet_decodes_rpid_and_pr() -> None:
    """PT_RESPONSE starts with RPID and PR."""
    data = build.record_ack(rpid=77, confirmed=[(3, 0)])
    packet = parse_packet(data)
    assert packet.response == ResponseHead(rpid=77, result=0)
    assert packet.encode() == data


def test_empty_response_is_allowed() -> None:
    """A PT_RESPONSE with FDL 0 parses to no RPID and no records."""
    packet = parse_packet(build.packet(pt=0))
    assert packet.response is None and packet.records == ()


def test_signed_appdata_keeps_signature() -> None:
    """PT_SIGNED_APPDATA: SIGL and SIGD precede the records and round-trip."""
    body = b"\x02\x00\xaa\xbb" + build.pos_record()
    data = build.packet(pt=2, body=body)
    packet = parse_packet(data)
    assert packet.signature == b"\xaa\xbb" and len(packet.records) == 1
    assert packet.encode() == data


def test_bad_sfrcs_raises_checksum_error() -> None:
    """A wrong body checksum raises ChecksumError naming SFRCS."""
    data = build.packet(records=[build.pos_record()], sfrcs=0)
    header, _ = decode_header(data)
    with pytest.raises(ChecksumError) as caught:
        open_body(header, data)
    assert caught.value.part == "SFRCS"


@pytest.mark.parametrize(("data", "error"), [
    (build.packet(he=1, records=[b"x"]), HeaderEncodingError),
    (build.packet(flags=0x08, records=[b"x"]), EncryptionError),
    (build.packet(flags=0x04, records=[b"x"]), CompressionError),
])
def test_unusable_bodies_are_refused(data: bytes, error: type) -> None:
    """HE, ENA and CMP problems raise their own classes, framing intact."""
    header, _ = decode_header(data)
    with pytest.raises(error):
        open_body(header, data)


def test_unknown_packet_type_is_refused() -> None:
    """PT 3 is not a packet type."""
    with pytest.raises(PacketTypeError):
        parse_packet(build.packet(pt=3, records=[build.pos_record()]))


def test_frame_longer_than_its_header_says_is_refused() -> None:
    """decode_header wants exactly one frame."""
    with pytest.raises(PacketLengthError):
        decode_header(NAV + b"\x00")


def test_encoder_builds_what_the_builder_builds() -> None:
    """An empty APPDATA packet encodes exactly like the independent builder's."""
    packet = Packet(header=TransportHeader(pid=7, packet_type=PacketType.APPDATA))
    assert packet.encode() == build.packet(pid=7)


def test_packet_invariants_are_checked() -> None:
    """RPID/PR only in PT_RESPONSE; SIGD only in PT_SIGNED_APPDATA."""
    with pytest.raises(ValueError):
        Packet(header=TransportHeader(pid=0, packet_type=1),
               response=ResponseHead(rpid=0, result=0))
    with pytest.raises(ValueError):
        Packet(header=TransportHeader(pid=0, packet_type=2))


def test_builder_reproduces_the_published_packet() -> None:
    """The independent builder rebuilds egts-debugger's nav_packet byte for byte (oracle check)."""
    rebuilt = build.packet(pid=0, records=[build.record(rn=0, sst=2, oid=239, subrecords=[
        build.subrecord(16, bytes.fromhex("d2312b104fba3a9ed227bc35030000b20000000000"))])])
    assert rebuilt == NAV
