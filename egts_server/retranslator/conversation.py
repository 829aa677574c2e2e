"""One connection's EGTS conversation with an upstream platform, sans-I/O.

We are the client, logging in as a platform (GOST 33472 App. В, EGTS_SR_DISPATCHER_IDENTITY):

1. ``start`` gives the login packet: an AUTH record holding DISPATCHER_IDENTITY (DT 0, DID).
2. The platform confirms the packet (PT_RESPONSE) and sends its verdict as an APPDATA packet
   with EGTS_SR_RESULT_CODE, which we confirm. RCD 0: logged in; anything else: refused, and
   the caller closes. A platform that confirms the login record with RST 0 but sends no
   RESULT_CODE within TL_RESPONSE_TO is taken as having accepted it (some relays skip it).
3. Then rounds: ``send_round`` writes a few packets of TELEDATA records (one per fix, OID in
   every record) and ``Step.round_done`` reports, once every packet is answered, which fixes
   were confirmed (RST 0), which refused (with the code) and how many records were written.

Every packet waits TL_RESPONSE_TO for its PT_RESPONSE and is written again (same bytes, same
PID) up to TL_RESEND_ATTEMPTS times; after that ``Step.close`` asks for the connection to be
dropped (the caller reconnects after TL_RECONNECT_TO). The clock is a float passed in (seconds).

Lenient choices, each because the alternative stalls delivery for good: a PT_RESPONSE with
PR 0 and no RECORD_RESPONSE at all confirms every record of its packet (some receivers only
confirm packets); a packet answered with PR != 0 counts as every record refused with that
code. Records a response leaves unmentioned stay queued and go again in a later round.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from egts_server.codec.egts import (
    Confirmation,
    Packet,
    PacketType,
    RecordHeader,
    ResultCode,
    ServiceDataRecord,
    ServiceType,
    TransportHeader,
    build_response,
    parse_packet,
)
from egts_server.codec.egts.responses import Counter16
from egts_server.codec.egts.subrecords import DispatcherIdentity, RecordResponse, ResultCodeData
from egts_server.codec.errors import CodecError
from egts_server.retranslator.plan import Outgoing
from egts_server.retranslator.records import teledata_record

DISPATCHER_TYPE: Final = 0  # DT: the only value the standard and the RNIS acceptance tool use


@dataclass(frozen=True, slots=True)
class Timing:
    """GOST 33465 transport timings (research/egts.md §4)."""

    response_timeout_s: float = 5.0  # TL_RESPONSE_TO
    resend_attempts: int = 3  # TL_RESEND_ATTEMPTS: writes of one packet = 1 + this


class Phase(enum.Enum):
    LOGIN = "login"
    READY = "ready"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class RoundResult:
    """What became of one round's fixes."""

    delivered: tuple[Outgoing, ...]
    refused: tuple[tuple[Outgoing, int], ...]  # (fix, RST or PR)
    unconfirmed: tuple[Outgoing, ...]  # no verdict (connection lost, or left unmentioned)
    sent: Mapping[int, int]  # vehicle id -> records written, resends included


@dataclass(slots=True)
class Step:
    """What the caller should do now: write ``writes``, then act on the rest."""

    writes: list[bytes] = field(default_factory=list)
    logged_in: bool = False
    login_refused: int | None = None  # RCD (or RST/PR) of a refused login
    round_done: RoundResult | None = None
    resent: list[tuple[int, int]] = field(default_factory=list)  # (PID, write number)
    close: str | None = None  # why the connection should be dropped
    note: str | None = None  # something worth a log line


@dataclass(slots=True)
class _Flight:
    pid: int
    data: bytes
    items: dict[int, Outgoing]  # RN -> fix; empty for the login packet
    sent_at: float
    writes: int = 1


