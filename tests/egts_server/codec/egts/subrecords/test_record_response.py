"""EGTS_SR_RECORD_RESPONSE: the confirmation of one record."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import RecordResponse

from . import decode, encode


def test_record_response_decodes() -> None:
    """CRN USHORT then RST BYTE."""
    srd = bytes.fromhex("e8fd" "00")  # CRN 65000, RST 0
    value = decode(RecordResponse, srd)
    assert value == RecordResponse(confirmed_rn=65000, result=0)
    assert encode(value) == srd


@given(st.integers(0, 0xFFFF), st.integers(0, 255))
def test_any_record_response_round_trips(crn: int, rst: int) -> None:
    """decode(encode(x)) == x."""
    value = RecordResponse(confirmed_rn=crn, result=rst)
    assert decode(RecordResponse, encode(value)) == value
