"""What one run of the alert job costs on a fleet the size of the demo's.

``--vehicles`` ploughs each lapping a 1 km street of its own (every other street a route, the
blade raised on return legs), a fix every 5 s for the sensor window plus its margin: the
snapshot the server's alert job judges every minute (the ploughs lapping a street that is no route
raise "equipment off every route" whenever their blade is down). Best of ``--rounds`` runs of
``dispatch.alerts.detect`` over the default sources, and the conditions found; with
``--database``, the same fixes stored in a scratch database of the test cluster (var/test-pg;
GLONASS_TEST_PG_PORT, default 55433) and the job's reading of its snapshot and storing of the
conditions timed too.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from dispatch.alert_sources import default_sources
from dispatch.alerts import AlertParams, FleetSnapshot, LastFix, detect, lookback_s
from tests.dispatch.synthetic import T0, Drive, arrays, plough, street

DATABASE = "glonass_bench_alerts"
T = TypeVar("T")


def fleet_snapshot(vehicles: int) -> FleetSnapshot:
    sources = default_sources(AlertParams())
    span_s = lookback_s(sources)
    now = T0 + timedelta(seconds=span_s)
    laps = int(span_s * 25 / 3.6 / 2000) + 1
    drives = [Drive(v, [(0.0, 100.0 * v), (1000.0, 100.0 * v)] * laps, speed_kmh=25.0,
                    blade=lambda d: (d // 1000) % 2 == 0) for v in range(1, vehicles + 1)]
    fixes = arrays(*drives)
    last = {v: LastFix(float(fixes.t[fixes.vehicle == v].max()), 137.0, 50.55)
            for v in range(1, vehicles + 1)}
    routes = [street(v, [(0.0, 100.0 * v), (1000.0, 100.0 * v)])
              for v in range(1, vehicles + 1, 2)]
    return FleetSnapshot(now=now, fixes=fixes, vehicles={v: plough(v) for v in last},
                         routes=routes, storms=(), last_fixes=last)


def best_of(rounds: int, work: Callable[[], T]) -> tuple[float, T]:
    """The shortest of ``rounds`` runs and the last result."""
    best, result = float("inf"), None
    for _ in range(rounds):
        t0 = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - t0)
    assert result is not None
    return best, result


def store_fleet(cur: Any, snapshot: FleetSnapshot) -> None:
    """The snapshot's routes, vehicles (ids 1..N in a new database) with one EGTS terminal
    each, and its fixes as stored positions."""
    from db.positions import ensure_partitions
    from db.routes import insert_route
    from db.vehicles import add_vehicle

    for v in sorted(snapshot.vehicles):
        assert add_vehicle(cur, snapshot.vehicles[v].name, "plow", None, None,
                           equipment_input=1) == v
        cur.execute("INSERT INTO terminals (protocol, identifier, vehicle_id)"
                    " VALUES ('egts', %s, %s)", (str(v), v))
    for route in snapshot.routes:
        insert_route(cur, route)
    f = snapshot.fixes
    first = datetime.fromtimestamp(float(f.t.min()), UTC).date().replace(day=1)
    ensure_partitions(cur, {first, snapshot.now.date().replace(day=1)})
    cur.execute("INSERT INTO positions (terminal_id, vehicle_id, fix_time, received_at,"
                " latitude, longitude, valid, speed_kmh, course_deg, inputs, protocol)"
                " SELECT v, v, to_timestamp(t), to_timestamp(t), lat, lon, true, s, c, i, 'egts'"
                " FROM unnest(%s::bigint[], %s::float8[], %s::float8[], %s::float8[],"
                " %s::float8[], %s::float8[], %s::bigint[]) AS x (v, t, lat, lon, s, c, i)",
                (f.vehicle.tolist(), f.t.tolist(), f.lat.tolist(), f.lon.tolist(),
                 f.speed_kmh.tolist(), f.course_deg.tolist(), f.inputs.tolist()))


def time_database(snapshot: FleetSnapshot, rounds: int) -> list[tuple[str, float]]:
    import psycopg2

    from db import alerts as store
    from db.cluster import LocalCluster
    from db.migrate import migrate

    repo = Path(__file__).resolve().parents[2]
    port = int(os.environ.get("GLONASS_TEST_PG_PORT", "55433"))
    cluster = LocalCluster(repo / "var" / "test-pg" / "data", port, database=DATABASE)
    was_running = cluster.is_initialised() and cluster.is_running()
    cluster.start()
    sources = default_sources(AlertParams())
    try:
        cluster.drop_database(DATABASE)
        cluster.create_database(DATABASE)
        migrate(cluster.dsn())
        conn = psycopg2.connect(cluster.dsn())
        conn.autocommit = True
        with conn.cursor() as cur:
            store_fleet(cur, snapshot)
            cur.execute("ANALYZE")
            read, stored = best_of(rounds, lambda: store.fleet_snapshot(
                cur, snapshot.now, lookback_s(sources)))
            found = detect(sources, stored)
            kinds = sorted({k for s in sources for k in s.kinds})
            t0 = time.perf_counter()
            store.sync(cur, found, kinds, snapshot.now)
            raised = time.perf_counter() - t0
            refreshed, _ = best_of(rounds, lambda: store.sync(cur, found, kinds, snapshot.now))
        conn.close()
    finally:
        cluster.drop_database(DATABASE)
        if not was_running:
            cluster.stop()
    return [(f"read the snapshot ({len(stored.fixes.t)} fixes)", read),
            (f"store {len(found)} new alerts", raised),
            (f"refresh {len(found)} open alerts", refreshed)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.alerts", description=__doc__)
    parser.add_argument("--vehicles", type=int, default=84)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", action="store_true",
                        help="also time the snapshot's read and the alerts' storing")
    args = parser.parse_args(argv)
    snapshot = fleet_snapshot(args.vehicles)
    sources = default_sources(AlertParams())
    judged, found = best_of(args.rounds, lambda: detect(sources, snapshot))
    rows = [(f"judge {args.vehicles} vehicles, {len(snapshot.fixes.t)} fixes "
             f"({len(found)} conditions)", judged)]
    if args.database:
        rows += time_database(snapshot, args.rounds)
    print(f"{'measure':<56} {'best':>9}")
    for name, seconds in rows:
        print(f"{name:<56} {seconds * 1e3:>6.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
