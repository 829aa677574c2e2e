"""The blocking socket under the test terminals: send bytes, cut the server's replies into frames.

Each protocol's terminal says only how long a frame is (from its header), so the framing loop is
written once for EGTS and NDTP alike.
"""

from __future__ import annotations

import socket


class SocketTerminal:
    """A client connection that reads whole frames, however the server's bytes arrive."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 10.0) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self._buf = b""

    def close(self) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_frame(self) -> bytes | None:
        """The next whole frame, or None when the server closed the connection."""
        while True:
            size = self.frame_size(self._buf)
            if size is not None and len(self._buf) >= size:
                frame, self._buf = self._buf[:size], self._buf[size:]
                return frame
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self._buf += chunk

    def frame_size(self, buf: bytes) -> int | None:
        """The size of the frame ``buf`` starts with; None while its header is incomplete."""
        raise NotImplementedError
