"""Writing small replies straight to an idle TCP socket.

Twisted's ``transport.write`` always buffers and asks the reactor to watch the socket for
writability, so every acknowledgement costs two ``epoll_ctl`` calls and a trip through the
event loop besides the ``send`` itself; at ten thousand acknowledgements a second that was about
a quarter of the reactor's time. When nothing is buffered on the transport, the reply can go out
with one ``send`` at once, in the same order it would have anyway. Anything not sent (a full
socket buffer) and every other case takes Twisted's ordinary path.

This leans on attributes of ``twisted.internet.abstract.FileDescriptor`` (``dataBuffer``,
``offset``, ``_tempDataLen``, ``writeSomeData``) that have been stable for many years; any other
transport (TLS, test transports) just gets ``transport.write``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twisted.internet import tcp

Write = Callable[[bytes], None]


def direct_writer(transport: Any) -> Write:
    """A ``write(data)`` for ``transport`` that sends at once when nothing is queued."""
    if not isinstance(transport, tcp.Connection) or not all(
            hasattr(transport, name) for name in ("dataBuffer", "offset", "_tempDataLen",
                                                  "writeSomeData", "disconnecting")):
        write: Write = transport.write
        return write

    def write_now(data: bytes) -> None:
        t = transport
        if (t._tempDataLen or t.offset != len(t.dataBuffer) or t.disconnecting
                or not t.connected):
            t.write(data)
            return
        sent = t.writeSomeData(data)
        if isinstance(sent, int) and sent >= 0:
            if sent < len(data):
                t.write(data[sent:])
            return
        t.write(data)  # the connection is going; Twisted's path notices and cleans up

    return write_now
