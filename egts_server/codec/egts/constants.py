"""EGTS wire codes (GOST 33472-2015; GOST R 54619-2011; Mintrans order No. 285).

Members use the standard's mnemonics without the ``EGTS_`` / ``EGTS_PC_`` / ``EGTS_SR_`` prefix.
Subrecord types are only unique within a service, so there is one SRT enum per service.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Final

PROTOCOL_VERSION: Final = 1  # PRV, GOST 33472 App. А
HEADER_LENGTH: Final = 11  # HL without routing fields (HCS included)
ROUTED_HEADER_LENGTH: Final = 16  # HL with PRA, RCA and TTL
MAX_PACKET_LENGTH: Final = 65535  # a whole transport packet, header and SFRCS included
EGTS_EPOCH: Final = datetime(2010, 1, 1, tzinfo=UTC)  # NTM / TM count seconds from here


class PacketType(enum.IntEnum):
    """PT, transport header field (GOST 33472 App. А, transport layer)."""

    RESPONSE = 0
    APPDATA = 1
    SIGNED_APPDATA = 2


class ServiceType(enum.IntEnum):
    """SST / RST service codes (GOST R 54619 / order 285 numbering; GOST 33472 table В.3
    lists COMMANDS as 3 and FIRMWARE as 4, which no implementation follows)."""

    AUTH = 1
    TELEDATA = 2
    COMMANDS = 4
    FIRMWARE = 9
    ECALL = 10


class ResultCode(enum.IntEnum):
    """Processing result codes (GOST 33472 table А.14)."""

    OK = 0
    IN_PROGRESS = 1
    UNS_PROTOCOL = 128
    DECRYPT_ERROR = 129
    PROC_DENIED = 130
    INC_HEADERFORM = 131
    INC_DATAFORM = 132
    UNS_TYPE = 133
    NOTEN_PARAMS = 134
    DBL_PROC = 135
    PROC_SRC_DENIED = 136
    HEADERCRC_ERROR = 137
    DATACRC_ERROR = 138
    INVDATALEN = 139
    ROUTE_NFOUND = 140
    ROUTE_CLOSED = 141
    ROUTE_DENIED = 142
    INVADDR = 143
    TTLEXPIRED = 144
    NO_ACK = 145
    OBJ_NFOUND = 146
    EVNT_NFOUND = 147
    SRVC_NFOUND = 148
    SRVC_DENIED = 149
    SRVC_UNKN = 150
    AUTH_DENIED = 151
    ALREADY_EXISTS = 152
    ID_NFOUND = 153
    INC_DATETIME = 154
    IO_ERROR = 155
    NO_RES_AVAIL = 156
    MODULE_FAULT = 157
    MODULE_PWR_FLT = 158
    MODULE_PROC_FLT = 159
    MODULE_SW_FLT = 160
    MODULE_FW_FLT = 161
    MODULE_IO_FLT = 162
    MODULE_MEM_FLT = 163
    TEST_FAILED = 164


def result_code_name(code: int) -> str | None:
    """The standard's name of a result code (``ID_NFOUND``); ``None`` for one it does not define."""
    try:
        return ResultCode(code).name
    except ValueError:
        return None


class AuthSrt(enum.IntEnum):
    """Subrecord types of EGTS_AUTH_SERVICE (GOST 33472 App. В, AUTH service subrecord list)."""

    RECORD_RESPONSE = 0
    TERM_IDENTITY = 1
    MODULE_DATA = 2
    VEHICLE_DATA = 3
    DISPATCHER_IDENTITY = 5
    AUTH_PARAMS = 6
    AUTH_INFO = 7
    SERVICE_INFO = 8
    RESULT_CODE = 9


class TeledataSrt(enum.IntEnum):
    """Subrecord types of EGTS_TELEDATA_SERVICE (GOST 33472 App. Б; order 285 App. 7)."""

    RECORD_RESPONSE = 0
    POS_DATA = 16
    EXT_POS_DATA = 17
    AD_SENSORS_DATA = 18
    COUNTERS_DATA = 19
    STATE_DATA = 20
    STATE_DATA_VENDOR = 21  # not in the standard: a 5-byte STATE_DATA seen in real traffic
    LOOPIN_DATA = 22
    ABS_DIG_SENS_DATA = 23
    ABS_AN_SENS_DATA = 24
    ABS_CNTR_DATA = 25
    ABS_LOOPIN_DATA = 26
    LIQUID_LEVEL_SENSOR = 27
    PASSENGERS_COUNTERS = 28


class CommandsSrt(enum.IntEnum):
    """Subrecord types of EGTS_COMMANDS_SERVICE (GOST 33472 App. В, COMMANDS service)."""

    RECORD_RESPONSE = 0
    COMMAND_DATA = 51


class FirmwareSrt(enum.IntEnum):
    """Subrecord types of EGTS_FIRMWARE_SERVICE (GOST R 54619-2011, FIRMWARE service)."""

    RECORD_RESPONSE = 0
    SERVICE_PART_DATA = 33
    SERVICE_FULL_DATA = 34


class EcallSrt(enum.IntEnum):
    """Subrecord types of EGTS_ECALL_SERVICE (GOST R 54619-2011, ECALL service)."""

    RECORD_RESPONSE = 0
    ACCEL_DATA = 20
    RAW_MSD_DATA = 40
    MSD_DATA = 50
    TRACK_DATA = 62
