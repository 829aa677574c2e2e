"""EGTS_SR_SERVICE_INFO: one or more (ST, SST, SRVP) entries."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import ServiceEntry, ServiceInfo
from egts_server.codec.errors import FormatError
from tests.builders import egts as build

from . import decode, encode


def test_sample_decodes() -> None:
    """ST 1, state IN_SERVICE, SRVA requested, priority 2."""
    srd = bytes.fromhex("01" "00" "82")  # ST AUTH, SST 0, SRVP: SRVA + SRVRP 2
    value = decode(ServiceInfo, srd)
    assert value == ServiceInfo(services=(ServiceEntry(service=1, state=0, requested=True,
                                                       priority=2),))
    assert encode(value) == srd


def test_several_entries() -> None:
    """Entries follow back to back."""
    srd = build.service_info((1, 0, 0), (2, 128, 1))
    assert [e.service for e in decode(ServiceInfo, srd).services] == [1, 2]


def test_ragged_length_is_a_format_error() -> None:
    """A length that is not a multiple of three is refused."""
    with pytest.raises(FormatError):
        decode(ServiceInfo, b"\x01\x00")


entries = st.builds(ServiceEntry, service=st.integers(0, 255), state=st.integers(0, 255),
                    requested=st.booleans(), priority=st.integers(0, 3),
                    reserved=st.integers(0, 31))


@given(st.lists(entries, max_size=5).map(tuple))
def test_any_service_info_round_trips(services: tuple[ServiceEntry, ...]) -> None:
    """decode(encode(x)) == x."""
    value = ServiceInfo(services=services)
    assert decode(ServiceInfo, encode(value)) == value
