"""Benchmark: how early the storm clock foresees breaches, and how often it is wrong.

Replays the demo storm (``dispatch.storms.demo_storm``: snow stopped 3 h 30 min before the
fleet sets out, so the busiest streets' 4 h norm runs out 30 min in): the demo fleet's 78 road
machines drive their routes as ``serve --simulate`` drives them (``dispatch.demo_fleet``,
deterministic), reporting every ``--interval`` seconds with the equipment on input 1. Every
``--step`` minutes the clock is computed as the storm screen computes it (coverage of the storm
so far, crews from the last hour of fixes). At the end, each point of every route (every
25 m) whose deadline has passed is judged: breached (not served by its deadline) or not.

Reported, by length: the breached share and how much of it was warned about (at risk) before
its deadline, and how long before (median, 10th percentile); false alarms (warned, then cleared
in time); and, over every clock before each point's deadline, the share of forecasts that were
wrong (at risk but cleared in time, on track but breached).

Run: ``python -m tests.bench.storm_forecast`` (``--hours``, ``--step``, ``--interval``).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from dispatch.coverage import compute_coverage
from dispatch.crews import observe_crews
from dispatch.demo_city import demo_routes
from dispatch.demo_fleet import demo_driver, demo_fleet
from dispatch.equipment import VehicleInfo
from dispatch.fixes import FixArrays
from dispatch.projection import projection_for
from dispatch.routes import Route
from dispatch.storm_clock import StormClock, storm_clock
from dispatch.storms import demo_storm

START = datetime(2026, 1, 14, 20, 0, tzinfo=UTC)  # the fleet sets out (06:00 in the city)
LOOK_BACK_S = 3600.0  # as the storm screen reads the crews (maps.storm_room.CREW_LOOK_BACK)
POINT_M = 25.0


def city() -> tuple[list[Route], dict[int, VehicleInfo]]:
    routes = [Route(id=i, name=r.name, coordinates=r.coordinates,
                    treatment=r.treatment,  # type: ignore[arg-type]
                    priority=r.priority, passes_required=r.passes_required,
                    direction=r.direction, half_width_m=r.half_width_m, contractor=r.contractor)
              for i, r in enumerate(demo_routes(), start=1)]
    vehicles = {v.tid: VehicleInfo.from_registry(
        v.tid, v.name, v.kind, v.contractor,
        {"input": 1, "tool": v.equipment_tool} if v.equipment_tool else {})
        for v in demo_fleet() if v.kind != "bus"}
    return routes, vehicles


def recorded(hours: float, interval_s: float) -> FixArrays:
    """Every road machine's reports over ``hours`` from START."""
    count = int(hours * 3600 / interval_s) + 1
    columns: dict[str, list[float]] = {k: [] for k in ("vehicle", "t", "lon", "lat", "speed",
                                                       "course", "inputs")}
    for v in demo_fleet():
        if v.kind == "bus":
            continue
        for s in demo_driver(v, START).states(START, interval_s, count):
            columns["vehicle"].append(v.tid)
            columns["t"].append(s.time.timestamp())
            columns["lon"].append(s.longitude)
            columns["lat"].append(s.latitude)
            columns["speed"].append(s.speed_kmh)
            columns["course"].append(s.course_deg)
            columns["inputs"].append(int(s.equipment_active) if v.equipment_tool else -1)
    n = len(columns["t"])
    return FixArrays(
        vehicle=np.array(columns["vehicle"], dtype=np.int64), t=np.array(columns["t"]),
        lon=np.array(columns["lon"]), lat=np.array(columns["lat"]),
        speed_kmh=np.array(columns["speed"]), course_deg=np.array(columns["course"]),
        valid=np.ones(n, dtype=np.bool_), satellites=np.full(n, 12, dtype=np.int64),
        hdop=np.full(n, 0.9), inputs=np.array(columns["inputs"], dtype=np.int64),
        sensor_value=np.full(n, np.nan), black_box=np.zeros(n, dtype=np.bool_),
        received=np.array(columns["t"]))


@dataclass
class PointHistory:
    """One point of a route through the replay: what each clock said about it."""

    route_id: int
    m: float
    deadline: float
    states: list[tuple[float, str]] = field(default_factory=list)  # (clock time, state)


