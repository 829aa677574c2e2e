"""Codec 12 messages: a text command to the device (type 0x05) and its text response (0x06).

Both directions share the AVL envelope (zero preamble, u32 data length, CRC-16/IBM of the data
part), so ``Framer`` cuts responses like AVL packets and ``Session`` reads them with
``read_message``. One message carries one command or one response.
"""

from __future__ import annotations

from egts_server.codec.crc import crc16_arc
from egts_server.codec.errors import FormatError, PacketTypeError
from egts_server.codec.reader import ByteReader
from egts_server.codec.teltonika.constants import CODEC_12, PREAMBLE, MessageType


def command_message(text: bytes) -> bytes:
    """The GPRS command ``text`` (e.g. ``b"getinfo"``) as the server sends it."""
    return _message(MessageType.COMMAND, text)


def response_message(text: bytes) -> bytes:
    """The device's answer ``text`` (device side: simulator, tests)."""
    return _message(MessageType.RESPONSE, text)


def _message(kind: MessageType, text: bytes) -> bytes:
    data = (bytes((CODEC_12, 1, kind)) + len(text).to_bytes(4, "big") + text + b"\x01")
    return PREAMBLE + len(data).to_bytes(4, "big") + data + crc16_arc(data).to_bytes(4, "big")


def read_message(data: bytes) -> tuple[MessageType, bytes]:
    """The type and text of a Codec 12 data part (codec id to the second quantity, CRC already
    checked); ``FormatError``/``TruncatedError``/``PacketTypeError`` when it does not hold."""
    r = ByteReader(data)
    r.u8()  # the codec id: the caller chose this reader by it
    quantity, kind = r.u8(), r.u8()
    if quantity != 1:
        raise FormatError(f"{quantity} messages in one Codec 12 packet; one is sent")
    if kind not in tuple(MessageType):
        raise PacketTypeError(f"Codec 12 type 0x{kind:02X}")
    text = bytes(r.take(int.from_bytes(r.take(4), "big")))
    quantity_again = r.u8()
    if quantity_again != quantity or r.remaining:
        raise FormatError(f"Codec 12 message ends with quantity {quantity_again} and "
                          f"{r.remaining} more bytes")
    return MessageType(kind), text
