"""AVL records -> ``model.Position``: the only place Teltonika units become domain units.

Numbering (README): AVL ids 1-3 are digital inputs 1-3 (``Position.inputs``); outputs 179, 180,
50, 51 are outputs 1-4 (``outputs`` mask); analog 9, 10, 11, 245 are ``adc1``-``adc4`` (mV);
66/67 are the external and battery voltages; 16 the total odometer; 182 the HDOP x 10; 78 the
iButton (0: none). Every element is also kept raw as ``io<id>`` (variable-length ones as hex).
A record with no satellites is stored with ``valid=False``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Final

from egts_server.codec.teltonika.constants import (
    ANALOG_INPUTS,
    DIGITAL_INPUTS,
    DIGITAL_OUTPUTS,
    IO_BATTERY_VOLTAGE_MV,
    IO_EXTERNAL_VOLTAGE_MV,
    IO_HDOP_X10,
    IO_IBUTTON,
    IO_TOTAL_ODOMETER_M,
)
from egts_server.codec.teltonika.errors import CoordinateError
from egts_server.codec.teltonika.records import AvlRecord
from egts_server.model import (
    KEY_ANALOG,
    KEY_IBUTTON,
    KEY_IO,
    KEY_OUTPUTS,
    KEY_VOLTAGE_INTERNAL,
    KEY_VOLTAGE_MAIN,
    AttributeValue,
    DeviceKey,
    Position,
)

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_LAT_LIMIT: Final = 900_000_000
_LON_LIMIT: Final = 1_800_000_000
_LAST_MS: Final = 4_102_444_800_000  # 2100-01-01: later times are not a clock's


def record_position(record: AvlRecord, device: DeviceKey) -> Position:
    """The fix ``record`` reports; ``CoordinateError`` for a place or time that cannot be."""
    if abs(record.latitude_e7) > _LAT_LIMIT or abs(record.longitude_e7) > _LON_LIMIT:
        raise CoordinateError(f"coordinates {record.latitude_e7} {record.longitude_e7} "
                              "outside the globe")
    if record.timestamp_ms > _LAST_MS:
        raise CoordinateError(f"timestamp {record.timestamp_ms} ms is past 2100")
    attributes: dict[str, AttributeValue] = {}
    inputs = outputs = 0
    for element, value in record.io.items():
        attributes[KEY_IO.format(n=element)] = value.hex() if isinstance(value, bytes) else value
        if isinstance(value, bytes):
            continue
        if element in DIGITAL_INPUTS and value:
            inputs |= 1 << (DIGITAL_INPUTS[element] - 1)
        elif element in DIGITAL_OUTPUTS and value:
            outputs |= 1 << (DIGITAL_OUTPUTS[element] - 1)
        elif element in ANALOG_INPUTS:
            attributes[KEY_ANALOG.format(n=ANALOG_INPUTS[element])] = value
        elif element == IO_EXTERNAL_VOLTAGE_MV:
            attributes[KEY_VOLTAGE_MAIN] = value / 1000
        elif element == IO_BATTERY_VOLTAGE_MV:
            attributes[KEY_VOLTAGE_INTERNAL] = value / 1000
        elif element == IO_IBUTTON and value:  # 0: no key attached
            attributes[KEY_IBUTTON] = f"{value:016X}"
    if any(element in DIGITAL_OUTPUTS for element in record.io):
        attributes[KEY_OUTPUTS] = outputs
    odometer = record.io.get(IO_TOTAL_ODOMETER_M)
    hdop = record.io.get(IO_HDOP_X10)
    has_inputs = any(element in DIGITAL_INPUTS for element in record.io)
    return Position(
        device=device, fix_time=_EPOCH + timedelta(milliseconds=record.timestamp_ms),
        latitude=record.latitude_e7 / 1e7, longitude=record.longitude_e7 / 1e7,
        valid=record.satellites > 0, speed_kmh=float(record.speed_kmh),
        course_deg=float(record.angle_deg % 360), altitude_m=float(record.altitude_m),
        satellites=record.satellites, hdop=hdop / 10 if isinstance(hdop, int) else None,
        inputs=inputs if has_inputs else None,
        odometer_m=float(odometer) if isinstance(odometer, int) else None,
        attributes=MappingProxyType(attributes))
