"""Cutting a Wialon Retranslator stream: each packet starts with its size (u32 little-endian)."""

from __future__ import annotations

from typing import Final

from egts_server.codec.framing import StreamFramer, prefixed_size
from egts_server.codec.wialonretr.packet import MAX_PACKET

_SIZES: Final = range(1, MAX_PACKET + 1)


class Framer(StreamFramer):
    """Whole packets (size prefix included), in order; ``PacketLengthError`` for a size no
    packet of ours may have (the stream cannot be cut after it)."""

    __slots__ = ()

    def _frame_size(self, buf: bytearray, pos: int) -> int | None:
        return prefixed_size(buf, pos, 4, "little", _SIZES, "packet size {}")
