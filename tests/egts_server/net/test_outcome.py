"""The interfaces a connection relies on hold for every codec behind ``net.framed``, whose
framers and sessions the type checker sees only as ``Any``."""

from __future__ import annotations

import dataclasses

import pytest

from egts_server.codec.errors import FramingError
from egts_server.codec.handled import Handled, Login
from egts_server.net import outcome, teltonika
from egts_server.net.framed import FramedProtocol


def members(interface: type) -> set[str]:
    return {name for name in vars(interface) if not name.startswith("_")}


def framed_protocols() -> list[type[FramedProtocol]]:
    found, todo = [], [FramedProtocol]
    while todo:
        subclasses = todo.pop().__subclasses__()
        found += subclasses
        todo += subclasses
    return found


def test_every_framed_protocol_is_found() -> None:
    labels = {protocol.label for protocol in framed_protocols()}
    assert labels == {"GALILEOSKY", "NAVTELECOM", "WIALONRETR", "TELTONIKA"}
    assert teltonika.TeltonikaProtocol in framed_protocols()


@pytest.mark.parametrize("protocol", framed_protocols(), ids=lambda p: p.label)
def test_a_fresh_codec_buffers_nothing_and_knows_nobody(protocol: type[FramedProtocol]) -> None:
    framer, session = protocol.codec()
    assert members(outcome.Framer) == {"buffered"} and framer.buffered == 0
    assert members(outcome.Codec) == {"device"} and session.device is None


@pytest.mark.parametrize("protocol", framed_protocols(), ids=lambda p: p.label)
def test_what_a_session_returns_has_what_a_connection_reads(
        protocol: type[FramedProtocol]) -> None:
    """The answer to a stream that cannot be cut is a ``Handled`` (or a subclass)."""
    _framer, session = protocol.codec()
    handled = session.framing_error(FramingError("garbage"))
    assert isinstance(handled, Handled)
    assert members(outcome.Outcome) <= {field.name for field in dataclasses.fields(handled)}


def test_the_shared_login_has_what_a_connection_reads() -> None:
    assert members(outcome.Login) == {field.name for field in dataclasses.fields(Login)}
