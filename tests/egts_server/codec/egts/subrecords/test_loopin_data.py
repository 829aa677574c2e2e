"""EGTS_SR_LOOPIN_DATA: nibble-packed loop states."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import LoopinData
from tests.builders import egts as build

from . import decode, encode


def test_packed_states_decode_low_nibble_first() -> None:
    """Loops 1, 3, 8: states packed two per byte, first in the low nibble."""
    srd = bytes.fromhex(
        "85"  # LIFE: loops 1, 3, 8
        "21"  # loop 1 = 1 (low), loop 3 = 2 (high)
        "04"  # loop 8 = 4 (low), padding 0
    )
    value = decode(LoopinData, srd)
    assert value == LoopinData(loops={1: 1, 3: 2, 8: 4})
    assert encode(value) == srd


def test_pair_per_byte_encoding_is_kept_as_trailing() -> None:
    """egts-python's pair-per-byte layout decodes leniently; its extra byte round-trips."""
    srd = bytes.fromhex("85" "10" "f0" "08")
    value = decode(LoopinData, srd)
    assert value.loops == {1: 0, 3: 1, 8: 0} and value.trailing == b"\x08"
    assert encode(value) == srd


def test_builder_agrees() -> None:
    """The independent builder's bytes decode to its inputs."""
    assert decode(LoopinData, build.loopin({2: 8, 4: 2})).loops == {2: 8, 4: 2}


@given(st.dictionaries(st.integers(1, 8), st.integers(0, 15)), st.integers(0, 15),
       st.binary(max_size=3))
def test_any_loopin_round_trips(loops: dict[int, int], padding: int, trailing: bytes) -> None:
    """decode(encode(x)) == x."""
    value = LoopinData(loops=loops, padding=padding if len(loops) % 2 else 0, trailing=trailing)
    assert decode(LoopinData, encode(value)) == value
