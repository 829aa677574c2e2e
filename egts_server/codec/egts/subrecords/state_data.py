"""EGTS_SR_STATE_DATA (TELEDATA SRT 20): terminal state and supply voltages.

Order 285 App. 7 / GOST 33472 App. Б, table "EGTS_SR_STATE_DATA": ST BYTE, MPSV BYTE,
BBV BYTE, IBV BYTE (each 0.1 V), flags BYTE (bit 2 NMS, bit 1 IBU, bit 0 BBU). Some terminals
send the same 5 bytes under SRT 21, which the standard does not define (Traccar test vector
dec-05); ``StateDataSrt21`` reads those.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from typing import ClassVar

from egts_server.codec.egts.constants import TeledataSrt
from egts_server.codec.egts.subrecords.base import WireTable
from egts_server.codec.reader import Buffer, ByteWriter, wrong_length

_LAYOUT = struct.Struct("<5B")  # ST MPSV BBV IBV flags


class TerminalState(enum.IntEnum):
    """ST."""

    PASSIVE = 0
    ERA = 1
    ACTIVE = 2
    EMERGENCY_CALL = 3
    EMERGENCY_TRACKING = 4
    TESTING = 5
    SERVICE = 6
    FIRMWARE_LOAD = 7


@dataclass(frozen=True, slots=True, kw_only=True)
class StateData(WireTable):
    SRT: ClassVar[int] = TeledataSrt.STATE_DATA

    state: int  # ST    TerminalState
    main_voltage: int  # MPSV  0.1 V
    backup_voltage: int  # BBV   0.1 V
    internal_voltage: int  # IBV   0.1 V
    flags: int  # NMS (bit 2), IBU (bit 1), BBU (bit 0); other bits kept

    @property
    def nav_module_on(self) -> bool:
        return bool(self.flags & 0x04)

    @property
    def backup_in_use(self) -> bool:
        return bool(self.flags & 0x02)

    @property
    def internal_battery_in_use(self) -> bool:
        return bool(self.flags & 0x01)

    @staticmethod
    def unpack(data: Buffer, start: int, end: int) -> tuple[int, int, int, int, int]:
        if end - start != 5:
            raise wrong_length("STATE_DATA", end - start, 5)
        state, main, backup, internal, flags = _LAYOUT.unpack_from(data, start)
        return state, main, backup, internal, flags

    def encode(self, w: ByteWriter) -> None:
        w.u8(self.state).u8(self.main_voltage).u8(self.backup_voltage)
        w.u8(self.internal_voltage).u8(self.flags)


@dataclass(frozen=True, slots=True, kw_only=True)
class StateDataSrt21(StateData):
    """The 5-byte STATE_DATA layout sent under the non-standard SRT 21."""

    SRT: ClassVar[int] = TeledataSrt.STATE_DATA_VENDOR
