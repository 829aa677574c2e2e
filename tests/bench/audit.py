"""What the audit trail costs a write, and what reading it costs.

Mark updates, one transaction each, with the audit trigger on and off (alternating rounds,
best of each, so a noisy neighbour on the machine counts against neither side), then
``db.audit.query`` for one day out of a trail of ``--entries`` rows. Runs on a scratch
database of the test cluster (var/test-pg; GLONASS_TEST_PG_PORT, default 55433).
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DATABASE = "glonass_bench_audit"


def _updates(cur: Any, count: int) -> float:
    """Seconds per single-row UPDATE of mark 1, each committed on its own."""
    t0 = time.perf_counter()
    for i in range(count):
        cur.execute("UPDATE marks SET text = %s WHERE id = 1", (f"round {i}",))
    return (time.perf_counter() - t0) / count


def _fill_trail(cur: Any, entries: int) -> None:
    """``entries`` rows spread over 100 days, as sign-ins of 50 accounts."""
    cur.execute("INSERT INTO audit_log (at, actor, action, kind, object_id)"
                " SELECT now() - (i %% 100) * interval '1 day' - (i %% 86400) * interval '1 s',"
                " 'user' || (i %% 50), 'sign_in', 'session', 'user' || (i %% 50)"
                " FROM generate_series(1, %s) AS i", (entries,))
    cur.execute("ANALYZE audit_log")


def main(argv: list[str] | None = None) -> int:
    import psycopg2

    from db import audit
    from db.cluster import LocalCluster
    from db.migrate import migrate

    parser = argparse.ArgumentParser(prog="python -m tests.bench.audit", description=__doc__)
    parser.add_argument("--updates", type=int, default=1000, help="per round (default 1000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--entries", type=int, default=1_000_000,
                        help="rows in the trail for the read (default 1,000,000)")
    args = parser.parse_args(argv)
    repo = Path(__file__).resolve().parents[2]
    port = int(os.environ.get("GLONASS_TEST_PG_PORT", "55433"))
    cluster = LocalCluster(repo / "var" / "test-pg" / "data", port, database=DATABASE)
    was_running = cluster.is_initialised() and cluster.is_running()
    cluster.start()
    try:
        cluster.drop_database(DATABASE)
        cluster.create_database(DATABASE)
        migrate(cluster.dsn())
        conn = psycopg2.connect(cluster.dsn())
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("INSERT INTO marks (layer, geom, status, text, public) VALUES"
                        " ('road_state', ST_SetSRID(ST_MakePoint(137, 50.55), 4326), 'open',"
                        " '', false)")
            off, on = [], []
            for _ in range(args.rounds):
                cur.execute("ALTER TABLE marks DISABLE TRIGGER marks_audit")
                off.append(_updates(cur, args.updates))
                cur.execute("ALTER TABLE marks ENABLE TRIGGER marks_audit")
                on.append(_updates(cur, args.updates))
            _fill_trail(cur, args.entries)
            until = datetime.now(UTC) - timedelta(days=10)
            reads = []
            for _ in range(args.rounds):
                t0 = time.perf_counter()
                found = audit.query(cur, since=until - timedelta(days=1), until=until)
                reads.append(time.perf_counter() - t0)
        conn.close()
    finally:
        cluster.drop_database(DATABASE)
        if not was_running:
            cluster.stop()
    print(f"{'measure':<44} {'best':>10}")
    print(f"{'mark update, trigger off (per commit)':<44} {min(off) * 1e6:>7.0f} us")
    print(f"{'mark update, audited (per commit)':<44} {min(on) * 1e6:>7.0f} us")
    print(f"{f'query 1 day of {args.entries:,} entries ({len(found)} rows)':<44} "
          f"{min(reads) * 1e3:>7.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
