"""Cutting a Retranslator stream by each packet's u32 little-endian size."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from egts_server.codec.errors import PacketLengthError
from egts_server.codec.wialonretr import Framer, RetranslatorPacket, build_packet

PACKETS = [build_packet(RetranslatorPacket(unit, datetime(2026, 1, 2, tzinfo=UTC), 0))
           for unit in ("77", "1234567890")]


def test_packets_are_cut_with_their_size_prefix_however_tcp_splits_them() -> None:
    data = b"".join(PACKETS)
    assert Framer().feed(data) == PACKETS
    framer = Framer()
    assert [f for i in range(len(data)) for f in framer.feed(data[i:i + 1])] == PACKETS
    assert framer.buffered == 0


def test_a_packet_waits_for_its_last_byte() -> None:
    framer = Framer()
    assert framer.feed(PACKETS[0][:-1]) == [] and framer.buffered == len(PACKETS[0]) - 1
    assert framer.feed(PACKETS[0][-1:]) == [PACKETS[0]]


def test_the_largest_size_is_awaited_and_one_more_ends_the_stream() -> None:
    framer = Framer()
    assert framer.feed((65536).to_bytes(4, "little") + b"x") == []
    with pytest.raises(PacketLengthError):
        Framer().feed((65537).to_bytes(4, "little"))


def test_an_empty_packet_ends_the_stream_with_the_packets_cut_before_it() -> None:
    with pytest.raises(PacketLengthError) as caught:
        Framer().feed(PACKETS[0] + bytes(4))
    assert caught.value.frames == (PACKETS[0],)
