"""EGTS_SR_MODULE_DATA (AUTH SRT 2): one module of the terminal.

GOST 33472 App. В, table "EGTS_SR_MODULE_DATA": MT BYTE, VID UINT, FWV USHORT (high byte
major, low byte minor), SWV USHORT, MD BYTE, ST BYTE (1 on, 0 off, > 127 fault),
SRN STRING <= 32 + 0x00, DSCR STRING <= 32 + 0x00.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from egts_server.codec.egts.constants import AuthSrt
from egts_server.codec.reader import ByteReader, ByteWriter


def version_text(value: int) -> str:
    """FWV/SWV as "major.minor"."""
    return f"{value >> 8}.{value & 0xFF}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ModuleData:
    """One module's identity and state."""

    SRT: ClassVar[int] = AuthSrt.MODULE_DATA

    module_type: int  # MT    1 main, 2 input/output, 3 navigation, 4 wireless, ...
    vendor_id: int  # VID
    firmware_version: int  # FWV   high byte major, low byte minor
    software_version: int  # SWV
    modification: int  # MD
    state: int  # ST    1 on, 0 off, > 127 fault
    serial_number: bytes = b""  # SRN   CP1251, <= 32 bytes
    description: bytes = b""  # DSCR  CP1251, <= 32 bytes

    @classmethod
    def decode(cls, r: ByteReader) -> Self:
        return cls(module_type=r.u8(), vendor_id=r.u32(), firmware_version=r.u16(),
                   software_version=r.u16(), modification=r.u8(), state=r.u8(),
                   serial_number=r.cstring(32), description=r.cstring(32))

    def encode(self, w: ByteWriter) -> None:
        w.u8(self.module_type).u32(self.vendor_id).u16(self.firmware_version)
        w.u16(self.software_version).u8(self.modification).u8(self.state)
        w.cstring(self.serial_number, 32).cstring(self.description, 32)
