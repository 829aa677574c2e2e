"""Galileosky wire facts (the vendor's public protocol description, as open-source servers
implement it).

A packet is a header byte (0x01 data, 0x07 photo), a u16 little-endian length of the tags (bit
15: the device still has unsent archive records), the tags, and a CRC-16/MODBUS (little-endian)
of everything before it. Each tag is one byte followed by a value whose size the tag number
fixes (``TAG_SIZES``); a few carry their own length byte (``LENGTH_PREFIXED``). The server
confirms a packet with 0x02 and the packet's own CRC.
"""

from __future__ import annotations

from typing import Final

DATA, PHOTO, CONFIRM = 0x01, 0x07, 0x02
HEADERS: Final = frozenset((DATA, PHOTO))
ARCHIVE_FLAG: Final = 0x8000
LENGTH_MASK: Final = 0x7FFF
TAG_IMEI, TAG_TIME, TAG_COORDINATES = 0x03, 0x20, 0x30

_SIZES: Final = {
    1: (0x01, 0x02, 0x35, 0x43, *range(0xC4, 0xD3), 0xD5, 0x88, 0x8A, 0x8B, 0x8C,
        *range(0xA0, 0xB0)),
    2: (0x04, 0x10, 0x34, 0x40, 0x41, 0x42, 0x45, 0x46, 0x48, *range(0x50, 0x5A),
        0x60, 0x61, 0x62, *range(0x70, 0x78), *range(0xB0, 0xBA), *range(0xD6, 0xDB)),
    3: (0x63, 0x64, 0x6F, 0x5D, *range(0x65, 0x6F)),
    4: (0x20, 0x33, 0x44, 0x90, 0xC0, 0xC1, 0xC2, 0xC3, 0xD3, 0xD4, *range(0xDB, 0xE0),
        0xE0, *range(0xF0, 0xFA), 0x5A, 0x47, *range(0xE2, 0xEA)),
    7: (0x5B,),
    9: (TAG_COORDINATES,),
    15: (TAG_IMEI,),
    68: (0x5C,),
}
#: tag -> size of its value in bytes
TAG_SIZES: Final = {tag: size for size, tags in _SIZES.items() for tag in tags}
#: tags whose value starts with its own length byte
LENGTH_PREFIXED: Final = frozenset((0xE1, 0xEA))

# Tags mapped onto the fix model (README documents the numbering); every other is kept raw.
TAG_SPEED_COURSE, TAG_ALTITUDE, TAG_HDOP = 0x33, 0x34, 0x35
TAG_SUPPLY_MV, TAG_BATTERY_MV = 0x41, 0x42
TAG_OUTPUTS, TAG_INPUTS = 0x45, 0x46
ANALOG_TAGS: Final = range(0x50, 0x58)  # analog inputs 0-7 -> adc1..adc8 (mV)
FUEL_TAGS: Final = range(0x60, 0x63)  # RS485 fuel level sensors 0-2 -> lls1..lls3
TAG_IBUTTON, TAG_ODOMETER_M = 0x90, 0xD4
