"""Service 5 (EXTERNAL_DEVICE) bodies: driver-display messages and their results (§3.6, §3.7).

TITLE_DATA and DEVICE_DATA both start with ``mes_id u16, pack_num u16``; what follows (an
8-byte block, then NAVSCR markup in cp1251 for TITLE_DATA) is kept as raw bytes, because only
the two ids are needed to answer. In this service the answer is DEVICE_RESULT, not NPH_RESULT.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Final, Self

from egts_server.codec.errors import TruncatedError

_HEAD: Final = struct.Struct("<HH")  # mes_id, pack_num
_RESULT: Final = struct.Struct("<HIH")  # pack_num, result, mes_id
PACK_NUM_MASK: Final = 0x7FFF  # bit 15 of pack_num marks the last part; a result quotes the rest


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceData:
    """TITLE_DATA / DEVICE_DATA: the ids the result must quote, and the rest as sent."""

    mes_id: int
    pack_num: int
    data: bytes = b""

    def __post_init__(self) -> None:
        if not (0 <= self.mes_id <= 0xFFFF and 0 <= self.pack_num <= 0xFFFF):
            raise ValueError("mes_id and pack_num are u16")

    @classmethod
    def decode(cls, body: bytes | bytearray | memoryview) -> Self:
        if len(body) < _HEAD.size:
            raise TruncatedError(f"device data of {len(body)} bytes, ids need {_HEAD.size}")
        mes_id, pack_num = _HEAD.unpack_from(body)
        return cls(mes_id=mes_id, pack_num=pack_num, data=bytes(body[_HEAD.size :]))

    def encode(self) -> bytes:
        return _HEAD.pack(self.mes_id, self.pack_num) + self.data


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceResult:
    """DEVICE_RESULT: ``pack_num u16, result u32, mes_id u16``."""

    pack_num: int
    result: int
    mes_id: int

    def __post_init__(self) -> None:
        if not (0 <= self.mes_id <= 0xFFFF and 0 <= self.pack_num <= 0xFFFF
                and 0 <= self.result <= 0xFFFF_FFFF):
            raise ValueError("DEVICE_RESULT field out of range")

    @classmethod
    def decode(cls, body: bytes | bytearray | memoryview) -> Self:
        if len(body) != _RESULT.size:
            raise TruncatedError(f"DEVICE_RESULT of {len(body)} bytes, expected {_RESULT.size}")
        pack_num, result, mes_id = _RESULT.unpack_from(body)
        return cls(pack_num=pack_num, result=result, mes_id=mes_id)

    def encode(self) -> bytes:
        return _RESULT.pack(self.pack_num, self.result, self.mes_id)

    @classmethod
    def answering(cls, data: DeviceData, result: int = 0) -> Self:
        """The result a receiver owes for ``data`` (research §5: pack_num low 15 bits)."""
        return cls(pack_num=data.pack_num & PACK_NUM_MASK, result=result, mes_id=data.mes_id)
