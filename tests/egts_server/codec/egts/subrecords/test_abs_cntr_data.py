"""EGTS_SR_ABS_CNTR_DATA (SRT 25): one counter by absolute number."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import AbsCntrData

from . import decode, encode


def test_abs_cntr_decodes() -> None:
    """CN byte then a 24-bit value."""
    srd = bytes.fromhex("64" "1b9537")  # CN 100, CNV 3642651
    value = decode(AbsCntrData, srd)
    assert value == AbsCntrData(number=100, value=3642651) and encode(value) == srd


@given(st.integers(0, 255), st.integers(0, 2**24 - 1))
def test_any_abs_cntr_round_trips(number: int, value_: int) -> None:
    """decode(encode(x)) == x."""
    value = AbsCntrData(number=number, value=value_)
    assert decode(AbsCntrData, encode(value)) == value
