"""Fixes per second through HAProxy with one and with two intake nodes.

    python -m tests.bench.scaleout --seconds 20 --db-port 55437

For each node count, starts that many ``glonass-dispatch serve`` processes (EGTS behind the
PROXY protocol, one writer each) against one fresh database, HAProxy in front of them with
deploy/haproxy.cfg's telemetry settings (``tests.scaleout.balancer``), and runs the flood load
generator (``tests.bench.load --flood``: pipelined ten-fix packets, each acknowledged only once
committed) through the balancer. Reported per node count: acknowledged fixes/s in the window,
that the database holds every acknowledged fix, and the WAL written per stored fix (what the
primary's disk must absorb); with the machine's CPUs and load, since on one machine the nodes
share its cores with PostgreSQL, HAProxy and the generator.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from db.cluster import LocalCluster
from db.migrate import migrate
from tests.conftest import REPO, Served, start_server, stop_server
from tests.scaleout.balancer import HAPROXY, Balancer

BEHIND_LOOPBACK = 'proxy_protocol = true\nproxy_protocol_from = ["127.0.0.0/8"]\n'
DATABASE = "glonass_scaleout_bench"


def fresh_database(port: int) -> str:
    cluster = LocalCluster(REPO / "var" / "bench-pg" / "data", port, database=DATABASE)
    cluster.start()
    cluster.drop_database(DATABASE)
    cluster.create_database(DATABASE)
    dsn = cluster.dsn()
    migrate(dsn)
    return dsn


@dataclass(frozen=True)
class Run:
    """One node count's results."""

    rate: float  # acknowledged fixes/s in the window
    acked: int  # acknowledged in the whole run
    stored: int  # rows in positions afterwards
    wal_bytes: int  # WAL the whole cluster wrote during the run
    report: str  # the generator's own


def wal_position(dsn: str) -> int:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        position = int(cur.fetchone()[0])
    conn.close()
    return position


def stored_fixes(dsn: str) -> int:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM positions")
        n = int(cur.fetchone()[0])
    conn.close()
    return n


def measure(nodes_count: int, args: argparse.Namespace) -> Run:
    """Acknowledged fixes/s through the balancer in front of ``nodes_count`` nodes, what the
    database holds afterwards and the WAL it took."""
    dsn = fresh_database(args.db_port)
    wal_before = wal_position(dsn)
    with tempfile.TemporaryDirectory(prefix="scaleout-bench-") as tmp:
        home = Path(tmp)
        nodes: list[Served] = []
        try:
            for k in range(nodes_count):
                (home / f"node{k}").mkdir()
                nodes.append(start_server(dsn, home / f"node{k}",
                                          "[writer]\nconnections = 1\n",
                                          listener_keys={"egts": BEHIND_LOOPBACK}))
            balancer = Balancer(nodes, home)
            try:
                report = subprocess.run(
                    [sys.executable, "-m", "tests.bench.load", "--port", str(balancer.port),
                     "--flood", "--flood-connections", str(args.connections),
                     "--seconds", str(args.seconds)],
                    capture_output=True, text=True, check=False, cwd=REPO).stdout
            finally:
                balancer.stop()
        finally:
            for node in nodes:
                stop_server(node)
    rate = re.search(r"durable fixes/s \(acked, window\)\s+([\d,]+)", report)
    acked = re.search(r"fixes sent / acked / in database\s+[\d,]+ / ([\d,]+)", report)
    return Run(float(rate.group(1).replace(",", "")) if rate else float("nan"),
               int(acked.group(1).replace(",", "")) if acked else -1, stored_fixes(dsn),
               wal_position(dsn) - wal_before, report)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured window per run")
    parser.add_argument("--connections", type=int, default=64, help="flood connections")
    parser.add_argument("--nodes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--db-port", type=int, default=55437, help="bench cluster's port")
    parser.add_argument("--verbose", action="store_true", help="print each generator report")
    args = parser.parse_args()
    if HAPROXY is None:
        print("haproxy is not installed (make haproxy installs Debian's package)")
        return 0
    runs = {}
    for n in args.nodes:
        runs[n] = measure(n, args)
        if args.verbose:
            print(runs[n].report)
    print(f"\nflood through HAProxy (send-proxy-v2, leastconn): {args.connections} connections "
          f"x 16 packets of 10 fixes in flight, {args.seconds:g} s window; {os.cpu_count()} CPUs "
          "shared by the nodes, PostgreSQL, HAProxy and the generator")
    print(f"{'intake nodes':>14} {'durable fixes/s':>16} {'vs 1 node':>10} "
          f"{'acked / stored':>22} {'WAL bytes/fix':>14}")
    lost = False
    for n, run in runs.items():
        base = runs[1].rate if 1 in runs else None
        ratio = f"{run.rate / base:.2f}" if base else "-"
        counts = f"{run.acked:,} / {run.stored:,}"
        print(f"{n:>14} {run.rate:>16,.0f} {ratio:>10} {counts:>22} "
              f"{run.wal_bytes / max(run.stored, 1):>14,.0f}")
        lost |= run.stored < run.acked
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
    if lost:
        print("!! the database holds fewer fixes than were acknowledged")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
