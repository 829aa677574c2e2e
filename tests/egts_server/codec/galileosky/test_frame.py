"""Cutting a Galileosky stream by each packet's length (bit 15, the archive flag, excluded)."""

from __future__ import annotations

import pytest

from egts_server.codec.errors import HeaderFormatError
from egts_server.codec.galileosky import Framer, build_packet

PACKETS = [build_packet([{0x03: b"868204001269934"}]),
           build_packet([{0x01: b"\x82", 0x46: b"\x01\x00"}] * 3, archive=True),
           bytes.fromhex("070300000102c5fd")]  # a photo packet


def test_packets_are_cut_however_tcp_splits_them() -> None:
    data = b"".join(PACKETS)
    assert Framer().feed(data) == PACKETS
    framer = Framer()
    assert [f for i in range(len(data)) for f in framer.feed(data[i:i + 1])] == PACKETS
    assert framer.buffered == 0


def test_a_byte_that_starts_no_packet_ends_the_stream() -> None:
    with pytest.raises(HeaderFormatError) as caught:
        Framer().feed(PACKETS[0] + b"\x02")
    assert caught.value.frames == (PACKETS[0],)
