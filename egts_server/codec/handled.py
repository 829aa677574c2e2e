"""What a codec's session makes of one frame, in the shape every protocol shares: ``Handled``
and the ``Login`` in it (``net/outcome.py`` is how a connection sees them). A protocol
subclasses them for what is its own: EGTS's command events, NDTP's policy row and the ids its
login result quotes, Teltonika's command answers.

How an adapter acts on a ``Handled``: write ``replies`` now; store ``positions`` and write
``ack`` once they are committed, in arrival order; after a ``login`` ask the registry, then
write the session's ``login_result``; ``close`` once the above is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from egts_server.codec.errors import CodecError
from egts_server.model import DeviceKey, Position

Dropped = TypeVar("Dropped")  # how a protocol names an optional element left out of a fix


@dataclass(frozen=True, slots=True)
class Login:
    """A device identified itself; the adapter decides on it, then calls ``login_result``."""

    device: DeviceKey  # who logged in
    imei: str | None
    details: Mapping[str, str]  # what else the login said (versions, module data ...)


@dataclass(frozen=True, slots=True)
class Handled(Generic[Dropped]):
    """What one frame asks of the connection. ``dropped``: optional elements left out of the
    stored fixes."""

    replies: tuple[bytes, ...] = ()
    positions: tuple[Position, ...] = ()
    ack: bytes | None = None
    login: Login | None = None
    close: bool = False
    error: CodecError | None = None
    dropped: tuple[Dropped, ...] = ()
