"""The demo fleet on the road: one simulated EGTS terminal per demo vehicle."""

from __future__ import annotations

import functools
import random
from datetime import UTC, datetime
from typing import Any

from twisted.application.service import Service
from twisted.logger import Logger

from dispatch.demo_city import demo_driver, demo_fleet
from egts_server.simulator.terminal import SimulatedTerminalFactory, TerminalMemory


class SimulatedFleet(Service):
    """Connects ``count`` demo terminals (from vehicle ``first`` on), staggered over a second."""

    log = Logger()

    def __init__(self, reactor: Any, host: str, port: int, *, count: int,
                 interval_s: float = 5.0, first: int = 0) -> None:
        self._reactor = reactor
        self._host, self._port = host, port
        self._interval_s = interval_s
        fleet = demo_fleet()
        if not 0 <= first < len(fleet) or count < 1:
            raise ValueError(f"the demo fleet has vehicles 0..{len(fleet) - 1}")
        self._vehicles = fleet[first : first + count]
        self.factories: list[SimulatedTerminalFactory] = []

    def startService(self) -> None:  # noqa: N802
        super().startService()
        start = datetime.fromtimestamp(self._reactor.seconds(), UTC)
        start = start.replace(hour=0, minute=0, second=0, microsecond=0)
        for i, vehicle in enumerate(self._vehicles):
            memory = TerminalMemory(vehicle, demo_driver(vehicle, start))
            factory = SimulatedTerminalFactory(memory, self._interval_s, self._reactor,
                                               functools.partial(random.Random, vehicle.tid))
            self.factories.append(factory)
            delay = i * min(1.0, self._interval_s) / max(1, len(self._vehicles))
            self._reactor.callLater(delay, self._reactor.connectTCP, self._host, self._port,
                                    factory)
        self.log.info("simulating {n} terminals against {host}:{port}, a fix every {s}s",
                      n=len(self._vehicles), host=self._host, port=self._port,
                      s=self._interval_s)

    def stopService(self) -> None:  # noqa: N802
        super().stopService()
        for factory in self.factories:
            factory.stopTrying()
