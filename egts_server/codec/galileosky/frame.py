"""Cutting a Galileosky stream into packets by their length field."""

from __future__ import annotations

from egts_server.codec.errors import HeaderFormatError
from egts_server.codec.galileosky.constants import HEADERS, LENGTH_MASK


class Framer:
    """Whole packets (header, length, tags, CRC), in order. ``HeaderFormatError`` for a byte
    that starts no packet: nothing marks where the next one begins."""

    __slots__ = ("_buf",)

    def __init__(self) -> None:
        self._buf = bytearray()

    @property
    def buffered(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes | bytearray | memoryview) -> list[bytes]:
        buf = self._buf
        buf += data
        frames: list[bytes] = []
        pos = 0
        while pos < len(buf):
            if buf[pos] not in HEADERS:
                error = HeaderFormatError(f"header byte {buf[pos]:#04x}", frames=tuple(frames))
                del buf[:]
                raise error
            if len(buf) - pos < 3:
                break
            size = 3 + (int.from_bytes(buf[pos + 1:pos + 3], "little") & LENGTH_MASK) + 2
            if len(buf) - pos < size:
                break
            frames.append(bytes(buf[pos:pos + size]))
            pos += size
        if pos:
            del buf[:pos]
        return frames
