"""Benchmark: reads stay fast while sign-ins flood in, and forged cookies cost no memory.

A served process on a scratch database of the test cluster (var/test-pg) with 84 vehicles.
Phase 1 measures ``GET /api/vehicles`` latency alone; phase 2 the same reads while threads sign
in (a right password, so every attempt costs a full scrypt) at ``--logins-per-s``; phase 3
sends ``--cookies`` requests, each with a new random session cookie, and reports the server's
resident memory before and after. Goals: reads' p99 <= 50 ms during the flood; RSS growth
under 5 MiB for 60,000 cookies.

Run: ``python -m tests.bench.sign_in_flood`` (``--seconds``, ``--logins-per-s``, ``--cookies``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg2

from db.cluster import LocalCluster
from db.migrate import migrate
from db.seed import seed_demo
from maps.auth.passwords import hash_password
from tests.conftest import REPO, TEST_CLUSTER_PORT, Served, start_server, stop_server

DATABASE = "glonass_bench_sign_in"
READ_GOAL_MS, RSS_GOAL_MIB = 50.0, 5.0


def request(port: int, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def read_latencies(port: int, seconds: float) -> list[float]:
    """Milliseconds per ``GET /api/vehicles``, one after another for ``seconds``."""
    out: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        t0 = time.perf_counter()
        status, _ = request(port, "GET", "/api/vehicles")
        assert status == 200, status
        out.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.02)
    return out


def flood_sign_ins(port: int, per_s: float, stop: threading.Event, counts: dict[int, int]) -> None:
    body = json.dumps({"login": "flood", "password": "flood-2026!"}).encode()
    interval = 1.0 / per_s
    next_at = time.monotonic()
    while not stop.is_set():
        next_at += interval
        threading.Thread(target=_one_sign_in, args=(port, body, counts), daemon=True).start()
        time.sleep(max(0.0, next_at - time.monotonic()))


def _one_sign_in(port: int, body: bytes, counts: dict[int, int]) -> None:
    status, _ = request(port, "POST", "/login", body, {"content-type": "application/json"})
    counts[status] = counts.get(status, 0) + 1


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def summary(name: str, ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=100)
    return (f"{name:<28} n={len(ms):>5}  p50 {q[49]:7.1f} ms  p99 {q[98]:7.1f} ms  "
            f"max {max(ms):7.1f} ms")


def prepare(cluster: LocalCluster) -> str:
    cluster.start()
    cluster.drop_database(DATABASE)
    cluster.create_database(DATABASE)
    dsn = cluster.dsn()
    migrate(dsn)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        seed_demo(cur)
        cur.execute("INSERT INTO users (login, password_hash, role) VALUES ('flood', %s,"
                    " 'dispatcher')", (hash_password("flood-2026!"),))
    return dsn


def run(served: Served, args: argparse.Namespace) -> None:
    port = served.http_port
    print(summary("reads alone", read_latencies(port, args.seconds)))
    stop, counts = threading.Event(), {}
    flood = threading.Thread(target=flood_sign_ins, args=(port, args.logins_per_s, stop, counts))
    flood.start()
    try:
        during = read_latencies(port, args.seconds)
    finally:
        stop.set()
        flood.join()
    time.sleep(2)
    print(summary(f"reads, {args.logins_per_s:g} sign-ins/s", during))
    print(f"sign-in answers: {dict(sorted(counts.items()))}")
    p99 = statistics.quantiles(during, n=100)[98]
    print(f"goal p99 <= {READ_GOAL_MS:g} ms during the flood: "
          f"{'met' if p99 <= READ_GOAL_MS else 'NOT met'}")
    before = rss_kib(served.process.pid)
    for _ in range(args.cookies):
        request(port, "GET", "/api/vehicles",
                headers={"cookie": f"gd_session={secrets.token_urlsafe(32)}"})
    grown = (rss_kib(served.process.pid) - before) / 1024
    print(f"{args.cookies} forged cookies: RSS {before / 1024:.1f} MiB, grew {grown:.2f} MiB "
          f"(goal < {RSS_GOAL_MIB:g} MiB: {'met' if grown < RSS_GOAL_MIB else 'NOT met'})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--logins-per-s", type=float, default=20.0)
    parser.add_argument("--cookies", type=int, default=60_000)
    args = parser.parse_args()
    cluster = LocalCluster(REPO / "var" / "test-pg" / "data", TEST_CLUSTER_PORT,
                           database=DATABASE)
    dsn = prepare(cluster)
    with tempfile.TemporaryDirectory() as tmp:
        served = start_server(dsn, Path(tmp), "[auth]\nanonymous_read = true\n")
        try:
            run(served, args)
        finally:
            stop_server(served)
    cluster.drop_database(DATABASE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
