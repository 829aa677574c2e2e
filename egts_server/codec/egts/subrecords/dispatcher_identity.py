"""EGTS_SR_DISPATCHER_IDENTITY (AUTH SRT 5): a platform logs in to another platform.

GOST 33472 App. В, table "EGTS_SR_DISPATCHER_IDENTITY": DT BYTE (dispatcher type), DID UINT
(dispatcher id), DSCR STRING 0..255 (the rest of the subrecord, no terminator).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from egts_server.codec.egts.constants import AuthSrt
from egts_server.codec.reader import ByteReader, ByteWriter


@dataclass(frozen=True, slots=True, kw_only=True)
class DispatcherIdentity:
    SRT: ClassVar[int] = AuthSrt.DISPATCHER_IDENTITY

    dispatcher_type: int  # DT
    dispatcher_id: int  # DID
    description: bytes = b""  # DSCR  CP1251, <= 255 bytes

    def __post_init__(self) -> None:
        if len(self.description) > 255:
            raise ValueError("DSCR longer than 255 bytes")

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        return cls(dispatcher_type=r.u8(), dispatcher_id=r.u32(), description=r.rest())

    def encode(self, w: ByteWriter) -> None:
        w.u8(self.dispatcher_type).u32(self.dispatcher_id).raw(self.description)
