"""EGTS service (support) layer: service data records (GOST 33472 App. В, SDR table).

Record: RL USHORT (length of RD), RN USHORT, RFL BYTE (SSOD RSOD GRP RPP TMFE EVFE OBFE),
[OID UINT], [EVID UINT], [TM UINT], SST BYTE, RST BYTE, RD (subrecords). Splitting SFRD into
records and decoding each record's subrecords are separate steps, so a session can confirm a
record whose contents it refuses (per-record RST) while a body that cannot be split at all is
refused as a whole.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Self

from egts_server.codec.egts.constants import EGTS_EPOCH
from egts_server.codec.egts.subrecords import AnySubrecord, encode_subrecords, iter_subrecords
from egts_server.codec.reader import ByteReader, ByteWriter

_OBFE, _EVFE, _TMFE = 0x01, 0x02, 0x04
_START = struct.Struct("<HHB")  # RL, RN, RFL


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
    def read(cls, r: ByteReader) -> tuple[Self, ByteReader]:
        """The header and a reader bounded to its RD."""
        rl, rn, rfl = r.unpack(_START)
        oid = r.u32() if rfl & _OBFE else None
        evid = r.u32() if rfl & _EVFE else None
        tm = r.u32() if rfl & _TMFE else None
        sst, rst = r.u8(), r.u8()
        header = cls(rn=rn, sst=sst, rst=rst, oid=oid, evid=evid, tm=tm, ssod=bool(rfl & 0x80),
                     rsod=bool(rfl & 0x40), group=bool(rfl & 0x20), priority=(rfl >> 3) & 0x03)
        return header, r.sub(rl)

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
        header, rd = RecordHeader.read(r)
        return cls(header=header, subrecords=tuple(iter_subrecords(header.sst, rd)))

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
    records = []
    while body.remaining:
        header, rd = RecordHeader.read(body)
        records.append(RawRecord(header=header, data=rd.rest()))
    return records


def decode_records(body: ByteReader) -> tuple[ServiceDataRecord, ...]:
    """Every record of SFRD, strictly."""
    return tuple(raw.decode() for raw in split_records(body))


def encode_records(records: tuple[ServiceDataRecord, ...] | list[ServiceDataRecord]) -> bytes:
    return b"".join(record.encode() for record in records)
