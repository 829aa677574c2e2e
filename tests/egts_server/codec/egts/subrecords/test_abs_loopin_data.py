"""EGTS_SR_ABS_LOOPIN_DATA (SRT 26): one loop input by its 12-bit absolute number."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import AbsLoopinData
from tests.builders import egts as build

from . import decode, encode


def test_abs_loopin_splits_number_across_bytes() -> None:
    """LIN/LIS use the same split as DSN/DSST."""
    srd = build.abs_loopin(300, 1)
    value = decode(AbsLoopinData, srd)
    assert value == AbsLoopinData(number=300, state=1) and encode(value) == srd


@pytest.mark.parametrize(("number", "state"), [(4096, 0), (-1, 0), (0, 16), (0, -1)])
def test_numbers_and_states_outside_their_bits_are_refused(number: int, state: int) -> None:
    """LIN has twelve bits and LIS four: a value that does not fit cannot be built."""
    with pytest.raises(ValueError, match="LIN is 12 bits, LIS 4 bits"):
        AbsLoopinData(number=number, state=state)


@given(st.integers(0, 0xFFF), st.integers(0, 15))
def test_any_abs_loopin_round_trips(number: int, state: int) -> None:
    """decode(encode(x)) == x."""
    value = AbsLoopinData(number=number, state=state)
    assert decode(AbsLoopinData, encode(value)) == value
