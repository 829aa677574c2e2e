"""Checksums used by the telematics protocols, built with crcmod.

| name | width | poly | init | reflected | xorout | check("123456789") |
|---|---|---|---|---|---|---|
| ``crc8_egts`` (EGTS HCS, GOST 33472 App. А) | 8 | 0x31 | 0xFF | no | 0 | 0xF7 |
| ``crc16_ccitt`` (EGTS SFRCS, CCITT-FALSE) | 16 | 0x1021 | 0xFFFF | no | 0 | 0x29B1 |
| ``crc16_modbus`` (NDTP) | 16 | 0x8005 | 0xFFFF | yes | 0 | 0x4B37 |
| ``crc16_arc`` (Wialon IPS 2.0, Teltonika) | 16 | 0x8005 | 0 | yes | 0 | 0xBB3D |

crcmod's predefined ``'crc-8'`` is poly 0x07 with init 0 and is *not* the EGTS header CRC.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import crcmod

# crcmod's own functions (its C extension underneath) take bytes, bytearray or memoryview and
# are bound as they are: a wrapper of ours would cost more than the CRC of a header.
_Crc = Callable[[bytes | bytearray | memoryview], int]

#: EGTS header check sum (HCS): CRC-8, poly 0x31, init 0xFF, not reflected.
crc8_egts: Final[_Crc] = crcmod.mkCrcFun(0x131, initCrc=0xFF, rev=False, xorOut=0x00)
#: EGTS body check sum (SFRCS): CRC-16/CCITT-FALSE, poly 0x1021, init 0xFFFF.
crc16_ccitt: Final[_Crc] = crcmod.mkCrcFun(0x11021, initCrc=0xFFFF, rev=False, xorOut=0x0000)
#: CRC-16/MODBUS: poly 0x8005 reflected, init 0xFFFF.
crc16_modbus: Final[_Crc] = crcmod.mkCrcFun(0x18005, initCrc=0xFFFF, rev=True, xorOut=0x0000)
#: CRC-16/ARC (also called CRC-16/IBM): poly 0x8005 reflected, init 0, check 0xBB3D. Wialon IPS
#: 2.0 and Teltonika AVL packets use it.
crc16_arc: Final[_Crc] = crcmod.mkCrcFun(0x18005, initCrc=0x0000, rev=True, xorOut=0x0000)
