"""EGTS_SR_ACCEL_DATA (ECALL): a time and signed accelerometer samples."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import AccelData, AccelSample
from tests.builders import egts as build

from . import decode, encode


def test_sample_decodes() -> None:
    """SA counts the 8-byte samples that follow ATM."""
    srd = bytes.fromhex(
        "01"  # SA 1
        "10000000"  # ATM 16
        "6400" "f6ff" "0a00" "6200"  # RTM 100 ms, X -1.0, Y 1.0, Z 9.8 (0.1 m/s²)
    )
    value = decode(AccelData, srd)
    assert value == AccelData(time=16, samples=(AccelSample(offset_ms=100, x=-10, y=10, z=98),))
    assert encode(value) == srd


def test_builder_agrees() -> None:
    """The independent builder's bytes decode to its inputs."""
    value = decode(AccelData, build.accel_data(atm=5, samples=[(0, 1, 2, 3), (10, -1, -2, -3)]))
    assert [s.z for s in value.samples] == [3, -3]


i16 = st.integers(-0x8000, 0x7FFF)
samples = st.builds(AccelSample, offset_ms=st.integers(0, 0xFFFF), x=i16, y=i16, z=i16)


@given(st.integers(0, 2**32 - 1), st.lists(samples, max_size=10).map(tuple))
def test_any_accel_data_round_trips(time: int, values: tuple[AccelSample, ...]) -> None:
    """decode(encode(x)) == x."""
    value = AccelData(time=time, samples=values)
    assert decode(AccelData, encode(value)) == value
