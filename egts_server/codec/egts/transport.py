"""EGTS transport layer: header, HCS/SFRCS checks, packet value (GOST 33472 App. А).

Header: PRV, SKID, flags (PRF RTE ENA CMP PR), HL, HE, FDL, PID, PT, [PRA RCA TTL], HCS; then
SFRD (FDL bytes) and, when FDL > 0, SFRCS. Checks run in the order of the standard's
flowchart: PRV/PRF (UNS_PROTOCOL), HL and RTE (INC_HEADERFORM), HCS (HEADERCRC_ERROR), total
length (INVDATALEN); these make the stream untrustworthy and raise ``FramingError``
subclasses. HE, SFRCS, ENA, CMP and PT problems leave framing intact and raise other
``CodecError`` subclasses.

``unpack_header`` and ``check_body`` are the header parser and the body checks; the server's
path uses their results as they are, ``decode_header``/``open_body``/``Packet`` build values
from them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Final, Self

from egts_server.codec.crc import crc8_egts, crc16_ccitt
from egts_server.codec.egts.constants import (
    HEADER_LENGTH,
    MAX_PACKET_LENGTH,
    PROTOCOL_VERSION,
    ROUTED_HEADER_LENGTH,
    PacketType,
)
from egts_server.codec.egts.records import ServiceDataRecord, decode_records, encode_records
from egts_server.codec.errors import (
    ChecksumError,
    CompressionError,
    EncryptionError,
    HeaderChecksumError,
    HeaderEncodingError,
    HeaderFormatError,
    PacketLengthError,
    PacketTypeError,
    UnsupportedProtocolError,
)
from egts_server.codec.reader import Buffer, ByteReader, ByteWriter

_RTE = 0x20
_MIN_READ = HEADER_LENGTH  # enough bytes to read every field but the routing ones
_HEAD: Final = struct.Struct("<BBBBBHHB")  # PRV SKID flags HL HE FDL PID PT
_ROUTE: Final = struct.Struct("<HHB")  # PRA RCA TTL

#: The fixed header fields in wire order: PRV, SKID, flags, HL, HE, FDL, PID, PT.
HeaderFields = tuple[int, int, int, int, int, int, int, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """Routing fields, present when RTE = 1 (HL = 16)."""

    source: int  # PRA  address of the platform that sent the packet
    recipient: int  # RCA  address of the platform it is for
    ttl: int  # TTL  remaining hops


@dataclass(frozen=True, slots=True, kw_only=True)
class TransportHeader:
    """Transport header in wire units; ``encode(fdl)`` adds HL, FDL and HCS."""

    pid: int  # PID   sender's packet counter
    packet_type: int  # PT    see PacketType (kept as int: unknown types must be representable)
    priority: int = 0  # PR    flags bits 1-0, 0 highest
    compressed: bool = False  # CMP   flags bit 2
    encryption: int = 0  # ENA   flags bits 4-3, 0 = not encrypted
    prefix: int = 0  # PRF   flags bits 7-6, must be 0
    key_id: int = 0  # SKID  security key id
    header_encoding: int = 0  # HE    must be 0
    route: Route | None = None  # RTE   flags bit 5 + PRA/RCA/TTL
    version: int = PROTOCOL_VERSION  # PRV

    @property
    def flags(self) -> int:
        return ((self.prefix << 6) | (_RTE if self.route is not None else 0)
                | (self.encryption << 3) | (0x04 if self.compressed else 0) | self.priority)

    @property
    def header_length(self) -> int:
        return ROUTED_HEADER_LENGTH if self.route is not None else HEADER_LENGTH

    def encode(self, fdl: int) -> bytes:
        """The header bytes for a body of ``fdl`` bytes, HCS included."""
        w = ByteWriter().u8(self.version).u8(self.key_id).u8(self.flags)
        w.u8(self.header_length).u8(self.header_encoding).u16(fdl).u16(self.pid)
        w.u8(self.packet_type)
        if self.route is not None:
            w.u16(self.route.source).u16(self.route.recipient).u8(self.route.ttl)
        head = w.getvalue()
        return head + bytes([crc8_egts(head)])


def _checked_header(buf: Buffer) -> HeaderFields | None:
    """The header fields once framing checks pass; None while too few bytes arrived."""
    if len(buf) < _MIN_READ:
        return None
    fields: HeaderFields = _HEAD.unpack_from(buf)
    prv, _, flags, hl, _, fdl, pid, _ = fields
    if prv != PROTOCOL_VERSION:
        raise UnsupportedProtocolError(f"PRV {prv:#04x}", pid=pid)
    if flags >> 6:
        raise UnsupportedProtocolError(f"PRF {flags >> 6}", pid=pid)
    if hl != (ROUTED_HEADER_LENGTH if flags & _RTE else HEADER_LENGTH):
        raise HeaderFormatError(f"HL {hl} with RTE {int(bool(flags & _RTE))}", pid=pid)
    if len(buf) < hl:
        return None
    hcs = crc8_egts(buf[: hl - 1])
    if hcs != buf[hl - 1]:
        raise HeaderChecksumError(f"HCS {buf[hl - 1]:#04x}, computed {hcs:#04x}", pid=pid)
    size = hl + fdl + (2 if fdl else 0)
    if size > MAX_PACKET_LENGTH:
        raise PacketLengthError(f"declared packet of {size} bytes", pid=pid)
    return fields


def frame_length(buf: Buffer) -> int | None:
    """Length of the frame that starts ``buf``, or None while too few bytes arrived.

    Waits for 11 bytes before judging anything, so the verdict (and the PID quoted in it) does
    not depend on how the stream was split. Raises the ``FramingError`` subclasses.
    """
    fields = _checked_header(buf)
    if fields is None:
        return None
    hl, fdl = fields[3], fields[5]
    return hl + fdl + (2 if fdl else 0)


def unpack_header(frame: Buffer) -> HeaderFields:
    """The fixed header fields of a whole frame, framing checks included, body unchecked."""
    fields = _checked_header(frame)
    if fields is None:
        pid = int.from_bytes(frame[7:9], "little") if len(frame) >= 9 else None
        raise PacketLengthError(f"{len(frame)} bytes are not a whole header", pid=pid)
    hl, fdl = fields[3], fields[5]
    size = hl + fdl + (2 if fdl else 0)
    if size != len(frame):
        raise PacketLengthError(f"frame of {len(frame)} bytes, header says {size}",
                                pid=fields[6])
    return fields


def decode_header(frame: Buffer) -> tuple[TransportHeader, int]:
    """The header of a whole frame and its FDL; framing checks included, body unchecked."""
    version, key_id, flags, hl, he, fdl, pid, pt = unpack_header(frame)
    route = None
    if hl == ROUTED_HEADER_LENGTH:
        source, recipient, ttl = _ROUTE.unpack_from(frame, HEADER_LENGTH - 1)
        route = Route(source=source, recipient=recipient, ttl=ttl)
    header = TransportHeader(pid=pid, packet_type=pt, priority=flags & 0x03,
                             compressed=bool(flags & 0x04), encryption=(flags >> 3) & 0x03,
                             prefix=flags >> 6, key_id=key_id, header_encoding=he, route=route,
                             version=version)
    return header, fdl


def check_body(frame: Buffer, hl: int, fdl: int, he: int, flags: int) -> bytes:
    """SFRD of a whole frame with header fields ``hl``..``flags``: HE, SFRCS, ENA, CMP checks."""
    if he != 0:
        raise HeaderEncodingError(f"HE {he}")
    body = bytes(frame[hl : hl + fdl])
    if fdl:
        received = frame[-2] | frame[-1] << 8
        computed = crc16_ccitt(body)
        if received != computed:
            raise ChecksumError("SFRCS", computed, received)
    if flags & 0x18:
        raise EncryptionError(f"ENA {flags >> 3 & 0x03}: no encryption algorithm is available")
    if flags & 0x04:
        raise CompressionError("CMP 1: no compression algorithm is defined")
    return body


def open_body(header: TransportHeader, frame: Buffer) -> bytes:
    """SFRD of a frame whose header is ``header``: HE, SFRCS, ENA and CMP checks."""
    hl = header.header_length
    return check_body(frame, hl, max(0, len(frame) - hl - 2), header.header_encoding,
                      header.flags)


@dataclass(frozen=True, slots=True, kw_only=True)
class ResponseHead:
    """The start of a PT_RESPONSE body."""

    rpid: int  # RPID  PID of the packet being confirmed
    result: int  # PR    transport processing result (ResultCode)


@dataclass(frozen=True, slots=True, kw_only=True)
class Packet:
    """A whole transport packet; ``Packet.decode(b).encode() == b`` for every valid packet.

    ``response`` is set for PT_RESPONSE (None only for an empty one), ``signature`` for
    PT_SIGNED_APPDATA. Encrypted or compressed bodies are refused (no algorithm is defined).
    """

    header: TransportHeader
    records: tuple[ServiceDataRecord, ...] = ()
    response: ResponseHead | None = None
    signature: bytes | None = None  # SIGD (SIGL is its length)

    def __post_init__(self) -> None:
        if self.response is not None and self.header.packet_type != PacketType.RESPONSE:
            raise ValueError("only a PT_RESPONSE carries RPID/PR")
        if (self.signature is None) == (self.header.packet_type == PacketType.SIGNED_APPDATA):
            raise ValueError("SIGL/SIGD are present exactly in PT_SIGNED_APPDATA")
        if self.response is None and self.records and \
                self.header.packet_type == PacketType.RESPONSE:
            raise ValueError("a PT_RESPONSE with records needs RPID/PR")

    @classmethod
    def decode(cls, frame: bytes | bytearray | memoryview) -> Self:
        """Every check, strictly: any problem raises a ``CodecError`` subclass."""
        header, _ = decode_header(frame)
        body = ByteReader(open_body(header, frame))
        response = signature = None
        if header.packet_type == PacketType.RESPONSE:
            if body.remaining:
                response = ResponseHead(rpid=body.u16(), result=body.u8())
        elif header.packet_type == PacketType.SIGNED_APPDATA:
            signature = body.read(body.u16())
        elif header.packet_type != PacketType.APPDATA:
            raise PacketTypeError(f"PT {header.packet_type}")
        return cls(header=header, records=decode_records(body), response=response,
                   signature=signature)

    def encode(self) -> bytes:
        w = ByteWriter()
        if self.response is not None:
            w.u16(self.response.rpid).u8(self.response.result)
        if self.signature is not None:
            w.u16(len(self.signature)).raw(self.signature)
        w.raw(encode_records(self.records))
        body = w.getvalue()
        packet = self.header.encode(len(body)) + body
        if body:
            packet += crc16_ccitt(body).to_bytes(2, "little")
        if len(packet) > MAX_PACKET_LENGTH:
            raise ValueError(f"packet of {len(packet)} bytes exceeds {MAX_PACKET_LENGTH}")
        return packet


def parse_packet(frame: bytes | bytearray | memoryview) -> Packet:
    """Decode one whole frame (as cut by ``Framer``) strictly; see ``Packet.decode``."""
    return Packet.decode(frame)

