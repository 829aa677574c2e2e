"""Per-connection state machine for the server side of Wialon Retranslator 1.0, and the mapping
of its packets onto ``model.Position``.

Every packet names its controller (``wialonretr:<id>``); one connection may carry many
controllers, each admitted on first sight like an EGTS relay's OIDs. A packet is answered 0x11
once its fix is stored (a packet without ``posinfo`` stores nothing and is answered at once); a
packet whose structure does not hold is not answered (the sender resends it).

Numbering (README): ``avl_inputs`` bit 0 is digital input 1 (``Position.inputs``),
``avl_outputs`` the outputs mask, ``avl_driver`` the driver's key; every other named value is
kept as ``param_<name>`` (binary ones as hex). A fix with fewer than 3 satellites is
``valid=False``.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from egts_server.codec.errors import CodecError
from egts_server.codec.handled import Handled
from egts_server.codec.tracker_session import TrackerSession
from egts_server.codec.wialonretr.packet import ACK, RetranslatorPacket, parse_packet
from egts_server.model import (
    INPUTS_IN_MASK,
    KEY_DROPPED_RAW,
    KEY_IBUTTON,
    KEY_OUTPUTS,
    KEY_PARAM,
    AttributeValue,
    DeviceKey,
    Position,
)

PROTOCOL: Final = "wialonretr"
_INPUTS, _OUTPUTS, _DRIVER = "avl_inputs", "avl_outputs", "avl_driver"


class Session(TrackerSession):
    """Never raises on input; ``device`` is the last controller, for the logs."""

    def handle(self, frame: bytes) -> Handled[str]:
        """One packet as cut by ``Framer`` (with its size prefix)."""
        try:
            packet = parse_packet(frame[4:])
        except CodecError as error:
            return Handled(error=error)
        self._device = DeviceKey(PROTOCOL, packet.controller_id[:64])
        position = packet_position(packet, self._device)
        return Handled(positions=() if position is None else (position,), ack=ACK,
                       dropped=tuple(packet.dropped))


def packet_position(packet: RetranslatorPacket, device: DeviceKey) -> Position | None:
    """The fix a packet reports; None without ``posinfo``."""
    p = packet.position
    if p is None:
        return None
    attributes: dict[str, AttributeValue] = {}
    inputs: int | None = None
    for name, value in packet.values.items():
        if name == _INPUTS and isinstance(value, int):
            inputs = value & ((1 << INPUTS_IN_MASK) - 1)
        elif name == _OUTPUTS and isinstance(value, int):
            attributes[KEY_OUTPUTS] = value
        elif name == _DRIVER:
            attributes[KEY_IBUTTON] = value.hex() if isinstance(value, bytes) else str(value)
        else:
            attributes[KEY_PARAM.format(name=name)] = (value.hex() if isinstance(value, bytes)
                                                       else value)
    for name, raw in packet.dropped.items():
        attributes[KEY_DROPPED_RAW.format(element=name)] = raw.hex()
    return Position(device=device, fix_time=packet.time, latitude=p.latitude,
                    longitude=p.longitude, valid=p.satellites >= 3, speed_kmh=float(p.speed_kmh),
                    course_deg=float(p.course_deg % 360), altitude_m=p.altitude_m,
                    satellites=p.satellites, inputs=inputs,
                    attributes=MappingProxyType(attributes))
