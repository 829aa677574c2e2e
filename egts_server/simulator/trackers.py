"""Simulated Wialon IPS 2.0, Teltonika, Galileosky and NavTelecom FLEX trackers: real TCP
clients with a black box.

Each logs in (``#L#`` with the terminal id / the IMEI handshake), reports a fix every
``interval_s`` with the working-equipment state on digital input 1 and the odometer, and keeps
every fix until the server answers for it. These protocols answer packets in the order they
were sent and name none, so the oldest packet in flight is the one an answer confirms. After a
reconnect the backlog is replayed first (``#B#`` black box; Teltonika and Galileosky packets as
they were).
"""

from __future__ import annotations

import struct
from datetime import datetime
from types import MappingProxyType

from dispatch.motion import VehicleState
from egts_server.codec.errors import FormatError
from egts_server.codec.galileosky import build_packet
from egts_server.codec.navtelecom import archive, handshake, negotiation
from egts_server.codec.teltonika import AvlRecord, Codec, avl_packet, imei_message
from egts_server.codec.wialon import Framer as WialonFramer
from egts_server.codec.wialon import Message, TrackerClient
from egts_server.simulator.black_box import (
    BlackBoxTerminal,
    BlackBoxTerminalFactory,
)


class SimulatedWialonTracker(BlackBoxTerminal[Message]):
    label = "simulated Wialon IPS tracker"
    answer = "#AD#/#AB#"
    framer = WialonFramer

    def _hello(self) -> bytes:
        self._client = TrackerClient(str(self._memory.vehicle.tid))
        return self._client.login()

    def _on_frame(self, frame: bytes) -> None:
        assert self.transport is not None
        kind, _, code = frame.decode("ascii", "replace").strip("#").partition("#")
        if kind == "AL":
            if code != "1":
                self.log.warn("{label} {tid}: login refused with {code}", label=self.label,
                              tid=self._memory.vehicle.tid, code=code)
                self.transport.loseConnection()
                return
            self._logged_in()
        elif kind in ("AD", "AB"):
            flight = self._oldest_in_flight()
            if flight is not None and code == ("1" if kind == "AD" else str(len(flight.fixes))):
                self._memory.forget(flight.fixes)
        else:
            raise FormatError(f"unexpected answer {frame[:20]!r}")

    def _fix(self, now: datetime, state: VehicleState) -> Message:
        return Message(fix_time=now, latitude=round(state.latitude, 6),
                       longitude=round(state.longitude, 6), speed_kmh=round(state.speed_kmh, 1),
                       course_deg=round(state.course_deg, 1),
                       altitude_m=float(self._rng.randint(25, 60)),
                       satellites=self._rng.randint(8, 16), extended=True,
                       hdop=round(self._rng.uniform(0.6, 1.5), 1),
                       inputs=1 if self._working(state) else 0,
                       outputs=0, params=MappingProxyType(
                           {"odometer_m": round(state.odometer_m, 1)}))

    def _packet(self, fixes: list[Message], *,
                history: bool) -> tuple[bytes, int, tuple[int, ...]]:
        data = self._client.black_box(fixes) if history else b"".join(
            self._client.data(f) for f in fixes)
        return data, next(self._packet_ids), ()


class SimulatedTeltonikaTracker(BlackBoxTerminal[AvlRecord]):
    label = "simulated Teltonika tracker"
    answer = "record count"

    def _hello(self) -> bytes:
        self._identified = False
        return imei_message(self._memory.vehicle.imei)

    def _answer_size(self, received: bytes) -> int:
        """One byte to the IMEI, then a u32 per packet."""
        return 4 if self._identified else 1

    def _on_frame(self, frame: bytes) -> None:
        assert self.transport is not None
        if not self._identified:
            self._identified = True
            if frame != b"\x01":
                self.log.warn("{label} {tid}: IMEI refused", label=self.label,
                              tid=self._memory.vehicle.tid)
                self.transport.loseConnection()
                return
            self._logged_in()
            return
        flight = self._oldest_in_flight()
        if flight is not None and int.from_bytes(frame, "big") == len(flight.fixes):
            self._memory.forget(flight.fixes)

    def _fix(self, now: datetime, state: VehicleState) -> AvlRecord:
        return AvlRecord(
            timestamp_ms=int(now.timestamp() * 1000), priority=0,
            longitude_e7=round(state.longitude * 1e7), latitude_e7=round(state.latitude * 1e7),
            altitude_m=self._rng.randint(25, 60), angle_deg=round(state.course_deg) % 360,
            satellites=self._rng.randint(8, 16), speed_kmh=round(state.speed_kmh),
            io=MappingProxyType({1: 1 if self._working(state) else 0, 16: round(state.odometer_m),
                                 66: self._rng.randint(12500, 14200)}))

    def _packet(self, fixes: list[AvlRecord], *,
                history: bool) -> tuple[bytes, int, tuple[int, ...]]:
        return avl_packet(Codec.CODEC_8, fixes), next(self._packet_ids), ()


