"""EGTS_SR_AUTH_INFO (AUTH SRT 7), terminal -> platform: user name and password.

GOST 33472 App. В, table "EGTS_SR_AUTH_INFO": UNM STRING <= 32 + 0x00, UPSW STRING <= 32 +
0x00, SS STRING <= 255 + 0x00 (optional: present only when the platform sent one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from egts_server.codec.egts.constants import AuthSrt
from egts_server.codec.reader import ByteReader, ByteWriter


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthInfo:
    SRT: ClassVar[int] = AuthSrt.AUTH_INFO

    user_name: bytes  # UNM
    password: bytes  # UPSW
    server_sequence: bytes | None = None  # SS

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        user, password = r.cstring(32), r.cstring(32)
        return cls(user_name=user, password=password,
                   server_sequence=r.cstring(255) if r.remaining else None)

    def encode(self, w: ByteWriter) -> None:
        w.cstring(self.user_name, 32).cstring(self.password, 32)
        if self.server_sequence is not None:
            w.cstring(self.server_sequence, 255)
