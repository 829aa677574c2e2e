"""What the tracker protocols' sessions share (Galileosky, NavTelecom, Teltonika, Wialon IPS and
Retranslator): the state every one keeps (who the connection logged in as, and whether a login
was refused), and the login whose answer its own packet fixes.
"""

from __future__ import annotations

from dataclasses import dataclass

from egts_server.codec.errors import FramingError
from egts_server.codec.handled import Handled, Login
from egts_server.model import DeviceKey


@dataclass(frozen=True, slots=True)
class LoginWithAnswer(Login):
    """A login whose acceptance the login packet fixes (Galileosky's confirmation of it,
    NavTelecom's ``*<S`` to its ids)."""

    answer: bytes  # written once the registry said yes


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
        """The answer a ``LoginWithAnswer`` carries when accepted; nothing when refused."""
        assert isinstance(login, LoginWithAnswer)
        return login.answer if accepted else b""

    def framing_error(self, error: FramingError) -> Handled[str]:
        """The stream cannot be cut any more: nothing to answer, close."""
        return Handled(close=True, error=error)
