"""EGTS_SR_TERM_IDENTITY (AUTH SRT 1): the terminal introduces itself.

GOST 33472 App. В, table "EGTS_SR_TERM_IDENTITY": TID UINT, flags BYTE, then in this order when
flagged: HDID USHORT, IMEI STRING[15], IMSI STRING[16], LNGC STRING[3], NID 3 bytes,
BS USHORT, MSISDN STRING[15]. SSRA (bit 4) has no field.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar, Self

from egts_server.codec.egts.constants import AuthSrt
from egts_server.codec.reader import ByteReader, ByteWriter


class TermIdentityFlags(enum.IntFlag):
    """Flag byte, bit 0 first."""

    HDIDE = 0x01  # HDID follows
    IMEIE = 0x02  # IMEI follows
    IMSIE = 0x04  # IMSI follows
    LNGCE = 0x08  # LNGC follows
    SSRA = 0x10  # 1 = "simple" service-record algorithm (no field)
    NIDE = 0x20  # NID follows
    BSE = 0x40  # BS follows
    MNE = 0x80  # MSISDN follows


_F = TermIdentityFlags


def text(raw: bytes | None) -> str | None:
    """A fixed-width CP1251 wire string without its zero fill; None when absent or empty."""
    if raw is None:
        return None
    value = raw.split(b"\x00", 1)[0].decode("cp1251", errors="replace").strip()
    return value or None


@dataclass(frozen=True, slots=True, kw_only=True)
class TermIdentity:
    """Identity fields exactly as sent; optional fields are None when their flag is clear."""

    SRT: ClassVar[int] = AuthSrt.TERM_IDENTITY

    terminal_id: int  # TID     0 = terminal not configured
    simple_service: bool = False  # SSRA
    home_dispatcher_id: int | None = None  # HDID
    imei: bytes | None = None  # IMEI    15 bytes, zero-filled when unknown
    imsi: bytes | None = None  # IMSI    16 bytes
    language: bytes | None = None  # LNGC    3 bytes, ISO 639-2 ("rus")
    network_id: bytes | None = None  # NID     3 bytes: MCC bits 19-10, MNC bits 9-0
    buffer_size: int | None = None  # BS      terminal receive buffer, bytes
    msisdn: bytes | None = None  # MSISDN  15 bytes

    def __post_init__(self) -> None:
        for name, size in (("imei", 15), ("imsi", 16), ("language", 3), ("network_id", 3),
                           ("msisdn", 15)):
            value = getattr(self, name)
            if value is not None and len(value) != size:
                raise ValueError(f"{name} must be exactly {size} bytes")

    @property
    def flags(self) -> TermIdentityFlags:
        f = _F(0)
        for flag, value in ((_F.HDIDE, self.home_dispatcher_id), (_F.IMEIE, self.imei),
                            (_F.IMSIE, self.imsi), (_F.LNGCE, self.language),
                            (_F.NIDE, self.network_id), (_F.BSE, self.buffer_size),
                            (_F.MNE, self.msisdn)):
            if value is not None:
                f |= flag
        return f | _F.SSRA if self.simple_service else f

    @property
    def imei_text(self) -> str | None:
        return text(self.imei)

    @property
    def imsi_text(self) -> str | None:
        return text(self.imsi)

    @property
    def msisdn_text(self) -> str | None:
        return text(self.msisdn)

    @property
    def mcc(self) -> int | None:
        """Mobile country code from NID."""
        return None if self.network_id is None else int.from_bytes(self.network_id, "little") >> 10

    @property
    def mnc(self) -> int | None:
        """Mobile network code from NID."""
        return None if self.network_id is None else \
            int.from_bytes(self.network_id, "little") & 0x3FF

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        tid, f = r.u32(), _F(r.u8())
        return cls(
            terminal_id=tid,
            simple_service=_F.SSRA in f,
            home_dispatcher_id=r.u16() if _F.HDIDE in f else None,
            imei=r.read(15) if _F.IMEIE in f else None,
            imsi=r.read(16) if _F.IMSIE in f else None,
            language=r.read(3) if _F.LNGCE in f else None,
            network_id=r.read(3) if _F.NIDE in f else None,
            buffer_size=r.u16() if _F.BSE in f else None,
            msisdn=r.read(15) if _F.MNE in f else None,
        )

    def encode(self, w: ByteWriter) -> None:
        w.u32(self.terminal_id).u8(self.flags)
        if self.home_dispatcher_id is not None:
            w.u16(self.home_dispatcher_id)
        for value in (self.imei, self.imsi, self.language, self.network_id):
            if value is not None:
                w.raw(value)
        if self.buffer_size is not None:
            w.u16(self.buffer_size)
        if self.msisdn is not None:
            w.raw(self.msisdn)
