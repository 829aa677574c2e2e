"""EGTS_SR_ABS_AN_SENS_DATA (TELEDATA SRT 24): one analog sensor by absolute number.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_ABS_AN_SENS_DATA": ASN BYTE, ASV 3 bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import ClassVar

from egts_server.codec.egts.constants import TeledataSrt
from egts_server.codec.egts.subrecords.base import WireTable
from egts_server.codec.reader import Buffer, ByteWriter, wrong_length

_LAYOUT = struct.Struct("<I")  # the number byte, then the 24-bit value


@dataclass(frozen=True, slots=True, kw_only=True)
class AbsAnSensData(WireTable):
    SRT: ClassVar[int] = TeledataSrt.ABS_AN_SENS_DATA

    number: int  # ASN
    value: int  # ASV   24-bit raw

    @staticmethod
    def unpack(data: Buffer, start: int, end: int) -> tuple[int, int]:
        if end - start != 4:
            raise wrong_length("ABS_AN_SENS_DATA", end - start, 4)
        (word,) = _LAYOUT.unpack_from(data, start)
        return word & 0xFF, word >> 8

    def encode(self, w: ByteWriter) -> None:
        w.u8(self.number).u24(self.value)
