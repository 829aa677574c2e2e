"""What the server answers, and the one policy table that says when (research/nis.md §5).

``POLICY`` holds every row of the research's server policy table, plus the two rows the
conversation itself needs (results from the terminal, device results) and one addition
(coordinates off the globe). The framer, the session and the Twisted adapter each act on
their rows; ``tests/egts_server/codec/ndtp/test_responses_policy.py`` exercises every row.

| situation | reply | close | store |
|---|---|---|---|
| bytes before ``7E 7E`` | none (skip, count) | no | - |
| false signature (NPL type not 1-3; type 2 under 10 bytes) | none (skip 1, rescan) | no | - |
| incomplete frame | none (buffer; idle timeout closes) | no | - |
| CRC flag set, CRC wrong | none | no | no |
| CRC flag clear | as for a good frame | no | yes |
| NPL type 1 or 3 | none | no | - |
| CONN_REQUEST shorter than 10 bytes | 201 | yes | - |
| device the registry refuses (``intake.unknown_terminals``, blocked) | 301 | yes | no |
| NAVDATA before CONN_REQUEST | none | yes | no |
| unknown cell type after known cells | 0 | no | decoded cells + raw tail |
| cell truncated inside a CRC-valid frame | 201 | no | nothing |
| coordinates off the globe (addition) | 203 | no | nothing |
| unknown or unimplemented service | 100 | no | - |
| known service, unknown packet type | 200 | no | - |
| service 5 TITLE_DATA / DEVICE_DATA | DEVICE_RESULT 0 (even unrequested) | no | - |
| NPH_RESULT / DEVICE_RESULT from the terminal | none | no | - |
| database down | none (terminal resends) | after a failed registry lookup | no |

NPH_RESULT replies go out only when the request's NPH flag bit 0 asks for one; the adapter
writes them in arrival order, each after the fixes of its own frame have been committed.
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, NamedTuple, Self

from egts_server.codec.crc import crc16_modbus
from egts_server.codec.errors import FormatError, TruncatedError
from egts_server.codec.ndtp.constants import (
    NPH_RESULT,
    SIGNATURE,
    ExternalDeviceType,
    NphResult,
    NplFlags,
    NplType,
)
from egts_server.codec.ndtp.external_device import DeviceResult
from egts_server.codec.ndtp.packet import NphHeader, build_frame

_RESULT: Final = struct.Struct("<I")


class Situation(enum.Enum):
    """The rows of the policy table, in its order."""

    GARBAGE = "bytes before 7E 7E"
    FALSE_SIGNATURE = "7E 7E with an impossible NPL type or size"
    INCOMPLETE = "incomplete frame"
    BAD_CRC = "CRC flag set and CRC wrong"
    UNCHECKED_CRC = "CRC flag clear"
    NOT_NPH = "NPL type 1 (error) or 3 (debug)"
    SHORT_CONN_REQUEST = "CONN_REQUEST shorter than 10 bytes"
    UNREGISTERED = "CONN_REQUEST for a device the registry refuses"
    NOT_IDENTIFIED = "NAVDATA before any CONN_REQUEST"
    UNKNOWN_CELL = "unknown cell type after known cells"
    TRUNCATED = "cell truncated inside a CRC-valid frame"
    BAD_COORDINATES = "coordinates off the globe"
    UNKNOWN_SERVICE = "unknown or unimplemented service"
    UNKNOWN_TYPE = "known service, unknown packet type"
    DEVICE_DATA = "service 5 TITLE_DATA or DEVICE_DATA"
    RESULT = "NPH_RESULT or DEVICE_RESULT from the terminal"
    DATABASE_DOWN = "database down"


@dataclass(frozen=True, slots=True)
class Reaction:
    """How the server answers one situation."""

    reply: NphResult | None  # result code to send (when one is requested); None: silence
    close: bool  # close the connection once earlier replies are out
    store: bool  # whether fixes decoded from the frame are stored (and acknowledged)


_R = Reaction
POLICY: Final[Mapping[Situation, Reaction]] = MappingProxyType({
    Situation.GARBAGE: _R(None, close=False, store=False),
    Situation.FALSE_SIGNATURE: _R(None, close=False, store=False),
    Situation.INCOMPLETE: _R(None, close=False, store=False),
    Situation.BAD_CRC: _R(None, close=False, store=False),
    Situation.UNCHECKED_CRC: _R(NphResult.OK, close=False, store=True),
    Situation.NOT_NPH: _R(None, close=False, store=False),
    Situation.SHORT_CONN_REQUEST: _R(NphResult.PACKET_INVALID_SIZE, close=True, store=False),
    Situation.UNREGISTERED: _R(NphResult.CLIENT_NOT_REGISTERED, close=True, store=False),
    Situation.NOT_IDENTIFIED: _R(None, close=True, store=False),
    Situation.UNKNOWN_CELL: _R(NphResult.OK, close=False, store=True),
    Situation.TRUNCATED: _R(NphResult.PACKET_INVALID_SIZE, close=False, store=False),
    Situation.BAD_COORDINATES: _R(NphResult.PACKET_INVALID_PARAMETER, close=False, store=False),
    Situation.UNKNOWN_SERVICE: _R(NphResult.SERVICE_NOT_SUPPORTED, close=False, store=False),
    Situation.UNKNOWN_TYPE: _R(NphResult.PACKET_NOT_SUPPORTED, close=False, store=False),
    Situation.DEVICE_DATA: _R(NphResult.OK, close=False, store=False),
    Situation.RESULT: _R(None, close=False, store=False),
    Situation.DATABASE_DOWN: _R(None, close=True, store=False),
})


@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    """An NPH_RESULT body: one u32 code."""

    code: int

    def __post_init__(self) -> None:
        if not 0 <= self.code <= 0xFFFF_FFFF:
            raise ValueError(f"result {self.code} out of range")

    @classmethod
    def decode(cls, body: bytes | bytearray | memoryview) -> Self:
        if len(body) < _RESULT.size:
            raise TruncatedError(f"NPH_RESULT of {len(body)} bytes, expected {_RESULT.size}")
        if len(body) > _RESULT.size:
            raise FormatError(f"NPH_RESULT of {len(body)} bytes, expected {_RESULT.size}")
        return cls(code=_RESULT.unpack(body)[0])

    def encode(self) -> bytes:
        return _RESULT.pack(self.code)


class ReplyTo(NamedTuple):
    """What a reply must quote from its request: ids echoed at both layers.

    A NamedTuple rather than a dataclass: one is made for every frame, and it is not a wire
    record, just the ids a reply copies.
    """

    service: int
    request_id: int  # NPH request id: matches the result to the request
    requested: bool  # NPH flag bit 0
    peer_address: int = 0  # NPL peer, echoed (0 in real traffic)
    npl_request_id: int = 0  # NPL sequence, echoed


_NPL_HEAD: Final = struct.Struct("<2sHH")  # signature, data_size, flags (CRC follows, BE)
_NPL_TAIL: Final = struct.Struct("<BIH")  # type, peer, request id
_RESULT_PAYLOAD: Final = struct.Struct("<HHHII")  # NPH header + u32 result


def build_result(to: ReplyTo, code: int) -> bytes:
    """NPH_RESULT in the request's service, quoting its request id.

    Every stored frame is answered with one, so it packs bytes directly; it yields exactly what
    ``build_frame(NphHeader(...), Result(...).encode())`` yields (a test holds them equal).
    """
    payload = _RESULT_PAYLOAD.pack(to.service, NPH_RESULT, 0, to.request_id, code)
    return b"".join((_NPL_HEAD.pack(SIGNATURE, len(payload), NplFlags.CRC),
                     crc16_modbus(payload).to_bytes(2, "big"),
                     _NPL_TAIL.pack(NplType.NPH, to.peer_address, to.npl_request_id), payload))


def build_device_result(to: ReplyTo, result: DeviceResult) -> bytes:
    """Service 5 DEVICE_RESULT quoting the request id (the result packet of that service)."""
    nph = NphHeader(service=to.service, packet_type=ExternalDeviceType.DEVICE_RESULT,
                    request_id=to.request_id)
    return build_frame(nph, result.encode(), peer_address=to.peer_address,
                       npl_request_id=to.npl_request_id)
