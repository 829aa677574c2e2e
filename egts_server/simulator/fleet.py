"""The demo fleet on the road: one simulated terminal per demo vehicle, EGTS or NDTP.

``protocol``: ``"egts"`` (every vehicle on EGTS), ``"ndtp"`` (every vehicle on NDTP) or
``"mixed"`` (the demo's choice: each vehicle over the one terminal the demo seed registers for
it: buses on NDTP, three road machines on each tracker protocol whose port ``tracker_ports``
gives, the rest on EGTS), so every intake path is alive on the live map;
``"wialon"``, ``"teltonika"``, ``"galileosky"``, ``"navtelecom"``, ``"wialonretr"`` or
``"osmand"``: every vehicle as such a tracker, relay or phone on ``port`` (terminals
``<protocol>:<tid>`` for Wialon IPS, Retranslator and phones, ``<protocol>:<imei>`` else).
"""

from __future__ import annotations

import functools
import random
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from twisted.application.service import Service
from twisted.internet.protocol import ReconnectingClientFactory
from twisted.logger import Logger

from dispatch.demo_fleet import DemoVehicle, demo_driver, demo_fleet
from egts_server.simulator.black_box import BlackBoxTerminalFactory, TerminalMemory
from egts_server.simulator.ndtp_terminal import NdtpTerminalMemory, SimulatedNdtpTerminalFactory
from egts_server.simulator.relays import SimulatedPhoneFactory, SimulatedRetranslatorFactory
from egts_server.simulator.terminal import SimulatedTerminalFactory
from egts_server.simulator.trackers import (
    SimulatedGalileoskyTrackerFactory,
    SimulatedNavtelecomTrackerFactory,
    SimulatedTeltonikaTrackerFactory,
    SimulatedWialonTrackerFactory,
)

FleetProtocol = Literal["egts", "ndtp", "mixed", "wialon", "teltonika", "galileosky",
                        "navtelecom", "wialonretr", "osmand"]
#: The simulated tracker of each tracker protocol.
TRACKER_SIMULATORS: dict[str, type[BlackBoxTerminalFactory[Any]]] = {
    "wialon": SimulatedWialonTrackerFactory, "teltonika": SimulatedTeltonikaTrackerFactory,
    "galileosky": SimulatedGalileoskyTrackerFactory,
    "navtelecom": SimulatedNavtelecomTrackerFactory, "wialonretr": SimulatedRetranslatorFactory,
    "osmand": SimulatedPhoneFactory}


class SimulatedFleet(Service):
    """Connects ``count`` demo terminals (from vehicle ``first`` on), staggered over a second."""

    log = Logger()

    def __init__(self, reactor: Any, host: str, port: int, *, count: int,
                 interval_s: float = 5.0, first: int = 0, protocol: FleetProtocol = "egts",
                 ndtp_port: int | None = None,
                 tracker_ports: Mapping[str, int] | None = None) -> None:
        if protocol in ("ndtp", "mixed") and ndtp_port is None:
            raise ValueError(f"protocol {protocol!r} needs the NDTP port")
        self._reactor = reactor
        self._host, self._port = host, port
        self._protocol = protocol
        self._ndtp_port = ndtp_port
        self._tracker_ports = dict(tracker_ports or {})
        self._interval_s = interval_s
        fleet = demo_fleet()
        if not 0 <= first < len(fleet) or count < 1:
            raise ValueError(f"the demo fleet has vehicles 0..{len(fleet) - 1}")
        self._vehicles = fleet[first : first + count]
        self.factories: list[ReconnectingClientFactory] = []

    def startService(self) -> None:  # noqa: N802
        super().startService()
        start = datetime.fromtimestamp(self._reactor.seconds(), UTC)
        start = start.replace(hour=0, minute=0, second=0, microsecond=0)
        dialled: Counter[str] = Counter()
        for i, vehicle in enumerate(self._vehicles):
            rng = functools.partial(random.Random, vehicle.tid)
            protocol = self.protocol_of(vehicle)
            port = self._port_for(protocol)
            if port is None:
                dialled["not dialled (listener off)"] += 1
                continue
            factory: ReconnectingClientFactory
            if protocol == "ndtp":
                factory = SimulatedNdtpTerminalFactory(
                    NdtpTerminalMemory(vehicle, demo_driver(vehicle, start)), self._interval_s,
                    self._reactor, rng)
            else:
                factory = TRACKER_SIMULATORS.get(protocol, SimulatedTerminalFactory)(
                    TerminalMemory(vehicle, demo_driver(vehicle, start)), self._interval_s,
                    self._reactor, rng)
            dialled[protocol] += 1
            self.factories.append(factory)
            delay = i * min(1.0, self._interval_s) / max(1, len(self._vehicles))
            self._reactor.callLater(delay, self._reactor.connectTCP, self._host, port, factory)
        self.log.info("simulating {n} terminals at {host} ({protocols}), a fix every {s}s",
                      n=len(self.factories), host=self._host, s=self._interval_s,
                      protocols=", ".join(f"{count} {name}" for name, count in dialled.items()))

    def protocol_of(self, vehicle: DemoVehicle) -> str:
        """What this vehicle's simulated terminal speaks: its own protocol in the mixed
        fleet, else the fleet's."""
        return vehicle.protocol if self._protocol == "mixed" else self._protocol

    def _port_for(self, protocol: str) -> int | None:
        """Where a terminal speaking ``protocol`` dials; None: that listener is off."""
        if protocol == "ndtp":
            return self._ndtp_port
        if self._protocol != "mixed" or protocol == "egts":
            return self._port
        return self._tracker_ports.get(protocol)

    def stopService(self) -> None:  # noqa: N802
        super().stopService()
        for factory in self.factories:
            factory.stopTrying()
