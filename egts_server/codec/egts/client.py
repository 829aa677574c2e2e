"""The terminal side of EGTS, for the simulator and the retranslator (sans-I/O).

``TerminalClient`` builds the packets a terminal sends (own PID and RN counters) and reads
what the platform answers. A RESULT_CODE from the platform is itself an APPDATA packet, so
``feed_reply`` returns the PT_RESPONSE the terminal owes for it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from egts_server.codec.egts.constants import EGTS_EPOCH, PacketType, ResultCode, ServiceType
from egts_server.codec.egts.records import RecordHeader, ServiceDataRecord
from egts_server.codec.egts.responses import Confirmation, Counter16, build_response
from egts_server.codec.egts.subrecords import (
    AdSensorsData,
    AnySubrecord,
    CommandBody,
    CommandData,
    CommandType,
    ConfirmationType,
    ExtPosData,
    PosData,
    PosFlags,
    RecordResponse,
    ResultCodeData,
    TermIdentity,
    encode_latitude,
    encode_longitude,
)
from egts_server.codec.egts.transport import Packet, TransportHeader, parse_packet


@dataclass(frozen=True, slots=True, kw_only=True)
class FixToSend:
    """One fix as the simulator or the retranslator knows it (domain units)."""

    time: datetime  # aware
    lat: float  # degrees, south negative
    lon: float  # degrees, west negative
    speed_kmh: float = 0.0
    course_deg: float = 0.0
    altitude_m: float | None = None
    inputs: int = 0  # bit 0 = input 1; bits 8+ travel in AD_SENSORS_DATA
    odometer_m: float = 0.0
    satellites: int | None = None
    hdop: float | None = None
    black_box: bool = False
    valid: bool = True
    moving: bool | None = None  # default: speed > 0
    oid: int | None = None  # record OID; default: the TID of the last auth_packet


@dataclass(frozen=True, slots=True)
class ResponseEvent:
    """The platform confirmed our packet ``rpid``."""

    rpid: int
    result: int  # PR
    confirmed: tuple[tuple[int, int], ...]  # (CRN, RST) per record


@dataclass(frozen=True, slots=True)
class ResultCodeEvent:
    """The platform's verdict on our login; send ``reply`` (our PT_RESPONSE) back."""

    code: int  # RCD
    reply: bytes


@dataclass(frozen=True, slots=True)
class AppDataEvent:
    """Any other APPDATA from the platform (commands, ...); send ``reply`` back."""

    records: tuple[ServiceDataRecord, ...]
    reply: bytes


ClientEvent = ResponseEvent | ResultCodeEvent | AppDataEvent


def _pos_data(fix: FixToSend) -> PosData:
    flags = PosFlags(0)
    moving = fix.moving if fix.moving is not None else fix.speed_kmh > 0
    for flag, on in ((PosFlags.VLD, fix.valid), (PosFlags.FIX, fix.altitude_m is not None),
                     (PosFlags.BB, fix.black_box), (PosFlags.MV, moving),
                     (PosFlags.LAHS, fix.lat < 0), (PosFlags.LOHS, fix.lon < 0),
                     (PosFlags.ALTE, fix.altitude_m is not None)):
        if on:
            flags |= flag
    altitude = None if fix.altitude_m is None else min(0xFFFFFF, round(abs(fix.altitude_m)))
    return PosData(
        nav_time=max(0, math.floor((fix.time - EGTS_EPOCH).total_seconds())),
        lat_abs=encode_latitude(fix.lat), lon_abs=encode_longitude(fix.lon), flags=flags,
        speed=min(0x3FFF, round(fix.speed_kmh * 10)),
        direction=round(fix.course_deg) % 360,
        odometer=min(0xFFFFFF, round(fix.odometer_m / 100)),
        inputs=fix.inputs & 0xFF, source=0,
        below_sea=fix.altitude_m is not None and fix.altitude_m < 0, altitude=altitude)


