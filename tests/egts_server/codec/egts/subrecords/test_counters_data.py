"""EGTS_SR_COUNTERS_DATA: sparse 24-bit counters."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import CountersData
from tests.builders import egts as build

from . import decode, encode

SAMPLE = bytes.fromhex(
    "85"  # CFE: counters 1, 3, 8
    "000001"  # CN1 65536
    "000003"  # CN3 196608
    "000008"  # CN8 524288
)


def test_sample_decodes() -> None:
    """Only flagged counters are present, in bit order."""
    value = decode(CountersData, SAMPLE)
    assert value == CountersData(counters={1: 65536, 3: 196608, 8: 524288})
    assert encode(value) == SAMPLE


def test_builder_agrees() -> None:
    """The independent builder's bytes decode to its inputs."""
    assert decode(CountersData, build.counters({2: 7})).counters == {2: 7}


@given(st.dictionaries(st.integers(1, 8), st.integers(0, 2**24 - 1)))
def test_any_counters_round_trip(counters: dict[int, int]) -> None:
    """decode(encode(x)) == x."""
    value = CountersData(counters=counters)
    assert decode(CountersData, encode(value)) == value
