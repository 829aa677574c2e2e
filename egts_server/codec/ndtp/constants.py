"""NDTP v6 wire codes and sizes (research/nis.md §3; the v6.2 PDF itself is not public).

Names follow the NDTP C header as transcribed in ArtemAdamenko/translator ``Constants.java``;
the cell size table is the emulator spec's, confirmed by navprot ``lenCells`` for types 3-10.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

SIGNATURE: Final = b"\x7e\x7e"
NPL_HEADER_SIZE: Final = 15  # signature .. request_id (§3.1)
NPH_HEADER_SIZE: Final = 10  # service .. request_id (§3.3)
MAX_DATA_SIZE: Final = 0xFFFF  # data_size is a u16; nominal NPL_PACKET_MAX_SIZE is only 1024
MAX_FRAME_SIZE: Final = NPL_HEADER_SIZE + MAX_DATA_SIZE
CELL_HEADER_SIZE: Final = 2  # [type u8][number u8]


class NplType(enum.IntEnum):
    """NPL header ``type`` (§3.1)."""

    ERROR = 1
    NPH = 2
    DEBUG = 3


class NplFlags(enum.IntFlag):
    """NPL header ``flags`` (§3.1); real terminals send CRC only."""

    ENCRYPTION = 0x0001
    CRC = 0x0002
    DELAY = 0x0004


class Service(enum.IntEnum):
    """NPH ``service_id`` (§3.3)."""

    GENERIC_CONTROLS = 0
    NAVDATA = 1
    FILE_TRANSFER = 3
    CLIENT_LIST = 4
    EXTERNAL_DEVICE = 5
    DEBUG = 6


class NphFlags(enum.IntFlag):
    """NPH header ``flags`` (§3.3): bit 0 asks for an NPH_RESULT."""

    REQUEST = 0x0001


NPH_RESULT: Final = 0  # packet type 0 is the result in every service


class GenericType(enum.IntEnum):
    """Service 0 packet types."""

    RESULT = 0
    CONN_REQUEST = 100
    CONN_AUTH_STRING = 101


class NavdataType(enum.IntEnum):
    """Service 1 packet types; both carry the same list of cells (§3.5)."""

    RESULT = 0
    SND_HISTORY = 100  # black-box backlog
    SND_REALTIME = 101


class ExternalDeviceType(enum.IntEnum):
    """Service 5 packet types (§3.3, §3.7)."""

    RESULT = 0
    TITLE_DATA = 100
    DEVICE_DATA = 101
    DEVICE_RESULT = 102


class NphResult(enum.IntEnum):
    """NPH_RESULT codes (u32, §3.3)."""

    OK = 0
    BUSY = 1
    SERVICE_NOT_SUPPORTED = 100
    SERVICE_NOT_ALLOWED = 101
    SERVICE_NOT_AVAILABLE = 102
    SERVICE_NOT_CONSECUTION = 104
    SERVICE_NOT_DEVICE_ADDRESS = 105
    PACKET_NOT_SUPPORTED = 200
    PACKET_INVALID_SIZE = 201
    PACKET_INVALID_FORMAT = 202
    PACKET_INVALID_PARAMETER = 203
    PACKET_UNEXPECTED = 204
    PROTO_VER_NOT_SUPPORTED = 300
    CLIENT_NOT_REGISTERED = 301
    CLIENT_TYPE_NOT_SUPPORTED = 302
    CLIENT_AUTH_FAILED = 303
    INVALID_ADDRESS = 304
    CLIENT_ALREADY_REGISTERED = 305
    DATABASE_QUERY_FAILED = 400
    DATABASE_DOWN = 401
    CODEC_NOT_SUPPORTED = 500
    UNDEFINED = 0xFFFF_FFFF


class NavFlags(enum.IntFlag):
    """Nav cell (type 0) flag byte, bit 0 first (§3.5). Real terminals send 0xE0."""

    CALL_REQUEST = 0x01
    ALARM = 0x02
    SOS = 0x04
    FIRST_POWER_ON = 0x08
    INTERNAL_BATTERY = 0x10  # running on the internal battery
    NORTH = 0x20  # clear: southern latitude
    EAST = 0x40  # clear: western longitude
    VALID = 0x80


class CellType(enum.IntEnum):
    """Cell types whose payload this codec reads field by field; the rest stay raw."""

    NAV = 0
    INT_SENSOR = 2
    CROWN = 3  # "Корона" passenger counter
    IRMA = 4  # IRMA door passenger counter
    KDM = 5  # combined road machine: plough, brush, spreader (layout not public)
    USI = 8  # УЗИ-М fuel level sensor
    CAN = 10


#: Payload size per cell type, without the 2-byte cell header (§3.5). There are no length
#: prefixes on the wire: a type missing here makes the rest of the body unreadable.
CELL_SIZES: Final[Mapping[int, int]] = MappingProxyType({
    0: 26, 2: 26, 3: 14, 4: 15, 5: 6, 6: 9, 7: 1, 8: 6, 9: 40, 10: 37,
    12: 5, 13: 13, 14: 15, 15: 50, 16: 8, 17: 46, 18: 50, 19: 40, 20: 8, 21: 180,
    22: 24, 23: 16, 100: 44,
})
