"""``glonass-dispatch simulate``: demo terminals that speak a tracker protocol over TCP."""

from __future__ import annotations

import argparse
from typing import Any

from egts_server.config import ConfigError, Settings, tracker_ports


def add_simulate_command(sub: Any) -> None:
    sim = sub.add_parser("simulate", help="run demo terminals that speak EGTS, NDTP or a "
                                          "tracker protocol")
    sim.add_argument("--vehicles", type=int, default=10, help="number of terminals (default 10)")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--protocol", default="egts",
                     choices=("egts", "ndtp", "mixed", "wialon", "teltonika", "galileosky",
                              "navtelecom", "wialonretr", "osmand"),
                     help="what the terminals speak; mixed: each vehicle its own terminal's "
                          "protocol (buses NDTP, three road machines each tracker protocol "
                          "whose listener the configuration switches on, the rest EGTS)")
    sim.add_argument("--port", type=int, default=None,
                     help="the listener's port (default: egts.port, or the protocol's own)")
    sim.add_argument("--ndtp-port", type=int, default=5243,
                     help="NDTP port for --protocol mixed (default 5243)")
    sim.add_argument("--interval", type=float, default=5.0, help="seconds between fixes")
    sim.add_argument("--first", type=int, default=0,
                     help="index of the first demo vehicle to drive (default 0)")
    sim.add_argument("--duration", type=float, default=0.0,
                     help="stop after this many seconds (default: run until Ctrl-C)")
    sim.set_defaults(func=cmd_simulate)


def cmd_simulate(args: argparse.Namespace, settings: Settings) -> int:
    from dispatch.demo_fleet import demo_fleet
    from egts_server.simulator.run import run_simulator

    size = len(demo_fleet())
    if args.vehicles < 1 or not 0 <= args.first < size:
        raise ConfigError(f"simulate: the demo fleet has {size} vehicles: --first 0..{size - 1}"
                          ", --vehicles at least 1")

    ports = {"ndtp": settings.ndtp.port, **tracker_ports(settings)}
    port = args.port if args.port is not None else ports.get(args.protocol, settings.egts.port)
    return run_simulator(vehicles=args.vehicles, host=args.host, port=port,
                         interval_s=args.interval, first=args.first, duration_s=args.duration,
                         protocol=args.protocol,
                         ndtp_port=port if args.protocol == "ndtp" else args.ndtp_port,
                         tracker_ports=tracker_ports(settings, enabled_only=True))
