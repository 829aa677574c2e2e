"""Wialon IPS 1.1/2.0 wire facts: packet types and the answer codes the protocol defines.

Facts from the public Wialon IPS v2.0 description (Gurtam): every packet is ``#TYPE#msg\\r\\n``;
in 2.0 the L, SD, D packets end with a CRC-16/ARC of the message after the second ``#`` up to
and including the last ``;`` (for B: of everything before the last ``|``), in hex.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import Final

END: Final = b"\r\n"
NO_VALUE: Final = "NA"  # a field the terminal has no value for
VERSION_2: Final = "2.0"
MAX_LINE: Final = 65536  # longest packet kept waiting for its end (a black box of ~300 fixes)


class LoginAnswer(StrEnum):
    """``#AL#`` codes."""

    OK = "1"
    REJECTED = "0"
    BAD_PASSWORD = "01"
    BAD_CHECKSUM = "10"


class ShortAnswer(StrEnum):
    """``#ASD#`` codes (answer to a short data packet)."""

    STRUCTURE = "-1"
    TIME = "0"
    OK = "1"
    COORDINATES = "10"
    SPEED_COURSE_ALTITUDE = "11"
    SATELLITES = "12"
    BAD_CHECKSUM = "13"


class DataAnswer(StrEnum):
    """``#AD#`` codes (answer to an extended data packet)."""

    STRUCTURE = "-1"
    TIME = "0"
    OK = "1"
    COORDINATES = "10"
    SPEED_COURSE_ALTITUDE = "11"
    SATELLITES_HDOP = "12"
    INPUTS_OUTPUTS = "13"
    ADC = "14"
    PARAMS = "15"
    BAD_CHECKSUM = "16"


class Field(Enum):
    """What a data message is made of, in the order it is sent; each has its answer codes."""

    TIME = (ShortAnswer.TIME, DataAnswer.TIME)
    COORDINATES = (ShortAnswer.COORDINATES, DataAnswer.COORDINATES)
    MOTION = (ShortAnswer.SPEED_COURSE_ALTITUDE, DataAnswer.SPEED_COURSE_ALTITUDE)
    SATELLITES = (ShortAnswer.SATELLITES, DataAnswer.SATELLITES_HDOP)
    STRUCTURE = (ShortAnswer.STRUCTURE, DataAnswer.STRUCTURE)

    @property
    def short_answer(self) -> ShortAnswer:
        return self.value[0]

    @property
    def data_answer(self) -> DataAnswer:
        return self.value[1]


#: Optional elements of an extended data message: a malformed one is dropped alone (its text
#: kept with the fix) and the fix is still stored and answered ``#AD#1``.
OPTIONAL_ELEMENTS: Final = ("hdop", "inputs", "outputs", "adc", "ibutton", "params")
SHORT_FIELDS: Final = 10  # date;time;lat;N;lon;E;speed;course;altitude;sats
DATA_FIELDS: Final = 16  # the above and hdop;inputs;outputs;adc;ibutton;params
PARAM_INT, PARAM_DOUBLE, PARAM_STRING = "1", "2", "3"
