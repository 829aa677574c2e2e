"""What one run of the alert sources costs on a fleet the size of the demo's.

``--vehicles`` ploughs each lapping a 1 km street of its own (every other street a route, the
blade raised on return legs), a fix every 5 s for the sensor window plus its margin: the
snapshot the server's alert job judges every minute (the ploughs lapping a street that is no route
raise "equipment off every route" whenever their blade is down). Best of ``--rounds`` runs of
``dispatch.alerts.detect`` over the default sources, and the conditions found.
"""

from __future__ import annotations

import argparse
import time
from datetime import timedelta

from dispatch.alert_sources import default_sources
from dispatch.alerts import AlertParams, FleetSnapshot, LastFix, detect, lookback_s
from tests.dispatch.synthetic import T0, Drive, arrays, plough, street


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vehicles", type=int, default=84)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    snapshot = fleet_snapshot(args.vehicles)
    sources = default_sources(AlertParams())
    best, found = float("inf"), []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        found = detect(sources, snapshot)
        best = min(best, time.perf_counter() - t0)
    print(f"{'vehicles':>9} {'fixes':>9} {'run (s)':>9} {'conditions':>11}")
    print(f"{args.vehicles:>9} {len(snapshot.fixes.t):>9} {best:>9.2f} {len(found):>11}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
