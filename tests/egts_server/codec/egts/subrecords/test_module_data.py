"""EGTS_SR_MODULE_DATA: fixed fields and two NUL-terminated strings."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import ModuleData
from egts_server.codec.errors import TruncatedError
from tests.builders import egts as build

from . import decode, encode

SAMPLE = bytes.fromhex(
    "01"  # MT 1
    "00393000"  # VID 3160320
    "0001"  # FWV 1.0
    "0101"  # SWV 1.1
    "01"  # MD
    "0a"  # ST 10
    "013031323334" "00"  # SRN "\\x0101234"
    "3536373839" "00"  # DSCR "56789"
)


def test_sample_decodes() -> None:
    """Every field of the egts-python sample decodes; versions read major.minor."""
    value = decode(ModuleData, SAMPLE)
    assert value == ModuleData(module_type=1, vendor_id=3160320, firmware_version=0x0100,
                               software_version=0x0101, modification=1, state=10,
                               serial_number=b"\x0101234", description=b"56789")
    assert encode(value) == SAMPLE


def test_builder_agrees() -> None:
    """The independent builder's bytes decode to its inputs."""
    srd = build.module_data(mt=3, vid=9, srn=b"SN1", dscr=b"")
    assert decode(ModuleData, srd).serial_number == b"SN1"


def test_missing_terminator_is_truncated() -> None:
    """DSCR without its 0x00 is refused."""
    with pytest.raises(TruncatedError):
        decode(ModuleData, SAMPLE[:-1])


text32 = st.binary(max_size=32).map(lambda b: b.replace(b"\x00", b"x"))


@given(st.integers(0, 255), st.integers(0, 2**32 - 1), st.integers(0, 0xFFFF),
       st.integers(0, 0xFFFF), st.integers(0, 255), st.integers(0, 255), text32, text32)
def test_any_module_data_round_trips(mt: int, vid: int, fwv: int, swv: int, md: int, state: int,
                                     srn: bytes, dscr: bytes) -> None:
    """decode(encode(x)) == x."""
    value = ModuleData(module_type=mt, vendor_id=vid, firmware_version=fwv,
                       software_version=swv, modification=md, state=state, serial_number=srn,
                       description=dscr)
    assert decode(ModuleData, encode(value)) == value
