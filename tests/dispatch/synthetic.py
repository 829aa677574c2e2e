"""Synthetic ground truth: streets and drives laid out in metres, turned into routes and fixes.

Everything is placed in metres east/north of a point in the city centre (projected to UTM 53N
and back), so a test reads like a sketch: "a 1 km street along y=0, driven east then west at
25 km/h, fixes every 5 s, blade down". The true served length of each scenario is known by
construction, which is what the engine's results are checked against.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from dispatch.coverage import CoverageResult, compute_coverage
from dispatch.crediting import RouteCredit
from dispatch.data_completeness import data_completeness
from dispatch.equipment import EquipmentSensor, VehicleInfo
from dispatch.fixes import FixArrays
from dispatch.parameters import CoverageParams
from dispatch.projection import to_metric, to_wgs84
from dispatch.routes import Route
from dispatch.storms import Storm, StormReport, storm_report
from dispatch.tracks import TrackFix

ORIGIN_LONLAT = (137.0, 50.55)
ORIGIN_XY = to_metric(*ORIGIN_LONLAT)
T0 = datetime(2026, 1, 14, 2, 0, tzinfo=UTC)

Point = tuple[float, float]

EAST_WEST = ((0.0, 0.0), (1000.0, 0.0))
#: Along EAST_WEST from 60 m before it to 60 m past it, and back 3 m to the side.
THERE_AND_BACK = [(-60.0, 0.0), (1060.0, 0.0), (1060.0, 3.0), (-60.0, 3.0)]


def lonlat(dx: float, dy: float) -> tuple[float, float]:
    """WGS-84 (lon, lat) of the point dx metres east and dy metres north of the origin."""
    lon, lat = to_wgs84(ORIGIN_XY[0] + dx, ORIGIN_XY[1] + dy)
    return round(lon, 9), round(lat, 9)


def street(route_id: int, points: Sequence[Point], **kwargs: object) -> Route:
    """A route along metric points (offsets from the origin)."""
    options: dict[str, object] = {"name": f"street {route_id}"}
    options.update(kwargs)
    return Route(id=route_id, coordinates=tuple(lonlat(x, y) for x, y in points),
                 **options)  # type: ignore[arg-type]


def plough(vehicle_id: int, contractor: str = "ООО «Тест»", *, sensor: bool = True,
           kind: str = "plow") -> VehicleInfo:
    """A plough whose blade is on digital input 1 (or, with sensor=False, not sensed at all)."""
    return VehicleInfo(id=vehicle_id, name=f"КДМ {vehicle_id:03d}", kind=kind,
                       contractor=contractor, tool="blade",
                       sensor=EquipmentSensor("input", number=1) if sensor else None)


def bus(vehicle_id: int) -> VehicleInfo:
    return VehicleInfo(id=vehicle_id, name=f"bus {vehicle_id}", kind="bus")


@dataclass
class Drive:
    """A vehicle's drive along a metric polyline at constant speed, sampled at an interval."""

    vehicle_id: int
    path: Sequence[Point]
    start: datetime = T0
    speed_kmh: float = 25.0
    interval_s: float = 5.0
    blade: bool | Callable[[float], bool] = True  # or a function of distance along the path
    noise_m: float = 0.0
    seed: int = 0
    drop: Callable[[float], bool] | None = None  # distance along the path -> fix not sent
    black_box: bool = False
    report_inputs: bool = True
    speed_noise_kmh: float = 0.0

    def fixes(self) -> list[TrackFix]:
        xs = np.array([p[0] for p in self.path], dtype=float)
        ys = np.array([p[1] for p in self.path], dtype=float)
        cum = np.concatenate(([0.0], np.cumsum(np.hypot(np.diff(xs), np.diff(ys)))))
        length = float(cum[-1])
        step = self.speed_kmh / 3.6 * self.interval_s
        rng = np.random.default_rng(self.seed)
        out = []
        for i in range(int(length // step) + 1):
            d = i * step
            if self.drop is not None and self.drop(d):
                rng.normal(size=3)  # keep the noise stream aligned with and without drops
                continue
            seg = min(int(np.searchsorted(cum, d, side="right")) - 1, len(xs) - 2)
            f = (d - cum[seg]) / max(cum[seg + 1] - cum[seg], 1e-9)
            x = xs[seg] + f * (xs[seg + 1] - xs[seg])
            y = ys[seg] + f * (ys[seg + 1] - ys[seg])
            nx, ny, ns = rng.normal(size=3)
            x += nx * self.noise_m
            y += ny * self.noise_m
            course = math.degrees(math.atan2(xs[seg + 1] - xs[seg], ys[seg + 1] - ys[seg])) % 360
            on = self.blade(d) if callable(self.blade) else self.blade
            lon, lat = to_wgs84(ORIGIN_XY[0] + x, ORIGIN_XY[1] + y)
            out.append(TrackFix(
                fix_time=self.start + timedelta(seconds=i * self.interval_s),
                latitude=lat, longitude=lon,
                speed_kmh=max(0.0, self.speed_kmh + ns * self.speed_noise_kmh),
                course_deg=course, valid=True,
                inputs=(1 if on else 0) if self.report_inputs else None,
                black_box=self.black_box, satellites=12, hdop=0.9))
        return out

    def end_time(self) -> datetime:
        xs = np.array([p[0] for p in self.path], dtype=float)
        ys = np.array([p[1] for p in self.path], dtype=float)
        length = float(np.hypot(np.diff(xs), np.diff(ys)).sum())
        return self.start + timedelta(seconds=length / (self.speed_kmh / 3.6))


def arrays(*drives: Drive) -> FixArrays:
    """All drives' fixes as one FixArrays (order as generated: the engine sorts)."""
    ids: list[int] = []
    fixes: list[TrackFix] = []
    for drive in drives:
        mine = drive.fixes()
        ids += [drive.vehicle_id] * len(mine)
        fixes += mine
    return FixArrays.from_track_fixes(ids, fixes)


def window(hours: float = 6.0) -> tuple[datetime, datetime]:
    return T0 - timedelta(minutes=5), T0 + timedelta(hours=hours)


def two_routes_result(params: CoverageParams | None = None) -> CoverageResult:
    """Plough 7 of ООО «А» works street 1 there and back (3 m noise); street 2 of ООО «Б»,
    400 m north, is left alone: one served and one not served kilometre to format."""
    routes = [street(1, EAST_WEST, contractor="ООО «А»"),
              street(2, ((0.0, 400.0), (1000.0, 400.0)), contractor="ООО «Б»")]
    fixes = arrays(Drive(7, THERE_AND_BACK, noise_m=3.0, seed=4))
    return compute_coverage(routes, fixes, {7: plough(7, "ООО «А»")}, window=window(), now=T0,
                            params=params)


#: A pass laid by hand: its direction (0 as drawn, 1 against) and whether a sensor confirmed it.
HandRun = tuple[int, bool]
#: A pass's entry into a bin: (bin, run, POSIX seconds).
HandEntry = tuple[int, int, float]
#: A silence near the route: (track row before it, track row after it, m from, m to).
HandGap = tuple[int, int, float, float]


def hand_credit(runs: Sequence[HandRun], entries: Sequence[HandEntry], n_bins: int, *,
                gap_bins: Sequence[int] = (), fix_spans: Sequence[tuple[int, int]] = (),
                gaps: Sequence[HandGap] = ()) -> RouteCredit:
    """Credit of vehicle 7 laid by hand, so a verdict is known without a track in between.

    Every run spans 0-100 m and the clean-track rows ``fix_spans[i]`` (default: row 0 alone).
    """
    spans = list(fix_spans) or [(0, 0)] * len(runs)
    return RouteCredit(
        run_vehicle=np.full(len(runs), 7, dtype=np.int64),
        run_direction=np.array([d for d, _ in runs], dtype=np.int64),
        run_confirmed=np.array([c for _, c in runs], dtype=np.bool_),
        run_m_from=np.zeros(len(runs)), run_m_to=np.full(len(runs), 100.0),
        run_first_fix=np.array([a for a, _ in spans], dtype=np.int64),
        run_last_fix=np.array([b for _, b in spans], dtype=np.int64),
        run_fixes=np.array([b - a + 1 for a, b in spans], dtype=np.int64),
        entry_bin=np.array([b for b, _, _ in entries], dtype=np.int64),
        entry_run=np.array([r for _, r, _ in entries], dtype=np.int64),
        entry_time=np.array([t for _, _, t in entries], dtype=np.float64),
        gap_from_fix=np.array([g[0] for g in gaps], dtype=np.int64),
        gap_to_fix=np.array([g[1] for g in gaps], dtype=np.int64),
        gap_m_from=np.array([g[2] for g in gaps], dtype=np.float64),
        gap_m_to=np.array([g[3] for g in gaps], dtype=np.float64),
        gap_bins=np.isin(np.arange(n_bins), list(gap_bins)), candidate_fixes=0)


def machine(tool: str) -> dict[int, VehicleInfo]:
    """Vehicle 7 carrying ``tool``, its state on digital input 1."""
    return {7: VehicleInfo(id=7, name="КДМ 007", kind="truck", contractor="ООО «Тест»",
                           tool=tool, sensor=plough(7).sensor)}


def straight(vehicle: int, start: Point, end: Point, speed_kmh: float, interval_s: float, *,
             reported_kmh: float | None = None, course: Callable[[int], float] | None = None,
             inputs: Callable[[int], int | None] = lambda _: 1,
             keep: Callable[[int], bool] = lambda _: True,
             moved: Callable[[int], Point] = lambda _: (0.0, 0.0),
             t0: float = 0.0) -> tuple[list[int], list[TrackFix]]:
    """Fixes every ``interval_s`` along start -> end at ``speed_kmh``. ``course`` (default:
    the true heading), ``inputs``, ``keep`` and ``moved`` (an offset in metres) are per fix."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy)
    step = speed_kmh / 3.6 * interval_s
    heading = math.degrees(math.atan2(dx, dy)) % 360
    fixes = []
    for i in range(int(length // step + 1e-9) + 1):
        if not keep(i):
            continue
        f = i * step / length
        ox, oy = moved(i)
        lon, lat = to_wgs84(ORIGIN_XY[0] + start[0] + f * dx + ox,
                            ORIGIN_XY[1] + start[1] + f * dy + oy)
        fixes.append(TrackFix(
            fix_time=T0 + timedelta(seconds=t0 + i * interval_s), latitude=lat, longitude=lon,
            speed_kmh=speed_kmh if reported_kmh is None else reported_kmh,
            course_deg=heading if course is None else course(i), valid=True, inputs=inputs(i),
            satellites=12, hdop=0.9))
    return [vehicle] * len(fixes), fixes


def storm_act(*, with_completeness: bool = False) -> StormReport:
    """Two streets of two contractors after a storm: the first ploughed both ways, the
    second not touched; ``with_completeness`` adds the plough's data completeness."""
    routes = [street(1, EAST_WEST, priority=1, contractor="ООО «А»", name="ул. Ленина"),
              street(2, ((0.0, 500.0), (1000.0, 500.0)), priority=2, contractor="ООО «Б»",
                     name="ул. Мира")]
    drive = Drive(7, THERE_AND_BACK)
    storm = Storm(id=3, name="Метель 3 февраля", started_at=T0 - timedelta(hours=1),
                  snowfall_ended_at=T0)
    now = T0 + timedelta(hours=3)
    vehicles = {7: plough(7, "ООО «А»")}
    result = compute_coverage(routes, arrays(drive), vehicles, window=storm.window(now), now=now)
    machines = data_completeness(arrays(drive), vehicles, storm.window(now), now)
    return storm_report(storm, result, now, machines if with_completeness else ())
