"""EGTS_SR_LIQUID_LEVEL_SENSOR: flags, address, value or raw reply."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import LevelUnit, LiquidLevelSensor
from tests.builders import egts as build

from . import decode, encode

SAMPLE = bytes.fromhex(
    "21"  # flags: LLSVU 2 (0.1 l), RDF 0, LLSN 1
    "e8fd"  # MADDR 65000
    "03000506"  # LLSD 100990979
)


def test_sample_decodes() -> None:
    """Unit, number, address and a 32-bit level."""
    value = decode(LiquidLevelSensor, SAMPLE)
    assert value == LiquidLevelSensor(number=1, address=65000, unit=LevelUnit.DECILITRE,
                                      value=0x06050003)
    assert encode(value) == SAMPLE


def test_raw_data_runs_to_the_end() -> None:
    """RDF = 1: LLSD is the sensor's raw reply."""
    srd = build.liquid_level(llsn=2, raw=b"\x01\x02\x03", llsef=True)
    value = decode(LiquidLevelSensor, srd)
    assert (value.raw, value.value, value.error, value.number) == (b"\x01\x02\x03", None, True, 2)
    assert encode(value) == srd


def test_value_and_raw_exclude_each_other() -> None:
    """Exactly one of value and raw is set."""
    with pytest.raises(ValueError):
        LiquidLevelSensor(number=0, address=0)


@given(st.integers(0, 7), st.integers(0, 0xFFFF), st.integers(0, 3), st.booleans(),
       st.one_of(st.integers(0, 2**32 - 1), st.binary(max_size=8)), st.booleans())
def test_any_lls_round_trips(number: int, address: int, unit: int, error: bool,
                             data: int | bytes, reserved: bool) -> None:
    """decode(encode(x)) == x."""
    value = LiquidLevelSensor(number=number, address=address, unit=unit, error=error,
                              value=data if isinstance(data, int) else None,
                              raw=data if isinstance(data, bytes) else None, reserved=reserved)
    assert decode(LiquidLevelSensor, encode(value)) == value
