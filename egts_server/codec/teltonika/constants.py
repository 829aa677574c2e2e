"""Teltonika AVL wire facts (Teltonika's public "Data Sending Protocols" description).

TCP session: the device first sends its IMEI (u16 length, ASCII digits) and the server answers
one byte, 0x01 accepted or 0x00 refused. Then AVL packets: four zero bytes, u32 data length
(codec id to the second record count), codec id, u8 record count, the records, the count
again, u32 whose low 16 bits are the CRC-16/IBM (ARC) of the data part. The server answers the
number of records it accepted as a u32. Every number is big-endian.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final

PREAMBLE: Final = b"\x00\x00\x00\x00"
HEADER_SIZE: Final = 8  # preamble and data length
CRC_SIZE: Final = 4
MIN_DATA: Final = 3  # codec id and the two record counts
MAX_DATA: Final = 65535  # no device sends a larger packet; a larger length is a broken stream
MAX_IMEI: Final = 64
IMEI_ACCEPTED: Final = b"\x01"
IMEI_REFUSED: Final = b"\x00"


class Codec(IntEnum):
    """Codec ids of data packets handled here."""

    CODEC_8 = 0x08
    CODEC_8_EXTENDED = 0x8E
    CODEC_16 = 0x10


#: Codec 12 (the same envelope, both ways): codec id, quantity, type, u32 size, the text,
#: quantity again. The server sends commands (0x05) only once the device's AVL packets are all
#: acknowledged; the device answers each with a response (0x06) that is not acknowledged.
CODEC_12: Final = 0x0C


class MessageType(IntEnum):
    """Type byte of a Codec 12 message."""

    COMMAND = 0x05  # server -> device
    RESPONSE = 0x06  # device -> server


#: AVL ids whose meaning is the same on FMB/FMC/FMM devices, mapped onto the fix model
#: (README documents the numbering). Every element is also kept raw as ``io<id>``.
DIGITAL_INPUTS: Final = {1: 1, 2: 2, 3: 3}  # AVL id -> digital input number
DIGITAL_OUTPUTS: Final = {179: 1, 180: 2, 50: 3, 51: 4}  # AVL id -> output number
ANALOG_INPUTS: Final = {9: 1, 10: 2, 11: 3, 245: 4}  # AVL id -> analog input number (mV)
IO_EXTERNAL_VOLTAGE_MV: Final = 66
IO_BATTERY_VOLTAGE_MV: Final = 67
IO_TOTAL_ODOMETER_M: Final = 16
IO_HDOP_X10: Final = 182
IO_IBUTTON: Final = 78
