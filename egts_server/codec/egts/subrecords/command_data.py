"""EGTS_SR_COMMAND_DATA (COMMANDS SRT 51): commands, confirmations and messages.

GOST 33472 App. В, table "EGTS_SR_COMMAND_DATA": byte CT (bits 7-4) | CCT (bits 3-0), CID UINT,
SID UINT, flags BYTE (bit 1 ACFE, bit 0 CHSFE), CHS BYTE (CHSFE), ACL BYTE + AC (ACFE), CD to
the end. For CT = COM, CD is ADR USHORT, SZ (bits 7-3) | ACT (bits 2-0) BYTE, CCD USHORT, DT
(see ``command``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar, Self

from egts_server.codec.egts.constants import CommandsSrt
from egts_server.codec.reader import ByteReader, ByteWriter


class CommandType(enum.IntEnum):
    """CT."""

    COMCONF = 1
    MSGCONF = 2
    MSGFROM = 3
    MSGTO = 4
    COM = 5
    DELCOM = 6
    SUBREQ = 7
    DELIV = 8


class ConfirmationType(enum.IntEnum):
    """CCT."""

    OK = 0
    ERROR = 1
    ILL = 2
    DEL = 3
    NFOUND = 4
    NCONF = 5
    INPROG = 6


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandBody:
    """CD of a CT_COM command."""

    address: int  # ADR
    size: int  # SZ   5 bits
    action: int  # ACT  3 bits: 0 parameters, 1 query, 2 set, 3 add, 4 delete
    code: int  # CCD  command code
    data: bytes  # DT

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        address, b = r.u16(), r.u8()
        return cls(address=address, size=b >> 3, action=b & 0x07, code=r.u16(), data=r.rest())

    def encode(self, w: ByteWriter) -> None:
        w.u16(self.address).u8((self.size & 0x1F) << 3 | self.action & 0x07).u16(self.code)
        w.raw(self.data)

    def to_bytes(self) -> bytes:
        """The CD field that carries this body."""
        w = ByteWriter()
        self.encode(w)
        return w.getvalue()


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandData:
    SRT: ClassVar[int] = CommandsSrt.COMMAND_DATA

    command_type: int  # CT   CommandType
    confirmation_type: int  # CCT  ConfirmationType
    command_id: int  # CID
    source_id: int  # SID
    charset: int | None = None  # CHS  (CHSFE): 0 CP1251, 1 ASCII, 2 binary, ... 8 UCS2
    auth_code: bytes | None = None  # AC   (ACFE; ACL is its length)
    data: bytes = b""  # CD
    reserved_flags: int = 0  # flag bits 7-2, kept for exact round trips

    def __post_init__(self) -> None:
        if not 0 <= self.command_type <= 15 or not 0 <= self.confirmation_type <= 15:
            raise ValueError("CT and CCT are 4 bits each")

    @classmethod
    def com(cls, *, command_id: int, source_id: int, code: int, action: int, charset: int,
            data: bytes) -> Self:
        """The CT_COM command (address 0) ``code``/``action`` with ``data``, sent as
        ``command_id`` (the CID, 32 bits). SZ is the size of DT when it fits its 5 bits, else 0."""
        body = CommandBody(address=0, size=len(data) if len(data) < 32 else 0, action=action,
                           code=code, data=data)
        return cls(command_type=CommandType.COM, confirmation_type=0,
                   command_id=command_id & 0xFFFF_FFFF, source_id=source_id, charset=charset,
                   data=body.to_bytes())

    @property
    def command(self) -> CommandBody | None:
        """CD parsed as a command when CT = COM and long enough; None otherwise."""
        if self.command_type != CommandType.COM or len(self.data) < 5:
            return None
        return CommandBody.decode(ByteReader(self.data))

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        ct, cid, sid, f = r.u8(), r.u32(), r.u32(), r.u8()
        charset = r.u8() if f & 0x01 else None
        auth_code = r.read(r.u8()) if f & 0x02 else None
        return cls(command_type=ct >> 4, confirmation_type=ct & 0x0F, command_id=cid,
                   source_id=sid, charset=charset, auth_code=auth_code, data=r.rest(),
                   reserved_flags=f >> 2)

    def encode(self, w: ByteWriter) -> None:
        flags = self.reserved_flags << 2 | (0x02 if self.auth_code is not None else 0) | (
            0x01 if self.charset is not None else 0)
        w.u8(self.command_type << 4 | self.confirmation_type).u32(self.command_id)
        w.u32(self.source_id).u8(flags)
        if self.charset is not None:
            w.u8(self.charset)
        if self.auth_code is not None:
            w.u8(len(self.auth_code)).raw(self.auth_code)
        w.raw(self.data)
