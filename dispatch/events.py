"""Events a dispatcher or an auditor should look at, found in a shift's cleaned fixes.

- ``equipment_on_off_route``: blade down / spreader on while driving away from every route for
  at least ``off_route_min_m`` (deadheading with the tool working: wear, wasted material, or
  work on streets nobody ordered);
- ``speeding_while_treating``: equipment on above the treatment's speed band for at least
  ``speeding_min_s`` (a blade at 60 km/h throws snow onto the pavement and clears nothing);
- ``sensor_stuck_on``: the equipment sensor said "on" at every fix of a whole shift;
- ``sensor_never_toggled``: it said "off" at every fix although the vehicle drove at least
  ``never_toggled_min_km`` (a broken or disconnected sensor, or a machine that did not work);
- ``sensor_not_reported``: a sensor is configured but no fix of the shift carried its value;
- ``online_not_moving``: the terminal reported through a shift but the vehicle never left a
  ``idle_radius_m`` circle ("ghost plough": tracker powered, machine parked).

The shift is the window asked for; the per-shift checks need at least ``shift_min_h`` of data
so that a vehicle seen for ten minutes is not called stuck. Pure: fixes, routes, parameters in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import shapely

from dispatch.cleaning import CleanTrack, clean
from dispatch.equipment import OFF, ON, UNKNOWN, VehicleInfo
from dispatch.fixes import BoolArray, FixArrays, IntArray
from dispatch.parameters import CoverageParams
from dispatch.projection import Projection, projection_for
from dispatch.route_geometry import RouteGeometry
from dispatch.routes import Route

__all__ = ["EVENT_KINDS", "Event", "EventParams", "find_events"]

EVENT_KINDS = ("equipment_on_off_route", "speeding_while_treating", "sensor_stuck_on",
               "sensor_never_toggled", "sensor_not_reported", "online_not_moving")


@dataclass(frozen=True, slots=True)
class EventParams:
    off_route_min_m: float = 300.0
    moving_kmh: float = 5.0  # below this a vehicle is standing
    speeding_min_s: float = 10.0
    shift_min_h: float = 4.0
    idle_radius_m: float = 200.0
    never_toggled_min_km: float = 5.0
    max_gap_s: float = 60.0  # a longer silence ends a run of fixes


@dataclass(frozen=True, slots=True)
class Event:
    """One finding; times are POSIX seconds, the position is where it started (lon, lat)."""

    kind: str
    vehicle_id: int
    started: float
    ended: float
    lon: float
    lat: float
    details: Mapping[str, Any] = field(default_factory=dict)


def find_events(fixes: FixArrays, routes: Sequence[Route], vehicles: Mapping[int, VehicleInfo],
                *, window: tuple[datetime, datetime], params: EventParams | None = None,
                coverage: CoverageParams | None = None,
                projection: Projection | None = None) -> list[Event]:
    """Every event in the window, ordered by start time then vehicle."""
    params = params or EventParams()
    coverage = coverage or CoverageParams()
    projection = projection or projection_for()
    start, end = window
    in_window = np.flatnonzero((fixes.t >= start.timestamp()) & (fixes.t <= end.timestamp()))
    track = clean(fixes, projection, coverage.cleaning, vehicles, rows=in_window)
    rows = np.flatnonzero(track.usable)
    events: list[Event] = []
    events += _off_route(track, rows, routes, projection, params, coverage)
    events += _speeding(track, rows, vehicles, params, coverage)
    events += _per_shift(track, rows, vehicles, params)
    return sorted(events, key=lambda e: (e.started, e.vehicle_id, e.kind))


def _runs(track: CleanTrack, rows: IntArray, mask: BoolArray,
          max_gap_s: float) -> tuple[IntArray, IntArray]:
    """First and last row (indices into ``rows``) of each run of consecutive True values."""
    vehicle = track.fixes.vehicle[rows]
    t = track.fixes.t[rows]
    starts = mask.copy()
    if len(rows) > 1:
        starts[1:] &= ~(mask[:-1] & (vehicle[1:] == vehicle[:-1])
                        & (np.diff(t) <= max_gap_s))
    first = np.flatnonzero(starts)
    run_id = np.cumsum(starts) - 1
    last = np.full(len(first), -1, dtype=np.int64)
    members = np.flatnonzero(mask)
    np.maximum.at(last, run_id[members], members)
    return first, last


def _event(kind: str, track: CleanTrack, a: int, b: int, **details: Any) -> Event:
    f = track.fixes
    return Event(kind=kind, vehicle_id=int(f.vehicle[a]), started=float(f.t[a]),
                 ended=float(f.t[b]), lon=round(float(f.lon[a]), 7),
                 lat=round(float(f.lat[a]), 7), details=details)


def _path_m(track: CleanTrack, rows: IntArray) -> Any:
    """Cumulative distance along consecutive rows (same vehicle assumed by the caller)."""
    hop = np.hypot(np.diff(track.x[rows]), np.diff(track.y[rows]))
    return np.concatenate(([0.0], np.cumsum(hop)))


def _off_route(track: CleanTrack, rows: IntArray, routes: Sequence[Route],
               projection: Projection, params: EventParams,
               coverage: CoverageParams) -> list[Event]:
    on = track.equipment[rows] == ON
    moving = track.fixes.speed_kmh[rows] >= params.moving_kmh
    candidates = rows[on & moving]
    outside = np.ones(len(rows), dtype=np.bool_)
    if routes and len(candidates):
        corridors = [RouteGeometry.build(r, projection, coverage.bin_m).corridor for r in routes]
        area = shapely.union_all(corridors)
        shapely.prepare(area)
        outside = ~shapely.intersects_xy(area, track.x[rows], track.y[rows])
    first, last = _runs(track, rows, on & moving & outside, params.max_gap_s)
    cum = _path_m(track, rows)
    out = []
    for a, b in zip(first.tolist(), last.tolist(), strict=True):
        distance = float(cum[b] - cum[a])
        if distance >= params.off_route_min_m:
            out.append(_event("equipment_on_off_route", track, int(rows[a]), int(rows[b]),
                              distance_m=round(distance, 1), fixes=b - a + 1))
    return out


def _speeding(track: CleanTrack, rows: IntArray, vehicles: Mapping[int, VehicleInfo],
              params: EventParams, coverage: CoverageParams) -> list[Event]:
    limit = np.full(len(rows), np.inf)
    vehicle = track.fixes.vehicle[rows]
    for vehicle_id in np.unique(vehicle).tolist():
        info = vehicles.get(vehicle_id)
        if info is not None and info.treatments:
            limit[vehicle == vehicle_id] = max(coverage.speed_band(t)[1] for t in info.treatments)
    speed = track.fixes.speed_kmh[rows]
    fast = (track.equipment[rows] == ON) & (speed > limit)
    first, last = _runs(track, rows, fast, params.max_gap_s)
    out = []
    t = track.fixes.t[rows]
    for a, b in zip(first.tolist(), last.tolist(), strict=True):
        if t[b] - t[a] >= params.speeding_min_s:
            out.append(_event("speeding_while_treating", track, int(rows[a]), int(rows[b]),
                              max_speed_kmh=round(float(speed[a:b + 1].max()), 1),
                              limit_kmh=float(limit[a]), fixes=b - a + 1))
    return out


def _per_shift(track: CleanTrack, rows: IntArray, vehicles: Mapping[int, VehicleInfo],
               params: EventParams) -> list[Event]:
    out: list[Event] = []
    if not len(rows):  # no usable fix in the window: no shift to judge
        return out
    vehicle = track.fixes.vehicle[rows]
    bounds = np.flatnonzero(np.concatenate(([True], vehicle[1:] != vehicle[:-1])))
    ends = np.concatenate((bounds[1:], [len(rows)]))
    for lo, hi in zip(bounds.tolist(), ends.tolist(), strict=True):
        mine = rows[lo:hi]
        info = vehicles.get(int(vehicle[lo]))
        if info is None or not info.treatments:
            continue
        t = track.fixes.t[mine]
        if t[-1] - t[0] < params.shift_min_h * 3600:
            continue
        a, b = int(mine[0]), int(mine[-1])
        hours = round(float(t[-1] - t[0]) / 3600, 2)
        if info.sensor is not None:
            states = track.equipment[mine]
            known = states != UNKNOWN
            driven_km = float(_path_m(track, mine[track.fixes.speed_kmh[mine]
                                                  >= params.moving_kmh])[-1]) / 1000
            if not known.any():
                out.append(_event("sensor_not_reported", track, a, b, hours=hours,
                                  sensor=info.sensor.describe()))
            elif np.all(states[known] == ON):
                out.append(_event("sensor_stuck_on", track, a, b, hours=hours,
                                  sensor=info.sensor.describe(), fixes=int(known.sum())))
            elif np.all(states[known] == OFF) and driven_km >= params.never_toggled_min_km:
                out.append(_event("sensor_never_toggled", track, a, b, hours=hours,
                                  sensor=info.sensor.describe(), driven_km=round(driven_km, 2)))
        dx, dy = track.x[mine] - track.x[a], track.y[mine] - track.y[a]
        reach = float(np.hypot(dx, dy).max())
        if reach < params.idle_radius_m and not np.any(
                track.fixes.speed_kmh[mine] >= params.moving_kmh):
            out.append(_event("online_not_moving", track, a, b, hours=hours,
                              fixes=len(mine), max_distance_m=round(reach, 1)))
    return out
