"""EGTS_SR_AUTH_PARAMS: the flag byte and each optional field."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import AuthParams
from tests.builders import egts as build

from . import decode, encode


def test_no_encryption_is_one_byte() -> None:
    """ENA 0 and no options: the flag byte alone."""
    assert decode(AuthParams, b"\x00") == AuthParams() and encode(AuthParams()) == b"\x00"


def test_every_option_decodes() -> None:
    """PKL+PBK, ISL, MSZ, SS and EXP follow in order when flagged."""
    srd = bytes.fromhex(
        "7d"  # FLG: EXE SSE MSE ISLE PKE, ENA 1
        "0200" "abcd"  # PKL 2, PBK
        "1000"  # ISL 16
        "2000"  # MSZ 32
        "737300"  # SS "ss"
        "657800"  # EXP "ex"
    )
    value = decode(AuthParams, srd)
    assert value == AuthParams(encryption=1, public_key=b"\xab\xcd", identity_length=16,
                               modulus_size=32, server_sequence=b"ss", expression=b"ex")
    assert encode(value) == srd


def test_builder_agrees() -> None:
    """The independent builder's bytes decode to its inputs."""
    assert decode(AuthParams, build.auth_params(ena=1, pbk=b"")) == AuthParams(encryption=1,
                                                                              public_key=b"")


cstr = st.one_of(st.none(), st.binary(max_size=20).map(lambda b: b.replace(b"\x00", b"x")))
u16 = st.one_of(st.none(), st.integers(0, 0xFFFF))


@given(st.integers(0, 3), st.one_of(st.none(), st.binary(max_size=64)), u16, u16, cstr, cstr,
       st.booleans())
def test_any_auth_params_round_trips(ena: int, pbk: bytes | None, isl: int | None,
                                     msz: int | None, ss: bytes | None, exp: bytes | None,
                                     reserved: bool) -> None:
    """decode(encode(x)) == x."""
    value = AuthParams(encryption=ena, public_key=pbk, identity_length=isl, modulus_size=msz,
                       server_sequence=ss, expression=exp, reserved=reserved)
    assert decode(AuthParams, encode(value)) == value
