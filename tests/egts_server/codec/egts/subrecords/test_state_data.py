"""EGTS_SR_STATE_DATA (SRT 20) and the same layout under the vendor SRT 21."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.constants import ServiceType
from egts_server.codec.egts.subrecords import (
    REGISTRY,
    StateData,
    StateDataSrt21,
    UnknownSubrecord,
    iter_subrecords,
)
from egts_server.codec.reader import ByteReader
from tests.builders import egts as build

from . import decode, encode

SAMPLE = bytes.fromhex(
    "02"  # ST active
    "ff"  # MPSV 25.5 V
    "00"  # BBV 0 V
    "29"  # IBV 4.1 V
    "04"  # flags: NMS
)


def test_sample_decodes() -> None:
    """State, three voltages and the flag bits."""
    value = decode(StateData, SAMPLE)
    assert value == StateData(state=2, main_voltage=255, backup_voltage=0, internal_voltage=41,
                              flags=4)
    assert (value.nav_module_on, value.backup_in_use, value.internal_battery_in_use) == (
        True, False, False)
    assert encode(value) == SAMPLE


def test_srt_21_reads_the_same_layout() -> None:
    """TELEDATA SRT 21 decodes as StateDataSrt21 and keeps its SRT on encode."""
    (sub,) = iter_subrecords(2, ByteReader(build.subrecord(21, build.state_data(mpsv=120))))
    assert isinstance(sub, StateDataSrt21) and sub.SRT == 21 and sub.main_voltage == 120


def test_srt_20_in_ecall_is_not_state_data() -> None:
    """ECALL SRT 20 is ACCEL_DATA; TELEDATA SRT 20 is STATE_DATA."""
    assert REGISTRY[(ServiceType.TELEDATA, 20)] is StateData
    assert REGISTRY[(ServiceType.ECALL, 20)] is not StateData
    (sub,) = iter_subrecords(64, ByteReader(build.subrecord(20, SAMPLE)))
    assert isinstance(sub, UnknownSubrecord)


byte = st.integers(0, 255)


@given(byte, byte, byte, byte, byte)
def test_any_state_data_round_trips(st_: int, mpsv: int, bbv: int, ibv: int, flags: int) -> None:
    """decode(encode(x)) == x."""
    value = StateData(state=st_, main_voltage=mpsv, backup_voltage=bbv, internal_voltage=ibv,
                      flags=flags)
    assert decode(StateData, encode(value)) == value
