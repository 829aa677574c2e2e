"""EGTS_SR_ABS_AN_SENS_DATA (SRT 24): one analog sensor by absolute number."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import AbsAnSensData

from . import decode, encode


def test_abs_an_sens_decodes() -> None:
    """ASN byte then a 24-bit value."""
    srd = bytes.fromhex("01" "020304")  # ASN 1, ASV 0x040302
    value = decode(AbsAnSensData, srd)
    assert value == AbsAnSensData(number=1, value=0x040302) and encode(value) == srd


@given(st.integers(0, 255), st.integers(0, 2**24 - 1))
def test_any_abs_an_sens_round_trips(number: int, value_: int) -> None:
    """decode(encode(x)) == x."""
    value = AbsAnSensData(number=number, value=value_)
    assert decode(AbsAnSensData, encode(value)) == value
