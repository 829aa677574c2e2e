"""``glonass-dispatch db``: the embedded cluster, migrations, demo data and retention."""

from __future__ import annotations

import argparse
import subprocess
from typing import Any

from db.migrate import migrate
from egts_server.config import ConfigError, Settings
from egts_server.database import connect


def add_db_command(sub: Any) -> None:
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
