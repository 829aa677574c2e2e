"""AVL records of Codec 8, 8 Extended and 16: read from a packet's data part and written back.

The three codecs differ only in the IO block: Codec 8 has 1-byte ids and counts; 8 Extended
2-byte ids and counts and a last group of variable-length elements (NX); Codec 16 2-byte ids,
1-byte counts and a generation type after the event id. ``IoLayout`` says which, so one reader
serves all. All reading goes through ``ByteReader`` (no ``struct.error`` escapes).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from egts_server.codec.errors import FormatError
from egts_server.codec.reader import ByteReader
from egts_server.codec.teltonika.constants import Codec

IoValue = int | bytes
_GPS: Final = struct.Struct(">QBiihHBH")  # time ms, priority, lon, lat, alt, angle, sats, speed
_WIDTHS: Final = (1, 2, 4, 8)


@dataclass(frozen=True, slots=True)
class IoLayout:
    id_size: int
    count_size: int
    generation: bool  # Codec 16: a generation-type byte follows the event id
    variable: bool  # 8 Extended: a last group of (id, u16 length, bytes)


LAYOUTS: Final[Mapping[int, IoLayout]] = MappingProxyType({
    Codec.CODEC_8: IoLayout(1, 1, generation=False, variable=False),
    Codec.CODEC_8_EXTENDED: IoLayout(2, 2, generation=False, variable=True),
    Codec.CODEC_16: IoLayout(2, 1, generation=True, variable=False),
})


@dataclass(frozen=True, slots=True)
class AvlRecord:
    """One AVL record as sent: coordinates in 1e-7 degrees, IO values unsigned (NX as bytes)."""

    timestamp_ms: int
    priority: int
    longitude_e7: int
    latitude_e7: int
    altitude_m: int
    angle_deg: int
    satellites: int
    speed_kmh: int
    event_id: int = 0
    generation: int | None = None  # Codec 16 only
    io: Mapping[int, IoValue] = field(default_factory=lambda: MappingProxyType({}))


def read_records(codec: int, reader: ByteReader, count: int) -> list[AvlRecord]:
    """``count`` records of ``codec`` from ``reader``; ``FormatError``/``TruncatedError`` when
    they do not fit."""
    layout = LAYOUTS[codec]
    return [_read_record(layout, reader) for _ in range(count)]


def _read_record(layout: IoLayout, r: ByteReader) -> AvlRecord:
    t, priority, lon, lat, alt, angle, sats, speed = _GPS.unpack(r.take(_GPS.size))
    event_id = _be(r, layout.id_size)
    generation = _be(r, 1) if layout.generation else None
    total = _be(r, layout.count_size)
    io: dict[int, IoValue] = {}
    for width in _WIDTHS:
        for _ in range(_be(r, layout.count_size)):
            element = _be(r, layout.id_size)  # the id comes before its value
            io[element] = _be(r, width)
    if layout.variable:
        for _ in range(_be(r, layout.count_size)):
            element = _be(r, layout.id_size)
            io[element] = bytes(r.take(_be(r, 2)))
    if total != len(io) and not layout.variable:
        raise FormatError(f"IO block says {total} elements, holds {len(io)}")
    return AvlRecord(t, priority, lon, lat, alt, angle, sats, speed, event_id, generation,
                     MappingProxyType(io))


def _be(reader: ByteReader, size: int) -> int:
    """An unsigned big-endian number of ``size`` bytes."""
    return int.from_bytes(reader.take(size), "big")


def write_records(codec: int, records: list[AvlRecord]) -> bytes:
    """The records as ``codec`` lays them out (the client side; round trips)."""
    layout = LAYOUTS[codec]
    out = bytearray()
    for rec in records:
        out += _GPS.pack(rec.timestamp_ms, rec.priority, rec.longitude_e7, rec.latitude_e7,
                         rec.altitude_m, rec.angle_deg, rec.satellites, rec.speed_kmh)
        out += rec.event_id.to_bytes(layout.id_size, "big")
        if layout.generation:
            out.append(rec.generation or 0)
        out += len(rec.io).to_bytes(layout.count_size, "big")
        for width in _WIDTHS:
            fixed = [(k, v) for k, v in rec.io.items()
                     if isinstance(v, int) and _width(v) == width]
            out += len(fixed).to_bytes(layout.count_size, "big")
            for k, number in fixed:
                out += k.to_bytes(layout.id_size, "big") + number.to_bytes(width, "big")
        if layout.variable:
            variable = [(k, v) for k, v in rec.io.items() if isinstance(v, bytes)]
            out += len(variable).to_bytes(layout.count_size, "big")
            for k, raw in variable:
                out += k.to_bytes(layout.id_size, "big") + len(raw).to_bytes(2, "big") + raw
    return bytes(out)


def _width(value: int) -> int:
    """The narrowest IO group an unsigned value fits."""
    return next(w for w in _WIDTHS if value < 1 << (8 * w))
