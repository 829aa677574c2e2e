"""NTCB frames as NavTelecom lays them out, their two XOR checksums, and the FLEX offer."""

from __future__ import annotations

import pytest

from egts_server.codec.errors import ChecksumError, TruncatedError
from egts_server.codec.navtelecom import ntcb
from egts_server.codec.navtelecom.ntcb import check_ntcb, flex_offer

#: ``*<S`` from 2 to 1: preamble, receiver and sender u32 LE, length u16 LE, data XOR 0x45,
#: header XOR 0x5c (of the 15 bytes before it), the data.
FRAME = bytes.fromhex("404e5443" "01000000" "02000000" "0300" "45" "5c" "2a3c53")


def test_frame_is_laid_out_as_described() -> None:
    assert ntcb(1, 2, b"*<S") == FRAME
    assert check_ntcb(FRAME) == b"*<S"


@pytest.mark.parametrize("broken", [FRAME[:14] + b"\x44" + FRAME[15:],  # data XOR
                                    FRAME[:15] + b"\x5d" + FRAME[16:],  # header XOR
                                    FRAME[:-1] + b"T"])  # the data itself
def test_a_checksum_that_does_not_hold_is_refused(broken: bytes) -> None:
    with pytest.raises(ChecksumError):
        check_ntcb(broken)


def test_flex_offer_enables_the_fields_whose_bits_are_set_most_significant_first() -> None:
    assert flex_offer(b"*>FLEX" + bytes((0xB0, 0x14, 0x14, 10)) + b"\xa0\x40") == (1, 3, 10)


@pytest.mark.parametrize("data", [b"*>FLEX\xb0\x14\x14",  # no field count
                                  b"*>FLEX\xb0\x14\x14\x09\xff"])  # 9 bits in one byte
def test_a_flex_offer_cut_short_is_truncated(data: bytes) -> None:
    with pytest.raises(TruncatedError):
        flex_offer(data)
