"""``glonass-dispatch vehicles assign``: which route (and trip) a bus is running now.

The GTFS-Realtime feed reports the route number as the trip's ``route_id`` (and ``trip_id``
when given), so they must be the ids of the city's static GTFS.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from db import transit
from egts_server.config import ConfigError, Settings


def add_assign_command(vehicle_commands: Any) -> None:
    """Register ``assign`` under the ``vehicles`` subcommands (an argparse subparsers action)."""
    p: argparse.ArgumentParser = vehicle_commands.add_parser(
        "assign", help="put a bus on a route for the GTFS-Realtime feed, or take it off")
    p.add_argument("id", type=int, help="vehicle id (see `vehicles list`)")
    p.add_argument("--route-number", metavar="N",
                   help="route number, as the static GTFS's route_id (e.g. 5)")
    p.add_argument("--trip", metavar="TRIP_ID", help="the static GTFS's trip_id (optional)")
    p.add_argument("--clear", action="store_true", help="take the vehicle off its route")
    p.set_defaults(func=cmd_assign)


def cmd_assign(args: argparse.Namespace, settings: Settings) -> int:
    from egts_server.database import connect

    if args.clear == bool(args.route_number):
        raise ConfigError("vehicles assign: give either --route-number N or --clear")
    if args.clear and args.trip:
        raise ConfigError("vehicles assign: --trip goes with --route-number")
    route = None if args.clear else args.route_number.strip()
    with connect(settings) as conn, conn.cursor() as cur:
        kind = transit.assign_route(cur, args.id, route, args.trip)
    if kind is None:
        print(f"glonass-dispatch: no vehicle {args.id}", file=sys.stderr)
        return 1
    if route is None:
        print(f"vehicle {args.id} is off its route")
    else:
        trip = f", trip {args.trip}" if args.trip else ""
        print(f"vehicle {args.id} runs route {route}{trip}")
    if kind != "bus":
        print(f"note: vehicle {args.id} is a {kind}; only buses appear in the GTFS-Realtime feed",
              file=sys.stderr)
    return 0
