"""Per-connection state machine for the server side of NDTP.

``Session.handle(frame)`` takes one frame as cut by ``Framer`` and returns a ``Handled``: the
fixes to store, the reply to write once they are stored, a login to decide on, and whether to
close. It never raises on input: every ``CodecError`` becomes ``Handled.error`` plus what the
policy table (``responses.POLICY``) prescribes for its situation.

Identity comes only from CONN_REQUEST: its u32 device id names the connection
(``DeviceKey("ndtp", str(device_id))``) until another CONN_REQUEST re-identifies it. Later
frames carry no id. The adapter asks the registry about the ``Login`` and answers with
``login_result``; a refusal makes the session refuse everything after it.

Replies go in ``Handled.ack`` rather than ``replies``: NDTP terminals expect one result per
request in arrival order (research §4), so every reply waits behind the ones before it.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from egts_server.codec import handled
from egts_server.codec.crc import crc16_modbus
from egts_server.codec.errors import (
    ChecksumError,
    CodecError,
    FormatError,
    PacketTypeError,
    TruncatedError,
    UnknownServiceError,
)
from egts_server.codec.ndtp import kernels as implementations
from egts_server.codec.ndtp.cells import NavData
from egts_server.codec.ndtp.conn_request import ConnRequest
from egts_server.codec.ndtp.constants import (
    NPH_HEADER_SIZE,
    NPH_RESULT,
    NPL_HEADER_SIZE,
    SIGNATURE,
    ExternalDeviceType,
    GenericType,
    NavdataType,
    NphFlags,
    NphResult,
    NplFlags,
    NplType,
    Service,
)
from egts_server.codec.ndtp.errors import CoordinateError, NotIdentifiedError, UnknownCellError
from egts_server.codec.ndtp.external_device import DeviceData, DeviceResult
from egts_server.codec.ndtp.kernels import Kernels
from egts_server.codec.ndtp.responses import (
    POLICY,
    ReplyTo,
    Result,
    Situation,
    build_device_result,
    build_result,
)
from egts_server.codec.ndtp.to_positions import navdata_positions
from egts_server.model import DeviceKey, Position

PROTOCOL: Final = "ndtp"
_NPL: Final = struct.Struct("<HHHBIH")  # after the signature; the CRC word is big-endian
_NPH: Final = struct.Struct("<HHHI")
_CRC_FLAG: Final = int(NplFlags.CRC)
_REQUEST: Final = int(NphFlags.REQUEST)


@dataclass(frozen=True, slots=True)
class Login(handled.Login):
    """A terminal identified itself (``details``: imsi, protocol version, connection flags, max
    packet size); the adapter decides on it, then calls ``login_result``."""

    reply_to: ReplyTo  # what the result must quote


@dataclass(frozen=True, slots=True)
class Handled(handled.Handled[str]):
    """What one frame asks of the connection (the same shape as EGTS's).

    Write ``replies`` now (NDTP leaves it empty). Store ``positions``; write ``ack`` after they
    are committed and after every earlier frame's ``ack``. After a ``login`` write
    ``Session.login_result(login, code)``. ``close``: close once the above is written.
    """

    situation: Situation | None = None  # the policy row that applied, if not the plain path


_Handler = Callable[["Session", int, bytes, ReplyTo], Handled]  # (packet type, body, ids)


class Session:
    """Per-connection state machine for the server side. Never raises on input."""

    def __init__(self, *, kernels: Kernels | None = None) -> None:
        """``kernels``: the implementation of the hot path; ``kernels.ACTIVE`` by default."""
        self._device: DeviceKey | None = None
        self._refused = False
        kernels = kernels or implementations.ACTIVE
        self._navdata_positions = kernels.navdata_positions
        self._navdata_frame = kernels.navdata_frame

    @property
    def device(self) -> DeviceKey | None:
        """Set by the latest CONN_REQUEST."""
        return self._device

    def handle(self, frame: bytes) -> Handled:
        """One frame as cut by ``Framer`` (signature and length already consistent)."""
        if self._refused:
            return Handled(close=True)
        if self._navdata_frame is not None and self._device is not None:
            plain = self._navdata_frame(frame, self._device)
            if plain is not None:
                return Handled(positions=plain[0], ack=plain[1])
        if len(frame) < NPL_HEADER_SIZE or frame[:2] != SIGNATURE:
            return Handled(error=FormatError("not an NDTP frame (signature or NPL header)"),
                           situation=Situation.FALSE_SIGNATURE)
        size, npl_flags, crc_le, npl_type, peer, npl_id = _NPL.unpack_from(frame, 2)
        crc = (crc_le & 0xFF) << 8 | crc_le >> 8
        payload = frame[NPL_HEADER_SIZE:]
        if len(payload) != size:
            return Handled(error=TruncatedError(f"frame holds {len(payload)} payload bytes, "
                                                f"header says {size}"),
                           situation=Situation.INCOMPLETE)
        if npl_flags & _CRC_FLAG:
            computed = crc16_modbus(payload)
            if computed != crc:
                return Handled(error=ChecksumError("NPL", computed, crc),
                               situation=Situation.BAD_CRC)
        if npl_type != NplType.NPH:
            return Handled(error=PacketTypeError(f"NPL type {npl_type} ignored"),
                           situation=Situation.NOT_NPH)
        if size < NPH_HEADER_SIZE:
            return Handled(error=TruncatedError(f"NPH header needs {NPH_HEADER_SIZE} bytes, "
                                                f"got {size}"),
                           situation=Situation.FALSE_SIGNATURE)
        service, packet_type, nph_flags, request_id = _NPH.unpack_from(payload)
        to = ReplyTo(service, request_id, bool(nph_flags & _REQUEST), peer, npl_id)
        body = payload[NPH_HEADER_SIZE:]
        if packet_type == NPH_RESULT:
            return self._terminal_result(packet_type, body, to)
        handler = _HANDLERS.get((service, packet_type))
        if handler is not None:
            return handler(self, packet_type, body, to)
        if service in _SERVICES:
            return _react(Situation.UNKNOWN_TYPE, to, PacketTypeError(
                f"service {service} has no packet type {packet_type} here"))
        return _react(Situation.UNKNOWN_SERVICE, to,
                      UnknownServiceError(f"service {service} not supported"))

    def login_result(self, login: Login, code: int) -> bytes:
        """The NPH_RESULT for ``login`` (empty when none was requested).

        After a non-zero code the adapter closes; this session then refuses everything.
        """
        if code != NphResult.OK:
            self._refused = True
        return build_result(login.reply_to, code) if login.reply_to.requested else b""

    # -- handlers, one per (service, packet type) -----------------------------------------------

    def _conn_request(self, packet_type: int, body: bytes, to: ReplyTo) -> Handled:
        try:
            request = ConnRequest.decode(body)
        except CodecError as error:
            return _react(Situation.SHORT_CONN_REQUEST, to, error)
        self._device = DeviceKey(PROTOCOL, str(request.device_id))
        details = {"protocol_version": request.version,
                   "conn_flags": f"0x{request.conn_flags:04x}"}
        if request.max_packet_size is not None:
            details["max_packet_size"] = str(request.max_packet_size)
        if request.imsi is not None:
            details["imsi"] = request.imsi
        return Handled(login=Login(device=self._device, imei=request.imei,
                                   details=MappingProxyType(details), reply_to=to))

    def _navdata(self, packet_type: int, body: bytes, to: ReplyTo) -> Handled:
        if self._device is None:
            return _react(Situation.NOT_IDENTIFIED, to,
                          NotIdentifiedError("NAVDATA before NPH_SGC_CONN_REQUEST"))
        history = packet_type == NavdataType.SND_HISTORY
        positions = None  # the compiled reader's, when it took the body
        if self._navdata_positions is not None:
            positions = self._navdata_positions(body, self._device, history)
        if positions is None:
            try:
                navdata = NavData.decode(body)
                positions = tuple(navdata_positions(navdata, self._device, history=history))
            except CoordinateError as error:
                return _react(Situation.BAD_COORDINATES, to, error)
            except CodecError as error:
                return _react(Situation.TRUNCATED, to, error)
            if navdata.tail:
                return _react(Situation.UNKNOWN_CELL, to,
                              UnknownCellError(navdata.tail[0], navdata.tail_offset), positions)
        ack = build_result(to, NphResult.OK) if to.requested else None
        return Handled(positions=positions, ack=ack)

    def _device_data(self, packet_type: int, body: bytes, to: ReplyTo) -> Handled:
        try:
            data = DeviceData.decode(body)
        except CodecError as error:
            return _react(Situation.TRUNCATED, to, error)
        reaction = POLICY[Situation.DEVICE_DATA]
        assert reaction.reply is not None
        result = DeviceResult.answering(data, reaction.reply)
        return Handled(ack=build_device_result(to, result), situation=Situation.DEVICE_DATA)

    def _device_result(self, packet_type: int, body: bytes, to: ReplyTo) -> Handled:
        try:
            DeviceResult.decode(body)
        except CodecError as error:
            return Handled(error=error, situation=Situation.RESULT)  # never answer a result
        return Handled(situation=Situation.RESULT)

    def _terminal_result(self, packet_type: int, body: bytes, to: ReplyTo) -> Handled:
        try:
            Result.decode(body)
        except CodecError as error:
            return Handled(error=error, situation=Situation.RESULT)
        return Handled(situation=Situation.RESULT)


def _react(situation: Situation, to: ReplyTo, error: CodecError,
           positions: tuple[Position, ...] = ()) -> Handled:
    """The Handled that the policy table prescribes for ``situation``."""
    reaction = POLICY[situation]
    ack = (build_result(to, reaction.reply)
           if reaction.reply is not None and to.requested else None)
    return Handled(positions=positions if reaction.store else (), ack=ack,
                   close=reaction.close, error=error, situation=situation)


_HANDLERS: Final[Mapping[tuple[int, int], _Handler]] = MappingProxyType({
    (Service.GENERIC_CONTROLS, GenericType.CONN_REQUEST): Session._conn_request,
    (Service.NAVDATA, NavdataType.SND_HISTORY): Session._navdata,
    (Service.NAVDATA, NavdataType.SND_REALTIME): Session._navdata,
    (Service.EXTERNAL_DEVICE, ExternalDeviceType.TITLE_DATA): Session._device_data,
    (Service.EXTERNAL_DEVICE, ExternalDeviceType.DEVICE_DATA): Session._device_data,
    (Service.EXTERNAL_DEVICE, ExternalDeviceType.DEVICE_RESULT): Session._device_result,
})
#: Services with at least one packet type handled here; any other gets SERVICE_NOT_SUPPORTED.
_SERVICES: Final = frozenset(service for service, _ in _HANDLERS)
