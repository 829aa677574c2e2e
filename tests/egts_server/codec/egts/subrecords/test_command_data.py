"""EGTS_SR_COMMAND_DATA: header, optional charset and auth code, and a CT_COM body."""

import struct

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import CommandBody, CommandData, CommandType
from egts_server.codec.reader import ByteReader, ByteWriter
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


def test_com_command_layout() -> None:
    """CT_COM|CCT 0, CID (cut to 32 bits), SID, flags CHSFE, CHS, then CD = ADR, SZ|ACT, CCD, DT."""
    sub = CommandData.com(command_id=0x1_0000_0007, source_id=9, code=0x0262, action=2,
                          charset=0, data=b"60")  # ACT 2: set; CHS 0: CP1251
    w = ByteWriter()
    sub.encode(w)
    wire = w.getvalue()
    assert wire[0] == CommandType.COM << 4
    assert struct.unpack_from("<IIBB", wire, 1) == (7, 9, 0x01, 0)
    assert struct.unpack_from("<HBH", wire, 11) == (0, 2 << 3 | 2, 0x0262)
    assert wire[16:] == b"60"
    decoded = CommandData.decode(ByteReader(wire))
    assert decoded == sub and decoded.command is not None and decoded.command.data == b"60"


def test_com_command_with_long_data_has_size_zero() -> None:
    """SZ has 5 bits: data of 32 bytes or more is sent with SZ 0."""
    sub = CommandData.com(command_id=1, source_id=0, code=0, action=0, charset=0, data=b"x" * 40)
    assert sub.command is not None and sub.command.size == 0
