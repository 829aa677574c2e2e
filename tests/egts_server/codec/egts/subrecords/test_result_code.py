"""EGTS_SR_RESULT_CODE: the platform's one-byte verdict on an authorization."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import ResultCodeData

from . import decode, encode


def test_result_code_decodes() -> None:
    """RCD is a single byte."""
    value = decode(ResultCodeData, b"\x97")  # RCD 151 AUTH_DENIED
    assert value == ResultCodeData(code=151) and encode(value) == b"\x97"


@given(st.integers(0, 255))
def test_any_result_code_round_trips(rcd: int) -> None:
    """decode(encode(x)) == x."""
    assert decode(ResultCodeData, encode(ResultCodeData(code=rcd))) == ResultCodeData(code=rcd)
