"""What a protocol's codec gives a telemetry connection, as the connection sees it.

Each codec has its own framer and session, and its ``Handled`` and ``Login`` values
(``codec/handled.py``'s or subclasses of them); these interfaces are the part of them
``telemetry.TelemetryProtocol`` relies on, so one connection class serves every protocol.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol as Interface

from egts_server.codec.errors import CodecError
from egts_server.model import DeviceKey, Position

__all__ = ["Codec", "Framer", "Login", "Outcome"]


class Login(Interface):
    """A device identified itself (each codec's ``Login``)."""

    @property
    def device(self) -> DeviceKey: ...

    @property
    def imei(self) -> str | None: ...

    @property
    def details(self) -> Mapping[str, str]: ...


class Outcome(Interface):
    """What one frame asks of the connection (each codec's ``Handled``): write ``replies`` now;
    store ``positions`` and write ``ack`` once they committed, in arrival order; decide on
    ``login``; ``close`` after the above."""

    @property
    def replies(self) -> tuple[bytes, ...]: ...

    @property
    def positions(self) -> tuple[Position, ...]: ...

    @property
    def ack(self) -> bytes | None: ...

    @property
    def login(self) -> Login | None: ...

    @property
    def close(self) -> bool: ...

    @property
    def error(self) -> CodecError | None: ...


class Framer(Interface):
    @property
    def buffered(self) -> int:
        """Bytes held while waiting for a frame's end."""


class Codec(Interface):
    @property
    def device(self) -> DeviceKey | None:
        """Who logged in on this connection (None: nobody yet)."""
