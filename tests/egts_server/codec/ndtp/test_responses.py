"""NDTP replies: NPH_RESULT bodies and frames, DEVICE_RESULT frames (the policy table's rows are
in test_responses_policy.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egts_server.codec.errors import FormatError, TruncatedError
from egts_server.codec.ndtp import (
    DeviceResult,
    NphHeader,
    ReplyTo,
    Result,
    build_device_result,
    build_frame,
    build_result,
)
from tests.builders import ndtp as build


def test_result_body_is_one_little_endian_u32() -> None:
    assert Result(code=303).encode() == bytes.fromhex("2f010000")
    assert Result.decode(bytes.fromhex("2f010000")) == Result(code=303)


@pytest.mark.parametrize(("body", "error"), [
    (bytes(3), TruncatedError),
    (bytes(5), FormatError),
])
def test_result_body_of_another_size_is_refused(body: bytes, error: type[Exception]) -> None:
    with pytest.raises(error, match=f"NPH_RESULT of {len(body)} bytes, expected 4"):
        Result.decode(body)


@pytest.mark.parametrize("code", [-1, 1 << 32])
def test_result_code_outside_u32_cannot_be_built(code: int) -> None:
    with pytest.raises(ValueError, match="out of range"):
        Result(code=code)


def test_result_frame_quotes_the_request_at_both_layers() -> None:
    """Service and NPH request id, NPL peer and NPL request id come back as the request sent."""
    to = ReplyTo(service=1, request_id=5291, requested=True, peer_address=0x0100007F,
                 npl_request_id=3)
    assert build_result(to, 201) == build.result(service=1, request_id=5291, code=201,
                                                 peer=0x0100007F, npl_request_id=3)


def test_device_result_frame_is_type_102_of_the_requests_service() -> None:
    to = ReplyTo(service=5, request_id=9, requested=False, peer_address=3, npl_request_id=4)
    reply = build_device_result(to, DeviceResult(pack_num=2, result=0, mes_id=7))
    assert reply == build.device_result(request_id=9, mes_id=7, pack_num=2, code=0, peer=3,
                                        npl_request_id=4)


@given(st.integers(0, 0xFFFF), st.integers(0, 0xFFFF_FFFF), st.integers(0, 0xFFFF_FFFF),
       st.integers(0, 0xFFFF_FFFF), st.integers(0, 0xFFFF))
def test_fast_result_builder_equals_the_general_one(service: int, request_id: int, code: int,
                                                    peer: int, npl_id: int) -> None:
    """build_result packs bytes directly; it must equal build_frame of the typed values."""
    to = ReplyTo(service, request_id, True, peer, npl_id)
    general = build_frame(NphHeader(service=service, packet_type=0, request_id=request_id),
                          Result(code=code).encode(), peer_address=peer, npl_request_id=npl_id)
    assert build_result(to, code) == general
