"""EGTS_SR_TERM_IDENTITY: every optional field and the text helpers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import TermIdentity, TermIdentityFlags
from tests.builders import egts as build

from . import decode, encode

ALL = bytes.fromhex(
    "d2040000"  # TID 1234
    "ef"  # flags: MNE BSE NIDE LNGCE IMSIE IMEIE HDIDE (SSRA 0)
    "e8fd"  # HDID 65000
    "613233343536373839303132333462"  # IMEI "a2345678901234b"
    "63323334353637383930313233343564"  # IMSI "c23456789012345d"
    "727573"  # LNGC "rus"
    "010203"  # NID
    "0010"  # BS 4096
    "653233343536373839303132333466"  # MSISDN "e2345678901234f"
)


def test_all_optional_fields_decode() -> None:
    """Every flagged field decodes in the standard's order."""
    value = decode(TermIdentity, ALL)
    assert value == TermIdentity(terminal_id=1234, home_dispatcher_id=65000,
                                 imei=b"a2345678901234b", imsi=b"c23456789012345d",
                                 language=b"rus", network_id=b"\x01\x02\x03", buffer_size=4096,
                                 msisdn=b"e2345678901234f")
    assert value.flags == 0xEF
    assert (value.imei_text, value.imsi_text, value.msisdn_text) == (
        "a2345678901234b", "c23456789012345d", "e2345678901234f")
    assert encode(value) == ALL


def test_nid_splits_into_mcc_and_mnc() -> None:
    """NID: MCC in bits 19-10, MNC in bits 9-0."""
    nid = (250 << 10 | 1).to_bytes(3, "little")
    value = TermIdentity(terminal_id=1, network_id=nid)
    assert (value.mcc, value.mnc) == (250, 1)


def test_zero_filled_imei_text_is_trimmed() -> None:
    """A short IMEI padded with NULs reads as its digits."""
    srd = build.term_identity(865905, imei=b"865905" + b"\x00" * 9)
    assert decode(TermIdentity, srd).imei_text == "865905"


def test_ssra_has_no_field() -> None:
    """SSRA is a flag only."""
    srd = build.term_identity(133552, ssra=True)
    value = decode(TermIdentity, srd)
    assert value.simple_service and value.flags == TermIdentityFlags.SSRA and len(srd) == 5


def test_fixed_width_fields_must_have_their_width() -> None:
    """A 14-byte IMEI is refused by the invariant."""
    with pytest.raises(ValueError):
        TermIdentity(terminal_id=1, imei=b"1" * 14)


def fixed(n: int) -> st.SearchStrategy[bytes | None]:
    return st.one_of(st.none(), st.binary(min_size=n, max_size=n))


@given(st.integers(0, 2**32 - 1), st.booleans(), st.one_of(st.none(), st.integers(0, 0xFFFF)),
       fixed(15), fixed(16), fixed(3), fixed(3), st.one_of(st.none(), st.integers(0, 0xFFFF)),
       fixed(15))
def test_any_term_identity_round_trips(tid: int, ssra: bool, hdid: int | None,
                                       imei: bytes | None, imsi: bytes | None,
                                       lngc: bytes | None, nid: bytes | None, bs: int | None,
                                       msisdn: bytes | None) -> None:
    """decode(encode(x)) == x."""
    value = TermIdentity(terminal_id=tid, simple_service=ssra, home_dispatcher_id=hdid,
                         imei=imei, imsi=imsi, language=lngc, network_id=nid, buffer_size=bs,
                         msisdn=msisdn)
    assert decode(TermIdentity, encode(value)) == value
