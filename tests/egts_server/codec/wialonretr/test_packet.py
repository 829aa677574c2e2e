"""Retranslator packets as Gurtam describes them: the layout written, each value type read back,
a block whose value does not fit its type costing only itself, structural damage refused."""

from __future__ import annotations

import struct
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.errors import FormatError, TruncatedError
from egts_server.codec.wialonretr import (
    Framer,
    PosInfo,
    RetranslatorPacket,
    ValueType,
    build_packet,
    parse_packet,
)

WHEN = datetime.fromtimestamp(0x69819CF0, UTC)
HEAD = b"77\x00" + bytes.fromhex("69819cf0 00000001")


def block(kind: int, name: bytes, raw: bytes, block_type: int = 0x0BBB) -> bytes:
    content = bytes((1, kind)) + name + b"\x00" + raw
    return struct.pack(">HI", block_type, len(content)) + content


def test_packet_is_written_as_the_description_lays_it_out() -> None:
    """Size u32 LE, id and its zero, time and flags u32 BE, then type, size, hidden, value
    type, name and a big-endian int32."""
    packet = RetranslatorPacket("77", WHEN, 1, values=MappingProxyType({"temp": 5}))
    assert build_packet(packet).hex() == (
        "1c000000" "373700" "69819cf0" "00000001"
        "0bbb" "0000000b" "01" "03" "74656d7000" "00000005")


def test_each_value_type_reads_as_its_python_value() -> None:
    data = HEAD + b"".join((
        block(ValueType.TEXT, b"driver", b"Ivanov\x00"),
        block(ValueType.BINARY, b"can", b"\x01\x02"),
        block(ValueType.INT32, b"fuel", (-2).to_bytes(4, "big", signed=True)),
        block(ValueType.DOUBLE, b"temp", struct.pack("<d", 21.5)),
        block(ValueType.INT64, b"odo", (2**40).to_bytes(8, "big", signed=True))))
    packet = parse_packet(data)
    assert (packet.controller_id, packet.time, packet.flags, packet.position) == (
        "77", WHEN, 1, None)
    assert dict(packet.values) == {"driver": "Ivanov", "can": b"\x01\x02", "fuel": -2,
                                   "temp": 21.5, "odo": 2**40}
    assert dict(packet.dropped) == {}


def test_an_integer_beyond_int32_is_written_as_int64() -> None:
    small, large = (
        build_packet(RetranslatorPacket("7", WHEN, 0, values=MappingProxyType({"n": n})))
        for n in (2**31 - 1, 2**31))
    assert (small[-7], len(small) + 4) == (ValueType.INT32, len(large))
    assert large[-11] == ValueType.INT64


def test_posinfo_reads_doubles_little_endian_and_motion_big_endian() -> None:
    raw = struct.pack("<ddd", 37.5, 55.75, 140.0) + bytes.fromhex("003c 0168 0b")
    packet = parse_packet(HEAD + block(ValueType.BINARY, b"posinfo", raw))
    assert packet.position == PosInfo(37.5, 55.75, 140.0, 60, 360, 11)
    assert dict(packet.values) == {}


@pytest.mark.parametrize(("kind", "raw"), [
    (ValueType.INT32, b"\x00\x00\x05"),
    (ValueType.INT64, b"\x00" * 4),
    (ValueType.DOUBLE, struct.pack("<d", float("nan"))),
    (9, b"\x00"),
])
def test_a_value_that_does_not_fit_its_type_is_dropped_alone(kind: int, raw: bytes) -> None:
    data = HEAD + block(kind, b"bad", raw) + block(ValueType.INT32, b"good", b"\x00\x00\x00\x07")
    packet = parse_packet(data)
    assert (dict(packet.values), dict(packet.dropped)) == ({"good": 7}, {"bad": raw})


def test_posinfo_off_the_globe_is_dropped_alone() -> None:
    raw = struct.pack("<ddd", 37.5, 91.0, 0.0) + bytes(5)
    packet = parse_packet(HEAD + block(ValueType.BINARY, b"posinfo", raw))
    assert (packet.position, dict(packet.dropped)) == (None, {"posinfo": raw})


@pytest.mark.parametrize(("data", "error"), [
    (b"77", TruncatedError),  # no zero byte after the id
    (b"\x00" + HEAD[3:], FormatError),  # empty id
    (HEAD[:8], TruncatedError),  # flags cut short
    (HEAD + b"\x0b\xbb\x00", TruncatedError),  # block header cut short
    (HEAD + block(ValueType.INT32, b"n", bytes(4), block_type=0x0AAA), FormatError),
    (HEAD + block(ValueType.INT32, b"n", bytes(4))[:-1], FormatError),  # runs past the packet
])
def test_structural_damage_is_refused(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_packet(data)


_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=12).filter(
    lambda n: n != "posinfo")
_VALUE = st.one_of(st.text(alphabet="abcXYZ 019.-", max_size=12),
                   st.binary(max_size=12), st.integers(-(2**63), 2**63 - 1),
                   st.floats(allow_nan=False, allow_infinity=False))


@given(st.text(alphabet="0123456789ABC", min_size=1, max_size=20),
       st.integers(0, 2**32 - 1), st.integers(0, 63),
       st.none() | st.builds(PosInfo, st.floats(-180, 180), st.floats(-90, 90),
                             st.floats(-1000, 9000), st.integers(0, 65535),
                             st.integers(0, 65535), st.integers(0, 255)),
       st.dictionaries(_NAME, _VALUE, max_size=6))
def test_round_trip(controller: str, seconds: int, flags: int, position: PosInfo | None,
                    values: dict[str, Any]) -> None:
    packet = RetranslatorPacket(controller, datetime.fromtimestamp(seconds, UTC), flags,
                                position, MappingProxyType(values))
    data = build_packet(packet)
    (frame,) = Framer().feed(data)
    assert parse_packet(frame[4:]) == packet
