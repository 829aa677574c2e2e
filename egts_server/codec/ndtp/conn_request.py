"""NPH_SGC_CONN_REQUEST body: how a terminal names itself (research/nis.md §3.4).

Real Granit terminals send 49 bytes, the hackathon emulator 18, one Go client 14. Everything
after the device id is optional and read only when it is all there, so a short body keeps its
leftover bytes in ``tail`` and ``encode`` gives back exactly what was read.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Final, Self

from egts_server.codec.errors import TruncatedError

_FIXED: Final = struct.Struct("<HHHI")  # version high, version low, connection flags, device id
MIN_SIZE: Final = _FIXED.size  # 10: anything shorter cannot name a device
_ID_LENGTH: Final = 15  # IMEI and IMSI: 15 ASCII digits each


def _digits(raw: bytes) -> str | None:
    return raw.decode("ascii") if len(raw) == _ID_LENGTH and raw.isdigit() else None


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnRequest:
    """Wire fields; ``None`` means the body ended before the field."""

    version_high: int  # 6
    version_low: int  # 2
    conn_flags: int  # meaning not public (0x0302 on real devices): stored, not interpreted
    device_id: int  # u32, the terminal's NDTP id: the session's identity (Traccar reads u16)
    max_packet_size: int | None = None
    reserved: int | None = None
    imei: str | None = None  # 15 digits
    imsi: str | None = None  # 15 digits
    tail: bytes = b""  # what follows (a 0x00 terminator on real devices)

    def __post_init__(self) -> None:
        for name, value, limit in (("version_high", self.version_high, 0xFFFF),
                                   ("version_low", self.version_low, 0xFFFF),
                                   ("conn_flags", self.conn_flags, 0xFFFF),
                                   ("device_id", self.device_id, 0xFFFF_FFFF),
                                   ("max_packet_size", self.max_packet_size or 0, 0xFFFF_FFFF),
                                   ("reserved", self.reserved or 0, 0xFFFF_FFFF)):
            if not 0 <= value <= limit:
                raise ValueError(f"CONN_REQUEST {name} {value} out of range")
        chain = (self.max_packet_size, self.reserved, self.imei, self.imsi)
        for before, after in zip(chain, chain[1:], strict=False):
            if before is None and after is not None:
                raise ValueError("an optional field is set after a missing one")
        for name, text in (("imei", self.imei), ("imsi", self.imsi)):
            if text is not None and _digits(text.encode("ascii", "replace")) is None:
                raise ValueError(f"{name} must be 15 ASCII digits")
        # The tail must not be readable as the next missing field, or decode would differ.
        if (self.max_packet_size is None and len(self.tail) >= 4) or (
                self.reserved is None and self.max_packet_size is not None
                and len(self.tail) >= 4) or (
                self.reserved is not None and self.imsi is None
                and _digits(self.tail[:_ID_LENGTH]) is not None):
            raise ValueError("tail would be read as the next optional field")

    @property
    def version(self) -> str:
        return f"{self.version_high}.{self.version_low}"

    @classmethod
    def decode(cls, body: bytes | bytearray | memoryview) -> Self:
        data = bytes(body)
        if len(data) < MIN_SIZE:
            raise TruncatedError(f"CONN_REQUEST of {len(data)} bytes, the device id needs "
                                 f"{MIN_SIZE}")
        high, low, flags, device_id = _FIXED.unpack_from(data)
        pos = MIN_SIZE
        max_size = reserved = None
        imei = imsi = None
        if len(data) >= pos + 4:
            max_size, pos = int.from_bytes(data[pos : pos + 4], "little"), pos + 4
            if len(data) >= pos + 4:
                reserved, pos = int.from_bytes(data[pos : pos + 4], "little"), pos + 4
                imei = _digits(data[pos : pos + _ID_LENGTH])  # real devices only (§3.4)
                if imei is not None:
                    pos += _ID_LENGTH
                    imsi = _digits(data[pos : pos + _ID_LENGTH])
                    if imsi is not None:
                        pos += _ID_LENGTH
        return cls(version_high=high, version_low=low, conn_flags=flags, device_id=device_id,
                   max_packet_size=max_size, reserved=reserved, imei=imei, imsi=imsi,
                   tail=data[pos:])

    def encode(self) -> bytes:
        out = [_FIXED.pack(self.version_high, self.version_low, self.conn_flags,
                           self.device_id)]
        for value in (self.max_packet_size, self.reserved):
            if value is not None:
                out.append(value.to_bytes(4, "little"))
        for text in (self.imei, self.imsi):
            if text is not None:
                out.append(text.encode("ascii"))
        out.append(self.tail)
        return b"".join(out)

