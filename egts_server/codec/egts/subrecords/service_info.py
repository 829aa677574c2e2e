"""EGTS_SR_SERVICE_INFO (AUTH SRT 8): services offered or requested, and their state.

GOST 33472 App. В, table "EGTS_SR_SERVICE_INFO": per service ST BYTE (service type), SST BYTE
(state: 0 IN_SERVICE, 128 OUT_OF_SERVICE, 129 DENIED, 130 NO_CONF, 131 TEMP_UNAVAIL),
SRVP BYTE (bit 7 SRVA: 0 supported / 1 requested; bits 1-0 SRVRP priority). A subrecord may
list several services back to back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from egts_server.codec.egts.constants import AuthSrt
from egts_server.codec.errors import FormatError
from egts_server.codec.reader import ByteReader, ByteWriter


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceEntry:
    service: int  # ST
    state: int  # SST
    requested: bool = False  # SRVA
    priority: int = 0  # SRVRP, 2 bits
    reserved: int = 0  # SRVP bits 6-2, kept for exact round trips


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceInfo:
    SRT: ClassVar[int] = AuthSrt.SERVICE_INFO

    services: tuple[ServiceEntry, ...]

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        if r.remaining % 3:
            raise FormatError(f"SERVICE_INFO of {r.remaining} bytes is not 3-byte entries")
        services = []
        while r.remaining:
            st, sst, srvp = r.u8(), r.u8(), r.u8()
            services.append(ServiceEntry(service=st, state=sst, requested=bool(srvp & 0x80),
                                         priority=srvp & 0x03, reserved=(srvp >> 2) & 0x1F))
        return cls(services=tuple(services))

    def encode(self, w: ByteWriter) -> None:
        for s in self.services:
            w.u8(s.service).u8(s.state)
            w.u8((0x80 if s.requested else 0) | (s.reserved & 0x1F) << 2 | s.priority & 0x03)
