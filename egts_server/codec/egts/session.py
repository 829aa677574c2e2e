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

Commands (COMMANDS service): ``command_packet`` builds the APPDATA that carries one
COMMAND_DATA to the terminal; the terminal's PT_RESPONSE to that packet comes back as
``CommandDelivered``, and its COMCONF/MSGCONF records as ``CommandAnswered`` in
``Handled.commands`` (their records are confirmed like any other, after the adapter stored them).

Every frame is read in place: the header and record parsers return fields, TELEDATA records
go straight from their RD bytes to Positions (``to_positions.teledata_positions``), and only
the other services' records are built as typed values. The checks are ``parse_packet``'s.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Final

from egts_server.codec.egts import kernels as implementations
from egts_server.codec.egts.constants import PacketType, ResultCode, ServiceType
from egts_server.codec.egts.handled import (
    CommandAnswered,
    CommandDelivered,
    CommandEvent,
    Handled,
    Login,
)
from egts_server.codec.egts.identity import login_details
from egts_server.codec.egts.kernels import Kernels
from egts_server.codec.egts.records import RecordSpan, ServiceDataRecord
from egts_server.codec.egts.responses import (
    Counter16,
    build_appdata,
    build_result_code,
    reaction_for,
)
from egts_server.codec.egts.subrecords import (
    CommandData,
    CommandType,
    RecordResponse,
    TermIdentity,
    iter_subrecords,
)
from egts_server.codec.errors import (
    CodecError,
    FramingError,
    IdentityError,
    PacketTypeError,
    TruncatedError,
    UnknownServiceError,
)
from egts_server.codec.reader import ByteReader
from egts_server.model import DeviceKey, Position

PROTOCOL: Final = "egts"
UNIDENTIFIED: Final = "unidentified"  # identifier of fixes nobody can be named for (ACCEPT)
_SERVICES: Final = frozenset(int(s) for s in ServiceType)
_UNIDENTIFIED: Final = DeviceKey(PROTOCOL, UNIDENTIFIED)
_OK: Final = int(ResultCode.OK)
_OID_CACHE: Final = 4096  # OIDs whose DeviceKey a session keeps (a platform sends many)
_AUTH, _TELEDATA = int(ServiceType.AUTH), int(ServiceType.TELEDATA)
_COMMANDS: Final = int(ServiceType.COMMANDS)
_ANSWERS: Final = frozenset({int(CommandType.COMCONF), int(CommandType.MSGCONF)})
_COMMANDS_IN_FLIGHT: Final = 256  # command packets a session remembers until answered
_RESPONSE, _APPDATA = int(PacketType.RESPONSE), int(PacketType.APPDATA)


class Unidentified(enum.Enum):
    """What to do with fixes that arrive with neither a login nor an OID."""

    ACCEPT = "accept"
    REJECT = "reject"


@dataclass(slots=True)
class _Packet:
    """What the records of one APPDATA packet found out, besides fixes and confirmations."""

    login: Login | None = None
    commands: list[CommandEvent] | None = None
    refused_identity: bool = False
    error: CodecError | None = None


