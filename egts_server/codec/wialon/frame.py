"""Cutting a TCP stream into Wialon IPS packets: each ends with CR LF; nothing else is framing."""

from __future__ import annotations

from egts_server.codec.framing import StreamFramer
from egts_server.codec.wialon.constants import END


class Framer(StreamFramer):
    """Feed it whatever TCP delivered; get back every complete packet (CR LF removed), in order.

    It never raises: what a packet means is the session's business. A packet that never ends is
    bounded by the connection's ``max_buffered_bytes``.
    """

    __slots__ = ()

    def _frame_size(self, buf: bytearray, pos: int) -> int | None:
        end = buf.find(END, pos)
        return None if end < 0 else end + len(END) - pos

    def _cut(self, frame: bytes) -> bytes:
        return frame[:-len(END)]
