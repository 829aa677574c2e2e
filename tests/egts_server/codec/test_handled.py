"""The shared outcome of one frame: empty by default, immutable, and the base every protocol's
outcome extends (one connection class reads them all through these fields)."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest

from egts_server.codec import egts, ndtp
from egts_server.codec.handled import Handled, Login
from egts_server.codec.teltonika import session as teltonika
from egts_server.codec.tracker_session import LoginWithAnswer
from egts_server.model import DeviceKey

SHARED = ["replies", "positions", "ack", "login", "close", "error", "dropped"]


def test_the_default_outcome_asks_for_nothing() -> None:
    empty: Handled[str] = Handled()
    assert (empty.replies, empty.positions, empty.ack, empty.login, empty.close, empty.error,
            empty.dropped) == ((), (), None, None, False, None, ())


@pytest.mark.parametrize("outcome", [egts.Handled, ndtp.Handled, teltonika.Handled])
def test_each_protocols_outcome_adds_defaulted_fields_after_the_shared_ones(
        outcome: type[Handled[str]]) -> None:
    """Built with no arguments it is the empty outcome: its own fields all have defaults."""
    assert issubclass(outcome, Handled)
    assert [f.name for f in dataclasses.fields(outcome)][:len(SHARED)] == SHARED
    assert outcome().replies == () and outcome().close is False


@pytest.mark.parametrize("login", [ndtp.Login, LoginWithAnswer])
def test_each_protocols_login_extends_the_shared_one(login: type[Login]) -> None:
    assert issubclass(login, Login)
    assert [f.name for f in dataclasses.fields(login)][:3] == ["device", "imei", "details"]


def test_outcomes_and_logins_are_immutable_values() -> None:
    login = Login(DeviceKey("wialon", "1"), "1", MappingProxyType({}))
    outcome: Handled[str] = Handled(login=login, close=True)
    assert outcome == Handled(login=Login(DeviceKey("wialon", "1"), "1", MappingProxyType({})),
                              close=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.close = False  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        login.imei = None  # type: ignore[misc]
