"""EGTS_SR_RECORD_RESPONSE (SRT 0, every service): confirmation of one received record.

GOST 33472 App. В, table "EGTS_SR_RECORD_RESPONSE": CRN USHORT, RST BYTE (3 bytes).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import ClassVar

from egts_server.codec.egts.constants import AuthSrt
from egts_server.codec.egts.subrecords.base import WireTable
from egts_server.codec.reader import Buffer, ByteWriter, wrong_length

_LAYOUT = struct.Struct("<HB")  # CRN RST


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordResponse(WireTable):
    """Confirms record ``confirmed_rn`` with processing result ``result``."""

    SRT: ClassVar[int] = AuthSrt.RECORD_RESPONSE  # the same SRT 0 in every service

    confirmed_rn: int  # CRN  RN of the confirmed record
    result: int  # RST  ResultCode of processing that record

    @staticmethod
    def unpack(data: Buffer, start: int, end: int) -> tuple[int, int]:
        if end - start != 3:
            raise wrong_length("RECORD_RESPONSE", end - start, 3)
        confirmed_rn, result = _LAYOUT.unpack_from(data, start)
        return confirmed_rn, result

    def encode(self, w: ByteWriter) -> None:
        w.u16(self.confirmed_rn).u8(self.result)
