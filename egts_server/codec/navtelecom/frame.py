"""Cutting a NavTelecom stream: NTCB frames (``ntcb``) and FLEX data (``~A`` archive, ``~T``
current record) whose length follows from the negotiated field set (``Negotiated``, shared
with the session).

Facts (NavTelecom's public FLEX description): ``~A`` is followed by a record count (u8), the
records and a CRC-8 (EGTS polynomial); ``~T`` by an event index (u32 LE), one record and the
CRC-8.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from egts_server.codec.errors import CodecError, HeaderFormatError
from egts_server.codec.framing import StreamFramer
from egts_server.codec.navtelecom.fields import record_size
from egts_server.codec.navtelecom.ntcb import (
    FLEX_OFFER,
    NTCB_HEADER,
    PREAMBLE,
    check_ntcb,
    flex_offer,
)


@dataclass(slots=True)
class Negotiated:
    """The FLEX field set in force on this connection (None until ``*>FLEX``). The framer
    takes it as it cuts the offer, so what follows is measured by it however TCP split it, and
    queues the set each FLEX frame was cut with for the session (``cut_with``): a later offer
    cut in the same read must not change how an earlier frame is read."""

    fields: tuple[int, ...] | None = None
    record_size: int = 0
    cut_with: deque[tuple[int, ...]] = field(default_factory=deque)

    def take(self, frame: bytes) -> None:
        """Adopt the field set ``frame`` offers, if it is a readable ``*>FLEX`` offer (the
        session reports one that is not)."""
        try:
            data = check_ntcb(frame)
            if data.startswith(FLEX_OFFER):
                self.fields = flex_offer(data)
                self.record_size = record_size(self.fields)
        except CodecError:
            pass


class Framer(StreamFramer):
    """Whole frames, in order; ``FramingError`` for bytes that start none (or FLEX data before
    the field set was negotiated: its records cannot be measured)."""

    __slots__ = ("negotiated",)

    def __init__(self, negotiated: Negotiated) -> None:
        super().__init__()
        self.negotiated = negotiated

    def _cut(self, frame: bytes) -> bytes:
        if frame[:1] == PREAMBLE[:1]:
            self.negotiated.take(frame)
        else:
            assert self.negotiated.fields is not None  # _frame_size refused it otherwise
            self.negotiated.cut_with.append(self.negotiated.fields)
        return frame

    def _frame_size(self, buf: bytearray, pos: int) -> int | None:
        first = buf[pos]
        if first == PREAMBLE[0]:
            head = bytes(buf[pos:pos + 4])
            if not PREAMBLE.startswith(head):
                raise HeaderFormatError(f"not an NTCB preamble: {head!r}")
            if len(buf) - pos < NTCB_HEADER:
                return None
            return NTCB_HEADER + int.from_bytes(buf[pos + 12:pos + 14], "little")
        if first != ord("~"):
            raise HeaderFormatError(f"byte {first:#04x} starts no NTCB or FLEX frame")
        if len(buf) - pos < 3:
            return None
        kind = buf[pos + 1]
        if self.negotiated.fields is None:
            raise HeaderFormatError("FLEX data before the field set was negotiated")
        if kind == ord("A"):
            return 3 + buf[pos + 2] * self.negotiated.record_size + 1
        if kind == ord("T"):
            return 6 + self.negotiated.record_size + 1
        raise HeaderFormatError(f"FLEX frame type {chr(kind)!r} not handled")