class Session:
    """Per-connection state machine for the server side. Never raises on input."""

    def __init__(self, *, now: Callable[[], datetime],
                 unidentified: Unidentified = Unidentified.ACCEPT,
                 kernels: Kernels | None = None) -> None:
        """``kernels``: the implementation of the hot functions; ``kernels.ACTIVE`` by default."""
        self._now = now  # reserved for time plausibility; the codec itself needs no clock yet
        self._unidentified = unidentified
        self._pids = Counter16()
        self._rns = Counter16()
        self._device: DeviceKey | None = None
        self._terminal: DeviceKey | None = None
        self._oid_devices: dict[int, DeviceKey] = {}  # OIDs seen lately, each key made once
        self._refused = False
        self._commands_sent: dict[int, int] = {}  # PID of our command packet -> its CID
        # the hot functions, compiled or pure, bound once per connection
        kernels = kernels or implementations.ACTIVE
        self._unpack_header = kernels.unpack_header
        self._check_body = kernels.check_body
        self._record_spans = kernels.record_spans
        self._teledata_positions = kernels.teledata_positions
        self._build_response = kernels.build_response
        self._plain_teledata = kernels.plain_teledata

    @property
    def device(self) -> DeviceKey | None:
        """Set once a Login was produced."""
        return self._device

    @property
    def terminal(self) -> DeviceKey | None:
        """The terminal that logged in with TERM_IDENTITY (not a platform), if any."""
        return self._terminal

    def command_packet(self, command: CommandData) -> bytes:
        """APPDATA carrying ``command`` in a COMMANDS record (own PID and RN); the terminal's
        PT_RESPONSE to it comes back from ``handle`` as ``CommandDelivered``."""
        pid = next(self._pids)
        if len(self._commands_sent) >= _COMMANDS_IN_FLIGHT:
            del self._commands_sent[next(iter(self._commands_sent))]  # the oldest
        self._commands_sent[pid] = command.command_id
        return build_appdata(pid=pid, rn=next(self._rns), service=_COMMANDS,
                             subrecords=(command,))

    def handle(self, frame: bytes) -> Handled:
        """One frame as cut by ``Framer``."""
        if self._refused:
            return Handled(close=True)
        if self._plain_teledata is not None:
            plain = self._plain_teledata(frame, self._device_for, self._pids, self._rns)
            if plain is not None:
                return plain
        try:
            _, _, flags, hl, he, fdl, pid, pt = self._unpack_header(frame)
        except FramingError as error:
            return self.framing_error(error)
        try:
            body = self._check_body(frame, hl, fdl, he, flags)
            if pt == _RESPONSE:
                return self._terminal_response(body)
            if pt != _APPDATA:
                raise PacketTypeError(f"PT {pt}")
            records = self._record_spans(body, 0, len(body))
        except CodecError as error:
            if pt == _RESPONSE:  # never answer an acknowledgement
                return Handled(error=error)
            return self._refuse(pid, error)
        return self._appdata(pid, body, records)

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
        reply = self._build_response(pid=next(self._pids), rpid=rpid, result=reaction.code)
        return Handled(replies=(reply,), close=not reaction.keep_open, error=error)

    def _terminal_response(self, body: bytes) -> Handled:
        """PT_RESPONSE from the terminal: checked for form, never answered; when it answers
        one of our command packets, the command's delivery."""
        if not body:
            return Handled()
        if len(body) < 3:
            raise TruncatedError(f"RPID and PR need 3 bytes, {len(body)} left")
        result = body[2]
        for span in self._record_spans(body, 3, len(body)):
            for sub in ServiceDataRecord.from_span(body, span).subrecords:
                if isinstance(sub, RecordResponse) and sub.result and not result:
                    result = sub.result
        command_id = self._commands_sent.pop(body[0] | body[1] << 8, None)
        if command_id is None:
            return Handled()
        return Handled(commands=(CommandDelivered(command_id, result),))

    def _appdata(self, pid: int, body: bytes, records: list[RecordSpan]) -> Handled:
        state = _Packet()
        positions: list[Position] = []
        dropped: list[str] = []
        confirmations: list[tuple[int, int, int]] = []  # SST, RN, RST
        oid = None  # the last OID sent in this packet carries forward
        for span in records:
            rn, _, record_oid, _, _, sst, _, rd_start, rd_end = span
            if record_oid is not None:
                oid = record_oid
            try:
                if sst == _TELEDATA:
                    device = self._device_for(oid)
                    fixes = self._teledata_positions(body, rd_start, rd_end, rn,
                                                     device or _UNIDENTIFIED, dropped)
                    if device is None:  # after decoding: a record that does not decode gets 132
                        raise IdentityError("fix with neither a login nor an OID")
                    positions += fixes
                elif sst == _AUTH:
                    self._auth(ServiceDataRecord.from_span(body, span), state)
                elif sst == _COMMANDS:
                    self._command_answers(body, rd_start, rd_end, state)
                elif sst in _SERVICES:  # nothing to act on, but checked like the rest
                    for _ in iter_subrecords(sst, ByteReader(body, rd_start, rd_end)):
                        pass
                else:
                    raise UnknownServiceError(f"SST {sst}")
                result = _OK
            except CodecError as error:
                state.error = state.error or error
                result = reaction_for(error).code
            confirmations.append((sst, rn, result))
        ack = self._build_response(pid=next(self._pids), rpid=pid, result=_OK,
                                   confirmations=confirmations, rns=self._rns)
        commands = tuple(state.commands) if state.commands else ()
        confirmed = tuple(confirmations)
        if state.refused_identity:
            return Handled(replies=(self.login_result(ResultCode.ID_NFOUND),), ack=ack,
                           positions=tuple(positions), close=True, error=state.error,
                           commands=commands, confirmed=confirmed)
        return Handled(positions=tuple(positions), ack=ack, login=state.login, error=state.error,
                       commands=commands, confirmed=confirmed, dropped=tuple(dropped))

    @staticmethod
    def _command_answers(body: bytes, start: int, end: int, state: _Packet) -> None:
        """COMCONF/MSGCONF subrecords of a COMMANDS record (all or none, if one is bad)."""
        answers: list[CommandEvent] = [
            CommandAnswered(sub.command_id, sub.confirmation_type, sub.data, sub.charset)
            for sub in iter_subrecords(_COMMANDS, ByteReader(body, start, end))
            if isinstance(sub, CommandData) and sub.command_type in _ANSWERS]
        if answers:
            if state.commands is None:
                state.commands = []
            state.commands += answers

    def _device_for(self, oid: int | None) -> DeviceKey | None:
        """Whom the fixes of a record with ``oid`` belong to; None: nobody (REJECT)."""
        if self._terminal is not None:
            return self._terminal
        if oid is not None:
            device = self._oid_devices.get(oid)
            if device is None:
                if len(self._oid_devices) >= _OID_CACHE:
                    self._oid_devices.clear()
                device = self._oid_devices[oid] = DeviceKey(PROTOCOL, str(oid))
            return device
        return _UNIDENTIFIED if self._unidentified is Unidentified.ACCEPT else None

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
