"""EGTS_SR_PASSENGERS_COUNTERS (TELEDATA SRT 28): passengers in and out, per door.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_PASSENGERS_COUNTERS": flags BYTE (bit 0
RDF raw data), DPR BYTE (doors present, bitmask), DRL BYTE (doors opened), MADDR USHORT, then
for every door present IPQ BYTE (in) and OPQ BYTE (out), or the raw reply when RDF = 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar, Self

from egts_server.codec.reader import ByteReader, ByteWriter


@dataclass(frozen=True, slots=True, kw_only=True)
class PassengersCounters:
    """``doors`` maps door number 1..8 to (in, out) when RDF = 0; ``raw`` holds RDF = 1 data.

    With RDF = 1 the DPR mask is kept in ``doors_present`` since no per-door pairs follow.
    """

    SRT: ClassVar[int] = 28

    address: int  # MADDR
    doors_opened: int = 0  # DRL   bitmask
    doors: Mapping[int, tuple[int, int]] = field(default_factory=dict)  # DPR + IPQ/OPQ
    raw: bytes | None = None  # RDF = 1: unparsed counter reply
    raw_doors_present: int = 0  # DPR when RDF = 1
    reserved_flags: int = 0  # flag bits 7-1, kept for exact round trips

    def __post_init__(self) -> None:
        if any(not 1 <= n <= 8 for n in self.doors):
            raise ValueError("door numbers must be 1..8")
        if self.raw is not None and self.doors:
            raise ValueError("raw data (RDF=1) and per-door counts exclude each other")
        object.__setattr__(self, "doors", MappingProxyType(dict(sorted(self.doors.items()))))

    @property
    def doors_present(self) -> int:
        if self.raw is not None:
            return self.raw_doors_present
        return sum(1 << (n - 1) for n in self.doors)

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        f, dpr, drl, address = r.u8(), r.u8(), r.u8(), r.u16()
        if f & 0x01:
            return cls(address=address, doors_opened=drl, raw=r.rest(), raw_doors_present=dpr,
                       reserved_flags=f >> 1)
        doors = {n + 1: (r.u8(), r.u8()) for n in range(8) if dpr >> n & 1}
        return cls(address=address, doors_opened=drl, doors=doors, reserved_flags=f >> 1)

    def encode(self, w: ByteWriter) -> None:
        w.u8(self.reserved_flags << 1 | (1 if self.raw is not None else 0))
        w.u8(self.doors_present).u8(self.doors_opened).u16(self.address)
        if self.raw is not None:
            w.raw(self.raw)
        for entered, left in self.doors.values():
            w.u8(entered).u8(left)
