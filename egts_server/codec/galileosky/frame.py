"""Cutting a Galileosky stream into packets by their length field."""

from __future__ import annotations

from egts_server.codec.errors import HeaderFormatError
from egts_server.codec.framing import StreamFramer
from egts_server.codec.galileosky.constants import HEADERS, LENGTH_MASK


class Framer(StreamFramer):
    """Whole packets (header, length, tags, CRC), in order. ``HeaderFormatError`` for a byte
    that starts no packet: nothing marks where the next one begins."""

    __slots__ = ()

    def _frame_size(self, buf: bytearray, pos: int) -> int | None:
        if buf[pos] not in HEADERS:
            raise HeaderFormatError(f"header byte {buf[pos]:#04x}")
        if len(buf) - pos < 3:
            return None
        return 3 + (int.from_bytes(buf[pos + 1:pos + 3], "little") & LENGTH_MASK) + 2
