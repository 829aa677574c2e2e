"""A simulated NDTP v6 terminal (a Granit-style black box) as a real TCP client.

It identifies with CONN_REQUEST (device id = the demo vehicle's terminal id, plus IMEI), then
sends one NPH_SND_REALTIME record every ``interval_s``: navigation, internal I/O (the
working-equipment input, the odometer) and, for road machines, the road-machine cell 5 with the
equipment state in its first byte. Every record stays in memory until the server's NPH_RESULT 0
for it arrives; unanswered requests are resent after 5 s up to 3 times, then the terminal
reconnects and replays its backlog as NPH_SND_HISTORY, as real terminals do after an outage.
"""

from __future__ import annotations

from datetime import datetime

from dispatch.motion import VehicleState
from egts_server.codec.ndtp import (
    DeviceMessageEvent,
    Framer,
    NdtpFix,
    Service,
    TerminalClient,
)
from egts_server.simulator.black_box import (
    BlackBoxTerminal,
    BlackBoxTerminalFactory,
    TerminalMemory,
)

NdtpTerminalMemory = TerminalMemory[NdtpFix]  # the same black box, holding NDTP records


class SimulatedNdtpTerminal(BlackBoxTerminal[NdtpFix]):
    label = "simulated NDTP terminal"
    answer = "result"
    framer = Framer

    def _hello(self) -> bytes:
        self._client = TerminalClient(self._memory.vehicle.tid)
        frame, self._login_id = self._client.conn_request(self._memory.vehicle.imei,
                                                          "250010000000000")
        return frame

    def _on_frame(self, frame: bytes) -> None:
        assert self.transport is not None
        event = self._client.feed_reply(frame)
        if isinstance(event, DeviceMessageEvent):
            self.transport.write(event.reply)
            return
        if event.service == Service.GENERIC_CONTROLS and event.request_id == self._login_id:
            if event.code != 0:
                self.log.warn("{label} {tid}: CONN_REQUEST refused with {code}",
                              label=self.label, tid=self._memory.vehicle.tid, code=event.code)
                self.transport.loseConnection()
                return
            self._logged_in()
            return
        flight = self._in_flight.pop(event.request_id, None)
        if flight is not None and event.code == 0:
            self._memory.forget(flight.fixes)

    def _fix(self, now: datetime, state: VehicleState) -> NdtpFix:
        working = self._working(state)
        return NdtpFix(time=now, lat=state.latitude, lon=state.longitude,
                       speed_kmh=state.speed_kmh, course_deg=state.course_deg,
                       altitude_m=float(self._rng.randint(25, 60)),
                       satellites=self._rng.randint(8, 16), inputs=1 if working else 0,
                       odometer_m=state.odometer_m,
                       battery_v=round(self._rng.uniform(4.0, 4.2), 2),
                       road_machine=(bytes((1 if working else 0, 0, 0, 0, 0, 0))
                                     if self._memory.vehicle.equipment_tool is not None
                                     else None))

    def _packet(self, fixes: list[NdtpFix], *,
                history: bool) -> tuple[bytes, int, tuple[int, ...]]:
        """A NAVDATA frame; its NPH_RESULT confirms all its records at once."""
        frame, request_id = self._client.navdata(fixes, history=history)
        return frame, request_id, ()


class SimulatedNdtpTerminalFactory(BlackBoxTerminalFactory[NdtpFix]):
    """Reconnects like a terminal: soon at first, then backing off to 30 s."""

    terminal = SimulatedNdtpTerminal
