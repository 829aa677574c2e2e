"""EGTS_SR_PASSENGERS_COUNTERS (TELEDATA SRT 28): passengers in and out, per door.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_PASSENGERS_COUNTERS": flags BYTE (bit 0
RDF raw data), DPR BYTE (doors present, bitmask), DRL BYTE (doors opened), MADDR USHORT, then
for every door present IPQ BYTE (in) and OPQ BYTE (out), or the raw reply when RDF = 1.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

from egts_server.codec.egts.constants import TeledataSrt
from egts_server.codec.egts.subrecords.ad_sensors_data import BITS
from egts_server.codec.egts.subrecords.base import WireTable
from egts_server.codec.reader import Buffer, ByteWriter, wrong_length

_HEAD = struct.Struct("<BBBH")  # flags DPR DRL MADDR

#: PassengersCounters' fields in declaration order, as ``PassengersCounters.unpack`` returns them.
PassengersFields = tuple[int, int, Mapping[int, tuple[int, int]], bytes | None, int, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class PassengersCounters(WireTable):
    """``doors`` maps door number 1..8 to (in, out) when RDF = 0; ``raw`` holds RDF = 1 data.

    With RDF = 1 the DPR mask is kept in ``doors_present`` since no per-door pairs follow.
    """

    SRT: ClassVar[int] = TeledataSrt.PASSENGERS_COUNTERS

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

    @staticmethod
    def unpack(data: Buffer, start: int, end: int) -> PassengersFields:
        if end - start < 5:
            raise wrong_length("PASSENGERS_COUNTERS", end - start, 5)
        f, dpr, drl, address = _HEAD.unpack_from(data, start)
        if f & 0x01:  # RDF: the counter's raw reply fills the rest
            return address, drl, MappingProxyType({}), bytes(data[start + 5 : end]), dpr, f >> 1
        numbers = BITS[dpr]
        if end - start != 5 + 2 * len(numbers):
            raise wrong_length("PASSENGERS_COUNTERS", end - start, 5 + 2 * len(numbers))
        doors = {n: (data[at], data[at + 1])
                 for n, at in zip(numbers, range(start + 5, end, 2), strict=True)}
        return address, drl, MappingProxyType(doors), None, 0, f >> 1

    def encode(self, w: ByteWriter) -> None:
        w.u8(self.reserved_flags << 1 | (1 if self.raw is not None else 0))
        w.u8(self.doors_present).u8(self.doors_opened).u16(self.address)
        if self.raw is not None:
            w.raw(self.raw)
        for entered, left in self.doors.values():
            w.u8(entered).u8(left)
