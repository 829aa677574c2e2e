"""EGTS_SR_AD_SENSORS_DATA (TELEDATA SRT 18): extra digital inputs, outputs, analog inputs.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_AD_SENSORS_DATA": DIOE BYTE (which ADIO
octets follow), DOUT BYTE (outputs), ASFE BYTE (which ANS values follow), ADIO1..8 (one byte
each, flagged ones only, in bit order), ANS1..8 (3 bytes each, flagged ones only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar, Self

from egts_server.codec.reader import ByteReader, ByteWriter


def _frozen(values: Mapping[int, int]) -> Mapping[int, int]:
    return MappingProxyType(dict(sorted(values.items())))


@dataclass(frozen=True, slots=True, kw_only=True)
class AdSensorsData:
    """``digital`` maps octet number 1..8 to ADIO byte; ``analog`` maps 1..8 to ANS value.

    ADIO octet n carries discrete inputs 8n+1 .. 8n+8 (POS_DATA's DIN has inputs 1-8).
    """

    SRT: ClassVar[int] = 18

    outputs: int = 0  # DOUT  digital outputs bitmask
    digital: Mapping[int, int] = field(default_factory=dict)  # DIOE + ADIOn
    analog: Mapping[int, int] = field(default_factory=dict)  # ASFE + ANSn (24-bit raw)

    def __post_init__(self) -> None:
        for name in ("digital", "analog"):
            values: Mapping[int, int] = getattr(self, name)
            if any(not 1 <= n <= 8 for n in values):
                raise ValueError(f"{name} keys must be 1..8")
            object.__setattr__(self, name, _frozen(values))

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        dioe, dout, asfe = r.u8(), r.u8(), r.u8()
        digital = {n + 1: r.u8() for n in range(8) if dioe >> n & 1}
        analog = {n + 1: r.u24() for n in range(8) if asfe >> n & 1}
        return cls(outputs=dout, digital=digital, analog=analog)

    def encode(self, w: ByteWriter) -> None:
        w.u8(sum(1 << (n - 1) for n in self.digital)).u8(self.outputs)
        w.u8(sum(1 << (n - 1) for n in self.analog))
        for value in self.digital.values():
            w.u8(value)
        for value in self.analog.values():
            w.u24(value)
