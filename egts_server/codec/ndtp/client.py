"""The terminal side of NDTP, for the simulator (sans-I/O).

``TerminalClient`` builds the frames a Granit-style terminal sends (CONN_REQUEST, then one
NAVDATA frame per record, each asking for a result) with its own NPH request counter, and reads
what the server answers. A service 5 message from the server is answered with DEVICE_RESULT,
as a terminal must.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from egts_server.codec.errors import PacketTypeError
from egts_server.codec.ndtp.cells import IntSensorCell, NavCell, NavData, RawCell
from egts_server.codec.ndtp.conn_request import ConnRequest
from egts_server.codec.ndtp.constants import (
    NPH_RESULT,
    CellType,
    ExternalDeviceType,
    GenericType,
    NavdataType,
    NavFlags,
    NphFlags,
    Service,
)
from egts_server.codec.ndtp.external_device import DeviceData, DeviceResult
from egts_server.codec.ndtp.packet import NphHeader, build_frame, parse_packet
from egts_server.codec.ndtp.responses import ReplyTo, Result, build_device_result


@dataclass(frozen=True, slots=True, kw_only=True)
class NdtpFix:
    """One record as the simulator knows it (domain units)."""

    time: datetime  # aware
    lat: float
    lon: float
    speed_kmh: float = 0.0
    course_deg: float = 0.0
    altitude_m: float = 0.0
    satellites: int = 0
    valid: bool = True
    inputs: int = 0  # bits 0-7
    odometer_m: float = 0.0
    battery_v: float = 4.1
    road_machine: bytes | None = None  # raw 6-byte cell 5, when the vehicle has one


@dataclass(frozen=True, slots=True)
class ResultEvent:
    """The server's NPH_RESULT for our request ``request_id`` in ``service``."""

    service: int
    request_id: int
    code: int


@dataclass(frozen=True, slots=True)
class DeviceMessageEvent:
    """A service 5 message from the server; send ``reply`` (our DEVICE_RESULT) back."""

    data: DeviceData
    reply: bytes


ClientEvent = ResultEvent | DeviceMessageEvent


def _clamp(value: float, limit: int) -> int:
    return max(0, min(limit, round(value)))


def nav_cell(fix: NdtpFix, number: int = 0) -> NavCell:
    flags = NavFlags(0)
    for flag, on in ((NavFlags.NORTH, fix.lat >= 0), (NavFlags.EAST, fix.lon >= 0),
                     (NavFlags.VALID, fix.valid)):
        if on:
            flags |= flag
    speed = _clamp(fix.speed_kmh, 0xFFFF)
    return NavCell(number=number, time=max(0, math.floor(fix.time.timestamp())),
                   lon_abs=round(abs(fix.lon) * 1e7), lat_abs=round(abs(fix.lat) * 1e7),
                   flags=int(flags), bat_voltage=_clamp(fix.battery_v / 0.02, 0xFF),
                   speed_avg=speed, speed_max=speed, course=round(fix.course_deg) % 360,
                   track=0, altitude=max(-0x8000, min(0x7FFF, round(fix.altitude_m))),
                   satellites=min(0xFF, fix.satellites), pdop=0)


def record_body(fix: NdtpFix) -> bytes:
    """Cells 0 and 2 (and 5 when present), the order real terminals use."""
    io = IntSensorCell(number=0, analog=(0, 0, 0, 0), inputs=fix.inputs & 0xFF, outputs=0,
                       counters=(0, 0, 0, 0), odometer=_clamp(fix.odometer_m, 0xFFFF_FFFF),
                       csq=31, gprs_state=6, accel_energy=0, ext_volt=0)
    cells: list[NavCell | IntSensorCell | RawCell] = [nav_cell(fix), io]
    if fix.road_machine is not None:
        cells.append(RawCell(cell_type=CellType.KDM, number=0, data=fix.road_machine))
    return NavData(cells=tuple(cells)).encode()


class TerminalClient:
    """One terminal's NDTP conversation: frames out, replies in."""

    def __init__(self, device_id: int) -> None:
        self.device_id = device_id
        self._request_id = 0

    def _next_id(self) -> int:
        value = self._request_id
        self._request_id = (value + 1) & 0xFFFF_FFFF
        return value

    def conn_request(self, imei: str | None = None, imsi: str | None = None) -> tuple[bytes, int]:
        """CONN_REQUEST (v6.2, the 49-byte form when an IMEI is given); returns (frame, id)."""
        body = ConnRequest(version_high=6, version_low=2, conn_flags=0x0302,
                           device_id=self.device_id, max_packet_size=1024, reserved=0,
                           imei=imei, imsi=imsi if imei else None,
                           tail=b"\x00" if imei else b"").encode()
        return self._request(Service.GENERIC_CONTROLS, GenericType.CONN_REQUEST, body)

    def navdata(self, fixes: Sequence[NdtpFix], *, history: bool = False) -> tuple[bytes, int]:
        """One NAVDATA frame holding ``fixes`` (one record each); returns (frame, id)."""
        kind = NavdataType.SND_HISTORY if history else NavdataType.SND_REALTIME
        return self._request(Service.NAVDATA, kind, b"".join(record_body(f) for f in fixes))

    def feed_reply(self, frame: bytes) -> ClientEvent:
        """Read one frame from the server (as cut by ``Framer``); raises ``CodecError``."""
        packet = parse_packet(frame)
        nph = packet.nph
        if nph is None:
            raise PacketTypeError(f"NPL type {packet.npl.npl_type} from the server")
        if nph.packet_type == NPH_RESULT:
            return ResultEvent(nph.service, nph.request_id, Result.decode(packet.body).code)
        if nph.service == Service.EXTERNAL_DEVICE and nph.packet_type in (
                ExternalDeviceType.TITLE_DATA, ExternalDeviceType.DEVICE_DATA):
            data = DeviceData.decode(packet.body)
            to = ReplyTo(service=nph.service, request_id=nph.request_id, requested=True,
                         peer_address=packet.npl.peer_address,
                         npl_request_id=packet.npl.request_id)
            return DeviceMessageEvent(data, build_device_result(to, DeviceResult.answering(data)))
        raise PacketTypeError(f"service {nph.service} type {nph.packet_type} from the server")

    def _request(self, service: int, packet_type: int, body: bytes) -> tuple[bytes, int]:
        request_id = self._next_id()
        nph = NphHeader(service=service, packet_type=packet_type, flags=NphFlags.REQUEST,
                        request_id=request_id)
        return build_frame(nph, body), request_id
