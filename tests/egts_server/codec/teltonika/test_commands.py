"""Codec 12 commands (tests/data/teltonika/commands.json): the vendor's documented commands are
encoded byte for byte, its documented responses read back as their text, broken responses only
reported (the device waits for no answer to them), and any text round-trips."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.teltonika import (
    Codec,
    Framer,
    Session,
    avl_packet,
    command_message,
    imei_message,
    response_message,
)
from tests.egts_server.codec.corpus import load_corpus
from tests.egts_server.codec.teltonika.test_session import RECORD

VECTORS = load_corpus("teltonika", "commands.json")
COMMANDS = [e for e in VECTORS if e["direction"] == "command"]
RESPONSES = [e for e in VECTORS if e["direction"] == "response"]


def identified() -> tuple[Framer, Session]:
    framer, session = Framer(), Session()
    (frame,) = framer.feed(imei_message("356307042441013"))
    login = session.handle(frame).login
    assert login is not None and session.login_result(login, True) == b"\x01"
    return framer, session


def test_vectors_hold_the_vendor_examples_and_the_constructed_cases() -> None:
    assert [e["name"] for e in COMMANDS] == ["getinfo command", "getio command",
                                             "getver command"]
    assert len(RESPONSES) == 8
    assert sum(e["source"] == "constructed" for e in VECTORS) == 6


@pytest.mark.parametrize("entry", COMMANDS, ids=[e["name"] for e in COMMANDS])
def test_documented_command_is_encoded_byte_for_byte(entry: dict[str, Any]) -> None:
    assert command_message(entry["text"].encode("ascii")).hex() == entry["hex"]


@pytest.mark.parametrize("entry", RESPONSES, ids=[e["name"] for e in RESPONSES])
def test_response(entry: dict[str, Any]) -> None:
    framer, session = identified()
    (frame,) = framer.feed(bytes.fromhex(entry["hex"]))
    handled = session.handle(frame)
    assert (handled.ack, handled.positions, handled.close) == (None, (), False)
    assert (None if handled.error is None else type(handled.error).__name__) == entry["error"]
    expected = entry.get("text")
    assert handled.response == (None if expected is None else expected.encode("ascii"))


def test_documented_responses_are_what_the_device_side_encoder_writes() -> None:
    for entry in RESPONSES:
        if entry["error"] is None:
            assert response_message(entry["text"].encode("ascii")).hex() == entry["hex"]


def test_response_between_avl_packets_is_cut_and_read_however_tcp_splits_it() -> None:
    data = (avl_packet(Codec.CODEC_8, [RECORD]) + response_message(b"DOUT1:1 Timeout:INFINITY")
            + avl_packet(Codec.CODEC_16, [RECORD]))
    framer, session = identified()
    frames = [f for i in range(len(data)) for f in framer.feed(data[i:i + 1])]
    handled = [session.handle(f) for f in frames]
    assert [h.ack for h in handled] == [b"\0\0\0\1", None, b"\0\0\0\1"]
    assert [h.response for h in handled] == [None, b"DOUT1:1 Timeout:INFINITY", None]


@given(st.binary(max_size=300))
def test_any_response_round_trips(text: bytes) -> None:
    framer, session = identified()
    (frame,) = framer.feed(response_message(text))
    handled = session.handle(frame)
    assert (handled.response, handled.error, handled.ack) == (text, None, None)


@given(st.binary(max_size=300))
def test_a_command_echoed_by_the_device_is_refused(text: bytes) -> None:
    framer, session = identified()
    (frame,) = framer.feed(command_message(text))
    handled = session.handle(frame)
    assert type(handled.error).__name__ == "PacketTypeError" and handled.response is None
