"""Per-connection state machine for the platform (server) side of EGTS.

``Session.handle(frame)`` takes one frame as cut by ``Framer`` and returns a ``Handled``: the
bytes to write, the fixes to store, the acknowledgement to write once they are stored, a login
to decide on, and whether to close. It never raises on input: every ``CodecError`` becomes
``Handled.error`` plus the reply that ``responses.REACTIONS`` prescribes.

Identity of fixes (``DeviceKey(protocol="egts", ...)``):

* after TERM_IDENTITY on this connection: its TID in decimal, or the IMEI when TID = 0;
* otherwise the record's OID (an OID sent in an earlier record of the same packet carries
  forward, as the standard allows): retranslated streams and platforms that logged in with
  DISPATCHER_IDENTITY;
* otherwise (no login, no OID) the ``unidentified`` policy decides. ``ACCEPT`` (the default,
  as the conformance corpus expects RST 0 for such records) stores the fixes under
  ``DeviceKey("egts", UNIDENTIFIED)``, which the terminal registry then admits, quarantines
  or rejects like any unknown terminal. ``REJECT`` answers those records with RST 153
  (ID_NFOUND) and stores nothing, so the terminal keeps them in its black box.

A TERM_IDENTITY with TID = 0 and no usable IMEI cannot be attributed to anyone: the record is
confirmed, a RESULT_CODE 153 (ID_NFOUND) goes out in ``replies`` and the connection closes.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Final

from egts_server.codec.egts.constants import PacketType, ResultCode, ServiceType
from egts_server.codec.egts.identity import login_details
from egts_server.codec.egts.records import RawRecord, ServiceDataRecord, split_records
from egts_server.codec.egts.responses import (
    Confirmation,
    Counter16,
    build_response,
    build_result_code,
    reaction_for,
)
from egts_server.codec.egts.subrecords import TermIdentity
from egts_server.codec.egts.to_positions import record_positions
from egts_server.codec.egts.transport import decode_header, open_body
from egts_server.codec.errors import (
    CodecError,
    FramingError,
    IdentityError,
    PacketTypeError,
    UnknownServiceError,
)
from egts_server.codec.reader import ByteReader
from egts_server.model import DeviceKey, Position

PROTOCOL: Final = "egts"
UNIDENTIFIED: Final = "unidentified"  # identifier of fixes nobody can be named for (ACCEPT)
_SERVICES: Final = frozenset(int(s) for s in ServiceType)


class Unidentified(enum.Enum):
    """What to do with fixes that arrive with neither a login nor an OID."""

    ACCEPT = "accept"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class Login:
    """A terminal (or a platform) identified itself; the adapter decides on it."""

    device: DeviceKey  # who logged in
    imei: str | None
    details: Mapping[str, str]  # imsi, msisdn, module and vehicle data, dispatcher id ...


@dataclass(frozen=True, slots=True)
class Handled:
    """What one frame asks of the connection.

    Write ``replies`` now (they confirm no data). Store ``positions``; write ``ack`` only after
    they are committed (at once when there are none). After a ``login`` write ``ack``, then
    ``Session.login_result(code)``. ``close``: close once the above is written.
    """

    replies: tuple[bytes, ...] = ()
    positions: tuple[Position, ...] = ()
    ack: bytes | None = None
    login: Login | None = None
    close: bool = False
    error: CodecError | None = None


@dataclass(slots=True)
class _Packet:
    """Working state while the records of one APPDATA packet are processed."""

    confirmations: list[Confirmation] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    login: Login | None = None
    refused_identity: bool = False
    error: CodecError | None = None
    oid: int | None = None


class Session:
    """Per-connection state machine for the server side. Never raises on input."""

    def __init__(self, *, now: Callable[[], datetime],
                 unidentified: Unidentified = Unidentified.ACCEPT) -> None:
        self._now = now  # reserved for time plausibility; the codec itself needs no clock yet
        self._unidentified = unidentified
        self._pids = Counter16()
        self._rns = Counter16()
        self._device: DeviceKey | None = None
        self._terminal: DeviceKey | None = None
        self._refused = False

    @property
    def device(self) -> DeviceKey | None:
        """Set once a Login was produced."""
        return self._device

    def handle(self, frame: bytes) -> Handled:
        """One frame as cut by ``Framer``."""
        if self._refused:
            return Handled(close=True)
        try:
            header, _ = decode_header(frame)
        except FramingError as error:
            return self.framing_error(error)
        response = header.packet_type == PacketType.RESPONSE
        try:
            body = open_body(header, frame)
            if response:
                return self._terminal_response(body)
            if header.packet_type != PacketType.APPDATA:
                raise PacketTypeError(f"PT {header.packet_type}")
            records = split_records(ByteReader(body))
        except CodecError as error:
            if response:  # never answer an acknowledgement
                return Handled(error=error)
            return self._refuse(header.pid, error)
        return self._appdata(header.pid, records)

    def framing_error(self, error: FramingError) -> Handled:
        """The reply to a stream the framer gave up on (PR from the table, then close)."""
        return self._refuse(error.pid if error.pid is not None else 0, error)

    def login_result(self, code: ResultCode) -> bytes:
        """PT_APPDATA with an AUTH record carrying RESULT_CODE ``code`` (own PID and RN).

        After a non-zero code the adapter closes; this session then refuses everything.
        """
        if code != ResultCode.OK:
            self._refused = True
        return build_result_code(pid=next(self._pids), rn=next(self._rns), code=code)

    # -- internals ---------------------------------------------------------------------------

    def _refuse(self, rpid: int, error: CodecError) -> Handled:
        reaction = reaction_for(error)
        reply = build_response(pid=next(self._pids), rpid=rpid, result=reaction.code)
        return Handled(replies=(reply,), close=not reaction.keep_open, error=error)

    def _terminal_response(self, body: bytes) -> Handled:
        """PT_RESPONSE from the terminal: checked for form, never answered."""
        if body:
            r = ByteReader(body)
            r.u16(), r.u8()
            for raw in split_records(r):
                raw.decode()
        return Handled()

    def _appdata(self, pid: int, records: list[RawRecord]) -> Handled:
        state = _Packet()
        for raw in records:
            if raw.header.oid is not None:
                state.oid = raw.header.oid
            try:
                self._record(raw, state)
                result = ResultCode.OK
            except CodecError as error:
                state.error = state.error or error
                result = reaction_for(error).code
            state.confirmations.append(Confirmation(raw.header.sst, raw.header.rn, result))
        ack = build_response(pid=next(self._pids), rpid=pid, result=ResultCode.OK,
                             confirmations=state.confirmations, rns=self._rns)
        if state.refused_identity:
            return Handled(replies=(self.login_result(ResultCode.ID_NFOUND),), ack=ack,
                           positions=tuple(state.positions), close=True, error=state.error)
        return Handled(positions=tuple(state.positions), ack=ack, login=state.login,
                       error=state.error)

    def _record(self, raw: RawRecord, state: _Packet) -> None:
        if raw.header.sst not in _SERVICES:
            raise UnknownServiceError(f"SST {raw.header.sst}")
        record = raw.decode()
        if record.header.sst == ServiceType.AUTH:
            self._auth(record, state)
        elif record.header.sst == ServiceType.TELEDATA:
            state.positions.extend(record_positions(record, self._device_for(state)))

    def _device_for(self, state: _Packet) -> DeviceKey:
        if self._terminal is not None:
            return self._terminal
        if state.oid is not None:
            return DeviceKey(PROTOCOL, str(state.oid))
        if self._unidentified is Unidentified.ACCEPT:
            return DeviceKey(PROTOCOL, UNIDENTIFIED)
        raise IdentityError("fix with neither a login nor an OID")

    def _auth(self, record: ServiceDataRecord, state: _Packet) -> None:
        details = login_details(record)
        for sub in record.subrecords:
            if isinstance(sub, TermIdentity):
                imei = sub.imei_text
                if imei is not None and set(imei) <= {"0"}:
                    imei = None
                identifier = str(sub.terminal_id) if sub.terminal_id else imei
                if identifier is None:
                    state.refused_identity = True
                    state.error = state.error or IdentityError("TERM_IDENTITY: TID 0, no IMEI")
                    continue
                self._terminal = self._device = DeviceKey(PROTOCOL, identifier)
                state.login = Login(device=self._device, imei=imei,
                                    details=MappingProxyType(details))
        dispatcher = details.get("dispatcher_id")
        if dispatcher is not None and state.login is None:
            self._device = DeviceKey(PROTOCOL, f"dispatcher:{dispatcher}")
            state.login = Login(device=self._device, imei=None,
                                details=MappingProxyType(details))
