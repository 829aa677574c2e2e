"""EGTS service (support) layer: service data records (GOST 33472 App. В, SDR table).

Record: RL USHORT (length of RD), RN USHORT, RFL BYTE (SSOD RSOD GRP RPP TMFE EVFE OBFE),
[OID UINT], [EVID UINT], [TM UINT], SST BYTE, RST BYTE, RD (subrecords). Splitting SFRD into
records and decoding each record's subrecords are separate steps, so a session can confirm a
record whose contents it refuses (per-record RST) while a body that cannot be split at all is
refused as a whole.

``unpack_record`` is the one parser of the SDR header. The server's path walks SFRD with it
(``record_spans``) and reads RD in place; ``RecordHeader``/``RawRecord`` are built from the same
spans for everyone who wants values.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple, Self

from egts_server.codec.egts.constants import EGTS_EPOCH
from egts_server.codec.egts.subrecords import AnySubrecord, encode_subrecords, iter_subrecords
from egts_server.codec.errors import TruncatedError
from egts_server.codec.reader import Buffer, ByteReader, ByteWriter

_OBFE, _EVFE, _TMFE = 0x01, 0x02, 0x04
_START = struct.Struct("<HHB")  # RL, RN, RFL
_U32 = struct.Struct("<I")
_HEADER_SIZE = tuple(7 + 4 * bin(rfl & 0x07).count("1") for rfl in range(256))  # with OID...

class RecordSpan(NamedTuple):
    """An SDR header in wire units, as ``unpack_record`` reads it, and where its RD lies."""

    rn: int  # RN
    rfl: int  # RFL
    oid: int | None  # OID   (OBFE)
    evid: int | None  # EVID  (EVFE)
    tm: int | None  # TM    (TMFE)
    sst: int  # SST
    rst: int  # RST
    rd_start: int  # RD is body[rd_start:rd_end] (RL bytes)
    rd_end: int


_tuple_new = tuple.__new__  # _tuple_new(RecordSpan, fields): RecordSpan._make minus its frame


def unpack_record(body: Buffer, start: int, end: int) -> RecordSpan:
    """The SDR that starts at ``body[start]``, within SFRD ending at ``end``.

    ``TruncatedError`` when the header or RL runs past ``end``.
    """
    if end - start < 7:
        raise TruncatedError(f"record header needs 7 bytes, {end - start} left")
    rl, rn, rfl = _START.unpack_from(body, start)
    rd_start = start + _HEADER_SIZE[rfl]
    if rd_start > end:
        raise TruncatedError(f"record header needs {rd_start - start} bytes, {end - start} left")
    at = start + 5
    oid = evid = tm = None
    if rfl & _OBFE:
        (oid,) = _U32.unpack_from(body, at)
        at += 4
    if rfl & _EVFE:
        (evid,) = _U32.unpack_from(body, at)
        at += 4
    if rfl & _TMFE:
        (tm,) = _U32.unpack_from(body, at)
    if rd_start + rl > end:
        raise TruncatedError(f"RL {rl} runs past SFRD ({end - rd_start} left)")
    return _tuple_new(RecordSpan, (rn, rfl, oid, evid, tm, body[rd_start - 2],
                                   body[rd_start - 1], rd_start, rd_start + rl))


def record_spans(body: Buffer, start: int, end: int) -> list[RecordSpan]:
    """Every SDR of SFRD ``body[start:end]``; ``TruncatedError`` when it cannot be cut."""
    spans = []
    while start < end:
        span = unpack_record(body, start, end)
        spans.append(span)
        start = span.rd_end
    return spans


def _take_record(r: ByteReader) -> tuple[memoryview, RecordSpan]:
    """The next SDR of the SFRD ``r`` reads, consumed: (the buffer, where it lies)."""
    body, start, end = r.window()
    span = unpack_record(body, start, end)
    r.skip(span.rd_end - start)
    return body, span


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordHeader:
    """Every SDR header field but RL; the RFL presence bits follow from the optional fields."""

    rn: int  # RN    record number, cyclic
    sst: int  # SST   source service type (ServiceType; int so unknown ones are representable)
    rst: int  # RST   recipient service type
    oid: int | None = None  # OID   object id (OBFE)
    evid: int | None = None  # EVID  event id (EVFE)
    tm: int | None = None  # TM    record time, seconds since 2010-01-01 UTC (TMFE)
    ssod: bool = False  # SSOD  sender service is on the device
    rsod: bool = False  # RSOD  recipient service is on the device
    group: bool = False  # GRP   OID is a group id
    priority: int = 0  # RPP   record processing priority, 2 bits

    @property
    def flags(self) -> int:
        return ((0x80 if self.ssod else 0) | (0x40 if self.rsod else 0)
                | (0x20 if self.group else 0) | (self.priority & 0x03) << 3
                | (_TMFE if self.tm is not None else 0) | (_EVFE if self.evid is not None else 0)
                | (_OBFE if self.oid is not None else 0))

    @property
    def time(self) -> datetime | None:
        return None if self.tm is None else EGTS_EPOCH + timedelta(seconds=self.tm)

    @classmethod
    def from_span(cls, span: RecordSpan) -> Self:
        rn, rfl, oid, evid, tm, sst, rst, _, _ = span
        return cls(rn=rn, sst=sst, rst=rst, oid=oid, evid=evid, tm=tm, ssod=bool(rfl & 0x80),
                   rsod=bool(rfl & 0x40), group=bool(rfl & 0x20), priority=(rfl >> 3) & 0x03)

    @classmethod
    def read(cls, r: ByteReader) -> tuple[Self, ByteReader]:
        """The header and a reader bounded to its RD."""
        body, span = _take_record(r)
        return cls.from_span(span), ByteReader(body, span.rd_start, span.rd_end)

    def write(self, w: ByteWriter, rd_length: int) -> None:
        w.u16(rd_length).u16(self.rn).u8(self.flags)
        for value in (self.oid, self.evid, self.tm):
            if value is not None:
                w.u32(value)
        w.u8(self.sst).u8(self.rst)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceDataRecord:
    """One SDR: its header and its decoded subrecords, in wire order."""

    header: RecordHeader
    subrecords: tuple[AnySubrecord, ...] = ()

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        return cls.from_span(*_take_record(r))

    @classmethod
    def from_span(cls, body: Buffer, span: RecordSpan) -> Self:
        """The record ``span`` locates in ``body``, every subrecord decoded."""
        subrecords = iter_subrecords(span.sst, ByteReader(body, span.rd_start, span.rd_end))
        return cls(header=RecordHeader.from_span(span), subrecords=tuple(subrecords))

    def encode(self) -> bytes:
        rd = encode_subrecords(self.subrecords)
        w = ByteWriter()
        self.header.write(w, len(rd))
        return w.raw(rd).getvalue()


@dataclass(frozen=True, slots=True, kw_only=True)
class RawRecord:
    """A record cut from SFRD whose subrecords are not decoded yet."""

    header: RecordHeader
    data: bytes  # RD

    def decode(self) -> ServiceDataRecord:
        """Decode RD; raises ``CodecError`` subclasses (a per-record problem)."""
        subs = tuple(iter_subrecords(self.header.sst, ByteReader(self.data)))
        return ServiceDataRecord(header=self.header, subrecords=subs)


def split_records(body: ByteReader) -> list[RawRecord]:
    """Cut SFRD into records; ``TruncatedError`` when a header or an RD runs past the end."""
    data, start, end = body.window()
    spans = record_spans(data, start, end)
    body.skip(end - start)
    return [RawRecord(header=RecordHeader.from_span(span),
                      data=bytes(data[span.rd_start : span.rd_end])) for span in spans]


def decode_records(body: ByteReader) -> tuple[ServiceDataRecord, ...]:
    """Every record of SFRD, strictly."""
    return tuple(raw.decode() for raw in split_records(body))


def encode_records(records: tuple[ServiceDataRecord, ...] | list[ServiceDataRecord]) -> bytes:
    return b"".join(record.encode() for record in records)
