"""The demo fleet on the road: one simulated terminal per demo vehicle, EGTS or NDTP.

``protocol``: ``"egts"`` (every vehicle on EGTS), ``"ndtp"`` (every vehicle on NDTP) or
``"mixed"`` (the demo's choice: each vehicle over the one terminal the demo seed registers for
it, buses on NDTP, road machines on EGTS), so both intake paths are alive on the live map;
``"wialon"``, ``"teltonika"``, ``"galileosky"``, ``"navtelecom"``, ``"wialonretr"`` or
``"osmand"``: every vehicle as such a tracker, relay or phone on ``port`` (terminals
``<protocol>:<tid>`` for Wialon IPS, Retranslator and phones, ``<protocol>:<imei>`` else).
"""

from __future__ import annotations

import functools
import random
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
_TRACKERS: dict[str, type[BlackBoxTerminalFactory[Any]]] = {
    "wialon": SimulatedWialonTrackerFactory, "teltonika": SimulatedTeltonikaTrackerFactory,
    "galileosky": SimulatedGalileoskyTrackerFactory,
    "navtelecom": SimulatedNavtelecomTrackerFactory, "wialonretr": SimulatedRetranslatorFactory,
    "osmand": SimulatedPhoneFactory}


class SimulatedFleet(Service):
    """Connects ``count`` demo terminals (from vehicle ``first`` on), staggered over a second."""

    log = Logger()

    def __init__(self, reactor: Any, host: str, port: int, *, count: int,
                 interval_s: float = 5.0, first: int = 0, protocol: FleetProtocol = "egts",
                 ndtp_port: int | None = None) -> None:
        if protocol in ("ndtp", "mixed") and ndtp_port is None:
            raise ValueError(f"protocol {protocol!r} needs the NDTP port")
        self._reactor = reactor
        self._host, self._port = host, port
        self._protocol = protocol
        self._ndtp_port = ndtp_port
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
        on_ndtp = 0
        for i, vehicle in enumerate(self._vehicles):
            rng = functools.partial(random.Random, vehicle.tid)
            factory: ReconnectingClientFactory
            if self.speaks_ndtp(vehicle):
                assert self._ndtp_port is not None
                port = self._ndtp_port
                factory = SimulatedNdtpTerminalFactory(
                    NdtpTerminalMemory(vehicle, demo_driver(vehicle, start)), self._interval_s,
                    self._reactor, rng)
                on_ndtp += 1
            else:
                port = self._port
                factory = _TRACKERS.get(self._protocol, SimulatedTerminalFactory)(
                    TerminalMemory(vehicle, demo_driver(vehicle, start)), self._interval_s,
                    self._reactor, rng)
            self.factories.append(factory)
            delay = i * min(1.0, self._interval_s) / max(1, len(self._vehicles))
            self._reactor.callLater(delay, self._reactor.connectTCP, self._host, port, factory)
        self.log.info("simulating {n} terminals ({ndtp} on NDTP port {ndtp_port}, the rest on "
                      "{protocol} port {port}) at {host}, a fix every {s}s", n=len(self._vehicles),
                      protocol="EGTS" if self._protocol in ("egts", "mixed", "ndtp")
                      else self._protocol,
                      ndtp=on_ndtp, ndtp_port=self._ndtp_port, host=self._host, port=self._port,
                      s=self._interval_s)

    def speaks_ndtp(self, vehicle: DemoVehicle) -> bool:
        """Which protocol this vehicle's simulated terminal uses."""
        if self._protocol == "mixed":
            return vehicle.protocol == "ndtp"
        return self._protocol == "ndtp"

    def stopService(self) -> None:  # noqa: N802
        super().stopService()
        for factory in self.factories:
            factory.stopTrying()
