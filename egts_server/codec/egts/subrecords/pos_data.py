"""EGTS_SR_POS_DATA (TELEDATA SRT 16): the main navigation fix.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_POS_DATA": NTM UINT, LAT UINT, LONG UINT,
FLG BYTE, SPD USHORT (bits 13-0 speed, bit 14 ALTS, bit 15 DIRH), DIR BYTE, ODM 3 bytes,
DIN BYTE, SRC BYTE, ALT 3 bytes (iff FLG.ALTE), SRCD (optional, meaning depends on SRC).
"""

from __future__ import annotations

import enum
import math
import struct
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from egts_server.codec.egts.constants import EGTS_EPOCH, TeledataSrt
from egts_server.codec.egts.subrecords.base import WireTable
from egts_server.codec.reader import Buffer, ByteWriter, wrong_length

_SCALE = 0xFFFF_FFFF
_FIXED = struct.Struct("<IIIBHBIB")  # NTM LAT LONG FLG SPD DIR, ODM (3 bytes) + DIN, SRC
_FIXED_SIZE = _FIXED.size  # 21


class PosFlags(enum.IntFlag):
    """FLG byte, bit 0 first."""

    VLD = 0x01  # coordinates valid
    FIX = 0x02  # 3D fix (else 2D)
    CS = 0x04  # PZ-90.02 datum (else WGS-84)
    BB = 0x08  # replayed from the black box
    MV = 0x10  # moving
    LAHS = 0x20  # southern latitude
    LOHS = 0x40  # western longitude
    ALTE = 0x80  # ALT field follows


_FLAGS = tuple(PosFlags(value) for value in range(256))  # FLG byte -> flags, built once


def encode_latitude(deg: float) -> int:
    """LAT for |deg|: floor(|deg| / 90 * 0xFFFFFFFF) (the standard's formula)."""
    return min(_SCALE, math.floor(abs(deg) / 90 * _SCALE))


def encode_longitude(deg: float) -> int:
    """LONG for |deg|: floor(|deg| / 180 * 0xFFFFFFFF)."""
    return min(_SCALE, math.floor(abs(deg) / 180 * _SCALE))


#: PosData's fields in declaration order, as ``PosData.unpack`` returns them.
PosFields = tuple[int, int, int, PosFlags, int, int, int, int, int, bool, int | None, bytes]


@dataclass(frozen=True, slots=True, kw_only=True)
class PosData(WireTable):
    """Fields keep wire units, so ``decode`` then ``encode`` gives back the same bytes.

    ``source_data`` keeps whatever follows the mandatory fields (SRCD; usually 0 or 2 bytes)
    verbatim: the standard leaves its size to the SRC code, so it is not interpreted here.
    """

    SRT: ClassVar[int] = TeledataSrt.POS_DATA

    nav_time: int  # NTM   seconds since 2010-01-01 UTC
    lat_abs: int  # LAT   |deg| * 0xFFFFFFFF / 90
    lon_abs: int  # LONG  |deg| * 0xFFFFFFFF / 180
    flags: PosFlags  # FLG
    speed: int  # SPD   0.1 km/h, 14 bits
    direction: int  # DIR + 256 * DIRH, degrees
    odometer: int  # ODM   0.1 km, 24 bits
    inputs: int  # DIN   discrete inputs 1-8
    source: int  # SRC   why the fix was sent
    below_sea: bool = False  # ALTS  altitude is below sea level
    altitude: int | None = None  # ALT   metres (unsigned), iff FLG.ALTE
    source_data: bytes = b""  # SRCD  opaque

    def __post_init__(self) -> None:
        if (self.altitude is None) == (PosFlags.ALTE in self.flags):
            raise ValueError("ALT must be present exactly when FLG.ALTE is set")
        if not 0 <= self.speed <= 0x3FFF:
            raise ValueError(f"SPD {self.speed} does not fit in 14 bits")
        if not 0 <= self.direction <= 0x1FF:
            raise ValueError(f"direction {self.direction} does not fit DIR + DIRH")

    @property
    def fix_time(self) -> datetime:
        return EGTS_EPOCH + timedelta(seconds=self.nav_time)

    @property
    def latitude(self) -> float:
        deg = self.lat_abs * 90 / _SCALE
        return -deg if PosFlags.LAHS in self.flags else deg

    @property
    def longitude(self) -> float:
        deg = self.lon_abs * 180 / _SCALE
        return -deg if PosFlags.LOHS in self.flags else deg

    @property
    def speed_kmh(self) -> float:
        return self.speed / 10

    @property
    def odometer_m(self) -> float:
        return self.odometer * 100.0

    @property
    def altitude_m(self) -> float | None:
        if self.altitude is None:
            return None
        return float(-self.altitude if self.below_sea else self.altitude)

    @staticmethod
    def unpack(data: Buffer, start: int, end: int) -> PosFields:
        if end - start < _FIXED_SIZE:
            raise wrong_length("POS_DATA", end - start, _FIXED_SIZE)
        nav_time, lat_abs, lon_abs, flg, word, dir_low, odometer_din, source = (
            _FIXED.unpack_from(data, start))
        at = start + _FIXED_SIZE
        altitude = None
        if flg & 0x80:  # ALTE
            if end - at < 3:
                raise wrong_length("POS_DATA with ALT", end - start, _FIXED_SIZE + 3)
            altitude = data[at] | data[at + 1] << 8 | data[at + 2] << 16
            at += 3
        return (nav_time, lat_abs, lon_abs, _FLAGS[flg], word & 0x3FFF,
                dir_low | (word >> 7 & 0x100), odometer_din & 0xFFFFFF, odometer_din >> 24, source,
                word & 0x4000 != 0, altitude, bytes(data[at:end]) if at < end else b"")

    def encode(self, w: ByteWriter) -> None:
        word = self.speed | (0x4000 if self.below_sea else 0) | (self.direction & 0x100) << 7
        w.u32(self.nav_time).u32(self.lat_abs).u32(self.lon_abs).u8(self.flags)
        w.u16(word).u8(self.direction & 0xFF).u24(self.odometer).u8(self.inputs).u8(self.source)
        if self.altitude is not None:
            w.u24(self.altitude)
        w.raw(self.source_data)
