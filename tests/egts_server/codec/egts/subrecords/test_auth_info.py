"""EGTS_SR_AUTH_INFO: user name, password and the optional server sequence."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import AuthInfo
from tests.builders import egts as build

from . import decode, encode

SAMPLE = bytes.fromhex(
    "757365726e616d653100"  # UNM "username1"
    "7073776430313233" "00"  # UPSW "pswd0123"
    "3435363738" "00"  # SS "45678"
)


def test_sample_decodes() -> None:
    """Three NUL-terminated strings."""
    value = decode(AuthInfo, SAMPLE)
    assert value == AuthInfo(user_name=b"username1", password=b"pswd0123",
                             server_sequence=b"45678")
    assert encode(value) == SAMPLE


def test_without_server_sequence() -> None:
    """SS is optional."""
    value = decode(AuthInfo, build.auth_info(unm=b"800", upsw=b"pw"))
    assert value.server_sequence is None


text = st.binary(max_size=32).map(lambda b: b.replace(b"\x00", b"x"))


@given(text, text, st.one_of(st.none(), text))
def test_any_auth_info_round_trips(unm: bytes, upsw: bytes, ss: bytes | None) -> None:
    """decode(encode(x)) == x."""
    value = AuthInfo(user_name=unm, password=upsw, server_sequence=ss)
    assert decode(AuthInfo, encode(value)) == value
