"""A simulated EGTS terminal: a real TCP client that behaves like a vehicle's black box.

It logs in with TID + IMEI, sends a fix every ``interval_s``, keeps every fix until the
platform confirms its record, resends what stays unconfirmed for 5 s (TL_RESPONSE_TO) up to 3
times, then drops the connection; after a reconnect it replays its backlog first, flagged as
black-box data. Its state outlives the connection, as a terminal's memory does.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from dispatch.motion import VehicleState
from egts_server.codec.egts import Framer
from egts_server.codec.egts.client import (
    AppDataEvent,
    FixToSend,
    ResponseEvent,
    ResultCodeEvent,
    TerminalClient,
)
from egts_server.codec.egts.subrecords import CommandData, CommandType
from egts_server.simulator.black_box import (
    BlackBoxTerminal,
    BlackBoxTerminalFactory,
)


class SimulatedTerminal(BlackBoxTerminal[FixToSend]):
    label = "simulated terminal"
    peer = "platform"
    answer = "confirmation"
    framer = Framer

    def _hello(self) -> bytes:
        self._client = TerminalClient()
        v = self._memory.vehicle
        return self._client.auth_packet(v.tid, v.imei)

    def _on_frame(self, frame: bytes) -> None:
        assert self.transport is not None
        event = self._client.feed_reply(frame)
        if isinstance(event, ResultCodeEvent):
            self.transport.write(event.reply)
            if event.code != 0:
                self.log.warn("simulated terminal {tid}: login refused with {code}",
                              tid=self._memory.vehicle.tid, code=event.code)
                return
            self._logged_in()
        elif isinstance(event, ResponseEvent):
            flight = self._in_flight.pop(event.rpid, None)
            if flight is None or event.result != 0:
                return
            by_rn = dict(zip(flight.record_numbers, flight.fixes, strict=True))
            self._memory.forget(by_rn[crn] for crn, rst in event.confirmed
                                if rst == 0 and crn in by_rn)
        else:
            self.transport.write(event.reply)
            for command in _commands(event):
                self.log.info("simulated terminal {tid}: command {cid} ({code:#06x}) done",
                              tid=self._memory.vehicle.tid, cid=command.command_id,
                              code=command.command.code if command.command else 0)
                self.transport.write(self._client.command_answer(command, b"OK"))

    def _fix(self, now: datetime, state: VehicleState) -> FixToSend:
        return FixToSend(time=now, lat=state.latitude, lon=state.longitude,
                         speed_kmh=round(state.speed_kmh, 1), course_deg=state.course_deg,
                         altitude_m=float(self._rng.randint(25, 60)),
                         inputs=1 if self._working(state) else 0,
                         odometer_m=state.odometer_m, satellites=self._rng.randint(8, 16),
                         hdop=round(self._rng.uniform(0.6, 1.6), 1))

    def _packet(self, fixes: list[FixToSend], *,
                history: bool) -> tuple[bytes, int, tuple[int, ...]]:
        """EGTS flags history on each fix (``_as_history``), so ``history`` changes nothing."""
        return self._client.teledata_packet(fixes)

    def _as_history(self, fix: FixToSend) -> FixToSend:
        return replace(fix, black_box=True)


def _commands(event: AppDataEvent) -> list[CommandData]:
    """The platform's commands (CT_COM) in an APPDATA packet; a simulated terminal does them
    all and answers OK."""
    return [sub for record in event.records for sub in record.subrecords
            if isinstance(sub, CommandData) and sub.command_type == CommandType.COM]


class SimulatedTerminalFactory(BlackBoxTerminalFactory[FixToSend]):
    terminal = SimulatedTerminal
