"""EGTS_SR_EXT_POS_DATA (TELEDATA SRT 17): dilution of precision and satellites.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_EXT_POS_DATA": flags BYTE, then when
flagged VDOP, HDOP, PDOP (USHORT, value * 100), SAT BYTE, NS USHORT. The text ties NS to both
SFE and NSFE; like every implementation examined, SAT is read under SFE and NS under NSFE.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar, Self

from egts_server.codec.reader import ByteReader, ByteWriter


class ExtPosFlags(enum.IntFlag):
    VFE = 0x01  # VDOP follows
    HFE = 0x02  # HDOP follows
    PFE = 0x04  # PDOP follows
    SFE = 0x08  # SAT follows
    NSFE = 0x10  # NS follows


_F = ExtPosFlags


class NavSystem(enum.IntFlag):
    """NS bitmask."""

    GLONASS = 0x01
    GPS = 0x02
    GALILEO = 0x04
    COMPASS = 0x08
    BEIDOU = 0x10
    DORIS = 0x20
    IRNSS = 0x40
    QZSS = 0x80


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtPosData:
    """Optional precision fields; None when their flag is clear. DOPs are value * 100."""

    SRT: ClassVar[int] = 17

    vdop: int | None = None  # VDOP  * 100
    hdop: int | None = None  # HDOP  * 100
    pdop: int | None = None  # PDOP  * 100
    satellites: int | None = None  # SAT
    nav_systems: int | None = None  # NS    NavSystem bitmask
    reserved_flags: int = 0  # flag bits 7-5, kept for exact round trips

    @property
    def flags(self) -> int:
        f = self.reserved_flags << 5
        for flag, value in ((_F.VFE, self.vdop), (_F.HFE, self.hdop), (_F.PFE, self.pdop),
                            (_F.SFE, self.satellites), (_F.NSFE, self.nav_systems)):
            if value is not None:
                f |= flag
        return f

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        f = r.u8()
        return cls(
            vdop=r.u16() if f & _F.VFE else None,
            hdop=r.u16() if f & _F.HFE else None,
            pdop=r.u16() if f & _F.PFE else None,
            satellites=r.u8() if f & _F.SFE else None,
            nav_systems=r.u16() if f & _F.NSFE else None,
            reserved_flags=f >> 5,
        )

    def encode(self, w: ByteWriter) -> None:
        w.u8(self.flags)
        for value in (self.vdop, self.hdop, self.pdop):
            if value is not None:
                w.u16(value)
        if self.satellites is not None:
            w.u8(self.satellites)
        if self.nav_systems is not None:
            w.u16(self.nav_systems)
