"""Cutting a TCP stream into frames whose size their first bytes tell: what the tracker
protocols' framers share (Galileosky, NavTelecom, Teltonika, Wialon IPS and Retranslator), and
the buffer they keep (NDTP's framer keeps one too).

Each tracker protocol says only how long the frame at a position is; ``StreamFramer`` buffers
what TCP delivered, however it was split or glued, and cuts. None of these protocols marks
where the next frame begins, so a header that cannot be measured ends the stream:
``FramingError`` carries the frames cut before it in the same ``feed`` and the buffer is
dropped.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Literal

from egts_server.codec.errors import FramingError, PacketLengthError


class BufferedFramer:
    """A framer's buffer: what TCP delivered that is not a whole frame yet."""

    __slots__ = ("_buf",)

    def __init__(self) -> None:
        self._buf = bytearray()

    @property
    def buffered(self) -> int:
        """Bytes held back waiting for the rest of a frame."""
        return len(self._buf)


class StreamFramer(BufferedFramer, ABC):
    """Feed it whatever TCP delivered; get back every complete frame, in order."""

    __slots__ = ()

    def feed(self, data: bytes | bytearray | memoryview) -> list[bytes]:
        buf = self._buf
        buf += data
        frames: list[bytes] = []
        pos = 0
        try:
            while pos < len(buf):
                size = self._frame_size(buf, pos)
                if size is None or len(buf) - pos < size:
                    break
                frames.append(self._cut(bytes(buf[pos:pos + size])))
                pos += size
        except FramingError as error:
            del buf[:]
            error.frames = tuple(frames)
            raise
        if pos:
            del buf[:pos]
        return frames

    @abstractmethod
    def _frame_size(self, buf: bytearray, pos: int) -> int | None:
        """The size of the frame at ``pos``; None while its header is incomplete. Raises
        ``FramingError`` when the bytes there start no frame."""

    def _cut(self, frame: bytes) -> bytes:
        """What ``feed`` hands on for a frame just cut, in order: the frame as it came."""
        return frame


def prefixed_size(buf: bytearray, pos: int, width: int, byteorder: Literal["big", "little"],
                  lengths: range, error: str) -> int | None:
    """The size of the frame at ``pos`` that starts with its length (``width`` bytes, not
    counting themselves), prefix included; None until the prefix arrived. A length outside
    ``lengths`` raises ``PacketLengthError`` with ``error`` formatted with it."""
    if len(buf) - pos < width:
        return None
    length = int.from_bytes(buf[pos:pos + width], byteorder)
    if length not in lengths:
        raise PacketLengthError(error.format(length))
    return width + length
