"""EGTS transport layer: header, HCS/SFRCS checks, packet value (GOST 33472 App. А).

Header: PRV, SKID, flags (PRF RTE ENA CMP PR), HL, HE, FDL, PID, PT, [PRA RCA TTL], HCS; then
SFRD (FDL bytes) and, when FDL > 0, SFRCS. Checks run in the order of the standard's
flowchart: PRV/PRF (UNS_PROTOCOL), HL and RTE (INC_HEADERFORM), HCS (HEADERCRC_ERROR), total
length (INVDATALEN); these make the stream untrustworthy and raise ``FramingError``
subclasses. HE, SFRCS, ENA, CMP and PT problems leave framing intact and raise other
``CodecError`` subclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

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
from egts_server.codec.reader import ByteReader, ByteWriter

_RTE = 0x20
_MIN_READ = HEADER_LENGTH  # enough bytes to read every field but the routing ones


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


def frame_length(buf: bytes | bytearray | memoryview) -> int | None:
    """Length of the frame that starts ``buf``, or None while too few bytes arrived.

    Waits for 11 bytes before judging anything, so the verdict (and the PID quoted in it) does
    not depend on how the stream was split. Raises the ``FramingError`` subclasses.
    """
    if len(buf) < _MIN_READ:
        return None
    pid = int.from_bytes(buf[7:9], "little")
    flags, hl = buf[2], buf[3]
    if buf[0] != PROTOCOL_VERSION:
        raise UnsupportedProtocolError(f"PRV {buf[0]:#04x}", pid=pid)
    if flags >> 6:
        raise UnsupportedProtocolError(f"PRF {flags >> 6}", pid=pid)
    if hl != (ROUTED_HEADER_LENGTH if flags & _RTE else HEADER_LENGTH):
        raise HeaderFormatError(f"HL {hl} with RTE {int(bool(flags & _RTE))}", pid=pid)
    if len(buf) < hl:
        return None
    hcs = crc8_egts(buf[: hl - 1])
    if hcs != buf[hl - 1]:
        raise HeaderChecksumError(f"HCS {buf[hl - 1]:#04x}, computed {hcs:#04x}", pid=pid)
    fdl = int.from_bytes(buf[5:7], "little")
    size = hl + fdl + (2 if fdl else 0)
    if size > MAX_PACKET_LENGTH:
        raise PacketLengthError(f"declared packet of {size} bytes", pid=pid)
    return size


def decode_header(frame: bytes | bytearray | memoryview) -> tuple[TransportHeader, int]:
    """The header of a whole frame and its FDL; framing checks included, body unchecked."""
    size = frame_length(frame)
    pid = int.from_bytes(frame[7:9], "little") if len(frame) >= 9 else None
    if size is None:
        raise PacketLengthError(f"{len(frame)} bytes are not a whole header", pid=pid)
    if size != len(frame):
        raise PacketLengthError(f"frame of {len(frame)} bytes, header says {size}", pid=pid)
    r = ByteReader(frame)
    version, key_id, flags, hl, he, fdl, pid, pt = (
        r.u8(), r.u8(), r.u8(), r.u8(), r.u8(), r.u16(), r.u16(), r.u8())
    route = None
    if hl == ROUTED_HEADER_LENGTH:
        route = Route(source=r.u16(), recipient=r.u16(), ttl=r.u8())
    header = TransportHeader(pid=pid, packet_type=pt, priority=flags & 0x03,
                             compressed=bool(flags & 0x04), encryption=(flags >> 3) & 0x03,
                             prefix=flags >> 6, key_id=key_id, header_encoding=he, route=route,
                             version=version)
    return header, fdl


def open_body(header: TransportHeader, frame: bytes | bytearray | memoryview) -> bytes:
    """SFRD of a frame whose header is ``header``: HE, SFRCS, ENA and CMP checks."""
    if header.header_encoding != 0:
        raise HeaderEncodingError(f"HE {header.header_encoding}")
    hl = header.header_length
    body = bytes(frame[hl:-2]) if len(frame) > hl else b""
    if body:
        received = int.from_bytes(frame[-2:], "little")
        computed = crc16_ccitt(body)
        if received != computed:
            raise ChecksumError("SFRCS", computed, received)
    if header.encryption:
        raise EncryptionError(f"ENA {header.encryption}: no encryption algorithm is available")
    if header.compressed:
        raise CompressionError("CMP 1: no compression algorithm is defined")
    return body


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

