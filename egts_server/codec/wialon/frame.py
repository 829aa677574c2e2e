"""Cutting a TCP stream into Wialon IPS packets: each ends with CR LF; nothing else is framing."""

from __future__ import annotations

from egts_server.codec.wialon.constants import END


class Framer:
    """Feed it whatever TCP delivered; get back every complete packet (CR LF removed), in order.

    It never raises: what a packet means is the session's business. A packet that never ends is
    bounded by the connection's ``max_buffered_bytes``.
    """

    __slots__ = ("_buf",)

    def __init__(self) -> None:
        self._buf = bytearray()

    @property
    def buffered(self) -> int:
        """Bytes held back waiting for the end of a packet."""
        return len(self._buf)

    def feed(self, data: bytes | bytearray | memoryview) -> list[bytes]:
        buf = self._buf
        buf += data
        packets: list[bytes] = []
        pos = 0
        while (end := buf.find(END, pos)) >= 0:
            packets.append(bytes(buf[pos:end]))
            pos = end + len(END)
        if pos:
            del buf[:pos]
        return packets
