"""Cutting a NavTelecom stream: NTCB frames by their length, FLEX data by the record size the
negotiated field set gives, each FLEX frame queued with the set it was cut with."""

from __future__ import annotations

import pytest

from egts_server.codec.errors import HeaderFormatError
from egts_server.codec.navtelecom import (
    Framer,
    Negotiated,
    archive,
    current,
    handshake,
    negotiation,
    ntcb,
)

FIX = {3: bytes(4), 8: b"\x26"}  # 5 bytes a record
WIDE = {3: bytes(4), 8: b"\x26", 14: bytes(2)}  # 7 bytes a record


def test_frames_are_cut_by_the_negotiated_record_size_however_tcp_splits_them() -> None:
    frames = [handshake("866795031410689"), negotiation([3, 8]), archive([FIX] * 3),
              current(9, FIX)]
    data = b"".join(frames)
    negotiated = Negotiated()
    framer = Framer(negotiated)
    assert [f for i in range(len(data)) for f in framer.feed(data[i:i + 1])] == frames
    assert (negotiated.fields, negotiated.record_size) == ((3, 8), 5)
    assert list(negotiated.cut_with) == [(3, 8), (3, 8)] and framer.buffered == 0


def test_a_later_offer_in_the_same_read_does_not_change_an_earlier_frame() -> None:
    negotiated = Negotiated()
    frames = [negotiation([3, 8]), archive([FIX]), negotiation([3, 8, 14]), archive([WIDE])]
    assert Framer(negotiated).feed(b"".join(frames)) == frames
    assert list(negotiated.cut_with) == [(3, 8), (3, 8, 14)]


def test_an_unreadable_offer_keeps_the_set_in_force() -> None:
    negotiated = Negotiated()
    negotiated.take(negotiation([3, 8]))
    negotiated.take(ntcb(0, 1, b"*>FLEX\xb0\x14"))
    broken = negotiation([3, 8, 14])
    negotiated.take(broken[:-1] + bytes((broken[-1] ^ 1,)))
    assert (negotiated.fields, negotiated.record_size) == ((3, 8), 5)


@pytest.mark.parametrize(("data", "negotiated"), [
    (b"~A\x01", False),  # FLEX data before the field set
    (b"~X\x01", True),  # a FLEX frame type not handled
    (b"@NTD", True),  # not the NTCB preamble
    (b"\x00", True),  # starts neither
])
def test_bytes_that_start_no_frame_end_the_stream(data: bytes, negotiated: bool) -> None:
    framer = Framer(Negotiated())
    if negotiated:
        framer.feed(negotiation([3, 8]))
    with pytest.raises(HeaderFormatError):
        framer.feed(data)
