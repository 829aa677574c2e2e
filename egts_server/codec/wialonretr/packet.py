"""Wialon Retranslator 1.0 packets: read into a typed ``RetranslatorPacket`` and written back.

Facts (Gurtam's public description of the protocol): a packet is its size (u32 little-endian,
the bytes after it), the controller id (ASCII up to a zero byte), the time (u32 big-endian, Unix
seconds), flags (u32 big-endian: 0x1 position, 0x2 digital inputs, 0x4 outputs, 0x10 alarm,
0x20 driver's code), then data blocks: type ``0x0BBB`` (u16), size (u32, the bytes after it),
a "hidden" byte, the value type (1 text, 2 binary, 3 int32, 4 double, 5 int64), the name (ASCII
up to a zero byte) and the value. Integers are big-endian, doubles little-endian. The binary
block ``posinfo`` holds longitude, latitude, altitude (doubles), speed and course (u16) and
satellites (u8). The server answers every packet with the byte 0x11.

A block whose value does not fit its declared type costs only itself (kept raw in
``RetranslatorPacket.dropped``); a block running past the packet is structural damage.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum
from types import MappingProxyType
from typing import Final

from egts_server.codec.errors import FormatError, TruncatedError

BLOCK_TYPE: Final = 0x0BBB
ACK: Final = b"\x11"
POSINFO: Final = "posinfo"
MAX_PACKET: Final = 65536  # a larger size (JPEG pictures) is refused: the stream is closed
_POS: Final = struct.Struct("<ddd")
_MOTION: Final = struct.Struct(">HHB")
_HEAD: Final = struct.Struct(">II")  # time, flags
_BLOCK: Final = struct.Struct(">HI")  # type, size

BlockValue = str | bytes | int | float


class ValueType(IntEnum):
    TEXT = 1
    BINARY = 2
    INT32 = 3
    DOUBLE = 4
    INT64 = 5


@dataclass(frozen=True, slots=True)
class PosInfo:
    longitude: float
    latitude: float
    altitude_m: float
    speed_kmh: int
    course_deg: int
    satellites: int


@dataclass(frozen=True, slots=True)
class RetranslatorPacket:
    controller_id: str
    time: datetime
    flags: int
    position: PosInfo | None = None
    values: Mapping[str, BlockValue] = field(default_factory=lambda: MappingProxyType({}))
    dropped: Mapping[str, bytes] = field(default_factory=lambda: MappingProxyType({}))


def _cstring(data: bytes, at: int, end: int) -> tuple[str, int]:
    stop = data.find(b"\x00", at, end)
    if stop < 0:
        raise TruncatedError("a string without its zero byte")
    return data[at:stop].decode("utf-8", "replace"), stop + 1


def parse_packet(data: bytes) -> RetranslatorPacket:
    """One packet without its size prefix; ``CodecError`` when its structure does not hold."""
    controller_id, at = _cstring(data, 0, len(data))
    if not controller_id:
        raise FormatError("empty controller id")
    if len(data) - at < _HEAD.size:
        raise TruncatedError("time and flags missing")
    seconds, flags = _HEAD.unpack_from(data, at)
    at += _HEAD.size
    position: PosInfo | None = None
    values: dict[str, BlockValue] = {}
    dropped: dict[str, bytes] = {}
    while at < len(data):
        if len(data) - at < _BLOCK.size:
            raise TruncatedError("block header cut short")
        block_type, size = _BLOCK.unpack_from(data, at)
        start, at = at + _BLOCK.size, at + _BLOCK.size + size
        if block_type != BLOCK_TYPE or at > len(data) or size < 3:
            raise FormatError(f"block type {block_type:#06x} of {size} bytes does not fit")
        kind = data[start + 1]
        name, value_at = _cstring(data, start + 2, at)
        raw = data[value_at:at]
        try:
            value = _value(kind, raw)
            if name == POSINFO:
                position = _posinfo(raw)
            else:
                values[name] = value
        except FormatError:
            dropped[name or f"block{len(dropped)}"] = raw
    return RetranslatorPacket(controller_id, datetime.fromtimestamp(seconds, UTC), flags,
                              position, MappingProxyType(values), MappingProxyType(dropped))


def _value(kind: int, raw: bytes) -> BlockValue:
    if kind == ValueType.TEXT:
        return raw.rstrip(b"\x00").decode("utf-8", "replace")
    if kind == ValueType.BINARY:
        return raw
    widths = {ValueType.INT32: 4, ValueType.DOUBLE: 8, ValueType.INT64: 8}
    if kind not in widths or len(raw) != widths[ValueType(kind)]:
        raise FormatError(f"value type {kind} with {len(raw)} bytes")
    if kind == ValueType.DOUBLE:
        number = struct.unpack("<d", raw)[0]
        if not math.isfinite(number):
            raise FormatError("a double that is not a number")
        return float(number)
    return int.from_bytes(raw, "big", signed=True)


def _posinfo(raw: bytes) -> PosInfo:
    if len(raw) != _POS.size + _MOTION.size:
        raise FormatError(f"posinfo of {len(raw)} bytes")
    lon, lat, alt = _POS.unpack_from(raw)
    speed, course, sats = _MOTION.unpack_from(raw, _POS.size)
    if not (abs(lat) <= 90 and abs(lon) <= 180 and math.isfinite(alt)):
        raise FormatError(f"posinfo {lat} {lon} {alt} not on the globe")
    return PosInfo(lon, lat, alt, speed, course, sats)


def build_packet(packet: RetranslatorPacket) -> bytes:
    """The wire form of ``packet`` with its size prefix (the sender's side; round trips)."""
    body = packet.controller_id.encode() + b"\x00" + _HEAD.pack(
        int(packet.time.timestamp()), packet.flags)
    if packet.position is not None:
        p = packet.position
        body += _block(ValueType.BINARY, POSINFO, _POS.pack(p.longitude, p.latitude, p.altitude_m)
                       + _MOTION.pack(p.speed_kmh, p.course_deg, p.satellites))
    for name, value in packet.values.items():
        kind, raw = _encode(value)
        body += _block(kind, name, raw)
    return len(body).to_bytes(4, "little") + body


def _encode(value: BlockValue) -> tuple[ValueType, bytes]:
    if isinstance(value, str):
        return ValueType.TEXT, value.encode() + b"\x00"
    if isinstance(value, bytes):
        return ValueType.BINARY, value
    if isinstance(value, float):
        return ValueType.DOUBLE, struct.pack("<d", value)
    if -(2**31) <= value < 2**31:
        return ValueType.INT32, value.to_bytes(4, "big", signed=True)
    return ValueType.INT64, value.to_bytes(8, "big", signed=True)


def _block(kind: ValueType, name: str, raw: bytes) -> bytes:
    content = bytes((1, kind)) + name.encode() + b"\x00" + raw
    return _BLOCK.pack(BLOCK_TYPE, len(content)) + content
