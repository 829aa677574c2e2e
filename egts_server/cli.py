"""``glonass-dispatch``: the console script. Each subcommand has ``--help``."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from db import terminals as terminal_registry
from db import vehicles as vehicle_registry
from db.errors import StorageError
from db.migrate import migrate
from egts_server.cli_assign import add_assign_command
from egts_server.cli_audit import add_audit_command
from egts_server.cli_commands import add_command_commands
from egts_server.cli_dispatch import add_dispatch_commands
from egts_server.cli_users import add_user_commands
from egts_server.config import ConfigError, Settings, load_settings, tracker_ports
from egts_server.database import connect

#: Protocols a terminal can be registered under (DESIGN.md's terminal identifiers).
TERMINAL_PROTOCOLS = ("egts", "ndtp", "nis", "wialon", "wialonretr", "teltonika", "galileosky",
                      "navtelecom", "osmand")

Command = Callable[[argparse.Namespace, Settings], int]


def _project_dir() -> Path:
    """Where ``var/`` lives: GLONASS_DISPATCH_HOME, else the current directory."""
    return Path(os.environ.get("GLONASS_DISPATCH_HOME", ".")).resolve()


# -- serve ---------------------------------------------------------------------------------------

def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from egts_server.serve import serve

    return serve(settings, simulate=args.simulate, simulate_interval_s=args.simulate_interval,
                 log_format=args.log_format, intake_worker=args.intake_worker)


# -- db ------------------------------------------------------------------------------------------

def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from egts_server.database import database_dsn, embedded_cluster

    cluster = embedded_cluster(settings)
    external = bool(settings.database.url)
    if args.action in ("start", "stop", "status") and external:
        print(f"using an external database (DATABASE_URL); nothing to {args.action}")
        return 0
    if args.action == "start":
        cluster.start()
        print(cluster.status())
    elif args.action == "stop":
        cluster.stop()
        print(cluster.status())
    elif args.action == "status":
        print(cluster.status())
    elif args.action == "url":
        print(settings.database.url or cluster.url())
    elif args.action == "migrate":
        applied = migrate(database_dsn(settings))
        print("applied: " + ", ".join(applied) if applied else "schema is up to date")
    elif args.action == "seed":
        from db.seed import seed_demo

        with connect(settings) as conn, conn.cursor() as cur:
            counts = seed_demo(cur, force=args.force)
        print("seeded: " + ", ".join(f"{n} {what}" for what, n in counts.items())
              if counts else "database already has vehicles; nothing seeded (use --force)")
    elif args.action == "psql":
        target = settings.database.url or cluster.dsn()
        return subprocess.call(["psql", target])
    elif args.action == "retention":
        return _retention(args, settings)
    return 0


def _retention(args: argparse.Namespace, settings: Settings) -> int:
    """Drop whole monthly partitions older than --keep-months (never a bulk DELETE)."""
    from datetime import UTC, datetime

    from db import retention

    if args.keep_months is None or args.keep_months < 1:
        raise ConfigError("db retention: --keep-months N (N >= 1) is required")
    today = datetime.now(UTC).date()
    conn = connect(settings)
    try:
        with conn, conn.cursor() as cur:
            doomed = retention.expired(cur, args.keep_months, today)
        if not doomed:
            kept_from = retention.add_months(today, -args.keep_months)
            print(f"nothing to drop: no partition ends before {kept_from}")
            return 0
        for partition in doomed:
            if args.dry_run:
                print(f"would drop {partition.name} ({partition.month:%Y-%m})")
                continue
            with conn, conn.cursor() as cur:  # one short transaction per partition
                retention.drop_partition(cur, partition)
            print(f"dropped {partition.name} ({partition.month:%Y-%m})")
    finally:
        conn.close()
    return 0


# -- terminals and vehicles ----------------------------------------------------------------------

def cmd_terminals(args: argparse.Namespace, settings: Settings) -> int:
    with connect(settings) as conn, conn.cursor() as cur:
        if args.action == "list":
            for t in terminal_registry.list_terminals(cur):
                device = f"{t['protocol']}:{t['identifier']}"
                print(f"{t['id']:>5}  {device:<26} imei={t['imei'] or '-':<16}"
                      f" {t['status']:<10} vehicle={t['vehicle'] or '-'}")
        elif args.action == "add":
            new_id = terminal_registry.add_terminal(cur, args.protocol, args.identifier,
                                                    args.imei, args.vehicle)
            print(f"terminal {new_id} added")
        elif args.action == "remove":
            if not terminal_registry.remove_terminal(cur, args.protocol, args.identifier):
                print(f"no terminal {args.protocol}:{args.identifier}", file=sys.stderr)
                return 1
            print("removed")
    return 0


def cmd_vehicles(args: argparse.Namespace, settings: Settings) -> int:
    with connect(settings) as conn, conn.cursor() as cur:
        if args.action == "list":
            for v in vehicle_registry.list_vehicles(cur):
                print(f"{v['id']:>5}  {v['name']:<28} {v['kind']:<10} {v['plate'] or '-':<10}"
                      f" {v['contractor'] or '-'}")
        elif args.action == "add":
            new_id = vehicle_registry.add_vehicle(cur, args.name, args.kind, args.plate,
                                                  args.contractor, args.equipment_input)
            print(f"vehicle {new_id} added")
        elif args.action == "edit":
            if not vehicle_registry.update_vehicle(
                    cur, args.id, name=args.name, kind=args.kind, plate=args.plate,
                    contractor=args.contractor, equipment_input=args.equipment_input):
                print(f"glonass-dispatch: no vehicle {args.id}", file=sys.stderr)
                return 1
            print(f"vehicle {args.id} updated")
    return 0


def cmd_maps(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from egts_server.cli_dispatch import _Progress, compute_from_db
    from maps.public_export import export_public_site
    from maps.public_site import PublicOptions, public_map_document, read_public_parts

    public = settings.public
    options = PublicOptions(public.vehicle_delay_s, public.coordinate_decimals,
                            public.band_hours, public.service_window_h, public.refresh_s,
                            ZoneInfo(settings.site.time_zone))
    now = datetime.now(UTC)
    with connect(settings) as conn, conn.cursor() as cur:
        parts = read_public_parts(cur, now, public.vehicle_delay_s)
    coverage = compute_from_db(settings, now - timedelta(hours=public.service_window_h), now,
                               None, _Progress(quiet=True))
    document = public_map_document(now, options, parts, coverage)
    written = export_public_site(
        Path(args.directory), document, options.bands, delay_s=public.vehicle_delay_s,
        decimals=public.coordinate_decimals, center=(settings.map.center_lat,
                                                     settings.map.center_lon),
        zoom=settings.map.zoom, tile_url=settings.map.tile_url or None)
    lines = document["routes"]["features"]
    served = sum(1 for f in lines if f["properties"]["band"] != "never")
    print(f"public site written to {args.directory}: {len(parts[0])} vehicles, "
          f"{len(coverage.routes)} routes ({served} of {len(lines)} stretches served within "
          f"{public.service_window_h:g} h), {len(parts[1])} public marks "
          f"({len(written)} files + static/)")
    return 0


def cmd_simulate(args: argparse.Namespace, settings: Settings) -> int:
    from egts_server.simulator.run import run_simulator

    ports = {"ndtp": settings.ndtp.port, **tracker_ports(settings)}
    port = args.port if args.port is not None else ports.get(args.protocol, settings.egts.port)
    return run_simulator(vehicles=args.vehicles, host=args.host, port=port,
                         interval_s=args.interval, first=args.first, duration_s=args.duration,
                         protocol=args.protocol,
                         ndtp_port=port if args.protocol == "ndtp" else args.ndtp_port,
                         tracker_ports=tracker_ports(settings, enabled_only=True))


# -- parser --------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="glonass-dispatch",
        description="Fleet tracking and snow-clearing dispatch server "
                    "(EGTS intake, PostGIS, maps).")
    parser.add_argument("--config", help="TOML configuration file "
                        "(default: $GLONASS_DISPATCH_CONFIG, else built-in defaults)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

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

    db = sub.add_parser("db", help="manage the database (embedded cluster by default)")
    db.add_argument("action", choices=("start", "stop", "status", "migrate", "psql", "url", "seed",
                                       "retention"))
    db.add_argument("--force", action="store_true", help="seed even if vehicles exist")
    db.add_argument("--keep-months", type=int, metavar="N",
                    help="retention: keep every fix younger than N months; drop whole monthly "
                         "partitions older than that")
    db.add_argument("--dry-run", action="store_true",
                    help="retention: only list what would be dropped")
    db.set_defaults(func=cmd_db)

    term = sub.add_parser("terminals", help="list, add or remove terminals; send commands")
    term_sub = term.add_subparsers(dest="action", required=True)
    term_sub.add_parser("list", help="list terminals")
    add = term_sub.add_parser("add", help="register a terminal")
    add.add_argument("protocol", choices=TERMINAL_PROTOCOLS)
    add.add_argument("identifier", help="EGTS TID (or IMEI), NDTP device id, NIS ObjectID, "
                                        "Wialon IPS id, Teltonika IMEI, OsmAnd id")
    add.add_argument("--imei")
    add.add_argument("--vehicle", type=int, help="vehicle id the terminal is fitted to")
    rm = term_sub.add_parser("remove", help="remove a terminal")
    rm.add_argument("protocol", choices=TERMINAL_PROTOCOLS)
    rm.add_argument("identifier")
    add_command_commands(term_sub)
    term.set_defaults(func=cmd_terminals)

    veh = sub.add_parser("vehicles", help="list, add or edit vehicles")
    veh_sub = veh.add_subparsers(dest="action", required=True)
    veh_sub.add_parser("list", help="list vehicles")
    vadd = veh_sub.add_parser("add", help="add a vehicle")
    vadd.add_argument("name")
    vadd.add_argument("--kind", default="other", choices=vehicle_registry.KINDS)
    vadd.add_argument("--plate")
    vadd.add_argument("--contractor")
    vadd.add_argument("--equipment-input", type=int, metavar="N",
                      help="digital input (1-based) that is on while the blade/spreader works")
    vedit = veh_sub.add_parser("edit", help="change a vehicle (only the options given)")
    vedit.add_argument("id", type=int, help="vehicle id (see `vehicles list`)")
    vedit.add_argument("--name")
    vedit.add_argument("--kind", choices=vehicle_registry.KINDS)
    vedit.add_argument("--plate", help='number plate ("" clears it)')
    vedit.add_argument("--contractor", help='contractor ("" clears it)')
    vedit.add_argument("--equipment-input", type=int, metavar="N",
                       help="digital input (1-based) that is on while the equipment works "
                            "(0 removes it)")
    add_assign_command(veh_sub)
    veh.set_defaults(func=cmd_vehicles)

    add_user_commands(sub)
    add_audit_command(sub)

    maps_cmd = sub.add_parser("maps", help="map exports")
    maps_sub = maps_cmd.add_subparsers(dest="action", required=True)
    export = maps_sub.add_parser("export", help="write the public city-site map (static files)")
    export.add_argument("directory", help="where to write index.html, data/ and vendor/")
    maps_cmd.set_defaults(func=cmd_maps)

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
    add_dispatch_commands(sub)  # routes, coverage, storms, report
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = args.config or os.environ.get("GLONASS_DISPATCH_CONFIG")
        settings = load_settings(config, os.environ, project_dir=_project_dir())
        func: Command = args.func
        return func(args, settings)
    except (ConfigError, StorageError) as e:
        print(f"glonass-dispatch: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`... | head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second one at exit
        return 0


if __name__ == "__main__":
    sys.exit(main())
