"""EGTS_SR_AUTH_PARAMS (AUTH SRT 6), platform -> terminal: encryption and extended auth.

GOST 33472 App. В, table "EGTS_SR_AUTH_PARAMS": FLG BYTE (bit 6 EXE, 5 SSE, 4 MSE, 3 ISLE,
2 PKE, 1-0 ENA), then when flagged: PKL USHORT + PBK (PKE), ISL USHORT (ISLE), MSZ USHORT
(MSE), SS STRING + 0x00 (SSE), EXP STRING + 0x00 (EXE).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from egts_server.codec.egts.constants import AuthSrt
from egts_server.codec.reader import ByteReader, ByteWriter

_PKE, _ISLE, _MSE, _SSE, _EXE = 0x04, 0x08, 0x10, 0x20, 0x40


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthParams:
    SRT: ClassVar[int] = AuthSrt.AUTH_PARAMS

    encryption: int = 0  # ENA   algorithm, 0 = none
    public_key: bytes | None = None  # PBK   (PKE; PKL is its length)
    identity_length: int | None = None  # ISL   (ISLE)
    modulus_size: int | None = None  # MSZ   (MSE)
    server_sequence: bytes | None = None  # SS    (SSE)
    expression: bytes | None = None  # EXP   (EXE)
    reserved: bool = False  # flag bit 7, kept for exact round trips

    @property
    def flags(self) -> int:
        f = self.encryption & 0x03 | (0x80 if self.reserved else 0)
        for bit, value in ((_PKE, self.public_key), (_ISLE, self.identity_length),
                           (_MSE, self.modulus_size), (_SSE, self.server_sequence),
                           (_EXE, self.expression)):
            if value is not None:
                f |= bit
        return f

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        f = r.u8()
        return cls(
            encryption=f & 0x03,
            public_key=r.read(r.u16()) if f & _PKE else None,
            identity_length=r.u16() if f & _ISLE else None,
            modulus_size=r.u16() if f & _MSE else None,
            server_sequence=r.cstring() if f & _SSE else None,
            expression=r.cstring() if f & _EXE else None,
            reserved=bool(f & 0x80),
        )

    def encode(self, w: ByteWriter) -> None:
        w.u8(self.flags)
        if self.public_key is not None:
            w.u16(len(self.public_key)).raw(self.public_key)
        if self.identity_length is not None:
            w.u16(self.identity_length)
        if self.modulus_size is not None:
            w.u16(self.modulus_size)
        if self.server_sequence is not None:
            w.cstring(self.server_sequence)
        if self.expression is not None:
            w.cstring(self.expression)
