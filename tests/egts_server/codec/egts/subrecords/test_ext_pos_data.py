"""EGTS_SR_EXT_POS_DATA: each optional field under its flag."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import ExtPosData
from tests.builders import egts as build

from . import decode, encode

ALL = bytes.fromhex(
    "1f"  # flags: VFE HFE PFE SFE NSFE
    "e8fd"  # VDOP 65000 (650.00)
    "2c01"  # HDOP 300 (3.00)
    "c201"  # PDOP 450 (4.50)
    "01"  # SAT 1
    "204e"  # NS 20000
)


def test_all_fields_decode() -> None:
    """With every flag set all five fields decode in order."""
    value = decode(ExtPosData, ALL)
    assert value == ExtPosData(vdop=65000, hdop=300, pdop=450, satellites=1, nav_systems=20000)
    assert encode(value) == ALL


def test_hdop_and_satellites_only() -> None:
    """Flags 0x0A carry HDOP and SAT only (a common real-terminal layout)."""
    srd = build.ext_pos_data(hdop=6, sat=12)
    assert decode(ExtPosData, srd) == ExtPosData(hdop=6, satellites=12)


def test_no_flags_is_one_byte() -> None:
    """Without flags the subrecord is the flag byte alone."""
    assert encode(ExtPosData()) == b"\x00"


optional16 = st.one_of(st.none(), st.integers(0, 0xFFFF))


@given(optional16, optional16, optional16, st.one_of(st.none(), st.integers(0, 255)), optional16,
       st.integers(0, 7))
def test_any_ext_pos_round_trips(vdop: int | None, hdop: int | None, pdop: int | None,
                                 sat: int | None, ns: int | None, reserved: int) -> None:
    """decode(encode(x)) == x."""
    value = ExtPosData(vdop=vdop, hdop=hdop, pdop=pdop, satellites=sat, nav_systems=ns,
                       reserved_flags=reserved)
    assert decode(ExtPosData, encode(value)) == value
