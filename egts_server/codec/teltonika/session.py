"""Per-connection state machine for the server side of Teltonika Codec 8, 8 Extended and 16.

``Session.handle(frame)`` takes one frame as cut by ``Framer`` and returns a ``Handled``. The
first frame is the IMEI: it names the connection (``teltonika:<imei>``) and becomes a ``Login``
that the adapter answers with ``login_result`` (one byte). Each AVL packet afterwards is
answered, once its fixes are stored, with the number of records accepted (u32). A packet whose
CRC, record counts or records do not hold is answered 0 (nothing accepted: the device sends it
again) and reported in ``Handled.error``. A Codec 12 response to a command comes back as
``Handled.response`` (its text) and is not answered; a broken one only as an error, since the
device waits for no answer to it. Never raises on input.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from egts_server.codec import handled
from egts_server.codec.crc import crc16_arc
from egts_server.codec.errors import (
    ChecksumError,
    CodecError,
    FormatError,
    FramingError,
    IdentityError,
    PacketTypeError,
)
from egts_server.codec.handled import Login
from egts_server.codec.reader import ByteReader
from egts_server.codec.teltonika.commands import read_message
from egts_server.codec.teltonika.constants import (
    CODEC_12,
    CRC_SIZE,
    HEADER_SIZE,
    IMEI_ACCEPTED,
    IMEI_REFUSED,
    MessageType,
)
from egts_server.codec.teltonika.records import LAYOUTS, read_records
from egts_server.codec.teltonika.to_positions import record_position
from egts_server.codec.tracker_session import TrackerSession
from egts_server.model import DeviceKey

PROTOCOL: Final = "teltonika"
NOTHING_ACCEPTED: Final = (0).to_bytes(4, "big")


@dataclass(frozen=True, slots=True)
class Handled(handled.Handled[str]):
    """What one frame asks of the connection, and the device's answer to a command."""

    response: bytes | None = None  # the device's answer to the oldest unanswered command


def accepted(count: int) -> bytes:
    """The answer to an AVL packet: how many records the server took."""
    return count.to_bytes(4, "big")


class Session(TrackerSession):
    """Per-connection state machine for the server side. Never raises on input."""

    def handle(self, frame: bytes) -> Handled:
        if self._refused:
            return Handled(close=True)
        if self._device is None:
            return self._imei(frame)
        return self._avl(frame)

    def _login_answer(self, login: Login, accepted: bool) -> bytes:
        """0x01 or 0x00."""
        return IMEI_ACCEPTED if accepted else IMEI_REFUSED

    def framing_error(self, error: FramingError) -> Handled:
        """Nothing to answer, close; a Teltonika ``Handled``, since the adapter looks at every
        one for a command's answer."""
        return Handled(close=True, error=error)

    def _imei(self, frame: bytes) -> Handled:
        text = frame[2:].decode("ascii", errors="replace")
        if not text.isdigit():
            self._refused = True
            return Handled(ack=IMEI_REFUSED, close=True,
                           error=IdentityError(f"IMEI {text[:20]!r} is not digits"))
        self._device = DeviceKey(PROTOCOL, text)
        return Handled(login=Login(self._device, text if len(text) == 15 else None,
                                   MappingProxyType({})))

    def _avl(self, frame: bytes) -> Handled:
        assert self._device is not None
        data = frame[HEADER_SIZE:-CRC_SIZE]
        received = int.from_bytes(frame[-CRC_SIZE:], "big")
        computed = crc16_arc(data)
        if data[0] == CODEC_12:
            return self._response(data, received, computed)
        if received != computed:
            return Handled(ack=NOTHING_ACCEPTED, error=ChecksumError("AVL", computed, received))
        codec, count, count_again = data[0], data[1], data[-1]
        if codec not in LAYOUTS:
            return Handled(ack=NOTHING_ACCEPTED,
                           error=PacketTypeError(f"codec 0x{codec:02X} not handled"))
        if count != count_again:
            return Handled(ack=NOTHING_ACCEPTED,
                           error=FormatError(f"record counts {count} and {count_again} differ"))
        reader = ByteReader(data[2:-1])
        try:
            records = read_records(codec, reader, count)
            if reader.remaining:
                raise FormatError(f"{reader.remaining} bytes after the last record")
            positions = tuple(record_position(r, self._device) for r in records)
        except CodecError as error:
            return Handled(ack=NOTHING_ACCEPTED, error=error)
        return Handled(positions=positions, ack=accepted(len(positions)))

    def _response(self, data: bytes, received: int, computed: int) -> Handled:
        if received != computed:
            return Handled(error=ChecksumError("Codec 12", computed, received))
        try:
            kind, text = read_message(data)
        except CodecError as error:
            return Handled(error=error)
        if kind != MessageType.RESPONSE:
            return Handled(error=PacketTypeError("a Codec 12 command from the device"))
        return Handled(response=text)
