"""EGTS_SR_ABS_LOOPIN_DATA (TELEDATA SRT 26): one loop input by absolute number.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_ABS_LOOPIN_DATA", 2 bytes: byte 0 bits
3-0 LIS (state), bits 7-4 LIN bits 3-0; byte 1 LIN bits 11-4.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from egts_server.codec.egts.constants import TeledataSrt
from egts_server.codec.egts.subrecords.base import WireTable
from egts_server.codec.reader import Buffer, ByteWriter, wrong_length


@dataclass(frozen=True, slots=True, kw_only=True)
class AbsLoopinData(WireTable):
    SRT: ClassVar[int] = TeledataSrt.ABS_LOOPIN_DATA

    number: int  # LIN   0..4095
    state: int  # LIS   0 norm, 1 alarm, 2 break, 4 short to ground, 8 short to supply

    def __post_init__(self) -> None:
        if not 0 <= self.number <= 0xFFF or not 0 <= self.state <= 0xF:
            raise ValueError("LIN is 12 bits, LIS 4 bits")

    @staticmethod
    def unpack(data: Buffer, start: int, end: int) -> tuple[int, int]:
        if end - start != 2:
            raise wrong_length("ABS_LOOPIN_DATA", end - start, 2)
        b0, b1 = data[start], data[start + 1]
        return b1 << 4 | b0 >> 4, b0 & 0x0F

    def encode(self, w: ByteWriter) -> None:
        w.u8((self.number & 0x0F) << 4 | self.state).u8(self.number >> 4)
