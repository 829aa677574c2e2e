"""``glonass-dispatch routes|coverage|acts|storms|report``: the dispatch side of the console script.

``cli.main.build_parser`` registers these through :func:`add_dispatch_commands`; the work
itself is in ``dispatch`` (pure) and ``db`` (SQL). Output goes to stdout (or ``--output FILE``),
progress and warnings to stderr, so ``coverage --format csv > file.csv`` stays clean. A bad
input file is reported with the feature's index, name and line, and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from db import coverage as coverage_db
from db import routes as route_db
from db import storms as storm_db
from dispatch.acts import act_diff, act_route_versions, pinned_versions
from dispatch.coverage import CoverageResult, compute_coverage
from dispatch.coverage_json import result_document
from dispatch.coverage_sheets import coverage_csv, coverage_table
from dispatch.data_completeness import data_completeness
from dispatch.fixes import FixArrays
from dispatch.local_time import local_text
from dispatch.parameters import CoverageParams
from dispatch.route_geojson import routes_feature_collection
from dispatch.routes import Route
from dispatch.storms import DEFAULT_NORMS_H, Storm, storm_report
from egts_server.cli.output import check_output_file, open_output
from egts_server.cli.plan import add_check_command, cmd_check, import_network, import_routes
from egts_server.cli.times import typed_time
from egts_server.config import ConfigError, Settings
from egts_server.database import connect

__all__ = ["add_dispatch_commands"]

Command = Callable[[argparse.Namespace, Settings], int]


def _optional_time(text: str | None, settings: Settings, where: str) -> datetime | None:
    return None if text is None else typed_time(text, settings.site.zone, where)


def _norm(text: str) -> tuple[int, float]:
    try:
        priority, hours = text.split("=", 1)
        return int(priority), float(hours)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{text!r}: expected PRIORITY=HOURS, e.g. 1=4") from e


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


# -- routes --------------------------------------------------------------------------------------

def cmd_routes(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "import":
        return import_network(args, settings) if args.network else import_routes(args, settings)
    if args.action == "check":
        return cmd_check(args, settings)
    with connect(settings) as conn, conn.cursor() as cur:
        if args.action == "list":
            _list_routes(route_db.route_rows(cur, deleted=args.deleted), args.deleted)
        elif args.action == "restore":
            if not route_db.restore_route(cur, args.id):
                _say(f"glonass-dispatch: no route {args.id} among the deleted "
                     "(see `routes list --deleted`)")
                return 1
            sys.stdout.write(f"route {args.id} restored\n")
        elif args.action == "export":
            check_output_file(args.file, "routes export")
            document = routes_feature_collection(route_db.list_routes(cur))
            out = open_output(args.file)
            try:
                json.dump(document, out, ensure_ascii=False, indent=1)
                out.write("\n")
            finally:
                if out is not sys.stdout:
                    out.close()
            if args.file:
                _say(f"exported {len(document['features'])} routes to {args.file}")
    return 0


def _list_routes(rows: list[dict[str, Any]], deleted: bool) -> None:
    sys.stdout.write(f"{'id':>5}  {'name':<34} {'ver':>3} {'treatment':<8} {'prio':>4} "
                     f"{'dir':<8} {'passes':>6} {'width':>5} {'km':>6}  contractor"
                     + ("  deleted (by)\n" if deleted else "\n"))
    for r in rows:
        sys.stdout.write(f"{r['id']:>5}  {r['name'][:34]:<34} {r['version']:>3} "
                         f"{r['treatment']:<8} {r['priority']:>4} {r['direction']:<8} "
                         f"{r['passes_required']:>6} {r['half_width_m']:>5g} "
                         f"{r['length_m'] / 1000:>6.2f}  {r['contractor'] or '-'}")
        if deleted:
            sys.stdout.write(f"  {r['deleted_at'].isoformat(timespec='seconds')}"
                             f" ({r['deleted_by'] or '-'})")
        sys.stdout.write("\n")


# -- coverage ------------------------------------------------------------------------------------

class _Progress:
    """Phases and per-route progress on stderr; at most ~20 lines for a long recompute."""

    def __init__(self, quiet: bool) -> None:
        self._quiet = quiet
        self._started = time.monotonic()

    def phase(self, text: str) -> None:
        if not self._quiet:
            _say(f"[{time.monotonic() - self._started:6.1f} s] {text}")

    def route(self, done: int, total: int, route: Route) -> None:
        step = max(1, total // 20)
        if done == total or done % step == 0:
            self.phase(f"route {done}/{total}: {route.name}")


def compute_from_db(settings: Settings, start: datetime, end: datetime,
                    route_ids: list[int] | None, progress: _Progress,
                    params: CoverageParams | None = None,
                    versions: list[tuple[int, int]] | None = None) -> CoverageResult:
    """Coverage of the window by the routes in force then, or by the given route versions."""
    from maps.api.coverage import route_bbox

    with connect(settings) as conn, conn.cursor() as cur:
        routes = (route_db.routes_by_version(cur, versions) if versions is not None
                  else route_db.routes_for_window(cur, start, end, route_ids))
        if route_ids is not None:
            missing = sorted(set(route_ids) - {r.id for r in routes})
            if missing:
                raise ConfigError(f"no such route: {', '.join(map(str, missing))}")
        vehicles = coverage_db.vehicle_infos(cur)
        zone = settings.site.zone
        progress.phase(f"reading fixes {local_text(start, zone)} .. {local_text(end, zone)} "
                       f"around {len(routes)} routes")
        fixes = (coverage_db.fixes_for_coverage(cur, start, end, bbox=route_bbox(routes))
                 if routes else FixArrays.empty())
    progress.phase(f"read {len(fixes):,} fixes; computing")
    result = compute_coverage(routes, fixes, vehicles, window=(start, end),
                              now=datetime.now(UTC), params=params, progress=progress.route)
    progress.phase("done")
    return result


def cmd_coverage(args: argparse.Namespace, settings: Settings) -> int:
    check_output_file(args.output, "coverage --output")
    zone = settings.site.zone
    start = typed_time(args.start, zone, "coverage --from")
    end = typed_time(args.end, zone, "coverage --to")
    if start > end:
        raise ConfigError("coverage: --from is after --to")
    progress = _Progress(args.quiet)
    result = compute_from_db(settings, start, end, None if args.all else args.route, progress)
    if args.save:
        with connect(settings) as conn, conn.cursor() as cur:
            saved = coverage_db.save_result(cur, result_document(result))
        _say(f"sealed as act {saved} (see `acts show {saved}`)")
    out = open_output(args.output)
    try:
        if args.format == "table":
            out.write(coverage_table(result, zone))
        elif args.format == "csv":
            out.write(coverage_csv(result, zone))
        else:
            document = result_document(result)
            if args.format == "geojson":
                document = {k: document[k] for k in ("type", "features", "from", "to",
                                                      "computed_at", "parameters")}
            json.dump(document, out, ensure_ascii=False, indent=1 if args.output else None)
            out.write("\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


# -- sealed acts ---------------------------------------------------------------------------------

def cmd_acts(args: argparse.Namespace, settings: Settings) -> int:
    with connect(settings) as conn, conn.cursor() as cur:
        act = coverage_db.get_act(cur, args.id)
    if act is None:
        _say(f"glonass-dispatch: no act {args.id}")
        return 1
    sealed = act["document"]
    if args.action == "show":
        versions = ", ".join(f"{v['id']} v{v['version']}" for v in act["route_versions"])
        seal = {True: "intact", False: "DOES NOT MATCH the document",
                None: "not sealed: stored before results were sealed"}[act["intact"]]
        sys.stdout.write(f"act {act['id']}: {sealed['from']} .. {sealed['to']}, computed "
                         f"{sealed['computed_at']}\nsha256 {act['content_hash'] or '-'} "
                         f"({seal})\nroute versions: {versions or '-'}\n")
        return 3 if act["intact"] is False else 0
    try:
        params: CoverageParams | None = CoverageParams.from_dict(sealed["parameters"])
    except (TypeError, ValueError):
        params = None  # parameters of an older release: today's, and the diff shows which
    recomputed = compute_from_db(
        settings, datetime.fromisoformat(sealed["from"]), datetime.fromisoformat(sealed["to"]),
        [r["id"] for r in act_route_versions(sealed)], _Progress(args.quiet), params,
        versions=pinned_versions(sealed))
    json.dump(act_diff(sealed, result_document(recomputed)), sys.stdout, ensure_ascii=False,
              indent=1)
    sys.stdout.write("\n")
    return 0


# -- storms and reports --------------------------------------------------------------------------

def cmd_storms(args: argparse.Namespace, settings: Settings) -> int:
    zone = settings.site.zone
    with connect(settings) as conn, conn.cursor() as cur:
        if args.action == "declare":
            start = typed_time(args.start, zone, "storms declare --start")
            snowfall_end = _optional_time(args.snowfall_end, settings,
                                          "storms declare --snowfall-end")
            try:
                Storm(id=None, name=args.name, started_at=start,
                      snowfall_ended_at=snowfall_end, norms_h=dict(args.norm or []))
            except ValueError as e:
                raise ConfigError(f"storms declare: {e}") from e
            new_id = storm_db.create_storm(cur, args.name, start, snowfall_end,
                                           norms_h=dict(args.norm or []))
            sys.stdout.write(f"storm {new_id} declared\n")
        elif args.action == "end":
            snowfall_end = typed_time(args.snowfall_end, zone, "storms end --snowfall-end")
            close = _optional_time(args.close, settings, "storms end --close")
            if not storm_db.end_snowfall(cur, args.id, snowfall_end, close):
                _say(f"glonass-dispatch: no storm {args.id}")
                return 1
            sys.stdout.write(f"storm {args.id}: snowfall ended "
                             f"{local_text(snowfall_end, zone)}\n")
        else:
            sys.stdout.write(f"{'id':>5}  {'name':<30} {'start':<25} {'snowfall end':<25} "
                             "closed\n")
            for s in storm_db.list_storms(cur):
                sys.stdout.write(
                    f"{s.id:>5}  {s.name[:30]:<30} {local_text(s.started_at, zone):<25} "
                    f"{local_text(s.snowfall_ended_at, zone) or '-':<25} "
                    f"{local_text(s.closed_at, zone) or '-'}\n")
    return 0


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from dispatch.reports import storm_csv

    check_output_file(args.output, "report storm --output")
    with connect(settings) as conn, conn.cursor() as cur:
        storm = storm_db.get_storm(cur, args.id)
    if storm is None:
        _say(f"glonass-dispatch: no storm {args.id}")
        return 1
    now = datetime.now(UTC)
    start, end = storm.window(now)
    progress = _Progress(args.quiet)
    result = compute_from_db(settings, start, end, None, progress)
    with connect(settings) as conn, conn.cursor() as cur:
        machines = data_completeness(coverage_db.fixes_for_coverage(cur, start, end),
                                     coverage_db.vehicle_infos(cur), (start, end), now)
    report = storm_report(storm, result, now, machines)
    with connect(settings) as conn, conn.cursor() as cur:
        saved = coverage_db.save_result(cur, result_document(result), storm_id=storm.id)
        act = coverage_db.get_act(cur, saved)
    assert act is not None
    progress.phase(f"sealed as act {saved}")
    if args.format == "csv":
        text = storm_csv(report, settings.site.zone)
    else:
        from maps.assets import VENDOR_DIR
        from maps.pages.storm_report import render_storm_report

        prefix = args.assets_prefix
        if prefix is None:
            here = Path(args.output).resolve().parent if args.output else Path.cwd()
            prefix = os.path.relpath(VENDOR_DIR, here)
        text = render_storm_report(report, zone=settings.site.zone, assets_prefix=prefix,
                                   seal=(saved, act["content_hash"]))
    out = open_output(args.output)
    try:
        out.write(text)
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


# -- parser --------------------------------------------------------------------------------------

def add_dispatch_commands(sub: Any) -> None:
    """Register routes, coverage, storms and report on the main parser's subparsers."""
    routes = sub.add_parser("routes", help="clearing routes: import, export, list, restore, "
                            "check")
    routes_sub = routes.add_subparsers(dest="action", required=True)
    listing = routes_sub.add_parser("list", help="list routes")
    listing.add_argument("--deleted", action="store_true",
                         help="list the deleted routes (restorable) instead")
    restore = routes_sub.add_parser("restore", help="bring a deleted route back")
    restore.add_argument("id", type=int, help="route id (see `routes list --deleted`)")
    imp = routes_sub.add_parser("import", help="import a GeoJSON FeatureCollection of "
                                "LineStrings (a feature with an existing id updates it)")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="validate only")
    imp.add_argument("--network", action="store_true", help="FILE is the city's street network "
                     "(LineStrings, MultiLineStrings) for `routes check`, replacing the last one")
    add_check_command(routes_sub)
    exp = routes_sub.add_parser("export", help="write all routes as a GeoJSON FeatureCollection")
    exp.add_argument("file", nargs="?", help="output file (default: stdout)")
    routes.set_defaults(func=cmd_routes)

    cov = sub.add_parser("coverage", help="recompute route coverage for a time window")
    which = cov.add_mutually_exclusive_group(required=True)
    which.add_argument("--route", type=int, action="append", metavar="ID",
                       help="route id (repeatable)")
    which.add_argument("--all", action="store_true", help="every route")
    cov.add_argument("--from", dest="start", required=True, metavar="TIME",
                     help="ISO 8601; without an offset, in site.time_zone "
                          "(e.g. 2026-12-05T00:00 is local midnight)")
    cov.add_argument("--to", dest="end", default="now", metavar="TIME",
                     help="ISO 8601 or 'now' (default: now)")
    cov.add_argument("--format", choices=("table", "json", "csv", "geojson"), default="table")
    cov.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    cov.add_argument("--save", action="store_true",
                     help="also store the result with its parameters in the database")
    cov.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    cov.set_defaults(func=cmd_coverage)

    acts = sub.add_parser("acts", help="sealed coverage acts: show, diff against a recompute")
    acts_sub = acts.add_subparsers(dest="action", required=True)
    show = acts_sub.add_parser("show", help="the act's window, hash check and route versions")
    show.add_argument("id", type=int, help="act id (printed by coverage --save, report)")
    diff = acts_sub.add_parser("diff", help="recompute the act's window with its route "
                               "versions and print what changed (JSON)")
    diff.add_argument("id", type=int)
    diff.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    acts.set_defaults(func=cmd_acts)

    storms = sub.add_parser("storms", help="declare storms and their snowfall end")
    storms_sub = storms.add_subparsers(dest="action", required=True)
    storms_sub.add_parser("list", help="list storms")
    dec = storms_sub.add_parser("declare", help="declare a storm")
    dec.add_argument("name")
    dec.add_argument("--start", required=True, metavar="TIME",
                     help="ISO 8601; without an offset, in site.time_zone")
    dec.add_argument("--snowfall-end", metavar="TIME")
    dec.add_argument("--norm", type=_norm, action="append", metavar="PRIORITY=HOURS",
                     help=f"override a time-to-clear norm (defaults {dict(DEFAULT_NORMS_H)})")
    end = storms_sub.add_parser("end", help="declare the end of the snowfall")
    end.add_argument("id", type=int)
    end.add_argument("--snowfall-end", default="now", metavar="TIME",
                     help="ISO 8601 or 'now' (default: now)")
    end.add_argument("--close", metavar="TIME",
                     help="also close the storm's reporting window at TIME")
    storms.set_defaults(func=cmd_storms)

    rep = sub.add_parser("report", help="reports: the act of work of a storm")
    rep_sub = rep.add_subparsers(dest="kind", required=True)
    storm = rep_sub.add_parser("storm", help="act of work per route and contractor, with a map")
    storm.add_argument("id", type=int, help="storm id (see `storms list`)")
    storm.add_argument("--format", choices=("html", "csv"), default="html")
    storm.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    storm.add_argument("--assets-prefix", metavar="URL",
                       help="where the HTML finds the vendored map assets (default: a path "
                            "relative to the output file, so it opens offline)")
    storm.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    rep.set_defaults(func=cmd_report)

