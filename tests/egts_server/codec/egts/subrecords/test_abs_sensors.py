"""The four absolute-number sensor tables (SRT 23, 24, 25, 26)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import (
    AbsAnSensData,
    AbsCntrData,
    AbsDigSensData,
    AbsLoopinData,
)
from tests.builders import egts as build

from . import decode, encode


def test_abs_dig_sens_splits_number_across_bytes() -> None:
    """DSN 300 = 0x12C: low nibble in byte 0 bits 7-4, the rest in byte 1; DSST in bits 3-0."""
    srd = bytes.fromhex("c1" "12")  # 0xC << 4 | DSST 1, DSN >> 4 = 0x12
    value = decode(AbsDigSensData, srd)
    assert value == AbsDigSensData(number=300, state=1) and encode(value) == srd


def test_abs_loopin_splits_number_across_bytes() -> None:
    """LIN/LIS use the same split as DSN/DSST."""
    srd = build.abs_loopin(300, 1)
    value = decode(AbsLoopinData, srd)
    assert value == AbsLoopinData(number=300, state=1) and encode(value) == srd


def test_abs_an_sens_decodes() -> None:
    """ASN byte then a 24-bit value."""
    srd = bytes.fromhex("01" "020304")  # ASN 1, ASV 0x040302
    value = decode(AbsAnSensData, srd)
    assert value == AbsAnSensData(number=1, value=0x040302) and encode(value) == srd


def test_abs_cntr_decodes() -> None:
    """CN byte then a 24-bit value."""
    srd = bytes.fromhex("64" "1b9537")  # CN 100, CNV 3642651
    value = decode(AbsCntrData, srd)
    assert value == AbsCntrData(number=100, value=3642651) and encode(value) == srd


def test_twelve_bit_numbers_are_enforced() -> None:
    """DSN above 4095 is refused by the invariant."""
    with pytest.raises(ValueError):
        AbsDigSensData(number=4096, state=0)


@given(st.integers(0, 0xFFF), st.integers(0, 15))
def test_any_abs_dig_and_loopin_round_trip(number: int, state: int) -> None:
    """decode(encode(x)) == x for both 12+4-bit tables."""
    for cls in (AbsDigSensData, AbsLoopinData):
        value = cls(number=number, state=state)
        assert decode(cls, encode(value)) == value


@given(st.integers(0, 255), st.integers(0, 2**24 - 1))
def test_any_abs_an_and_cntr_round_trip(number: int, value_: int) -> None:
    """decode(encode(x)) == x for both byte+24-bit tables."""
    for cls in (AbsAnSensData, AbsCntrData):
        value = cls(number=number, value=value_)
        assert decode(cls, encode(value)) == value
