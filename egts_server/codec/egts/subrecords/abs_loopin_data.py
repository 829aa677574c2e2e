"""EGTS_SR_ABS_LOOPIN_DATA (TELEDATA SRT 26): one loop input by absolute number.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_ABS_LOOPIN_DATA", 2 bytes: byte 0 bits
3-0 LIS (state), bits 7-4 LIN bits 3-0; byte 1 LIN bits 11-4.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from egts_server.codec.reader import ByteReader, ByteWriter


@dataclass(frozen=True, slots=True, kw_only=True)
class AbsLoopinData:
    SRT: ClassVar[int] = 26

    number: int  # LIN   0..4095
    state: int  # LIS   0 norm, 1 alarm, 2 break, 4 short to ground, 8 short to supply

    def __post_init__(self) -> None:
        if not 0 <= self.number <= 0xFFF or not 0 <= self.state <= 0xF:
            raise ValueError("LIN is 12 bits, LIS 4 bits")

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        b0, b1 = r.u8(), r.u8()
        return cls(number=b1 << 4 | b0 >> 4, state=b0 & 0x0F)

    def encode(self, w: ByteWriter) -> None:
        w.u8((self.number & 0x0F) << 4 | self.state).u8(self.number >> 4)
