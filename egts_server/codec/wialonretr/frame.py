"""Cutting a Wialon Retranslator stream: each packet starts with its size (u32 little-endian)."""

from __future__ import annotations

from egts_server.codec.errors import PacketLengthError
from egts_server.codec.wialonretr.packet import MAX_PACKET


class Framer:
    """Whole packets (size prefix included), in order; ``PacketLengthError`` for a size no
    packet of ours may have (the stream cannot be cut after it)."""

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
        while len(buf) - pos >= 4:
            size = int.from_bytes(buf[pos:pos + 4], "little")
            if not 1 <= size <= MAX_PACKET:
                del buf[:]
                raise PacketLengthError(f"packet size {size}", frames=tuple(frames))
            if len(buf) - pos < 4 + size:
                break
            frames.append(bytes(buf[pos:pos + 4 + size]))
            pos += 4 + size
        if pos:
            del buf[:pos]
        return frames
