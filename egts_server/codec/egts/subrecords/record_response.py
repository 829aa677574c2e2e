"""EGTS_SR_RECORD_RESPONSE (SRT 0, every service): confirmation of one received record.

GOST 33472 App. В, table "EGTS_SR_RECORD_RESPONSE": CRN USHORT, RST BYTE (3 bytes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from egts_server.codec.reader import ByteReader, ByteWriter


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordResponse:
    """Confirms record ``confirmed_rn`` with processing result ``result``."""

    SRT: ClassVar[int] = 0

    confirmed_rn: int  # CRN  RN of the confirmed record
    result: int  # RST  ResultCode of processing that record

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        return cls(confirmed_rn=r.u16(), result=r.u8())

    def encode(self, w: ByteWriter) -> None:
        w.u16(self.confirmed_rn).u8(self.result)
