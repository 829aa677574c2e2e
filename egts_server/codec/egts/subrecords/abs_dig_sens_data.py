"""EGTS_SR_ABS_DIG_SENS_DATA (TELEDATA SRT 23): one digital sensor by absolute number.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_ABS_DIG_SENS_DATA", 2 bytes: byte 0 bits
3-0 DSST (state, 0 inactive), bits 7-4 DSN bits 3-0; byte 1 DSN bits 11-4.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from egts_server.codec.egts.constants import TeledataSrt
from egts_server.codec.egts.subrecords.base import WireTable
from egts_server.codec.reader import Buffer, ByteWriter, wrong_length


@dataclass(frozen=True, slots=True, kw_only=True)
class AbsDigSensData(WireTable):
    SRT: ClassVar[int] = TeledataSrt.ABS_DIG_SENS_DATA

    number: int  # DSN   0..4095
    state: int  # DSST  0..15

    def __post_init__(self) -> None:
        if not 0 <= self.number <= 0xFFF or not 0 <= self.state <= 0xF:
            raise ValueError("DSN is 12 bits, DSST 4 bits")

    @staticmethod
    def unpack(data: Buffer, start: int, end: int) -> tuple[int, int]:
        if end - start != 2:
            raise wrong_length("ABS_DIG_SENS_DATA", end - start, 2)
        b0, b1 = data[start], data[start + 1]
        return b1 << 4 | b0 >> 4, b0 & 0x0F

    def encode(self, w: ByteWriter) -> None:
        w.u8((self.number & 0x0F) << 4 | self.state).u8(self.number >> 4)
