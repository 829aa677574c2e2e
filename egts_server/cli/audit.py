"""``glonass-dispatch audit``: read the audit trail for a time window, as a table or a CSV.

Times typed without an offset are the city's (``site.time_zone``), as are the times printed.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from egts_server.cli.times import typed_time
from egts_server.config import ConfigError, Settings

MAX_ENTRIES = 100_000


def add_audit_command(sub: Any) -> None:
    """Register ``audit`` on the main parser's subparsers."""
    p: argparse.ArgumentParser = sub.add_parser(
        "audit", help="who changed what and when (the audit trail)",
        description="Entries of the audit trail in [--from, --to), newest first. Times without "
                    "an offset are in site.time_zone.")
    p.add_argument("--from", dest="start", required=True, metavar="TIME",
                   help="ISO 8601, e.g. 2026-12-05T08:00")
    p.add_argument("--to", dest="end", metavar="TIME", help="ISO 8601 (default: now)")
    p.add_argument("--who", help="a login, or cli:<OS user>")
    p.add_argument("--kind", help="route, mark, storm, vehicle, terminal, terminal_command, "
                                  "user, session")
    p.add_argument("--action", help="create, update, delete, sign_in, sign_in_failed, ...")
    p.add_argument("--format", choices=("table", "csv"), default="table",
                   help="csv: UTF-8 with BOM, ';' separators, for spreadsheets")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    p.set_defaults(func=cmd_audit)


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    from db import audit
    from egts_server.cli.output import check_output_file
    from egts_server.database import connect
    from maps.api.audit_export import audit_csv, audit_table

    check_output_file(args.output, "audit --output")
    zone = settings.site.zone
    start = typed_time(args.start, zone, "audit --from")
    end = typed_time(args.end or "now", zone, "audit --to")
    if start >= end:
        raise ConfigError("audit: --from must be before --to")
    with connect(settings) as conn, conn.cursor() as cur:
        entries = audit.query(cur, since=start, until=end, actor=args.who, kind=args.kind,
                              action=args.action, limit=MAX_ENTRIES)
    conn.close()
    text = audit_csv(entries, zone) if args.format == "csv" else audit_table(entries, zone)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        print(f"{len(entries)} entries written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    if len(entries) == MAX_ENTRIES:
        print(f"only the newest {MAX_ENTRIES} entries: narrow the window", file=sys.stderr)
    return 0
