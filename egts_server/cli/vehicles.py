"""``glonass-dispatch vehicles``: the vehicle registry (route assignment is in ``assign``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from db import vehicles as vehicle_registry
from dispatch.registry_input import check_new_vehicle, check_vehicle_changes, phone_text
from egts_server.cli.assign import add_assign_command
from egts_server.config import Settings
from egts_server.database import cli_actor, connect

EDITABLE_VEHICLE_FIELDS = ("name", "kind", "plate", "contractor", "equipment_input", "driver",
                           "driver_phone")


def add_vehicles_command(sub: Any) -> None:
    veh = sub.add_parser("vehicles", help="list, add, edit or remove vehicles")
    veh_sub = veh.add_subparsers(dest="action", required=True)
    veh_sub.add_parser("list", help="list vehicles")
    vadd = veh_sub.add_parser("add", help="add a vehicle")
    vadd.add_argument("name")
    vadd.add_argument("--kind", default="other", choices=vehicle_registry.KINDS)
    vadd.add_argument("--plate")
    vadd.add_argument("--contractor")
    vadd.add_argument("--equipment-input", type=int, metavar="N",
                      help="digital input (1-based) that is on while the blade/spreader works")
    vadd.add_argument("--driver", help="the driver's name, shown to the dispatchers")
    vadd.add_argument("--driver-phone", help='the driver\'s phone, e.g. "8 914 123-45-67"')
    vedit = veh_sub.add_parser("edit", help="change a vehicle (only the options given)")
    vedit.add_argument("id", type=int, help="vehicle id (see `vehicles list`)")
    vedit.add_argument("--name")
    vedit.add_argument("--kind", choices=vehicle_registry.KINDS)
    vedit.add_argument("--plate", help='number plate ("" clears it)')
    vedit.add_argument("--contractor", help='contractor ("" clears it)')
    vedit.add_argument("--equipment-input", type=int, metavar="N",
                       help="digital input (1-based) that is on while the equipment works "
                            "(0 removes it)")
    vedit.add_argument("--driver", help='the driver\'s name ("" clears it)')
    vedit.add_argument("--driver-phone", help='the driver\'s phone ("" clears it)')
    vrm = veh_sub.add_parser("remove", help="remove a vehicle from the fleet (its fixes, "
                                            "coverage and acts are kept; its terminals freed)")
    vrm.add_argument("id", type=int, help="vehicle id (see `vehicles list`)")
    add_assign_command(veh_sub)
    veh.set_defaults(func=cmd_vehicles)


def cmd_vehicles(args: argparse.Namespace, settings: Settings) -> int:
    with connect(settings) as conn, conn.cursor() as cur:
        if args.action == "list":
            for v in vehicle_registry.list_vehicles(cur):
                print(f"{v['id']:>5}  {v['name']:<28} {v['kind']:<10} {v['plate'] or '-':<10}"
                      f" {v['contractor'] or '-'}{_driver(v)}")
        elif args.action == "add":
            new_id = vehicle_registry.add_checked_vehicle(cur, check_new_vehicle(_given(args)))
            print(f"vehicle {new_id} added")
        elif args.action == "edit":
            if not vehicle_registry.update_vehicle(cur, args.id,
                                                   **check_vehicle_changes(_given(args))):
                print(f"glonass-dispatch: no vehicle {args.id}", file=sys.stderr)
                return 1
            print(f"vehicle {args.id} updated")
        elif args.action == "remove":
            if not vehicle_registry.remove_vehicle(cur, args.id, cli_actor().login):
                print(f"glonass-dispatch: no vehicle {args.id}", file=sys.stderr)
                return 1
            print(f"vehicle {args.id} removed (its fixes and acts are kept)")
    return 0


def _given(args: argparse.Namespace) -> dict[str, Any]:
    """The vehicle fields given on the command line, by their registry names."""
    return {field: getattr(args, field) for field in EDITABLE_VEHICLE_FIELDS
            if getattr(args, field) is not None}


def _driver(vehicle: dict[str, Any]) -> str:
    """``  driver: name, +7 914 123-45-67`` after a listed vehicle, or nothing without one."""
    phone = vehicle["driver_phone"] and phone_text(vehicle["driver_phone"])
    known = ", ".join(part for part in (vehicle["driver"], phone) if part)
    return f"  driver: {known}" if known else ""
