"""Cutting a TCP stream into whole EGTS transport packets; lengths only, no meaning."""

from __future__ import annotations

from egts_server.codec.egts import kernels as implementations
from egts_server.codec.egts.kernels import Kernels
from egts_server.codec.errors import FramingError


class Framer:
    """Feed it whatever TCP delivered; get back every complete frame, in order.

    Tolerates any segmentation and several frames glued in one read. Nothing is judged before
    11 bytes are buffered, so verdicts do not depend on how the stream was split. When the
    stream cannot be trusted any more (PRV/PRF, HL, HCS, or a declared length over 65535
    bytes) ``feed`` raises a ``FramingError`` whose ``frames`` are the complete frames cut
    before the bad bytes in the same call and whose ``pid`` is the bad header's PID as read;
    the framer then stays failed (every later ``feed`` raises again, with no frames).

    The buffer is bounded by construction: a frame is at most 65535 bytes, checked from the
    header before waiting for the body.
    """

    __slots__ = ("_buf", "_failed", "_frame_length")

    def __init__(self, *, kernels: Kernels | None = None) -> None:
        """``kernels``: the implementation of ``frame_length``; ``kernels.ACTIVE`` by default."""
        self._buf = bytearray()
        self._failed: FramingError | None = None
        self._frame_length = (kernels or implementations.ACTIVE).frame_length

    @property
    def buffered(self) -> int:
        """Bytes held back waiting for the rest of a frame."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[bytes]:
        if self._failed is not None:
            raise type(self._failed)(str(self._failed), pid=self._failed.pid)
        self._buf += data
        frames: list[bytes] = []
        frame_length = self._frame_length
        while True:
            try:
                size = frame_length(self._buf)
            except FramingError as error:
                error.frames = tuple(frames)
                self._failed = error
                self._buf.clear()
                raise
            if size is None or len(self._buf) < size:
                return frames
            frames.append(bytes(self._buf[:size]))
            del self._buf[:size]
