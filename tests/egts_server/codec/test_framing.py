"""The tracker protocols' shared stream cutter and length-prefix reader, on a toy protocol:
a frame is a one-byte length, then that many bytes (1 to 5), or "!" that starts no frame."""

from __future__ import annotations

import pytest

from egts_server.codec.errors import FramingError, PacketLengthError
from egts_server.codec.framing import StreamFramer, prefixed_size


class ToyFramer(StreamFramer):
    def _frame_size(self, buf: bytearray, pos: int) -> int | None:
        if buf[pos:pos + 1] == b"!":
            raise FramingError("no frame starts with '!'")
        return prefixed_size(buf, pos, 1, "big", range(1, 6), "length {} is not 1..5")


class UpperFramer(ToyFramer):
    def _cut(self, frame: bytes) -> bytes:
        return frame.upper()


STREAM = b"\x02ab" b"\x01c" b"\x03def"
FRAMES = [b"\x02ab", b"\x01c", b"\x03def"]


def test_glued_frames_come_out_whole_and_in_order() -> None:
    framer = ToyFramer()
    assert framer.feed(STREAM) == FRAMES and framer.buffered == 0


def test_frames_split_anywhere_come_out_at_their_last_byte() -> None:
    framer = ToyFramer()
    seen = [framer.feed(STREAM[i:i + 1]) for i in range(len(STREAM))]
    assert seen == [[], [], [FRAMES[0]], [], [FRAMES[1]], [], [], [], [FRAMES[2]]]


def test_a_partial_frame_waits_in_the_buffer() -> None:
    framer = ToyFramer()
    assert framer.feed(b"\x02ab\x03d") == [b"\x02ab"] and framer.buffered == 2
    assert framer.feed(memoryview(b"ef\x01")) == [b"\x03def"] and framer.buffered == 1


def test_a_bad_header_raises_with_the_frames_cut_before_it_and_drops_the_buffer() -> None:
    framer = ToyFramer()
    framer.feed(b"\x02a")
    with pytest.raises(FramingError) as caught:
        framer.feed(b"b\x01c!\x01x")
    assert caught.value.frames == (b"\x02ab", b"\x01c") and framer.buffered == 0
    assert framer.feed(b"\x01z") == [b"\x01z"]


def test_a_length_out_of_range_is_a_packet_length_error() -> None:
    with pytest.raises(PacketLengthError, match="length 9 is not 1..5"):
        ToyFramer().feed(b"\x09")


def test_cut_frames_pass_through_the_protocols_cut() -> None:
    assert UpperFramer().feed(b"\x02ab") == [b"\x02AB"]


def test_prefixed_size_counts_the_prefix_and_reads_at_pos() -> None:
    buf = bytearray(b"xx\x00\x03abc")
    assert prefixed_size(buf, 2, 2, "big", range(0, 10), "{}") == 5
    assert prefixed_size(bytearray(b"\x03\x00abc"), 0, 2, "little", range(0, 10), "{}") == 5


def test_prefixed_size_waits_for_the_whole_prefix() -> None:
    assert prefixed_size(bytearray(b"xx\x00"), 2, 2, "big", range(0, 10), "{}") is None


def test_prefixed_size_refuses_a_length_outside_its_range() -> None:
    with pytest.raises(PacketLengthError, match="^length 0x0100 too big$"):
        prefixed_size(bytearray(b"\x01\x00"), 0, 2, "big", range(0, 256),
                      "length {:#06x} too big")
