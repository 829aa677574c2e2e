"""What every tracker session inherits: who logged in, the answer a login carries, and that a
refusal ends the conversation."""

from __future__ import annotations

from types import MappingProxyType

from egts_server.codec.errors import FramingError
from egts_server.codec.handled import Handled
from egts_server.codec.tracker_session import LoginWithAnswer, TrackerSession
from egts_server.model import DeviceKey


class NamingSession(TrackerSession):
    """A frame is a device name: it logs in with an answer, until a refusal closes everything
    (what each tracker protocol does with its own login packet)."""

    def handle(self, frame: bytes) -> Handled[str]:
        if self._refused:
            return Handled(close=True)
        self._device = DeviceKey("probe", frame.decode())
        return Handled(login=LoginWithAnswer(self._device, None, MappingProxyType({}),
                                             answer=b"OK " + frame))


def login_of(session: NamingSession, frame: bytes) -> LoginWithAnswer:
    login = session.handle(frame).login
    assert isinstance(login, LoginWithAnswer)
    return login


def test_a_new_session_knows_nobody() -> None:
    assert NamingSession().device is None


def test_an_accepted_login_writes_the_answer_it_carries() -> None:
    session = NamingSession()
    login = login_of(session, b"7")
    assert session.device == DeviceKey("probe", "7")
    assert session.login_result(login, True) == b"OK 7"
    assert session.handle(b"8").close is False


def test_a_refused_login_writes_nothing_and_every_later_frame_closes() -> None:
    session = NamingSession()
    login = login_of(session, b"7")
    assert session.login_result(login, False) == b""
    assert session.handle(b"8") == Handled(close=True)


def test_a_refusal_is_not_undone_by_a_later_acceptance() -> None:
    session = NamingSession()
    login = login_of(session, b"7")
    session.login_result(login, False)
    session.login_result(login, True)
    assert session.handle(b"8") == Handled(close=True)


def test_a_framing_error_closes_without_an_answer() -> None:
    error = FramingError("no frame here")
    assert NamingSession().framing_error(error) == Handled(close=True, error=error)
