"""EGTS_SR_DISPATCHER_IDENTITY: type, id and a free-length description."""

from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.egts.subrecords import DispatcherIdentity
from tests.builders import egts as build

from . import decode, encode

TRACCAR = bytes.fromhex(
    "00"  # DT 0
    "ab080000"  # DID 2219
    "6247396e615734366347467a63336476636d513d"  # DSCR "bG9naW46cGFzc3dvcmQ="
)


def test_traccar_sample_decodes() -> None:
    """The description runs to the end of the subrecord."""
    value = decode(DispatcherIdentity, TRACCAR)
    assert value == DispatcherIdentity(dispatcher_type=0, dispatcher_id=2219,
                                       description=b"bG9naW46cGFzc3dvcmQ=")
    assert encode(value) == TRACCAR


def test_empty_description() -> None:
    """DSCR may be empty."""
    assert decode(DispatcherIdentity, build.dispatcher_identity(did=71)).description == b""


@given(st.integers(0, 255), st.integers(0, 2**32 - 1), st.binary(max_size=255))
def test_any_dispatcher_identity_round_trips(dt: int, did: int, dscr: bytes) -> None:
    """decode(encode(x)) == x."""
    value = DispatcherIdentity(dispatcher_type=dt, dispatcher_id=did, description=dscr)
    assert decode(DispatcherIdentity, encode(value)) == value
