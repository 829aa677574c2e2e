"""EGTS_SR_AD_SENSORS_DATA (TELEDATA SRT 18): extra digital inputs, outputs, analog inputs.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_AD_SENSORS_DATA": DIOE BYTE (which ADIO
octets follow), DOUT BYTE (outputs), ASFE BYTE (which ANS values follow), ADIO1..8 (one byte
each, flagged ones only, in bit order), ANS1..8 (3 bytes each, flagged ones only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

from egts_server.codec.egts.constants import TeledataSrt
from egts_server.codec.egts.subrecords.base import WireTable
from egts_server.codec.reader import Buffer, ByteWriter, wrong_length

#: Flag byte -> the numbers 1..8 of its set bits, in order.
BITS: tuple[tuple[int, ...], ...] = tuple(
    tuple(n + 1 for n in range(8) if mask >> n & 1) for mask in range(256))


def _frozen(values: Mapping[int, int]) -> Mapping[int, int]:
    return MappingProxyType(dict(sorted(values.items())))


def u24_values(data: Buffer, start: int, numbers: tuple[int, ...]) -> dict[int, int]:
    """``numbers[i]`` -> the i-th 24-bit little-endian value from ``data[start:]``.

    At most 8 values; the caller checked that ``3 * len(numbers)`` bytes are in its span.
    """
    packed = int.from_bytes(data[start : start + 3 * len(numbers)], "little")
    values = {}
    for n in numbers:  # a plain loop: faster than a comprehension over shifts here
        values[n] = packed & 0xFFFFFF
        packed >>= 24
    return values


#: AdSensorsData's fields in declaration order, as ``AdSensorsData.unpack`` returns them.
AdSensorsFields = tuple[int, Mapping[int, int], Mapping[int, int]]


@dataclass(frozen=True, slots=True, kw_only=True)
class AdSensorsData(WireTable):
    """``digital`` maps octet number 1..8 to ADIO byte; ``analog`` maps 1..8 to ANS value.

    ADIO octet n carries discrete inputs 8n+1 .. 8n+8 (POS_DATA's DIN has inputs 1-8).
    """

    SRT: ClassVar[int] = TeledataSrt.AD_SENSORS_DATA

    outputs: int = 0  # DOUT  digital outputs bitmask
    digital: Mapping[int, int] = field(default_factory=dict)  # DIOE + ADIOn
    analog: Mapping[int, int] = field(default_factory=dict)  # ASFE + ANSn (24-bit raw)

    def __post_init__(self) -> None:
        for name in ("digital", "analog"):
            values: Mapping[int, int] = getattr(self, name)
            if any(not 1 <= n <= 8 for n in values):
                raise ValueError(f"{name} keys must be 1..8")
            object.__setattr__(self, name, _frozen(values))

    @staticmethod
    def unpack(data: Buffer, start: int, end: int) -> AdSensorsFields:
        if end - start < 3:
            raise wrong_length("AD_SENSORS_DATA", end - start, 3)
        digital, analog = BITS[data[start]], BITS[data[start + 2]]  # DIOE, ASFE
        at = start + 3 + len(digital)
        if end - at != 3 * len(analog):
            raise wrong_length("AD_SENSORS_DATA", end - start,
                               3 + len(digital) + 3 * len(analog))
        octets = zip(digital, data[start + 3 : at], strict=True)
        return (data[start + 1], MappingProxyType(dict(octets)),
                MappingProxyType(u24_values(data, at, analog)))

    def encode(self, w: ByteWriter) -> None:
        w.u8(sum(1 << (n - 1) for n in self.digital)).u8(self.outputs)
        w.u8(sum(1 << (n - 1) for n in self.analog))
        for value in self.digital.values():
            w.u8(value)
        for value in self.analog.values():
            w.u24(value)
