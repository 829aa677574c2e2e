"""Cutting a TCP stream into frames whose size their first bytes tell: what the tracker
protocols' framers share (Galileosky, NavTelecom, Teltonika, Wialon IPS and Retranslator).

Each protocol says only how long the frame at a position is; this class buffers what TCP
delivered, however it was split or glued, and cuts. None of these protocols marks where the
next frame begins, so a header that cannot be measured ends the stream: ``FramingError``
carries the frames cut before it in the same ``feed`` and the buffer is dropped.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from egts_server.codec.errors import FramingError


class StreamFramer(ABC):
    """Feed it whatever TCP delivered; get back every complete frame, in order."""

    __slots__ = ("_buf",)

    def __init__(self) -> None:
        self._buf = bytearray()

    @property
    def buffered(self) -> int:
        """Bytes held back waiting for the rest of a frame."""
        return len(self._buf)

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
