"""EGTS_SR_ABS_AN_SENS_DATA (TELEDATA SRT 24): one analog sensor by absolute number.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_ABS_AN_SENS_DATA": ASN BYTE, ASV 3 bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from egts_server.codec.reader import ByteReader, ByteWriter


@dataclass(frozen=True, slots=True, kw_only=True)
class AbsAnSensData:
    SRT: ClassVar[int] = 24

    number: int  # ASN
    value: int  # ASV   24-bit raw

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        word = r.u32()  # number byte, then the 24-bit value
        return cls(number=word & 0xFF, value=word >> 8)

    def encode(self, w: ByteWriter) -> None:
        w.u8(self.number).u24(self.value)
