"""``glonass-dispatch routes import`` and ``routes check``: route files and the plan check.

``routes import FILE`` stores clearing routes (``dispatch.route_geojson``: every bad feature is
named and nothing is stored, exit status 2); ``--network`` replaces the stored street network
as a whole. The check itself is ``dispatch.plan_check``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from db import coverage as coverage_db
from db import routes as route_db
from db import storms as storm_db
from dispatch.plan_check import check_plan, parse_network, plan_document, plan_text
from dispatch.projection import projection_for
from dispatch.route_geojson import FeatureErrors, parse_feature_collection
from dispatch.routes import TREATMENT_LABELS, RouteError
from dispatch.storms import DEFAULT_NORMS_H
from egts_server.config import ConfigError, Settings
from egts_server.database import connect

__all__ = ["add_check_command", "cmd_check", "import_network", "import_routes"]


def import_routes(args: argparse.Namespace, settings: Settings) -> int:
    """``routes import FILE``: every feature checked first; any bad one (all are named) and
    nothing is stored, exit status 2."""
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot read {args.file}: {e.strerror}") from e
    try:
        parsed = parse_feature_collection(text)
    except FeatureErrors as e:
        for error in e.errors:
            sys.stderr.write(f"glonass-dispatch: {args.file}: {error}\n")
        sys.stderr.write(f"glonass-dispatch: {args.file}: объектов с ошибками: {len(e.errors)}; "
                         "ничего не импортировано\n")
        return 2
    except RouteError as e:
        sys.stderr.write(f"glonass-dispatch: {args.file}: {e}\n")
        return 2
    for p in parsed:
        for warning in p.warnings:
            sys.stderr.write(f"предупреждение: {args.file}: объект {p.index} "
                             f"(«{p.route.name}»): {warning}\n")
    if args.dry_run:
        sys.stderr.write(f"{len(parsed)} routes are valid; nothing imported (--dry-run)\n")
        return 0
    with connect(settings) as conn, conn.cursor() as cur:
        created, updated = route_db.upsert_routes(cur, [p.route for p in parsed])
    sys.stdout.write(f"imported {len(parsed)} routes: {len(created)} created, "
                     f"{len(updated)} updated\n")
    return 0


def import_network(args: argparse.Namespace, settings: Settings) -> int:
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot read {args.file}: {e.strerror}") from e
    try:
        streets = parse_network(text)
    except RouteError as e:
        sys.stderr.write(f"glonass-dispatch: {args.file}: {e}\n")
        return 2
    if args.dry_run:
        sys.stderr.write(f"{len(streets)} streets are valid; nothing imported (--dry-run)\n")
        return 0
    with connect(settings) as conn, conn.cursor() as cur:
        route_db.replace_network(cur, streets)
    sys.stdout.write(f"imported the street network: {len(streets)} streets\n")
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    with connect(settings) as conn, conn.cursor() as cur:
        norms = dict(DEFAULT_NORMS_H)
        if args.storm is not None:
            storm = storm_db.get_storm(cur, args.storm)
            if storm is None:
                sys.stderr.write(f"glonass-dispatch: no storm {args.storm}\n")
                return 1
            norms = storm.norms()
        check = check_plan(route_db.list_routes(cur), route_db.plan_network(cur),
                           coverage_db.vehicle_infos(cur), norms, projection_for())
    if args.format == "json":
        json.dump(plan_document(check), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(plan_text(check, TREATMENT_LABELS))
    return 0


def add_check_command(routes_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = routes_sub.add_parser("check", help="the plan check: streets in two routes or none, "
                                  "contractors' work against their machines")
    check.add_argument("--storm", type=int, metavar="ID",
                       help="judge capacity against this storm's norms (default: the standard's)")
    check.add_argument("--format", choices=("text", "json"), default="text")
