"""EGTS_SR_VEHICLE_DATA: VIN and two bitmask words."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import VehicleData
from tests.builders import egts as build

from . import decode, encode

SAMPLE = bytes.fromhex(
    "6132333435363738393031323334353662"  # VIN "a234567890123456b"
    "39300000"  # VHT 12345
    "a05b0000"  # VPST 23456
)


def test_sample_decodes() -> None:
    """VIN, VHT and VPST decode."""
    value = decode(VehicleData, SAMPLE)
    assert value == VehicleData(vin=b"a234567890123456b", vehicle_type=12345, propulsion=23456)
    assert encode(value) == SAMPLE


def test_builder_agrees() -> None:
    """The independent builder's bytes decode to its inputs."""
    assert decode(VehicleData, build.vehicle_data(vht=2, vpst=1)).propulsion == 1


def test_vin_must_be_17_bytes() -> None:
    """The invariant refuses a short VIN."""
    with pytest.raises(ValueError):
        VehicleData(vin=b"short", vehicle_type=0, propulsion=0)


@given(st.binary(min_size=17, max_size=17), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1))
def test_any_vehicle_data_round_trips(vin: bytes, vht: int, vpst: int) -> None:
    """decode(encode(x)) == x."""
    value = VehicleData(vin=vin, vehicle_type=vht, propulsion=vpst)
    assert decode(VehicleData, encode(value)) == value