class Conversation:
    """Client side of one connection; never raises on what the platform sends."""

    def __init__(self, *, dispatcher_id: int, description: bytes = b"",
                 timing: Timing = Timing()) -> None:
        self._identity = DispatcherIdentity(dispatcher_type=DISPATCHER_TYPE,
                                            dispatcher_id=dispatcher_id,
                                            description=description)
        self._timing = timing
        self._pids = Counter16()
        self._rns = Counter16()
        self.phase = Phase.LOGIN
        self._login: _Flight | None = None
        self._login_confirmed_at: float | None = None
        self._flights: dict[int, _Flight] = {}
        self._delivered: list[Outgoing] = []
        self._refused: list[tuple[Outgoing, int]] = []
        self._unconfirmed: list[Outgoing] = []
        self._sent: dict[int, int] = {}

    @property
    def busy(self) -> bool:
        """A round is in flight; the next one waits for it."""
        return bool(self._flights)

    # -- what we send --------------------------------------------------------------------------

    def start(self, now: float) -> Step:
        """The login packet."""
        record = ServiceDataRecord(
            header=RecordHeader(rn=next(self._rns), sst=ServiceType.AUTH, rst=ServiceType.AUTH),
            subrecords=(self._identity,))
        pid = next(self._pids)
        data = Packet(header=TransportHeader(pid=pid, packet_type=PacketType.APPDATA),
                      records=(record,)).encode()
        self._login = _Flight(pid, data, {}, now)
        return Step(writes=[data])

    def send_round(self, packets: Sequence[Sequence[Outgoing]], now: float) -> Step:
        """One packet per element of ``packets`` (see ``plan.pack``), written at once."""
        if self.phase is not Phase.READY or self._flights:
            raise RuntimeError("send_round needs a logged-in conversation with no round open")
        step = Step()
        for items in packets:
            rns = [next(self._rns) for _ in items]
            records = tuple(teledata_record(item.fix.position, rn=rn, oid=item.oid)
                            for rn, item in zip(rns, items, strict=True))
            pid = next(self._pids)
            data = Packet(header=TransportHeader(pid=pid, packet_type=PacketType.APPDATA),
                          records=records).encode()
            self._flights[pid] = _Flight(pid, data, dict(zip(rns, items, strict=True)), now)
            self._count_writes(items)
            step.writes.append(data)
        return step

    # -- what the platform sends -----------------------------------------------------------------

    def feed(self, frame: bytes, now: float) -> Step:
        """One whole frame from the platform (as cut by ``Framer``)."""
        if self.phase is Phase.CLOSED:
            return Step()
        try:
            packet = parse_packet(frame)
        except CodecError as error:
            return self._closing(f"unreadable packet from the platform: {error}")
        if packet.header.packet_type == PacketType.RESPONSE:
            return self._response(packet, now)
        return self._appdata(packet)

    def tick(self, now: float) -> Step:
        """Resend what waited too long; give up (close) after the last resend."""
        step = Step()
        if self.phase is Phase.CLOSED:
            return step
        timeout = self._timing.response_timeout_s
        flights = [self._login] if self._login is not None else []
        for flight in [*flights, *self._flights.values()]:
            if now - flight.sent_at < timeout:
                continue
            if flight.writes > self._timing.resend_attempts:
                what = "the login" if flight is self._login else f"packet PID {flight.pid}"
                return self._closing(f"no confirmation of {what} after {flight.writes} sends")
            flight.writes += 1
            flight.sent_at = now
            self._count_writes(list(flight.items.values()))
            step.writes.append(flight.data)
            step.resent.append((flight.pid, flight.writes))
        if (self.phase is Phase.LOGIN and self._login_confirmed_at is not None
                and now - self._login_confirmed_at >= timeout):
            self.phase = Phase.READY
            step.logged_in = True
            step.note = "login confirmed but no RESULT_CODE followed; taking it as accepted"
        return step

    def abort(self) -> RoundResult | None:
        """The connection is gone: what the open round achieved (None if there was none)."""
        self.phase = Phase.CLOSED
        self._login = None
        if not self._flights and not self._sent:
            return None
        for flight in self._flights.values():
            self._unconfirmed.extend(flight.items.values())
        self._flights.clear()
        return self._take_result()

    # -- internals ---------------------------------------------------------------------------

    def _count_writes(self, items: Sequence[Outgoing]) -> None:
        for item in items:
            self._sent[item.vehicle_id] = self._sent.get(item.vehicle_id, 0) + 1

    def _closing(self, why: str) -> Step:
        step = Step(close=why)
        step.round_done = self.abort()
        return step

    def _response(self, packet: Packet, now: float) -> Step:
        head = packet.response
        if head is None:  # an empty PT_RESPONSE confirms nothing
            return Step()
        confirmed = [(sub.confirmed_rn, sub.result) for record in packet.records
                     for sub in record.subrecords if isinstance(sub, RecordResponse)]
        if self._login is not None and head.rpid == self._login.pid:
            self._login = None
            refusal = head.result or next((rst for _, rst in confirmed if rst), 0)
            if refusal:
                step = self._closing(f"login refused with result code {code_name(refusal)}")
                step.login_refused = refusal
                return step
            self._login_confirmed_at = now
            return Step()
        flight = self._flights.pop(head.rpid, None)
        if flight is None:  # a late answer to a packet already resolved, or not ours
            return Step()
        if head.result:
            self._refused.extend((item, head.result) for item in flight.items.values())
        elif not confirmed:
            self._delivered.extend(flight.items.values())
        else:
            verdicts = dict(confirmed)
            for rn, item in flight.items.items():
                rst = verdicts.get(rn)
                if rst is None:
                    self._unconfirmed.append(item)
                elif rst == ResultCode.OK:
                    self._delivered.append(item)
                else:
                    self._refused.append((item, rst))
        step = Step()
        if not self._flights:
            step.round_done = self._take_result()
        return step

    def _appdata(self, packet: Packet) -> Step:
        step = Step(writes=[build_response(
            pid=next(self._pids), rpid=packet.header.pid, result=ResultCode.OK,
            confirmations=[Confirmation(r.header.sst, r.header.rn, ResultCode.OK)
                           for r in packet.records], rns=self._rns)])
        codes = [sub.code for r in packet.records if r.header.sst == ServiceType.AUTH
                 for sub in r.subrecords if isinstance(sub, ResultCodeData)]
        if not codes:
            return step  # commands and the like: confirmed, otherwise ignored
        code = codes[-1]
        if code != ResultCode.OK:
            during_login = self.phase is Phase.LOGIN
            what = "login refused" if during_login else "platform withdrew the login"
            closing = self._closing(f"{what} with result code {code_name(code)}")
            closing.writes = step.writes  # still confirm the verdict before closing
            if during_login:
                closing.login_refused = code
            return closing
        if self.phase is Phase.LOGIN:
            self._login = None
            self.phase = Phase.READY
            step.logged_in = True
        return step

    def _take_result(self) -> RoundResult:
        result = RoundResult(tuple(self._delivered), tuple(self._refused),
                             tuple(self._unconfirmed), dict(self._sent))
        self._delivered, self._refused, self._unconfirmed, self._sent = [], [], [], {}
        return result


def code_name(code: int) -> str:
    """``151 (AUTH_DENIED)``: the number the standard uses and the name people search for."""
    try:
        return f"{code} ({ResultCode(code).name})"
    except ValueError:
        return str(code)

