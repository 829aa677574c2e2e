"""EGTS_SR_LOOPIN_DATA (TELEDATA SRT 22): states of loop (resistive) inputs 1..8.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_LOOPIN_DATA": LIFE BYTE (which loops
follow), then 4-bit states packed two per byte, the first in the low nibble. The standard does
not say whether absent loops take a nibble; only flagged loops are read here (as the
conformance corpus' reference decoder does). States: 0 norm, 1 alarm, 2 break, 4 short to
ground, 8 short to supply.

Lenient by design: one public encoder (egts-python, accepted by the NIS validator) writes one
byte per *pair* of loops instead, so bytes after the packed states are kept verbatim in
``trailing`` instead of refusing the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

from egts_server.codec.egts.constants import TeledataSrt
from egts_server.codec.egts.subrecords.ad_sensors_data import BITS
from egts_server.codec.egts.subrecords.base import WireTable
from egts_server.codec.reader import Buffer, ByteWriter, wrong_length


@dataclass(frozen=True, slots=True, kw_only=True)
class LoopinData(WireTable):
    """``loops`` maps loop number 1..8 to its 4-bit state."""

    SRT: ClassVar[int] = TeledataSrt.LOOPIN_DATA

    loops: Mapping[int, int] = field(default_factory=dict)  # LIFE + LISn
    padding: int = 0  # the unused high nibble when the count is odd, kept for round trips
    trailing: bytes = b""  # bytes after the packed states (see module docstring)

    def __post_init__(self) -> None:
        if any(not 1 <= n <= 8 for n in self.loops) or any(
                not 0 <= v <= 15 for v in self.loops.values()):
            raise ValueError("loop numbers must be 1..8 and states 0..15")
        object.__setattr__(self, "loops", MappingProxyType(dict(sorted(self.loops.items()))))

    @staticmethod
    def unpack(data: Buffer, start: int, end: int) -> tuple[Mapping[int, int], int, bytes]:
        if end <= start:
            raise wrong_length("LOOPIN_DATA", 0, 1)
        numbers = BITS[data[start]]
        packed_end = start + 1 + (len(numbers) + 1) // 2
        if packed_end > end:
            raise wrong_length("LOOPIN_DATA", end - start, packed_end - start)
        nibbles = [nib for b in data[start + 1 : packed_end] for nib in (b & 0x0F, b >> 4)]
        padding = nibbles[-1] if len(numbers) % 2 else 0
        loops = MappingProxyType(dict(zip(numbers, nibbles, strict=False)))
        return loops, padding, bytes(data[packed_end:end])

    def encode(self, w: ByteWriter) -> None:
        w.u8(sum(1 << (n - 1) for n in self.loops))
        states = list(self.loops.values())
        if len(states) % 2:
            states.append(self.padding)
        for low, high in zip(states[::2], states[1::2], strict=True):
            w.u8(low | high << 4)
        w.raw(self.trailing)