def state_at(clock: StormClock, route_id: int, m: float) -> str:
    for s in clock.stretches:
        if s.route_id == route_id and s.m_from <= m < s.m_to + 1e-6:
            return s.state
    return "waiting"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=float, default=3.0)
    parser.add_argument("--step", type=float, default=5.0, help="minutes between clocks")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between fixes")
    args = parser.parse_args(argv)
    routes, vehicles = city()
    storm = demo_storm(START)
    fixes = recorded(args.hours, args.interval)
    projection = projection_for()
    print(f"demo storm: {len(routes)} routes, {len(vehicles)} machines, {len(fixes):,} fixes "
          f"over {args.hours:g} h, a clock every {args.step:g} min", flush=True)
    points: list[PointHistory] = []
    steps = int(args.hours * 60 / args.step)
    timed = 0.0
    final: StormClock | None = None
    for k in range(1, steps + 1):
        now = START + timedelta(minutes=k * args.step)
        started = time.perf_counter()
        result = compute_coverage(routes, fixes, vehicles, window=(storm.started_at, now),
                                  now=now)
        recent = fixes.take(np.flatnonzero((fixes.t > now.timestamp() - LOOK_BACK_S)
                                           & (fixes.t <= now.timestamp())))
        clock = storm_clock(storm, result, observe_crews(recent, vehicles, now.timestamp()),
                            now, projection)
        timed += time.perf_counter() - started
        if not points:
            for rc in result.routes:
                deadline = storm.deadline(rc.route.priority)
                assert rc.route.id is not None and deadline is not None
                points += [PointHistory(rc.route.id, m, deadline.timestamp())
                           for m in np.arange(POINT_M / 2, rc.length_m, POINT_M).tolist()]
        for p in points:
            p.states.append((now.timestamp(), state_at(clock, p.route_id, p.m)))
        final = clock
    assert final is not None
    report(points, final.generated_at.timestamp(), timed / steps)
    return 0


def report(points: list[PointHistory], end: float, mean_clock_s: float) -> None:
    decided = [p for p in points if p.deadline <= end]
    breached = [p for p in decided if _breached(p)]
    warned = {id(p): _first_warning(p) for p in decided}
    leads = sorted((p.deadline - warned[id(p)]) / 60 for p in breached  # type: ignore[operator]
                   if warned[id(p)] is not None)
    false_alarms = [p for p in decided if not _breached(p) and warned[id(p)] is not None]
    judged = wrong = 0
    for p in decided:
        truth = _breached(p)
        for t, state in p.states:
            if t < p.deadline and state in ("at_risk", "on_track"):
                judged += 1
                wrong += (state == "at_risk") != truth
    km = POINT_M / 1000
    rows = [
        ("points judged (deadline passed)", f"{len(decided)} ({len(decided) * km:.1f} km)"),
        ("breached", f"{len(breached)} ({len(breached) * km:.1f} km)"),
        ("breaches warned before the deadline",
         f"{len(leads)} of {len(breached)}" + (f" ({100 * len(leads) / len(breached):.0f} %)"
                                               if breached else "")),
        ("warning lead, median", f"{np.median(leads):.0f} min" if leads else "—"),
        ("warning lead, 10th percentile", f"{np.percentile(leads, 10):.0f} min"
         if leads else "—"),
        ("false alarms (warned, cleared in time)",
         f"{len(false_alarms)} of {len(decided) - len(breached)} cleared in time"),
        ("forecasts wrong (all clocks before the deadline)",
         f"{wrong} of {judged} ({100 * wrong / judged:.1f} %)" if judged else "—"),
        ("mean clock (coverage + forecast)", f"{mean_clock_s:.2f} s"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def _breached(p: PointHistory) -> bool:
    """Not served by its deadline, as the last clock (past the deadline) judges it."""
    return p.states[-1][1] != "cleared_in_time"


def _first_warning(p: PointHistory) -> float | None:
    return next((t for t, s in p.states if t < p.deadline and s == "at_risk"), None)


if __name__ == "__main__":
    sys.exit(main())
