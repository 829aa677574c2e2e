"""``glonass-dispatch simulate``: the demo fleet as a separate process."""

from __future__ import annotations

from collections.abc import Mapping

from egts_server.serve import start_logging
from egts_server.simulator.fleet import FleetProtocol, SimulatedFleet


def run_simulator(*, vehicles: int, host: str, port: int, interval_s: float, first: int = 0,
                  duration_s: float = 0.0, protocol: FleetProtocol = "egts",
                  ndtp_port: int | None = None,
                  tracker_ports: Mapping[str, int] | None = None) -> int:
    """``port``: the EGTS listener's (``protocol`` egts or mixed); ``ndtp_port``: NDTP's;
    ``tracker_ports``: the tracker listeners' (mixed)."""
    from twisted.internet import reactor

    start_logging("text")
    fleet = SimulatedFleet(reactor, host, port, count=vehicles, interval_s=interval_s,
                           first=first, protocol=protocol, ndtp_port=ndtp_port,
                           tracker_ports=tracker_ports)
    fleet.startService()
    reactor.addSystemEventTrigger("before", "shutdown", fleet.stopService)
    if duration_s > 0:
        reactor.callLater(duration_s, reactor.stop)  # type: ignore[attr-defined]
    reactor.run()  # type: ignore[attr-defined]
    return 0
