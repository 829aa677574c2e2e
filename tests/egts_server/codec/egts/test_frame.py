"""Framer: any segmentation, glued packets, garbage and oversize declarations."""

import pytest

from egts_server.codec.egts import Framer
from egts_server.codec.errors import (
    FramingError,
    HeaderChecksumError,
    HeaderFormatError,
    PacketLengthError,
    UnsupportedProtocolError,
)
from tests.builders import egts as build

ONE = build.packet(pid=7, records=[build.pos_record(rn=3)])
TWO = build.packet(pid=8, records=[build.pos_record(rn=4), build.pos_record(rn=5)])


def test_whole_packet_comes_out_whole() -> None:
    """One complete packet in one read is one frame."""
    assert Framer().feed(ONE) == [ONE]


def test_byte_by_byte_yields_one_frame_at_the_last_byte() -> None:
    """Fed one byte at a time, the frame appears exactly when its last byte arrives."""
    framer = Framer()
    out = [framer.feed(ONE[i : i + 1]) for i in range(len(ONE))]
    assert out[:-1] == [[]] * (len(ONE) - 1)
    assert out[-1] == [ONE]


@pytest.mark.parametrize("chunk", range(1, len(ONE + TWO) + 1))
def test_chunk_sweep_yields_the_same_frames(chunk: int) -> None:
    """Every chunk size produces the same two frames in order."""
    framer, data, frames = Framer(), ONE + TWO, []
    for i in range(0, len(data), chunk):
        frames += framer.feed(data[i : i + chunk])
    assert frames == [ONE, TWO]
    assert framer.buffered == 0


def test_two_glued_packets_come_out_as_two() -> None:
    """Two packets in one read are cut apart."""
    assert Framer().feed(ONE + TWO) == [ONE, TWO]


def test_partial_third_packet_stays_buffered() -> None:
    """A trailing partial packet waits in the buffer."""
    framer = Framer()
    assert framer.feed(ONE + TWO + ONE[:7]) == [ONE, TWO]
    assert framer.buffered == 7
    assert framer.feed(ONE[7:]) == [ONE]


def test_header_only_packet_is_a_frame() -> None:
    """FDL 0: the frame is the 11-byte header, with no SFRCS."""
    empty = build.packet(pid=1)
    assert len(empty) == 11 and Framer().feed(empty) == [empty]


def test_routed_header_is_sixteen_bytes() -> None:
    """RTE = 1: HL 16 with PRA, RCA and TTL is framed like any other."""
    routed = build.packet(pid=2, route=(100, 200, 3), records=[build.pos_record()])
    assert Framer().feed(routed) == [routed]


def test_garbage_raises_framing_error() -> None:
    """Non-EGTS bytes raise UnsupportedProtocolError, a FramingError."""
    with pytest.raises(UnsupportedProtocolError):
        Framer().feed(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")


def test_nothing_is_judged_before_eleven_bytes() -> None:
    """Ten garbage bytes wait; the eleventh triggers the verdict (chunking invariance)."""
    framer = Framer()
    assert framer.feed(b"\x02" * 10) == []
    with pytest.raises(FramingError):
        framer.feed(b"\x02")


@pytest.mark.parametrize(("data", "error", "pid"), [
    (build.packet(pid=9, prv=2), UnsupportedProtocolError, 9),
    (build.packet(pid=9, flags=0x40), UnsupportedProtocolError, 9),
    (build.packet(pid=9, hl=12), HeaderFormatError, 9),
    (build.packet(pid=9, flags=0x20), HeaderFormatError, 9),
    (build.packet(pid=9, hcs=0), HeaderChecksumError, 9),
    (build.packet(pid=9, fdl=65535), PacketLengthError, 9),
])
def test_bad_headers_raise_with_pid_as_read(data: bytes, error: type, pid: int) -> None:
    """Each untrustworthy header raises its class and carries the PID as read."""
    with pytest.raises(error) as caught:
        Framer().feed(data)
    assert caught.value.pid == pid  # type: ignore[attr-defined]


def test_frames_before_garbage_travel_with_the_error() -> None:
    """Frames cut before the bad bytes in the same read are handed over in the error."""
    with pytest.raises(FramingError) as caught:
        Framer().feed(ONE + b"\x00" * 11)
    assert caught.value.frames == (ONE,)


def test_failed_framer_keeps_failing() -> None:
    """After a framing error every later feed raises again, with no frames."""
    framer = Framer()
    with pytest.raises(FramingError):
        framer.feed(b"\x00" * 11)
    with pytest.raises(UnsupportedProtocolError) as caught:
        framer.feed(ONE)
    assert caught.value.frames == ()


def test_oversize_declaration_is_refused_before_buffering() -> None:
    """A header declaring more than 65535 bytes raises at once instead of waiting."""
    with pytest.raises(PacketLengthError):
        Framer().feed(build.packet(fdl=65523, body=b"x"))
