"""Per-connection state machine for the server side of Galileosky.

The first packet carries the IMEI tag: it names the connection (``galileosky:<imei>``) and is a
``Login``; the confirmation (0x02 and the packet's CRC) follows the registry's yes. Every data
packet is confirmed the same way once its fixes are stored, archive records included (the
length field's bit 15 only says more are waiting). A packet whose CRC does not match is not
confirmed (the device sends it again); a tag of unknown size ends the reading: the records
before it are stored and confirmed, the rest kept raw with the last fix. Never raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from egts_server.codec.crc import crc16_modbus
from egts_server.codec.errors import (
    ChecksumError,
    CodecError,
    FramingError,
    IdentityError,
    PacketTypeError,
    UnsupportedError,
)
from egts_server.codec.galileosky.constants import CONFIRM, DATA, TAG_IMEI
from egts_server.codec.galileosky.tags import read_tags
from egts_server.codec.galileosky.to_positions import record_position
from egts_server.model import KEY_DROPPED_RAW, DeviceKey, Position

PROTOCOL: Final = "galileosky"


@dataclass(frozen=True, slots=True)
class Login:
    device: DeviceKey
    imei: str | None
    details: Mapping[str, str]
    confirmation: bytes  # written once the registry said yes


@dataclass(frozen=True, slots=True)
class Handled:
    """What one packet asks of the connection (the same shape as the other codecs')."""

    replies: tuple[bytes, ...] = ()
    positions: tuple[Position, ...] = ()
    ack: bytes | None = None
    login: Login | None = None
    close: bool = False
    error: CodecError | None = None
    dropped: tuple[str, ...] = ()


def confirmation(crc: int) -> bytes:
    return bytes((CONFIRM,)) + crc.to_bytes(2, "little")


class Session:
    def __init__(self) -> None:
        self._device: DeviceKey | None = None
        self._refused = False

    @property
    def device(self) -> DeviceKey | None:
        return self._device

    def handle(self, frame: bytes) -> Handled:
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
            login = Login(self._device, text if text.isdigit() else None, MappingProxyType({}),
                          confirmation(received))
        if self._device is None:
            return Handled(error=IdentityError("data before the IMEI tag"))
        positions = [p for p in (record_position(r, self._device) for r in tags.records)
                     if p is not None]
        error: CodecError | None = None
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

    def login_result(self, login: Login, accepted: bool) -> bytes:
        if not accepted:
            self._refused = True
            return b""
        return login.confirmation

    def framing_error(self, error: FramingError) -> Handled:
        return Handled(close=True, error=error)
