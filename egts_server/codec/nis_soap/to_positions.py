"""PutCoord records -> ``model.Position`` (``DeviceKey("nis", ObjectID)``).

Numbers are 0-based on the wire (research §8, glonassd): ``DigI inpnum="j"`` sets bit ``j`` of
``inputs`` (bit 0 = input 1; ``inpnum`` 63, input 64, is beyond the mask and becomes
``din64``), ``DigO outnum="j"`` bit ``j`` of the ``outputs`` attribute, and
``AnalogI num="j"`` becomes ``adc{j+1}``, the numbering EGTS fixes use.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import Final

from egts_server.codec.nis_soap.records import PutCoord
from egts_server.model import (
    INPUTS_IN_MASK,
    KEY_ANALOG,
    KEY_DIGITAL_INPUT,
    KEY_OUTPUTS,
    AttributeValue,
    DeviceKey,
    Position,
)

PROTOCOL: Final = "nis"


def device_of(record: PutCoord) -> DeviceKey:
    return DeviceKey(PROTOCOL, record.object_id)


def put_coord_position(record: PutCoord) -> Position:
    attributes: dict[str, AttributeValue] = {}
    if record.digital_outputs:
        attributes[KEY_OUTPUTS] = sum({1 << n for n in record.digital_outputs})
    for n, value in record.analog_inputs:
        attributes[KEY_ANALOG.format(n=n + 1)] = value
    for n in record.digital_inputs:
        if n >= INPUTS_IN_MASK:
            attributes[KEY_DIGITAL_INPUT.format(n=n + 1)] = 1
    return Position(
        device=device_of(record),
        fix_time=record.time,
        latitude=record.lat,
        longitude=record.lon,
        valid=record.valid,
        speed_kmh=record.speed,
        course_deg=record.course,
        altitude_m=record.alt,
        inputs=sum({1 << n for n in record.digital_inputs if n < INPUTS_IN_MASK}),
        attributes=MappingProxyType(attributes),
    )


def put_coord_positions(records: Iterable[PutCoord]) -> list[Position]:
    return [put_coord_position(r) for r in records]
