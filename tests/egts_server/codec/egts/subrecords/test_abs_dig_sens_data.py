"""EGTS_SR_ABS_DIG_SENS_DATA (SRT 23): one digital sensor by its 12-bit absolute number."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import AbsDigSensData

from . import decode, encode


def test_abs_dig_sens_splits_number_across_bytes() -> None:
    """DSN 300 = 0x12C: low nibble in byte 0 bits 7-4, the rest in byte 1; DSST in bits 3-0."""
    srd = bytes.fromhex("c1" "12")  # 0xC << 4 | DSST 1, DSN >> 4 = 0x12
    value = decode(AbsDigSensData, srd)
    assert value == AbsDigSensData(number=300, state=1) and encode(value) == srd


def test_twelve_bit_numbers_are_enforced() -> None:
    """DSN above 4095 is refused by the invariant."""
    with pytest.raises(ValueError):
        AbsDigSensData(number=4096, state=0)


@pytest.mark.parametrize(("number", "state"), [(-1, 0), (0, 16), (0, -1)])
def test_numbers_and_states_outside_their_bits_are_refused(number: int, state: int) -> None:
    """DSST has four bits and DSN is never negative."""
    with pytest.raises(ValueError, match="DSN is 12 bits, DSST 4 bits"):
        AbsDigSensData(number=number, state=state)


@given(st.integers(0, 0xFFF), st.integers(0, 15))
def test_any_abs_dig_sens_round_trips(number: int, state: int) -> None:
    """decode(encode(x)) == x."""
    value = AbsDigSensData(number=number, state=state)
    assert decode(AbsDigSensData, encode(value)) == value