GalileoskyRecord = dict[int, bytes]  # tag -> value


class SimulatedGalileoskyTracker(BlackBoxTerminal[GalileoskyRecord]):
    label = "simulated Galileosky tracker"
    answer = "confirmation"

    def _hello(self) -> bytes:
        self._confirmed_head = False
        self._head = build_packet([{0x01: b"\x82", 0x02: b"\x12",
                                    0x03: self._memory.vehicle.imei.encode(),
                                    0x04: b"\x32\x00"}])
        return self._head

    def _answer_size(self, received: bytes) -> int:
        """Confirmations: 0x02 and the confirmed packet's CRC."""
        return 3

    def _on_frame(self, frame: bytes) -> None:
        if not self._confirmed_head:
            self._confirmed_head = frame == b"\x02" + self._head[-2:]
            if self._confirmed_head:
                self._logged_in()
            return
        flight = self._oldest_in_flight()
        if flight is not None and frame[1:] == build_packet(
                flight.fixes, archive=flight.history)[-2:]:
            self._memory.forget(flight.fixes)

    def _fix(self, now: datetime, state: VehicleState) -> GalileoskyRecord:
        return {0x20: int(now.timestamp()).to_bytes(4, "little"),
                0x30: bytes((self._rng.randint(8, 15),))
                + round(state.latitude * 1e6).to_bytes(4, "little", signed=True)
                + round(state.longitude * 1e6).to_bytes(4, "little", signed=True),
                0x33: round(state.speed_kmh * 10).to_bytes(2, "little")
                + round(state.course_deg * 10 % 3600).to_bytes(2, "little"),
                0x34: self._rng.randint(25, 60).to_bytes(2, "little"),
                0x46: (1 if self._working(state) else 0).to_bytes(2, "little"),
                0xD4: round(state.odometer_m).to_bytes(4, "little")}

    def _packet(self, fixes: list[GalileoskyRecord], *,
                history: bool) -> tuple[bytes, int, tuple[int, ...]]:
        return build_packet(fixes, archive=history), next(self._packet_ids), ()


class SimulatedGalileoskyTrackerFactory(BlackBoxTerminalFactory[GalileoskyRecord]):
    terminal = SimulatedGalileoskyTracker


FlexRecord = dict[int, bytes]  # FLEX field -> value
FLEX_FIELDS = [3, 8, 9, 10, 11, 12, 13, 14, 15, 29]  # times, position, motion, odometer, inputs


class SimulatedNavtelecomTracker(BlackBoxTerminal[FlexRecord]):
    label = "simulated NavTelecom tracker"
    answer = "~A"

    def _hello(self) -> bytes:
        return handshake(self._memory.vehicle.imei)

    def _answer_size(self, received: bytes) -> int | None:
        """NTCB answers (16-byte header and data) and ``~A`` answers (4 bytes)."""
        if received[:1] != b"@":
            return 4
        return 16 + int.from_bytes(received[12:14], "little") if len(received) >= 16 else None

    def _on_frame(self, frame: bytes) -> None:
        assert self.transport is not None
        if frame.endswith(b"*<S"):
            self.transport.write(negotiation(FLEX_FIELDS))
        elif frame[16:22] == b"*<FLEX":
            self._logged_in()
        elif frame[:2] == b"~A":
            flight = self._oldest_in_flight()
            if flight is not None and frame[2] == len(flight.fixes):
                self._memory.forget(flight.fixes)
        else:
            raise FormatError(f"unexpected answer {frame[:20]!r}")

    def _fix(self, now: datetime, state: VehicleState) -> FlexRecord:
        seconds = int(now.timestamp()).to_bytes(4, "little")
        return {3: seconds, 8: bytes((self._rng.randint(8, 15) << 2 | 2,)), 9: seconds,
                10: round(state.latitude * 600000).to_bytes(4, "little", signed=True),
                11: round(state.longitude * 600000).to_bytes(4, "little", signed=True),
                12: (self._rng.randint(25, 60) * 10).to_bytes(4, "little", signed=True),
                13: struct.pack("<f", state.speed_kmh),
                14: round(state.course_deg % 360).to_bytes(2, "little"),
                15: struct.pack("<f", state.odometer_m / 1000),
                29: bytes((1 if self._working(state) else 0,))}

    def _packet(self, fixes: list[FlexRecord], *,
                history: bool) -> tuple[bytes, int, tuple[int, ...]]:
        return archive(fixes), next(self._packet_ids), ()


class SimulatedNavtelecomTrackerFactory(BlackBoxTerminalFactory[FlexRecord]):
    terminal = SimulatedNavtelecomTracker


class SimulatedWialonTrackerFactory(BlackBoxTerminalFactory[Message]):
    terminal = SimulatedWialonTracker


class SimulatedTeltonikaTrackerFactory(BlackBoxTerminalFactory[AvlRecord]):
    terminal = SimulatedTeltonikaTracker
