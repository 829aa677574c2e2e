"""Cutting a Wialon Retranslator stream: each packet starts with its size (u32 little-endian)."""

from __future__ import annotations

from egts_server.codec.errors import PacketLengthError
from egts_server.codec.framing import StreamFramer
from egts_server.codec.wialonretr.packet import MAX_PACKET


class Framer(StreamFramer):
    """Whole packets (size prefix included), in order; ``PacketLengthError`` for a size no
    packet of ours may have (the stream cannot be cut after it)."""

    __slots__ = ()

    def _frame_size(self, buf: bytearray, pos: int) -> int | None:
        if len(buf) - pos < 4:
            return None
        size = int.from_bytes(buf[pos:pos + 4], "little")
        if not 1 <= size <= MAX_PACKET:
            raise PacketLengthError(f"packet size {size}")
        return 4 + size
