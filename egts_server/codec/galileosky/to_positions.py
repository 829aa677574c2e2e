"""Galileosky records -> ``model.Position``: the only place its units become domain units.

Numbering (README): bit k of the inputs tag (0x46) is digital input k+1 (the device's IN0 is
input 1); the outputs tag (0x45) is the ``outputs`` mask; analog tags 0x50-0x57 are
``adc1``-``adc8`` (mV); fuel tags 0x60-0x62 are ``lls1``-``lls3`` (raw); 0x41/0x42 the supply
and battery voltages; 0xD4 the odometer (m); 0x90 the iButton (0: none). Every other tag is kept as
``tag<hex>`` (its little-endian number, or hex for longer values). A record without time or
coordinates yields no fix. Coordinates' first byte: satellites in the low nibble, and a
correctness code in the high nibble (0 = valid).
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import MappingProxyType

from egts_server.codec.galileosky.constants import (
    ANALOG_TAGS,
    FUEL_TAGS,
    TAG_ALTITUDE,
    TAG_BATTERY_MV,
    TAG_COORDINATES,
    TAG_HDOP,
    TAG_IBUTTON,
    TAG_IMEI,
    TAG_INPUTS,
    TAG_ODOMETER_M,
    TAG_OUTPUTS,
    TAG_SPEED_COURSE,
    TAG_SUPPLY_MV,
    TAG_TIME,
)
from egts_server.codec.galileosky.tags import TagValue
from egts_server.model import (
    KEY_ANALOG,
    KEY_IBUTTON,
    KEY_LLS_LEVEL,
    KEY_LLS_UNIT,
    KEY_OUTPUTS,
    KEY_VOLTAGE_INTERNAL,
    KEY_VOLTAGE_MAIN,
    AttributeValue,
    DeviceKey,
    Position,
)

_OWN = frozenset((TAG_TIME, TAG_COORDINATES, TAG_SPEED_COURSE, TAG_ALTITUDE, TAG_HDOP,
                  TAG_INPUTS, TAG_ODOMETER_M, TAG_IMEI))


def _number(value: TagValue, signed: bool = False) -> int:
    return int.from_bytes(value, "little", signed=signed)


def record_position(record: dict[int, TagValue], device: DeviceKey) -> Position | None:
    """The fix of one record; None without time or coordinates (or off the globe)."""
    when, where = record.get(TAG_TIME), record.get(TAG_COORDINATES)
    if when is None or where is None:
        return None
    latitude = _number(where[1:5], signed=True) / 1e6
    longitude = _number(where[5:9], signed=True) / 1e6
    if abs(latitude) > 90 or abs(longitude) > 180:
        return None
    motion = record.get(TAG_SPEED_COURSE)
    altitude = record.get(TAG_ALTITUDE)
    hdop = record.get(TAG_HDOP)
    inputs = record.get(TAG_INPUTS)
    odometer = record.get(TAG_ODOMETER_M)
    attributes: dict[str, AttributeValue] = {}
    for tag, value in record.items():
        if tag in _OWN:
            continue
        if tag == TAG_OUTPUTS:
            attributes[KEY_OUTPUTS] = _number(value)
        elif tag in ANALOG_TAGS:
            attributes[KEY_ANALOG.format(n=tag - ANALOG_TAGS.start + 1)] = _number(value)
        elif tag in FUEL_TAGS:
            n = tag - FUEL_TAGS.start + 1
            attributes[KEY_LLS_LEVEL.format(n=n)] = _number(value)
            attributes[KEY_LLS_UNIT.format(n=n)] = "raw"
        elif tag == TAG_SUPPLY_MV:
            attributes[KEY_VOLTAGE_MAIN] = _number(value) / 1000
        elif tag == TAG_BATTERY_MV:
            attributes[KEY_VOLTAGE_INTERNAL] = _number(value) / 1000
        elif tag == TAG_IBUTTON:
            if _number(value):  # 0: no key attached
                attributes[KEY_IBUTTON] = str(_number(value))
        else:
            attributes[f"tag{tag:02x}"] = _number(value) if len(value) <= 4 else value.hex()
    return Position(
        device=device, fix_time=datetime.fromtimestamp(_number(when), UTC),
        latitude=latitude, longitude=longitude, valid=where[0] & 0xF0 == 0,
        speed_kmh=_number(motion[:2]) / 10 if motion else 0.0,
        course_deg=(_number(motion[2:]) / 10) % 360 if motion else 0.0,
        altitude_m=float(_number(altitude, signed=True)) if altitude else None,
        satellites=where[0] & 0x0F, hdop=hdop[0] / 10 if hdop else None,
        inputs=_number(inputs) if inputs else None,
        odometer_m=float(_number(odometer)) if odometer else None,
        attributes=MappingProxyType(attributes))
