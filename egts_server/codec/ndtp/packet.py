"""NPL (link) and NPH (session) headers: one frame as values, and back to the same bytes.

Layouts are research/nis.md §3.1 and §3.3. All integers are little-endian except the NPL CRC,
which is stored high byte first; it covers the NPH header and body, not the NPL header, which is
why relays may rewrite ``peer_address`` and ``request_id`` without recomputing it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Final, Self

from egts_server.codec.crc import crc16_modbus
from egts_server.codec.errors import FormatError, TruncatedError
from egts_server.codec.ndtp.constants import (
    MAX_DATA_SIZE,
    NPH_HEADER_SIZE,
    NPL_HEADER_SIZE,
    SIGNATURE,
    NphFlags,
    NplFlags,
    NplType,
)

_NPL: Final = struct.Struct("<2sHH2sBIH")  # signature, data_size, flags, crc (BE), type, peer, id
_NPH: Final = struct.Struct("<HHHI")  # service, type, flags, request_id


@dataclass(frozen=True, slots=True, kw_only=True)
class NplHeader:
    """The 15-byte link header, in wire units."""

    data_size: int  # bytes after this header: NPH header + body
    flags: int  # NplFlags bits; unknown bits are kept
    crc: int  # CRC-16/MODBUS of the payload as sent
    npl_type: int  # NplType
    peer_address: int  # 0 = server; not the device id (§3.1)
    request_id: int = 0  # NPL sequence; echoed in replies, never matched

    def __post_init__(self) -> None:
        for name, value, limit in (("data_size", self.data_size, MAX_DATA_SIZE),
                                   ("flags", self.flags, 0xFFFF), ("crc", self.crc, 0xFFFF),
                                   ("npl_type", self.npl_type, 0xFF),
                                   ("peer_address", self.peer_address, 0xFFFF_FFFF),
                                   ("request_id", self.request_id, 0xFFFF)):
            if not 0 <= value <= limit:
                raise ValueError(f"NPL {name} {value} out of range")

    @property
    def crc_flag(self) -> bool:
        """The sender asks for the CRC to be checked."""
        return bool(self.flags & NplFlags.CRC)

    @classmethod
    def decode(cls, frame: bytes | bytearray | memoryview) -> Self:
        if len(frame) < NPL_HEADER_SIZE:
            raise TruncatedError(f"NPL header needs {NPL_HEADER_SIZE} bytes, got {len(frame)}")
        signature, size, flags, crc, npl_type, peer, request_id = _NPL.unpack_from(frame)
        if signature != SIGNATURE:
            raise FormatError(f"signature {bytes(signature).hex()} is not 7e7e")
        return cls(data_size=size, flags=flags, crc=int.from_bytes(crc, "big"),
                   npl_type=npl_type, peer_address=peer, request_id=request_id)

    def encode(self) -> bytes:
        return _NPL.pack(SIGNATURE, self.data_size, self.flags, self.crc.to_bytes(2, "big"),
                         self.npl_type, self.peer_address, self.request_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class NphHeader:
    """The 10-byte session header, in wire units."""

    service: int  # Service
    packet_type: int  # per service; 0 = NPH_RESULT everywhere
    flags: int = 0  # NphFlags bits
    request_id: int = 0  # matches a result to its request

    def __post_init__(self) -> None:
        for name, value, limit in (("service", self.service, 0xFFFF),
                                   ("packet_type", self.packet_type, 0xFFFF),
                                   ("flags", self.flags, 0xFFFF),
                                   ("request_id", self.request_id, 0xFFFF_FFFF)):
            if not 0 <= value <= limit:
                raise ValueError(f"NPH {name} {value} out of range")

    @property
    def reply_requested(self) -> bool:
        """Bit 0 (navprot compares the whole word with 1; a bit test is what the header says)."""
        return bool(self.flags & NphFlags.REQUEST)

    @classmethod
    def decode(cls, payload: bytes | bytearray | memoryview) -> Self:
        if len(payload) < NPH_HEADER_SIZE:
            raise TruncatedError(f"NPH header needs {NPH_HEADER_SIZE} bytes, got {len(payload)}")
        service, packet_type, flags, request_id = _NPH.unpack_from(payload)
        return cls(service=service, packet_type=packet_type, flags=flags, request_id=request_id)

    def encode(self) -> bytes:
        return _NPH.pack(self.service, self.packet_type, self.flags, self.request_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class Packet:
    """One frame. ``nph`` is None for NPL types other than NPH, whose payload is all ``body``."""

    npl: NplHeader
    nph: NphHeader | None
    body: bytes

    def __post_init__(self) -> None:
        size = len(self.body) + (NPH_HEADER_SIZE if self.nph is not None else 0)
        if size != self.npl.data_size:
            raise ValueError(f"data_size {self.npl.data_size} but {size} payload bytes")
        if (self.nph is not None) != (self.npl.npl_type == NplType.NPH):
            raise ValueError("an NPH header goes with NPL type 2 and only with it")

    @property
    def payload(self) -> bytes:
        """What the CRC covers."""
        return self.body if self.nph is None else self.nph.encode() + self.body

    @property
    def crc_ok(self) -> bool:
        return crc16_modbus(self.payload) == self.npl.crc

    def encode(self) -> bytes:
        return self.npl.encode() + self.payload


def parse_packet(frame: bytes | bytearray | memoryview) -> Packet:
    """A whole frame (as cut by ``Framer``) as values; the CRC is read, not judged."""
    npl = NplHeader.decode(frame)
    if len(frame) != NPL_HEADER_SIZE + npl.data_size:
        raise TruncatedError(f"frame of {len(frame)} bytes, header says "
                             f"{NPL_HEADER_SIZE + npl.data_size}")
    payload = memoryview(frame)[NPL_HEADER_SIZE:]
    if npl.npl_type != NplType.NPH:
        return Packet(npl=npl, nph=None, body=bytes(payload))
    nph = NphHeader.decode(payload)
    return Packet(npl=npl, nph=nph, body=bytes(payload[NPH_HEADER_SIZE:]))


def build_frame(nph: NphHeader, body: bytes, *, peer_address: int = 0,
                npl_request_id: int = 0) -> bytes:
    """A frame we send: NPL type NPH, CRC flag set, CRC computed."""
    payload = nph.encode() + body
    npl = NplHeader(data_size=len(payload), flags=NplFlags.CRC, crc=crc16_modbus(payload),
                    npl_type=NplType.NPH, peer_address=peer_address,
                    request_id=npl_request_id)
    return npl.encode() + payload
