"""EGTS_SR_COMMAND_DATA: header, optional charset and auth code, and a CT_COM body."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import CommandBody, CommandData, CommandType
from tests.builders import egts as build

from . import decode, encode

SAMPLE = bytes.fromhex(
    "50"  # CT 5 (COM) | CCT 0
    "01000000"  # CID 1
    "01000000"  # SID 1
    "02"  # flags: ACFE
    "08" "0102030405060708"  # ACL 8, AC
    "3930" "10" "3930" "30313233343536373839"  # CD: ADR 12345, SZ 2 | ACT 0, CCD 12345, DT
)


def test_sample_decodes() -> None:
    """All header fields, the auth code and the command body decode."""
    value = decode(CommandData, SAMPLE)
    assert value == CommandData(command_type=CommandType.COM, confirmation_type=0, command_id=1,
                                source_id=1, auth_code=bytes(range(1, 9)),
                                data=bytes.fromhex("393010393030313233343536373839"))
    assert value.command == CommandBody(address=12345, size=2, action=0, code=12345,
                                        data=b"0123456789")
    assert encode(value) == SAMPLE


def test_charset_only() -> None:
    """CHSFE brings CHS; a confirmation has no command body."""
    value = decode(CommandData, build.command_data(ct=1, cct=0, chs=1, cd=b"ok"))
    assert (value.charset, value.auth_code, value.command) == (1, None, None)


@given(st.integers(0, 15), st.integers(0, 15), st.integers(0, 2**32 - 1),
       st.integers(0, 2**32 - 1), st.one_of(st.none(), st.integers(0, 255)),
       st.one_of(st.none(), st.binary(max_size=255)), st.binary(max_size=32), st.integers(0, 63))
def test_any_command_data_round_trips(ct: int, cct: int, cid: int, sid: int, chs: int | None,
                                      ac: bytes | None, cd: bytes, reserved: int) -> None:
    """decode(encode(x)) == x."""
    value = CommandData(command_type=ct, confirmation_type=cct, command_id=cid, source_id=sid,
                        charset=chs, auth_code=ac, data=cd, reserved_flags=reserved)
    assert decode(CommandData, encode(value)) == value
