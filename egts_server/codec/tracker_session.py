"""What the tracker protocols' sessions share (Galileosky, NavTelecom, Teltonika, Wialon IPS and
Retranslator): the ``Handled`` value one frame yields, the ``Login`` in it, and the state
every session keeps (who the connection logged in as, and whether a login was refused).

How an adapter acts on a ``Handled``: write ``replies`` now; store ``positions`` and write
``ack`` once they are committed, in arrival order; after a ``login`` ask the registry, then
write ``Session.login_result(login, accepted)``; ``close`` once the above is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from egts_server.codec.errors import CodecError, FramingError
from egts_server.model import DeviceKey, Position

Dropped = TypeVar("Dropped")  # how a protocol names an optional element left out of a fix


@dataclass(frozen=True, slots=True)
class Login:
    """A device identified itself; the adapter decides on it, then calls ``login_result``."""

    device: DeviceKey
    imei: str | None
    details: Mapping[str, str]
    answer: bytes = b""  # what accepting it writes, where the login packet fixes it


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


class TrackerSession:
    """The state of one connection every tracker session keeps. Never raises on input."""

    def __init__(self) -> None:
        self._device: DeviceKey | None = None
        self._refused = False

    @property
    def device(self) -> DeviceKey | None:
        """Who the connection logged in as (for Retranslator, the latest controller)."""
        return self._device

    def login_result(self, login: Login, accepted: bool) -> bytes:
        """What to write for the registry's verdict; after a refusal the session refuses
        everything."""
        if not accepted:
            self._refused = True
        return self._login_answer(login, accepted)

    def _login_answer(self, login: Login, accepted: bool) -> bytes:
        """The answer the login packet fixed when accepted; nothing when refused."""
        return login.answer if accepted else b""

    def framing_error(self, error: FramingError) -> Handled[str]:
        """The stream cannot be cut any more: nothing to answer, close."""
        return Handled(close=True, error=error)
