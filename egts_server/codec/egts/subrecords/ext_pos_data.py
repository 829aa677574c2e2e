"""EGTS_SR_EXT_POS_DATA (TELEDATA SRT 17): dilution of precision and satellites.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_EXT_POS_DATA": flags BYTE, then when
flagged VDOP, HDOP, PDOP (USHORT, value * 100), SAT BYTE, NS USHORT. The text ties NS to both
SFE and NSFE; like every implementation examined, SAT is read under SFE and NS under NSFE.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from typing import ClassVar

from egts_server.codec.egts.constants import TeledataSrt
from egts_server.codec.egts.subrecords.base import WireTable
from egts_server.codec.reader import Buffer, ByteWriter, wrong_length


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


# (flag, struct code) of each optional field, in wire order: VDOP HDOP PDOP SAT NS
_OPTIONAL = ((_F.VFE, "H"), (_F.HFE, "H"), (_F.PFE, "H"), (_F.SFE, "B"), (_F.NSFE, "H"))


def _layout(mask: int) -> tuple[struct.Struct, tuple[int, int, int, int, int]]:
    """The layout of the fields ``mask`` flags, and where each of the five lands in what it
    unpacks; an absent field points one past the end, at the ``None`` that ``unpack`` appends.
    """
    present = [flag for flag, _ in _OPTIONAL if mask & flag]
    layout = struct.Struct("<" + "".join(code for flag, code in _OPTIONAL if mask & flag))
    vdop, hdop, pdop, sat, ns = (present.index(flag) if flag in present else len(present)
                                 for flag, _ in _OPTIONAL)
    return layout, (vdop, hdop, pdop, sat, ns)


_LAYOUTS = tuple(_layout(mask) for mask in range(32))  # VFE..NSFE bits -> layout, positions

#: ExtPosData's fields in declaration order, as ``ExtPosData.unpack`` returns them.
ExtPosFields = tuple[int | None, int | None, int | None, int | None, int | None, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtPosData(WireTable):
    """Optional precision fields; None when their flag is clear. DOPs are value * 100."""

    SRT: ClassVar[int] = TeledataSrt.EXT_POS_DATA

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

    @staticmethod
    def unpack(data: Buffer, start: int, end: int) -> ExtPosFields:
        if end <= start:
            raise wrong_length("EXT_POS_DATA", 0, 1)
        f = data[start]
        layout, (vdop, hdop, pdop, sat, ns) = _LAYOUTS[f & 0x1F]
        if end - start != 1 + layout.size:
            raise wrong_length("EXT_POS_DATA", end - start, 1 + layout.size)
        v = (*layout.unpack_from(data, start + 1), None)
        return v[vdop], v[hdop], v[pdop], v[sat], v[ns], f >> 5

    def encode(self, w: ByteWriter) -> None:
        w.u8(self.flags)
        for value in (self.vdop, self.hdop, self.pdop):
            if value is not None:
                w.u16(value)
        if self.satellites is not None:
            w.u8(self.satellites)
        if self.nav_systems is not None:
            w.u16(self.nav_systems)
