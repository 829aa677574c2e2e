"""FLEX record fields: which bit of the negotiated field set is which field, its size, and how
a record reads onto ``model.Position``.

Facts (NavTelecom's public FLEX description, as open-source servers implement it): field n
(1-based, bit n-1 of the set, most significant bit of each byte first) has the size
``FIELD_SIZES[n]``; a record is the enabled fields in order, little-endian. Mapped here
(README): 3 device time, 8 navigation state (bit 1 valid, satellites from bit 2), 9 fix time,
10/11 latitude/longitude (1/10000 of a minute), 12 altitude (dm), 13 speed (km/h, float), 14
course, 15 odometer (km, float), 19/20 supply and battery (mV), 21-26 analog inputs 1-6 (mV),
29 digital inputs (bit k = input k+1), 31 outputs, 33-34 counters; every other field is kept
as ``flex<n>`` (hex).
"""

from __future__ import annotations

import math
import struct
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Final

from egts_server.codec.errors import FormatError
from egts_server.model import (
    KEY_ANALOG,
    KEY_COUNTER,
    KEY_OUTPUTS,
    KEY_VOLTAGE_INTERNAL,
    KEY_VOLTAGE_MAIN,
    AttributeValue,
    DeviceKey,
    Position,
)

_BY_SIZE: Final = {
    1: (4, 5, 6, 7, 8, 29, 30, 31, 32, *range(45, 53), 56, 63, 64, 65, 69, 72, *range(78, 84),
        98, 99, 101, 104, 118, *range(122, 127), 139, 140, 144, 145, *range(167, 171), 199,
        202, *range(207, 223)),
    2: (2, 14, *range(17, 29), 35, 36, *range(38, 45), 53, 55, 58, 59, 60, 61, 62, 66, 68, 71,
        75, 100, 106, 108, *range(110, 118), 119, 120, 121, *range(133, 139), 141, 143,
        *range(147, 167), 171, 175, 177, 178, *range(180, 193), 200, 201, *range(223, 238)),
    3: (*range(84, 94), 142, 146, 198),
    4: (1, 3, *range(9, 14), 15, 16, 33, 34, 37, 54, 57, 67, 74, 76, 102, 103, 105,
        *range(127, 133), 172, 173, 174, 176, 179, *range(193, 197), 203, 205, 206,
        *range(238, 253)),
    5: (204,), 6: (94, 107, 109, 197), 8: (70, 253, 254, 255), 12: (95,), 16: (73,),
    24: (96,), 37: (77,), 48: (97,),
}
FIELD_SIZES: Final = MappingProxyType(
    {field: size for size, fields in _BY_SIZE.items() for field in fields})
_MINUTES: Final = 600000.0  # 1/10000 of a minute per unit


def field_set(bits: bytes, count: int) -> tuple[int, ...]:
    """The enabled fields (1-based) of a FLEX field set of ``count`` bits."""
    fields = tuple(n + 1 for n in range(count) if bits[n // 8] >> (7 - n % 8) & 1)
    unknown = [n for n in fields if n not in FIELD_SIZES]
    if unknown:
        raise FormatError(f"FLEX fields of unknown size: {unknown[:5]}")
    return fields


def record_size(fields: tuple[int, ...]) -> int:
    return sum(FIELD_SIZES[n] for n in fields)


def read_record(data: bytes, fields: tuple[int, ...]) -> dict[int, bytes]:
    values: dict[int, bytes] = {}
    at = 0
    for n in fields:
        values[n] = data[at:at + FIELD_SIZES[n]]
        at += FIELD_SIZES[n]
    return values


def _int(raw: bytes, signed: bool = False) -> int:
    return int.from_bytes(raw, "little", signed=signed)


def _float(raw: bytes) -> float | None:
    value = float(struct.unpack("<f", raw)[0])
    return value if math.isfinite(value) else None


def record_position(values: dict[int, bytes], device: DeviceKey) -> Position | None:
    """The fix of one record; None without fix time and coordinates (or off the globe)."""
    when, lat_raw, lon_raw = values.get(9) or values.get(3), values.get(10), values.get(11)
    if when is None or lat_raw is None or lon_raw is None:
        return None
    latitude, longitude = _int(lat_raw, True) / _MINUTES, _int(lon_raw, True) / _MINUTES
    if abs(latitude) > 90 or abs(longitude) > 180:
        return None
    state = _int(values[8]) if 8 in values else None
    speed = _float(values[13]) if 13 in values else None
    odometer = _float(values[15]) if 15 in values else None
    attributes: dict[str, AttributeValue] = {}
    for n, raw in values.items():
        if n in (3, 8, 9, 10, 11, 12, 13, 14, 15, 29):
            continue
        if n == 19:
            attributes[KEY_VOLTAGE_MAIN] = _int(raw, True) / 1000
        elif n == 20:
            attributes[KEY_VOLTAGE_INTERNAL] = _int(raw, True) / 1000
        elif 21 <= n <= 26:
            attributes[KEY_ANALOG.format(n=n - 20)] = _int(raw)
        elif n == 31:
            attributes[KEY_OUTPUTS] = _int(raw)
        elif n in (33, 34):
            attributes[KEY_COUNTER.format(n=n - 32)] = _int(raw)
        else:
            attributes[f"flex{n}"] = raw.hex()
    return Position(
        device=device, fix_time=datetime.fromtimestamp(_int(when), UTC), latitude=latitude,
        longitude=longitude, valid=state is None or bool(state & 0x02),
        speed_kmh=speed if speed is not None and speed >= 0 else 0.0,
        course_deg=float(_int(values[14]) % 360) if 14 in values else 0.0,
        altitude_m=_int(values[12], True) / 10 if 12 in values else None,
        satellites=state >> 2 if state is not None else None,
        inputs=_int(values[29]) if 29 in values else None,
        odometer_m=odometer * 1000 if odometer is not None and odometer >= 0 else None,
        attributes=MappingProxyType(attributes))
