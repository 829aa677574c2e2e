"""Cutting a Teltonika stream: the IMEI message by its u16 length, then AVL packets by their
u32 data length; a header that cannot be measured ends the stream."""

from __future__ import annotations

import pytest

from egts_server.codec.errors import HeaderFormatError, PacketLengthError
from egts_server.codec.teltonika import Codec, Framer, avl_packet, imei_message
from tests.egts_server.codec.teltonika.test_session import IMEI, RECORD


def test_split_and_glued_packets_cut_the_same() -> None:
    data = imei_message(IMEI) + b"".join(avl_packet(c, [RECORD, RECORD]) for c in Codec)
    whole = Framer().feed(data)
    framer = Framer()
    bytewise = [f for i in range(len(data)) for f in framer.feed(data[i:i + 1])]
    assert whole == bytewise and len(whole) == 4 and framer.buffered == 0


def identified() -> Framer:
    framer = Framer()
    assert framer.feed(imei_message(IMEI)) == [imei_message(IMEI)]
    return framer


def test_a_non_zero_preamble_ends_the_stream_as_soon_as_it_shows() -> None:
    with pytest.raises(HeaderFormatError):
        identified().feed(b"\x00\x01")


@pytest.mark.parametrize("length", [0, 2, 65536])
def test_an_impossible_data_length_ends_the_stream(length: int) -> None:
    with pytest.raises(PacketLengthError):
        identified().feed(bytes(4) + length.to_bytes(4, "big"))


def test_the_shortest_and_longest_data_lengths_are_awaited() -> None:
    for length in (3, 65535):
        framer = identified()
        assert framer.feed(bytes(4) + length.to_bytes(4, "big")) == [] and framer.buffered == 8


@pytest.mark.parametrize("length", [0, 65])
def test_an_imei_message_of_no_or_too_many_digits_ends_the_stream(length: int) -> None:
    with pytest.raises(PacketLengthError):
        Framer().feed(length.to_bytes(2, "big"))
