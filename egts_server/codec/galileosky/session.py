"""Per-connection state machine for the server side of Galileosky.

The first packet carries the IMEI tag: it names the connection (``galileosky:<imei>``) and is a
``Login``; the confirmation (0x02 and the packet's CRC) follows the registry's yes. Every data
packet is confirmed the same way once its fixes are stored, archive records included (the
length field's bit 15 only says more are waiting). A packet whose CRC does not match is not
confirmed (the device sends it again); a tag of unknown size ends the reading: the records
before it are stored and confirmed, the rest kept raw with the last fix. Never raises.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from egts_server.codec.crc import crc16_modbus
from egts_server.codec.errors import ChecksumError, IdentityError, PacketTypeError, UnsupportedError
from egts_server.codec.galileosky.constants import CONFIRM, DATA, TAG_IMEI
from egts_server.codec.galileosky.tags import read_tags
from egts_server.codec.galileosky.to_positions import record_position
from egts_server.codec.handled import Handled
from egts_server.codec.tracker_session import LoginWithAnswer, TrackerSession
from egts_server.model import KEY_DROPPED_RAW, DeviceKey

PROTOCOL: Final = "galileosky"


def confirmation(crc: int) -> bytes:
    """The answer to a packet: 0x02 and the packet's CRC, which names the packet it confirms."""
    return bytes((CONFIRM,)) + crc.to_bytes(2, "little")


class Session(TrackerSession):
    def handle(self, frame: bytes) -> Handled[str]:
        if self._refused:
            return Handled(close=True)
        received = int.from_bytes(frame[-2:], "little")
        computed = crc16_modbus(frame[:-2])
        if received != computed:
            return Handled(error=ChecksumError("packet", computed, received))
        if frame[0] != DATA:
            return Handled(ack=confirmation(received),
                           error=PacketTypeError(f"header {frame[0]:#04x} (photo) not taken"))
        tags = read_tags(frame[3:-2])
        imei = next((r[TAG_IMEI] for r in tags.records if TAG_IMEI in r), None)
        login = None
        if imei is not None:
            text = imei.decode("ascii", "replace")
            self._device = DeviceKey(PROTOCOL, text)
            login = LoginWithAnswer(self._device, text if text.isdigit() else None,
                                    MappingProxyType({}), answer=confirmation(received))
        if self._device is None:
            return Handled(error=IdentityError("data before the IMEI tag"))
        positions = [p for p in (record_position(r, self._device) for r in tags.records)
                     if p is not None]
        error: UnsupportedError | None = None
        dropped: tuple[str, ...] = ()
        if tags.unknown_tag is not None:
            error = UnsupportedError(f"tag {tags.unknown_tag:#04x} of unknown size; "
                                     f"{len(tags.tail)} bytes kept raw")
            dropped = ("tail",)
            if positions:
                last = positions[-1]
                positions[-1] = last._replace(attributes=MappingProxyType({
                    **last.attributes, KEY_DROPPED_RAW.format(element="tail"): tags.tail.hex()}))
        return Handled(positions=tuple(positions),
                       ack=None if login else confirmation(received), login=login,
                       error=error, dropped=dropped)

