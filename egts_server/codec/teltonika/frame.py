"""Cutting a Teltonika TCP stream: first the IMEI message, then AVL packets by their length.

There is no way to find the next packet after a broken header (no marker, no escaping), so a
packet whose preamble is not zero or whose length is impossible ends the stream with a
``FramingError``; the frames cut before it are in the error.
"""

from __future__ import annotations

from typing import Final

from egts_server.codec.errors import HeaderFormatError, PacketLengthError
from egts_server.codec.framing import StreamFramer, prefixed_size
from egts_server.codec.teltonika.constants import (
    CRC_SIZE,
    HEADER_SIZE,
    MAX_DATA,
    MAX_IMEI,
    MIN_DATA,
    PREAMBLE,
)

_IMEI_LENGTHS: Final = range(1, MAX_IMEI + 1)


class Framer(StreamFramer):
    """Feed it whatever TCP delivered; get back every complete frame (the IMEI message, then
    whole AVL packets), in order. Raises ``FramingError`` when the stream cannot be cut."""

    __slots__ = ("_identified",)

    def __init__(self) -> None:
        super().__init__()
        self._identified = False

    def _cut(self, frame: bytes) -> bytes:
        self._identified = True  # the first frame is the IMEI message; AVL packets follow
        return frame

    def _frame_size(self, buf: bytearray, pos: int) -> int | None:
        if not self._identified:
            return prefixed_size(buf, pos, 2, "big", _IMEI_LENGTHS, "IMEI message of {} bytes")
        if len(buf) - pos < HEADER_SIZE:
            if buf[pos:pos + 4] != PREAMBLE[:len(buf) - pos][:4]:
                raise HeaderFormatError("AVL packet without the zero preamble")
            return None
        if buf[pos:pos + 4] != PREAMBLE:
            raise HeaderFormatError("AVL packet without the zero preamble")
        length = int.from_bytes(buf[pos + 4:pos + 8], "big")
        if not MIN_DATA <= length <= MAX_DATA:
            raise PacketLengthError(f"AVL data length {length}")
        return HEADER_SIZE + length + CRC_SIZE
