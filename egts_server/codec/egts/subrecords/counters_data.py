"""EGTS_SR_COUNTERS_DATA (TELEDATA SRT 19): counting inputs 1..8.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_COUNTERS_DATA": CFE BYTE (which counters
follow), CN1..8 (3 bytes each, flagged ones only, in bit order).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

from egts_server.codec.egts.constants import TeledataSrt
from egts_server.codec.egts.subrecords.ad_sensors_data import BITS, u24_values
from egts_server.codec.egts.subrecords.base import WireTable
from egts_server.codec.reader import Buffer, ByteWriter, wrong_length


@dataclass(frozen=True, slots=True, kw_only=True)
class CountersData(WireTable):
    """``counters`` maps counter number 1..8 to its 24-bit value."""

    SRT: ClassVar[int] = TeledataSrt.COUNTERS_DATA

    counters: Mapping[int, int] = field(default_factory=dict)  # CFE + CNn

    def __post_init__(self) -> None:
        if any(not 1 <= n <= 8 for n in self.counters):
            raise ValueError("counter numbers must be 1..8")
        object.__setattr__(self, "counters", MappingProxyType(dict(sorted(self.counters.items()))))

    @staticmethod
    def unpack(data: Buffer, start: int, end: int) -> tuple[Mapping[int, int]]:
        if end <= start:
            raise wrong_length("COUNTERS_DATA", 0, 1)
        numbers = BITS[data[start]]
        if end - start != 1 + 3 * len(numbers):
            raise wrong_length("COUNTERS_DATA", end - start, 1 + 3 * len(numbers))
        return (MappingProxyType(u24_values(data, start + 1, numbers)),)

    def encode(self, w: ByteWriter) -> None:
        w.u8(sum(1 << (n - 1) for n in self.counters))
        for value in self.counters.values():
            w.u24(value)
