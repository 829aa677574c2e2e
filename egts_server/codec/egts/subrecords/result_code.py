"""EGTS_SR_RESULT_CODE (AUTH SRT 9): the platform's verdict on an authorization.

GOST 33472 App. В, table "EGTS_SR_RESULT_CODE": RCD BYTE (a ResultCode).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from egts_server.codec.egts.constants import AuthSrt
from egts_server.codec.reader import ByteReader, ByteWriter


@dataclass(frozen=True, slots=True, kw_only=True)
class ResultCodeData:
    """Authorization result sent by the platform; 0 = accepted."""

    SRT: ClassVar[int] = AuthSrt.RESULT_CODE

    code: int  # RCD  ResultCode

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        return cls(code=r.u8())

    def encode(self, w: ByteWriter) -> None:
        w.u8(self.code)
