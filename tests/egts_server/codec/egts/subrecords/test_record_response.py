"""EGTS_SR_RECORD_RESPONSE and EGTS_SR_RESULT_CODE: the two fixed-size answers."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import RecordResponse, ResultCodeData

from . import decode, encode


def test_record_response_decodes() -> None:
    """CRN USHORT then RST BYTE."""
    srd = bytes.fromhex("e8fd" "00")  # CRN 65000, RST 0
    value = decode(RecordResponse, srd)
    assert value == RecordResponse(confirmed_rn=65000, result=0)
    assert encode(value) == srd


def test_result_code_decodes() -> None:
    """RCD is a single byte."""
    value = decode(ResultCodeData, b"\x97")  # RCD 151 AUTH_DENIED
    assert value == ResultCodeData(code=151) and encode(value) == b"\x97"


@given(st.integers(0, 0xFFFF), st.integers(0, 255))
def test_any_record_response_round_trips(crn: int, rst: int) -> None:
    """decode(encode(x)) == x."""
    value = RecordResponse(confirmed_rn=crn, result=rst)
    assert decode(RecordResponse, encode(value)) == value


@given(st.integers(0, 255))
def test_any_result_code_round_trips(rcd: int) -> None:
    """decode(encode(x)) == x."""
    assert decode(ResultCodeData, encode(ResultCodeData(code=rcd))) == ResultCodeData(code=rcd)
