"""Wialon IPS messages -> ``model.Position``: the only place Wialon units become domain units.

Numbering (README): input bit 0 is digital input 1 (``Position.inputs``; inputs above 63 go to
``din{n}``), output bit 0 is output 1 (``outputs`` mask), ADC value k is ``adc{k}`` from 1,
named parameters keep their names under ``param_<name>``. A message without coordinates
(``NA``) has no place to stand on the map and yields no fix. Validity: a fix with a satellite
count below 3 is stored with ``valid=False``; without a count it is taken as valid.
"""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType

from egts_server.codec.wialon.messages import Message
from egts_server.model import (
    INPUTS_IN_MASK,
    KEY_ANALOG,
    KEY_DIGITAL_INPUT,
    KEY_DROPPED_RAW,
    KEY_IBUTTON,
    KEY_OUTPUTS,
    KEY_PARAM,
    AttributeValue,
    DeviceKey,
    Position,
)

_MASK = (1 << INPUTS_IN_MASK) - 1


def message_position(message: Message, device: DeviceKey, received_at: datetime, *,
                     black_box: bool = False) -> Position | None:
    """The fix ``message`` reports (None without coordinates); ``received_at`` stands in for a
    time sent as ``NA``."""
    if message.latitude is None or message.longitude is None:
        return None
    attributes: dict[str, AttributeValue] = {}
    inputs = None
    if message.inputs is not None:
        inputs = message.inputs & _MASK
        high = message.inputs >> INPUTS_IN_MASK
        n = INPUTS_IN_MASK + 1
        while high:
            if high & 1:
                attributes[KEY_DIGITAL_INPUT.format(n=n)] = 1
            high >>= 1
            n += 1
    if message.outputs is not None:
        attributes[KEY_OUTPUTS] = message.outputs
    for k, value in enumerate(message.adc, start=1):
        if value is not None:
            attributes[KEY_ANALOG.format(n=k)] = value
    if message.ibutton is not None:
        attributes[KEY_IBUTTON] = message.ibutton
    for name, param in message.params.items():
        attributes[KEY_PARAM.format(name=name)] = param
    for element, raw in message.dropped.items():
        attributes[KEY_DROPPED_RAW.format(element=element)] = raw
    satellites = message.satellites
    return Position(
        device=device, fix_time=message.fix_time or received_at, latitude=message.latitude,
        longitude=message.longitude, valid=satellites is None or satellites >= 3,
        speed_kmh=message.speed_kmh or 0.0, course_deg=message.course_deg or 0.0,
        altitude_m=message.altitude_m, satellites=satellites, hdop=message.hdop,
        inputs=inputs, black_box=black_box, attributes=MappingProxyType(attributes))
