"""Framer: cutting on 7E 7E whatever the segmentation, resynchronising, bounded buffering."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.ndtp import Framer
from egts_server.codec.ndtp.constants import MAX_FRAME_SIZE
from tests.builders import ndtp as build

A = build.frame(build.conn_request(), service=0, ptype=100)
B = build.frame(build.nav() + build.int_sensor(), request_id=1)
C = build.frame(build.nav(lat=-33.9, lon=-70.6), ptype=100, request_id=2)
STREAM = A + B + C


def feed_in_chunks(data: bytes, size: int) -> tuple[Framer, list[bytes]]:
    framer = Framer()
    frames: list[bytes] = []
    for i in range(0, len(data), size):
        frames += framer.feed(data[i : i + size])
    return framer, frames


def test_glued_frames_come_out_one_by_one() -> None:
    """Three frames in one read are three frames, in order."""
    assert Framer().feed(STREAM) == [A, B, C]


@pytest.mark.parametrize("size", range(1, len(A) + 2))
def test_any_chunk_size_gives_the_same_frames(size: int) -> None:
    """Every fixed chunk size from 1 byte to more than a frame cuts the same frames."""
    framer, frames = feed_in_chunks(STREAM, size)
    assert frames == [A, B, C] and framer.buffered == 0 and framer.skipped == 0


def test_every_split_point_of_two_frames_gives_both() -> None:
    """Two reads split anywhere (header, body, boundary) still give both frames."""
    data = A + B
    for cut in range(len(data) + 1):
        framer = Framer()
        assert framer.feed(data[:cut]) + framer.feed(data[cut:]) == [A, B]


def test_partial_frame_is_held_until_complete() -> None:
    """A frame missing its last byte stays buffered; the byte completes it."""
    framer = Framer()
    assert framer.feed(B[:-1]) == [] and framer.buffered == len(B) - 1
    assert framer.feed(B[-1:]) == [B] and framer.buffered == 0


def test_trailing_7e_is_kept_for_the_next_read() -> None:
    """Junk ending in 7E keeps the 7E: it may be the first half of the next signature."""
    framer = Framer()
    assert framer.feed(b"\x00\x11\x7e") == [] and framer.buffered == 1 and framer.skipped == 2
    assert framer.feed(A[1:]) == [A]


def test_type_2_frame_shorter_than_an_nph_header_is_a_false_signature() -> None:
    """data_size 9 with NPL type 2 cannot hold an NPH header: resync."""
    bogus = build.npl(bytes(9))
    framer = Framer()
    assert framer.feed(bogus + B) == [B] and framer.false_signatures == 1


@pytest.mark.parametrize("npl_type", [1, 3])
def test_error_and_debug_frames_may_be_short(npl_type: int) -> None:
    """NPL types 1 and 3 carry no NPH header, so any data_size is a frame."""
    frame = build.npl(b"", npl_type=npl_type)
    assert Framer().feed(frame + B) == [frame, B]


def test_oversized_length_waits_for_its_bytes_and_never_holds_more_than_one_frame() -> None:
    """data_size 65535 is waited for (no allocation up front); the buffer stays one frame."""
    framer = Framer()
    header = b"\x7e\x7e" + struct.pack("<HH", 0xFFFF, 2) + b"\x00\x00\x02" + bytes(6)
    assert framer.feed(header + B) == [] and framer.buffered == len(header) + len(B)
    frames = framer.feed(bytes(MAX_FRAME_SIZE))
    assert len(frames) == 1 and len(frames[0]) == MAX_FRAME_SIZE
    assert framer.buffered <= MAX_FRAME_SIZE


def test_false_signatures_are_counted_apart_from_skipped_bytes() -> None:
    """An NPL type outside 1..3 is a false signature; its bytes count as skipped."""
    bogus = b"\x7e\x7e" + struct.pack("<HHH", 10, 2, 0) + b"\x07" + bytes(6)
    framer = Framer()
    assert framer.feed(bogus) == []
    assert framer.false_signatures == 1 and framer.skipped == len(bogus)


@given(st.binary(max_size=300), st.integers(1, 64))
def test_random_bytes_never_raise_and_never_pile_up(data: bytes, size: int) -> None:
    """Whatever arrives, feed returns frames; what stays buffered is under one frame."""
    framer, frames = feed_in_chunks(data, size)
    assert framer.buffered <= MAX_FRAME_SIZE
    assert sum(map(len, frames)) + framer.skipped + framer.buffered == len(data)


@given(st.lists(st.sampled_from([A, B, C, b"\x00", b"\x7e", b"\x7e\x7e\x01"]), max_size=12),
       st.integers(1, 40))
def test_chunking_never_changes_the_frames(parts: list[bytes], size: int) -> None:
    """Frames and skipped bytes are the same whole or in chunks of any size."""
    data = b"".join(parts)
    whole = Framer()
    expected = whole.feed(data)
    framer, frames = feed_in_chunks(data, size)
    assert frames == expected
    assert (framer.skipped, framer.buffered) == (whole.skipped, whole.buffered)