def _sensors(fix: FixToSend) -> list[AnySubrecord]:
    subs: list[AnySubrecord] = []
    if fix.satellites is not None or fix.hdop is not None:
        subs.append(ExtPosData(
            hdop=None if fix.hdop is None else min(0xFFFF, round(fix.hdop * 100)),
            satellites=None if fix.satellites is None else min(0xFF, fix.satellites)))
    extra = fix.inputs >> 8
    if extra:
        digital = {n: extra >> (8 * (n - 1)) & 0xFF for n in range(1, 9)}
        subs.append(AdSensorsData(digital={n: v for n, v in digital.items() if v}))
    return subs


class TerminalClient:
    """One terminal's EGTS conversation: packets out, replies in."""

    def __init__(self) -> None:
        self._pids = Counter16()
        self._rns = Counter16()
        self._tid: int | None = None

    def auth_packet(self, tid: int, imei: str | None) -> bytes:
        """APPDATA with an AUTH record (OID = TID when non-zero) holding TERM_IDENTITY."""
        self._tid = tid or None
        identity = TermIdentity(
            terminal_id=tid,
            imei=None if imei is None else imei.encode("ascii", "replace")[:15].ljust(15, b"\x00"))
        return self._appdata([(ServiceType.AUTH, self._tid, (identity,))])[0]

    def teledata_packet(self, fixes: Sequence[FixToSend]) -> tuple[bytes, int, tuple[int, ...]]:
        """APPDATA with one TELEDATA record per fix; returns (bytes, PID, RNs)."""
        items = [(ServiceType.TELEDATA, fix.oid if fix.oid is not None else self._tid,
                  (_pos_data(fix), *_sensors(fix))) for fix in fixes]
        return self._appdata(items)

    def command_answer(self, command: CommandData, result: bytes = b"",
                       confirmation: int = ConfirmationType.OK) -> bytes:
        """APPDATA with our COMCONF to the platform's ``command``: the command's ADR, ACT and
        CCD with ``result`` as the value (or ``result`` alone when the command had no body)."""
        body = command.command
        data = result if body is None else CommandBody(
            address=body.address, size=min(len(result), 31), action=body.action,
            code=body.code, data=result).to_bytes()
        answer = CommandData(command_type=CommandType.COMCONF, confirmation_type=confirmation,
                             command_id=command.command_id, source_id=command.source_id,
                             charset=command.charset, data=data)
        return self._appdata([(ServiceType.COMMANDS, self._tid, (answer,))])[0]

    def feed_reply(self, frame: bytes) -> ClientEvent:
        """Read one frame from the platform (as cut by ``Framer``); raises ``CodecError``."""
        packet = parse_packet(frame)
        if packet.header.packet_type == PacketType.RESPONSE:
            head = packet.response
            confirmed = tuple((sub.confirmed_rn, sub.result) for record in packet.records
                              for sub in record.subrecords if isinstance(sub, RecordResponse))
            return ResponseEvent(rpid=head.rpid if head else 0,
                                 result=head.result if head else 0, confirmed=confirmed)
        reply = build_response(
            pid=next(self._pids), rpid=packet.header.pid, result=ResultCode.OK,
            confirmations=[Confirmation(r.header.sst, r.header.rn, ResultCode.OK)
                           for r in packet.records], rns=self._rns)
        for record in packet.records:
            for sub in record.subrecords:
                if isinstance(sub, ResultCodeData) and record.header.sst == ServiceType.AUTH:
                    return ResultCodeEvent(code=sub.code, reply=reply)
        return AppDataEvent(records=packet.records, reply=reply)

    def _appdata(self, items: Sequence[tuple[int, int | None, tuple[AnySubrecord, ...]]],
                 ) -> tuple[bytes, int, tuple[int, ...]]:
        pid = next(self._pids)
        records = tuple(
            ServiceDataRecord(header=RecordHeader(rn=next(self._rns), sst=service, rst=service,
                                                  oid=oid), subrecords=subs)
            for service, oid, subs in items)
        packet = Packet(header=TransportHeader(pid=pid, packet_type=PacketType.APPDATA),
                        records=records).encode()
        return packet, pid, tuple(r.header.rn for r in records)
