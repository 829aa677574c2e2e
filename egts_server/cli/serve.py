"""``glonass-dispatch serve``: the listeners, the writer, the web site and the retranslator."""

from __future__ import annotations

import argparse
from typing import Any

from egts_server.config import Settings


def add_serve_command(sub: Any) -> None:
    serve = sub.add_parser("serve", help="run the telemetry listeners, writer and web maps")
    serve.add_argument("--simulate", type=int, default=0, metavar="N",
                       help="also drive N simulated demo vehicles, each over its own terminal's "
                            "protocol (EGTS, NDTP or a tracker's; every tracker listener is "
                            "switched on for them)")
    serve.add_argument("--simulate-interval", type=float, default=5.0, metavar="S",
                       help="seconds between a simulated terminal's fixes (default 5)")
    serve.add_argument("--log-format", choices=("text", "json"), default="text")
    serve.add_argument("--intake-worker", type=int, default=0, metavar="K",
                       help=argparse.SUPPRESS)  # started by serve itself (intake.processes)
    serve.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from egts_server.serve import serve

    return serve(settings, simulate=args.simulate, simulate_interval_s=args.simulate_interval,
                 log_format=args.log_format, intake_worker=args.intake_worker)
