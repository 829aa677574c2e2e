"""EGTS_SR_PASSENGERS_COUNTERS: per-door in/out counts or a raw reply."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import PassengersCounters
from tests.builders import egts as build

from . import decode, encode

SAMPLE = bytes.fromhex(
    "00"  # flags: RDF 0
    "87"  # DPR: doors 1, 2, 3, 8
    "00"  # DRL
    "2c01"  # MADDR 300
    "0101" "0202" "0303" "0808"  # IPQ/OPQ per door
)


def test_sample_decodes() -> None:
    """One (in, out) pair per door present, in bit order."""
    value = decode(PassengersCounters, SAMPLE)
    assert value == PassengersCounters(address=300, doors={1: (1, 1), 2: (2, 2), 3: (3, 3),
                                                            8: (8, 8)})
    assert value.doors_present == 0x87 and encode(value) == SAMPLE


def test_raw_reply_keeps_the_door_mask() -> None:
    """RDF = 1: the rest is raw and DPR is kept as sent."""
    srd = build.passengers(raw=b"\xaa", dpr=3, drl=1, maddr=5)
    value = decode(PassengersCounters, srd)
    assert (value.raw, value.doors_present, value.doors_opened) == (b"\xaa", 3, 1)
    assert encode(value) == srd


pairs = st.tuples(st.integers(0, 255), st.integers(0, 255))


@given(st.integers(0, 0xFFFF), st.integers(0, 255), st.dictionaries(st.integers(1, 8), pairs),
       st.integers(0, 127))
def test_any_passengers_round_trip(address: int, drl: int, doors: dict[int, tuple[int, int]],
                                   reserved: int) -> None:
    """decode(encode(x)) == x."""
    value = PassengersCounters(address=address, doors_opened=drl, doors=doors,
                               reserved_flags=reserved)
    assert decode(PassengersCounters, encode(value)) == value
