"""EGTS_SR_LIQUID_LEVEL_SENSOR (TELEDATA SRT 27): one fuel / liquid level sensor reading.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_LIQUID_LEVEL_SENSOR": flags BYTE (bit 6
LLSEF read error, bits 5-4 LLSVU unit 0 raw / 1 percent / 2 0.1 litre, bit 3 RDF raw data,
bits 2-0 LLSN sensor number), MADDR USHORT, LLSD: UINT when RDF = 0, else the sensor's raw
reply to the end of the subrecord.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from typing import ClassVar

from egts_server.codec.egts.constants import TeledataSrt
from egts_server.codec.egts.subrecords.base import WireTable
from egts_server.codec.reader import Buffer, ByteWriter, wrong_length

_HEAD = struct.Struct("<BH")  # flags MADDR
_WITH_VALUE = struct.Struct("<BHI")  # flags MADDR LLSD (RDF = 0)

#: LiquidLevelSensor's fields in declaration order, as ``LiquidLevelSensor.unpack`` returns them.
LevelFields = tuple[int, int, int, bool, int | None, bytes | None, bool]


class LevelUnit(enum.IntEnum):
    """LLSVU."""

    RAW = 0
    PERCENT = 1
    DECILITRE = 2  # 0.1 l


@dataclass(frozen=True, slots=True, kw_only=True)
class LiquidLevelSensor(WireTable):
    """``value`` is set when RDF = 0, ``raw`` when RDF = 1."""

    SRT: ClassVar[int] = TeledataSrt.LIQUID_LEVEL_SENSOR

    number: int  # LLSN  0..7
    address: int  # MADDR
    unit: int = LevelUnit.RAW  # LLSVU 0..3
    error: bool = False  # LLSEF
    value: int | None = None  # LLSD  (RDF = 0)
    raw: bytes | None = None  # LLSD  (RDF = 1)
    reserved: bool = False  # flag bit 7, kept for exact round trips

    def __post_init__(self) -> None:
        if (self.value is None) == (self.raw is None):
            raise ValueError("exactly one of value (RDF=0) and raw (RDF=1) is set")
        if not 0 <= self.number <= 7 or not 0 <= self.unit <= 3:
            raise ValueError("LLSN is 3 bits, LLSVU 2 bits")

    @property
    def flags(self) -> int:
        return ((0x80 if self.reserved else 0) | (0x40 if self.error else 0) | self.unit << 4
                | (0x08 if self.raw is not None else 0) | self.number)

    @staticmethod
    def unpack(data: Buffer, start: int, end: int) -> LevelFields:
        if end - start < 3:
            raise wrong_length("LIQUID_LEVEL_SENSOR", end - start, 3)
        if data[start] & 0x08:  # RDF: the sensor's raw reply fills the rest
            f, address = _HEAD.unpack_from(data, start)
            value, raw = None, bytes(data[start + 3 : end])
        elif end - start != 7:
            raise wrong_length("LIQUID_LEVEL_SENSOR", end - start, 7)
        else:
            f, address, value = _WITH_VALUE.unpack_from(data, start)
            raw = None
        return f & 0x07, address, (f >> 4) & 0x03, f & 0x40 != 0, value, raw, f & 0x80 != 0

    def encode(self, w: ByteWriter) -> None:
        w.u8(self.flags).u16(self.address)
        if self.raw is not None:
            w.raw(self.raw)
        else:
            assert self.value is not None  # guaranteed by __post_init__
            w.u32(self.value)
