"""Benchmark: a city day of fixes against 150 km of routes, full coverage recompute.

78 vehicles report every 5 s for 24 h (1,347,840 fixes) while random-walking a street grid with
the blade down most of the time, GPS noise sigma = 5 m, stops with parked jitter; the routes
are 150 one-kilometre streets of that grid (150 km). The timed part is what a recompute does:
project the fixes, clean them, pair them, and credit, aggregate and explain every route.
Generation is not timed. Goal: <= 5 s on the 2-core machine, read from PostGIS included.

Run: ``python -m tests.bench.coverage`` (``--vehicles``, ``--hours``, ``--repeat`` to vary).
``--db`` also times the whole path a recompute takes in production: the day is loaded into a
scratch database on the test cluster (var/test-pg), then read back through ``db.coverage``
(binary COPY, routes' bounding box) and computed; the scratch database is dropped afterwards.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from dispatch.coverage import CoverageResult, compute_coverage
from dispatch.equipment import EquipmentSensor, VehicleInfo
from dispatch.fixes import FixArrays
from dispatch.parameters import CoverageParams
from dispatch.projection import to_metric, to_wgs84_array
from dispatch.routes import Route

ORIGIN = to_metric(137.0, 50.55)
START = datetime(2026, 1, 14, 0, 0, tzinfo=UTC)
STREETS_PER_AXIS = 15
STREET_KM = 5
SPACING_M = STREET_KM * 1000 / (STREETS_PER_AXIS - 1)
GOAL_S = 5.0


def grid_routes() -> list[Route]:
    """150 routes of 1 km: 15 east-west and 15 north-south 5 km streets, cut in 1 km pieces."""
    routes: list[Route] = []
    for axis in (0, 1):
        for k in range(STREETS_PER_AXIS):
            for piece in range(STREET_KM):
                along = np.arange(piece * 1000.0, (piece + 1) * 1000.0 + 1.0, 100.0)
                across = np.full_like(along, k * SPACING_M)
                x, y = (along, across) if axis == 0 else (across, along)
                lon, lat = to_wgs84_array(ORIGIN[0] + x, ORIGIN[1] + y)
                rid = len(routes) + 1
                routes.append(Route(
                    id=rid, name=f"street {axis}-{k}-{piece}",
                    coordinates=tuple(zip(lon.tolist(), lat.tolist(), strict=True)),
                    priority=1 + rid % 3, direction="both" if rid % 4 else "as_drawn",
                    contractor=f"contractor {rid % 3}"))
    return routes


def city_day(vehicles: int, hours: float,
             seed: int = 1) -> tuple[FixArrays, dict[int, VehicleInfo]]:
    """Each vehicle random-walks the grid's intersections; fixes every 5 s with noise."""
    rng = np.random.default_rng(seed)
    n_fix = int(hours * 3600 / 5)
    parts = []
    infos: dict[int, VehicleInfo] = {}
    for v in range(1, vehicles + 1):
        infos[v] = VehicleInfo(id=v, name=f"КДМ {v:03d}", kind="plow",
                               contractor=f"contractor {v % 3}", tool="blade",
                               sensor=EquipmentSensor("input", number=1))
        i, j = rng.integers(0, STREETS_PER_AXIS, size=2)
        nodes = [(i, j)]
        heading = int(rng.integers(0, 4))
        steps = [(1, 0), (0, 1), (-1, 0), (0, -1)]
        while len(nodes) < n_fix * 25 / 3.6 * 5 / SPACING_M + 10:
            if rng.random() < 0.3:
                heading = (heading + int(rng.choice([1, 3]))) % 4
            di, dj = steps[heading]
            if not (0 <= i + di < STREETS_PER_AXIS and 0 <= j + dj < STREETS_PER_AXIS):
                heading = (heading + 2) % 4
                di, dj = steps[heading]
            i, j = i + di, j + dj
            nodes.append((i, j))
        px = np.array([n[0] for n in nodes], dtype=float) * SPACING_M
        py = np.array([n[1] for n in nodes], dtype=float) * SPACING_M
        cum = np.concatenate(([0.0], np.cumsum(np.hypot(np.diff(px), np.diff(py)))))
        speed = np.repeat(rng.uniform(15, 40, size=n_fix // 60 + 1), 60)[:n_fix]  # km/h per 5 min
        stopped = np.repeat(rng.random(n_fix // 24 + 1) < 0.1, 24)[:n_fix]  # 2-min stops
        speed = np.where(stopped, 0.0, speed)
        d = np.concatenate(([0.0], np.cumsum(speed[:-1] / 3.6 * 5)))
        x = np.interp(d, cum, px) + rng.normal(0, 5, n_fix)
        y = np.interp(d, cum, py) + rng.normal(0, 5, n_fix)
        blade = np.repeat(rng.random(n_fix // 120 + 1) < 0.8, 120)[:n_fix]
        lon, lat = to_wgs84_array(ORIGIN[0] + x, ORIGIN[1] + y)
        t = START.timestamp() + np.arange(n_fix) * 5.0
        parts.append(FixArrays(
            vehicle=np.full(n_fix, v, dtype=np.int64), t=t, lon=lon, lat=lat,
            speed_kmh=speed + rng.normal(0, 1, n_fix).clip(-speed, None),
            course_deg=np.zeros(n_fix), valid=np.ones(n_fix, dtype=np.bool_),
            satellites=np.full(n_fix, 12, dtype=np.int64), hdop=np.full(n_fix, 0.9),
            inputs=blade.astype(np.int64), sensor_value=np.full(n_fix, np.nan),
            black_box=np.zeros(n_fix, dtype=np.bool_), received=t + 2.0))
    fixes = FixArrays.concat(parts)
    shuffle = rng.permutation(len(fixes))  # arrival order is not fix-time order
    return fixes.take(shuffle), infos


def store_vehicles(cur: Any, infos: dict[int, VehicleInfo]) -> None:
    """The bench's vehicles into the registry, with their ids (set-up, not production code)."""
    for info in infos.values():
        cur.execute("INSERT INTO vehicles (id, name, kind, contractor, equipment) VALUES"
                    " (%s, %s, 'plow', %s, '{\"input\": 1, \"tool\": \"blade\"}')",
                    (info.id, info.name, info.contractor))


def store_fixes(cur: Any, fixes: FixArrays) -> None:
    """Fixes into ``positions`` with one COPY, arriving at ``fixes.received``."""
    from db.positions import ensure_partitions

    def stamps(seconds: np.ndarray[Any, np.dtype[np.float64]]) -> list[str]:
        text = np.datetime_as_string((seconds * 1e6).astype("datetime64[us]"), timezone="UTC")
        return list(text.tolist())

    lines = io.StringIO()
    for v, ts, arrived, lat, lon, speed, inputs in zip(
            fixes.vehicle.tolist(), stamps(fixes.t), stamps(fixes.received),
            fixes.lat.tolist(), fixes.lon.tolist(), fixes.speed_kmh.tolist(),
            fixes.inputs.tolist(), strict=True):
        lines.write(f"{v}\t{v}\t{ts}\t{arrived}\t{lat!r}\t{lon!r}\tt\t{speed:.1f}\t0\t12\t"
                    f"0.9\t{inputs}\tf\tegts\n")
    lines.seek(0)
    months = {datetime.fromtimestamp(t, UTC).date().replace(day=1)
              for t in (float(fixes.t.min()), float(fixes.t.max()))} if len(fixes) else set()
    ensure_partitions(cur, months)
    cur.copy_expert("COPY positions (terminal_id, vehicle_id, fix_time, received_at, latitude,"
                    " longitude, valid, speed_kmh, course_deg, satellites, hdop, inputs,"
                    " black_box, protocol) FROM STDIN", lines)


def _load(dsn: str, fixes: FixArrays, infos: dict[int, VehicleInfo]) -> None:
    """The day into a scratch database (the bench's own set-up)."""
    import psycopg2

    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        store_vehicles(cur, infos)
        store_fixes(cur, fixes)
        cur.execute("ANALYZE positions")
    conn.close()


@dataclass(frozen=True, slots=True)
class DatabaseFigures:
    """Best seconds through PostGIS, and how many routes each kept-result request credited."""

    fixes: int
    read_s: float
    full_s: float  # read + compute from scratch
    late_s: float  # a late black-box upload, brought up to date through CoverageCache
    late_routes: int
    unchanged_s: float  # the same request again with nothing new
    slide_s: float  # the window one minute later (the public map's refresh)
    slide_routes: int


def from_database(routes: list[Route], fixes: FixArrays, infos: dict[int, VehicleInfo],
                  hours: float, repeat: int) -> DatabaseFigures:
    """The day through db.coverage on a scratch database of the test cluster: from scratch,
    then kept and brought up to date after a late upload (one vehicle's two minutes)."""
    import psycopg2

    from db import coverage as coverage_db
    from db.cluster import LocalCluster
    from db.migrate import migrate
    from maps.api.coverage import route_bbox
    from maps.coverage_cache import CoverageCache

    repo = Path(__file__).resolve().parents[2]
    from tests.conftest import TEST_CLUSTER_PORT

    cluster = LocalCluster(repo / "var" / "test-pg" / "data", TEST_CLUSTER_PORT,
                           database="glonass_bench_coverage")
    was_running = cluster.is_initialised() and cluster.is_running()
    cluster.start()
    late = (fixes.vehicle == 7) & (np.abs(fixes.t - START.timestamp() - 10 * 3600) < 60)
    try:
        cluster.drop_database("glonass_bench_coverage")
        cluster.create_database("glonass_bench_coverage")
        migrate(cluster.dsn())
        _load(cluster.dsn(), fixes.take(np.flatnonzero(~late)), infos)
        reads, totals, count = [], [], 0
        window = (START, START + timedelta(hours=hours))
        bbox = route_bbox(routes)
        with psycopg2.connect(cluster.dsn()) as conn, conn.cursor() as cur:
            for _ in range(repeat):
                t0 = time.perf_counter()
                read = coverage_db.fixes_for_coverage(cur, *window, bbox=bbox)
                vehicles = coverage_db.vehicle_infos(cur)
                reads.append(time.perf_counter() - t0)
                compute_coverage(routes, read, vehicles, window=window, now=START)
                totals.append(time.perf_counter() - t0)
                count = len(read)
            # The upload is committed before the next request, so no arrival lag is needed.
            cache = CoverageCache(arrival_lag=timedelta(0))

            def request(window: tuple[datetime, datetime]) -> tuple[float, int]:
                before, t0 = cache.recomputed_routes, time.perf_counter()
                cache.compute(cache.read(cur, None, window, routes, vehicles, bbox), START,
                              CoverageParams())
                conn.commit()
                return time.perf_counter() - t0, cache.recomputed_routes - before

            request(window)
            uploaded = fixes.take(np.flatnonzero(late))
            store_fixes(cur, replace(uploaded, received=np.full(len(uploaded), time.time())))
            conn.commit()
            late_s, late_routes = request(window)
            unchanged_s, _ = request(window)
            slide_s, slide_routes = request((window[0] + timedelta(minutes=1),
                                             window[1] + timedelta(minutes=1)))
        conn.close()
        return DatabaseFigures(count, min(reads), min(totals), late_s, late_routes,
                               unchanged_s, slide_s, slide_routes)
    finally:
        cluster.drop_database("glonass_bench_coverage")
        if not was_running:
            cluster.stop()


def recompute(routes: list[Route], fixes: FixArrays,
              infos: dict[int, VehicleInfo], hours: float) -> CoverageResult:
    return compute_coverage(routes, fixes, infos,
                            window=(START, START + timedelta(hours=hours)), now=START)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.coverage", description=__doc__)
    parser.add_argument("--vehicles", type=int, default=78)
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", action="store_true",
                        help="also time reading the day back from PostGIS (test cluster)")
    args = parser.parse_args(argv)
    routes = grid_routes()
    t0 = time.perf_counter()
    fixes, infos = city_day(args.vehicles, args.hours)
    generated = time.perf_counter() - t0
    times, cpu = [], []
    result = None
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = recompute(routes, fixes, infos, args.hours)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    assert result is not None
    totals = result.totals()
    stretches = sum(len(rc.stretches) for rc in result.routes)
    best = min(times)
    out = sys.stdout
    out.write(f"coverage recompute: {len(fixes):,} fixes, {args.vehicles} vehicles, "
              f"{len(routes)} routes / {totals['length_m'] / 1000:.1f} km "
              f"(generated in {generated:.1f} s)\n")
    out.write(f"  time: best {best:.2f} s, runs {', '.join(f'{t:.2f}' for t in times)} s "
              f"(CPU {min(cpu):.2f} s; wall > CPU means other processes competed); "
              f"goal <= {GOAL_S:.0f} s: {'met' if best <= GOAL_S else 'MISSED'}\n")
    out.write(f"  throughput: {len(fixes) / best / 1e6:.2f} M fixes/s; served "
              f"{totals['served_pct']:.1f} %, {stretches:,} stretches\n")
    if args.db:
        db = from_database(routes, fixes, infos, args.hours, args.repeat)
        out.write(f"  from PostGIS: read {db.fixes:,} fixes in {db.read_s:.2f} s (binary COPY); "
                  f"read + recompute {db.full_s:.2f} s; goal <= {GOAL_S:.0f} s: "
                  f"{'met' if db.full_s <= GOAL_S else 'MISSED'}\n")
        out.write(f"  kept result brought up to date: late upload (2 min of one vehicle) "
                  f"{db.late_s:.2f} s, {db.late_routes} of {len(routes)} routes recomputed; "
                  f"nothing new {db.unchanged_s:.2f} s; window 1 min later {db.slide_s:.2f} s, "
                  f"{db.slide_routes} routes\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
