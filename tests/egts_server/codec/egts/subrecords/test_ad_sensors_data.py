"""EGTS_SR_AD_SENSORS_DATA: sparse digital octets and analog values."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import AdSensorsData
from tests.builders import egts as build

from . import decode, encode

SPARSE = bytes.fromhex(
    "05"  # DIOE: ADIO1 and ADIO3 follow
    "0f"  # DOUT
    "82"  # ASFE: ANS2 and ANS8 follow
    "07"  # ADIO1
    "a0"  # ADIO3
    "6b6d00"  # ANS2 = 28011
    "010000"  # ANS8 = 1
)


def test_sparse_fields_decode_in_bit_order() -> None:
    """Only flagged octets and values are present, numbered by their bit."""
    value = decode(AdSensorsData, SPARSE)
    assert value == AdSensorsData(outputs=15, digital={1: 7, 3: 0xA0}, analog={2: 28011, 8: 1})
    assert encode(value) == SPARSE


def test_builder_and_decoder_agree() -> None:
    """The independent builder's bytes decode to its inputs."""
    srd = build.ad_sensors(dout=1, adio={8: 255}, ans={1: 0xFFFFFF})
    assert decode(AdSensorsData, srd) == AdSensorsData(outputs=1, digital={8: 255},
                                                       analog={1: 0xFFFFFF})


keys = st.integers(1, 8)


@given(st.integers(0, 255), st.dictionaries(keys, st.integers(0, 255)),
       st.dictionaries(keys, st.integers(0, 2**24 - 1)))
def test_any_ad_sensors_round_trips(dout: int, digital: dict[int, int],
                                    analog: dict[int, int]) -> None:
    """decode(encode(x)) == x."""
    value = AdSensorsData(outputs=dout, digital=digital, analog=analog)
    assert decode(AdSensorsData, encode(value)) == value
