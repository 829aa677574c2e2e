"""A blocking NDTP v6 test terminal over a real socket, built only from ``tests.builders.ndtp``.

It frames and checks the server's replies itself (independently of the production codec), so
the integration tests check the server against a second implementation of research/nis.md.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from tests.builders import ndtp as build
from tests.socket_terminal import SocketTerminal


@dataclass(frozen=True)
class Reply:
    """One frame from the server, decoded just enough to check it."""

    service: int
    ptype: int
    request_id: int
    body: bytes

    @property
    def result(self) -> int:
        """The u32 code of an NPH_RESULT."""
        assert self.ptype == 0 and len(self.body) == 4, self
        code: int = struct.unpack("<I", self.body)[0]
        return code


def parse_reply(frame: bytes) -> Reply:
    size, flags = struct.unpack_from("<HH", frame, 2)
    crc = struct.unpack_from(">H", frame, 6)[0]
    payload = frame[15:]
    assert len(payload) == size, "length field disagrees with the frame"
    assert flags & 2 and crc == build.crc16_modbus(payload), "bad CRC from the server"
    service, ptype, _flags, request_id = struct.unpack_from("<HHHI", payload)
    return Reply(service, ptype, request_id, payload[10:])


class NdtpTerminal(SocketTerminal):
    """Connects, identifies, sends frames (split or glued as asked) and reads replies."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 10.0) -> None:
        super().__init__(port, host, timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.request_id = 0

    def next_id(self) -> int:
        value, self.request_id = self.request_id, self.request_id + 1
        return value

    def frame_size(self, buf: bytes) -> int | None:
        if len(buf) < 15:
            return None
        assert buf[:2] == b"\x7e\x7e", "server frame without signature"
        size: int = struct.unpack_from("<H", buf, 2)[0]
        return 15 + size

    def read_reply(self) -> Reply:
        frame = self.read_frame()
        assert frame is not None, "server closed the connection"
        return parse_reply(frame)

    def silent_for(self, seconds: float) -> bool:
        """True when nothing arrives for ``seconds`` (and the socket stays open)."""
        self.sock.settimeout(seconds)
        try:
            chunk = self.sock.recv(65536)
        except TimeoutError:
            return True
        finally:
            self.sock.settimeout(10.0)
        self._buf += chunk
        return False

    def identify(self, device_id: int, imei: bytes | None = None) -> Reply:
        """CONN_REQUEST (the 49-byte form when an IMEI is given); returns the result."""
        body = build.conn_request(device_id=device_id, imei=imei,
                                  imsi=b"250026272748665" if imei else None)
        self.send(build.frame(body, service=0, ptype=100, request_id=self.next_id()))
        return self.read_reply()

    def navdata_frame(self, cells: bytes, *, history: bool = False) -> tuple[bytes, int]:
        request_id = self.next_id()
        return build.frame(cells, ptype=100 if history else 101,
                           request_id=request_id), request_id
