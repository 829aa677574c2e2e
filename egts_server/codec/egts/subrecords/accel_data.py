"""EGTS_SR_ACCEL_DATA (ECALL SRT 20): accelerometer samples around an event.

GOST R 54619-2011, ECALL service, table "EGTS_SR_ACCEL_DATA": SA BYTE (number of samples),
ATM UINT (time of the first sample, seconds since 2010-01-01 UTC), then SA structures of
RTM USHORT (ms after ATM), XAAV, YAAV, ZAAV SHORT (0.1 m/s² each).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from egts_server.codec.egts.constants import EcallSrt
from egts_server.codec.reader import ByteReader, ByteWriter


@dataclass(frozen=True, slots=True, kw_only=True)
class AccelSample:
    offset_ms: int  # RTM
    x: int  # XAAV  0.1 m/s²
    y: int  # YAAV
    z: int  # ZAAV


@dataclass(frozen=True, slots=True, kw_only=True)
class AccelData:
    SRT: ClassVar[int] = EcallSrt.ACCEL_DATA

    time: int  # ATM   seconds since 2010-01-01 UTC
    samples: tuple[AccelSample, ...] = ()  # SA is their count

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        count, time = r.u8(), r.u32()
        samples = tuple(AccelSample(offset_ms=r.u16(), x=r.i16(), y=r.i16(), z=r.i16())
                        for _ in range(count))
        return cls(time=time, samples=samples)

    def encode(self, w: ByteWriter) -> None:
        w.u8(len(self.samples)).u32(self.time)
        for s in self.samples:
            w.u16(s.offset_ms).i16(s.x).i16(s.y).i16(s.z)
