"""EGTS_SR_VEHICLE_DATA (AUTH SRT 3): the vehicle the terminal is installed in.

GOST 33472 App. В, table "EGTS_SR_VEHICLE_DATA": VIN STRING[17], VHT UINT (bits 3-0 vehicle
class), VPST UINT (propulsion bitmask: bit 0 petrol, 1 diesel, 2 CNG, 3 LPG, 4 electric,
5 hydrogen).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from egts_server.codec.egts.constants import AuthSrt
from egts_server.codec.reader import ByteReader, ByteWriter


@dataclass(frozen=True, slots=True, kw_only=True)
class VehicleData:
    SRT: ClassVar[int] = AuthSrt.VEHICLE_DATA

    vin: bytes  # VIN   17 bytes
    vehicle_type: int  # VHT
    propulsion: int  # VPST  bitmask

    def __post_init__(self) -> None:
        if len(self.vin) != 17:
            raise ValueError("VIN must be exactly 17 bytes")

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        return cls(vin=r.read(17), vehicle_type=r.u32(), propulsion=r.u32())

    def encode(self, w: ByteWriter) -> None:
        w.fixed(self.vin, 17).u32(self.vehicle_type).u32(self.propulsion)
