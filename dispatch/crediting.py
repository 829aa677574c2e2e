"""Which movements earn credit on which route, judged over a window of fixes.

Per route, the usable fixes of eligible vehicles in its *search area* (the corridor grown by
``search_margin_m``) are taken in (vehicle, time) order and cut into *segments*: a segment
continues while the next candidate follows without a silence (``silences``) and with at most
``outlier_fixes`` of the vehicle's fixes outside the area in between. Where the fix just
before or after a segment lies out on the street's continuation past the route's end, it joins
the segment, so sparse reports that enter a street along its axis still cover its ends.

Each fix's movement is fitted over its window (``along_route.fit_movement``); where the
fitted direction reverses, the segment is cut and fitted again, so no window averages a U-turn
away. A fix is *working* when all hold: its equipment is not off; it is not parked jitter; the
speed is in the treatment's band widened by ``band_margin_kmh`` (the terminal's reported speed
when it agrees with the fitted ground speed within ``reported_speed_tolerance_kmh``, else the
fitted along-route speed); it moves within ``heading_tolerance_deg`` of the route (by the
terminal's course where that is plausible, else |v along| >= cos(tol) * ground speed, so a
crossing scores ~0); and the mean offset from the
axis, averaged over ``offset_window_s``, is within ``offset_ratio`` of the half-width (a
parallel street 30 m away stays out even when noise drags single fixes into the corridor).

Consecutive working fixes of a segment, in one direction, at most ``outlier_fixes`` failing
fixes apart (never across a fix with the equipment off) and within ``max_pair_gap_s``, make an
*interval*; chained intervals make a *run* (one pass). A run that progresses less than
``min_run_m`` is dropped: that is a turn through an intersection, not a pass. A run credits the
bins whose midpoints lie between the fitted positions of its fixes, at interpolated times.
Passes are carried to their U-turns and to the corners they turn in at and out from
(``pass_ends``). Bins within reach of a silence of an eligible vehicle
(``silences.reach_of_route``) are noted, so the verdict can call them unknown; so are those
within reach of a step from a side street onto a fix that works or could (``pass_ends``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dispatch.along_route import Movement, along_velocity, fit_movement
from dispatch.cleaning import REJECTED, CleanTrack, Flag
from dispatch.equipment import OFF, ON, StateArray
from dispatch.fixes import BoolArray, FloatArray, IntArray
from dispatch.parameters import CoverageParams
from dispatch.pass_ends import (
    Intervals,
    entries_unseen,
    lone_workers,
    turning_points,
    turns_in_and_out,
    turns_unseen,
)
from dispatch.route_geometry import RouteGeometry
from dispatch.silences import Pairs, Reach, reach_of_route

__all__ = ["FixIndex", "RouteCredit", "credit_route"]


@dataclass(frozen=True, slots=True, eq=False)
class FixIndex:
    """Usable fixes sorted by grid cell (column-major), so a route's bounding box selects its
    candidates with a bisection per column of cells instead of a scan of a whole x slab."""

    order: IntArray
    keys: IntArray  # cell key of each row of ``order``, ascending
    origin: tuple[float, float]

    @classmethod
    def build(cls, track: CleanTrack) -> FixIndex:
        usable = np.flatnonzero((track.flags & int(REJECTED)) == 0)
        x, y = track.x[usable], track.y[usable]
        origin = (float(x.min()), float(y.min())) if len(usable) else (0.0, 0.0)
        keys = _cell_keys(x, y, origin)
        by_cell = np.argsort(keys, kind="stable")
        return cls(order=usable[by_cell], keys=keys[by_cell], origin=origin)

    def in_box(self, track: CleanTrack, box: tuple[float, float, float, float]) -> IntArray:
        """Usable rows with minx <= x < maxx and miny <= y <= maxy, in no particular order."""
        minx, miny, maxx, maxy = box
        x0, y0 = self.origin
        col = np.floor((np.array([minx, maxx]) - x0) / _CELL_M).clip(0, _CELLS - 1)
        row = np.floor((np.array([miny, maxy]) - y0) / _CELL_M).clip(0, _CELLS - 1)
        columns = np.arange(int(col[0]), int(col[1]) + 1, dtype=np.int64) * _CELLS
        lo = np.searchsorted(self.keys, columns + int(row[0]), side="left")
        hi = np.searchsorted(self.keys, columns + int(row[1]), side="right")
        # a box has at least one column (minx <= maxx), so there is always a range to join
        rows = self.order[np.concatenate([np.arange(a, b) for a, b in
                                          zip(lo.tolist(), hi.tolist(), strict=True)])]
        xs, ys = track.x[rows], track.y[rows]
        picked: IntArray = rows[(xs >= minx) & (xs < maxx) & (ys >= miny) & (ys <= maxy)]
        return picked


_CELL_M = 250.0
_CELLS = 1 << 20  # per axis: 262,000 km, more than any track spans; outliers share edge cells


def _cell_keys(x: FloatArray, y: FloatArray, origin: tuple[float, float]) -> IntArray:
    col = np.floor((x - origin[0]) / _CELL_M).clip(0, _CELLS - 1).astype(np.int64)
    row = np.floor((y - origin[1]) / _CELL_M).clip(0, _CELLS - 1).astype(np.int64)
    keys: IntArray = col * _CELLS + row
    return keys


@dataclass(frozen=True, slots=True, eq=False)
class RouteCredit:
    """What one route earned: runs (passes), their bin entries, and the bins silences hide."""

    # runs, one row per pass
    run_vehicle: IntArray
    run_direction: IntArray  # 0 as drawn, 1 against
    run_confirmed: BoolArray
    run_m_from: FloatArray
    run_m_to: FloatArray
    run_first_fix: IntArray  # CleanTrack rows
    run_last_fix: IntArray
    run_fixes: IntArray  # fixes the run spans, outliers included
    # one row per (bin, run): the bin, the run, when the run passed the bin's midpoint
    entry_bin: IntArray
    entry_run: IntArray
    entry_time: FloatArray
    # silences near the route: CleanTrack rows of both ends, and the bins within their reach
    gap_from_fix: IntArray
    gap_to_fix: IntArray
    gap_m_from: FloatArray
    gap_m_to: FloatArray
    gap_bins: BoolArray  # per bin
    candidate_fixes: int

    @property
    def runs(self) -> int:
        return len(self.run_vehicle)


def credit_route(geom: RouteGeometry, track: CleanTrack, pairs: Pairs, index: FixIndex,
                 eligible: BoolArray, params: CoverageParams, scratch: BoolArray) -> RouteCredit:
    """Runs, bin entries and silence bins of one route.

    ``eligible[row]`` says whether the vehicle of that fix may earn this route's credit
    (treatment, assignment). ``scratch`` is a caller-owned all-False array of the track's
    length, reused across routes so that no full-length array is allocated here.
    """
    rows = index.in_box(track, geom.bounds)
    rows = np.sort(rows[geom.searched(track.x[rows], track.y[rows]) & eligible[rows]])
    rows = _with_axial_neighbours(geom, track, pairs, params, rows, scratch)
    m, offset = geom.axial(track.x[rows], track.y[rows])
    segment = np.cumsum(~_linked(track, pairs, params, rows), dtype=np.int64)
    x, y = track.x[rows] - geom.xs[0], track.y[rows] - geom.ys[0]
    t, reported = track.fixes.t[rows], track.fixes.speed_kmh[rows]
    with np.errstate(invalid="ignore", divide="ignore"):
        half_window = np.clip(params.fit_span_m / 2 / (reported / 3.6), params.fit_window_s / 2,
                              params.max_pair_gap_s)
    half_window[~np.isfinite(half_window)] = params.fit_window_s / 2
    # A window that spans a U-turn averages both directions away: cut the segment where the
    # fitted direction reverses, so that each side is fitted on its own.
    v_along = along_velocity(segment, t, m, half_window)
    with np.errstate(invalid="ignore"):
        reverses = np.concatenate(([False], ((v_along[1:] * v_along[:-1]) < 0)
                                   & (segment[1:] == segment[:-1])))
    segment = segment + np.cumsum(reverses)
    fit = fit_movement(segment, t, m, x, y, offset, half_window, params.offset_window_s,
                       params.offset_step_m)
    low, high = params.speed_band(geom.route.treatment)
    equipment = track.equipment[rows]
    working = _working(geom, track, params, rows, fit, (low, high))
    against = fit.v_along < 0
    intervals = _intervals(track, params, rows, segment, working, against, equipment)
    intervals, m_credited = turns_in_and_out(
        intervals, turning_points(fit.m, reverses, working, against), m,
        segment, working, ~working & (equipment != OFF))
    on_axis = np.abs(offset) <= params.offset_ratio * geom.route.half_width_m
    required = np.isin(against.astype(np.int64), geom.route.required_directions)
    could_work = (working & required) | lone_workers(geom, track, params, rows, m, fit, on_axis)
    unseen = np.concatenate((entries_unseen(track, pairs, rows, could_work, scratch),
                             turns_unseen(pairs, rows, reverses, working, against)))
    reachable = np.union1d(np.flatnonzero(pairs.gap & eligible), unseen)
    reach = reach_of_route(geom, track, pairs, reachable, high / 3.6)
    return _runs(geom, track, params, rows, m_credited, intervals, reach)


def _working(geom: RouteGeometry, track: CleanTrack, params: CoverageParams, rows: IntArray,
             fit: Movement, band: tuple[float, float]) -> BoolArray:
    """Which candidates move along the route, in the band, on its axis, equipment not off."""
    low, high = band
    reported = track.fixes.speed_kmh[rows]
    with np.errstate(invalid="ignore"):
        agrees = np.abs(reported - fit.v_ground * 3.6) <= params.reported_speed_tolerance_kmh
        speed = np.where(agrees, reported, np.abs(fit.v_along) * 3.6)
        jitter = (track.flags[rows] & int(Flag.JITTER)) != 0
        margin = params.band_margin_kmh
        tolerance = math.cos(math.radians(params.heading_tolerance_deg))
        working: BoolArray = (
            (speed >= low - margin) & (speed <= high + margin) & ~jitter
            & (track.equipment[rows] != OFF) & (fit.v_ground > 0)
            & _aligned(geom, track, rows, fit, tolerance, low)
            & (np.abs(fit.offset) <= params.offset_ratio * geom.route.half_width_m))
    return working


def _aligned(geom: RouteGeometry, track: CleanTrack, rows: IntArray, fit: Movement,
             tolerance: float, low_kmh: float) -> BoolArray:
    """Whether each fix moves along the route (cos of the angle >= ``tolerance``), in the
    fitted direction.

    The terminal's course is the better witness where it is plausible: the vehicle reports
    a course at all, moves at band speed, and the course is within 90 degrees of the fitted
    movement. Right after a turn the window still holds the side street, and a slow, noisy
    crossing can fit as if it ran along. Elsewhere the fitted movement decides
    (|along| >= tolerance x ground speed).
    """
    ux, uy = geom.direction_at(fit.m)
    course = np.radians(track.fixes.course_deg[rows])
    east, north = np.sin(course), np.cos(course)
    sign = np.where(fit.v_along < 0, -1.0, 1.0)
    trusted = (track.course_reported[rows] & (track.fixes.speed_kmh[rows] >= low_kmh)
               & (east * fit.v_east + north * fit.v_north > 0))
    fitted = np.abs(fit.v_along) >= tolerance * fit.v_ground
    aligned: BoolArray = np.where(trusted, sign * (ux * east + uy * north) >= tolerance, fitted)
    return aligned


def _linked(track: CleanTrack, pairs: Pairs, params: CoverageParams,
            rows: IntArray) -> BoolArray:
    """Per candidate, whether it continues the previous candidate's segment."""
    linked = np.zeros(len(rows), dtype=np.bool_)
    if len(rows) > 1:
        a, b = rows[:-1], rows[1:]
        linked[1:] = ((track.fixes.vehicle[a] == track.fixes.vehicle[b])
                      & (pairs.rank[b] - pairs.rank[a] <= params.outlier_fixes + 1)
                      & ~pairs.silent(track, params, a, b))
    return linked


def _with_axial_neighbours(geom: RouteGeometry, track: CleanTrack, pairs: Pairs,
                           params: CoverageParams, rows: IntArray,
                           scratch: BoolArray) -> IntArray:
    """``rows`` plus the fixes just before and after each candidate that lie out on the
    route's axis past its ends (the street's continuation, as wide as the search area), not a
    silence away."""
    if len(rows) == 0:
        return rows
    before = pairs.prev[rows]
    after = pairs.nxt[rows]
    scratch[rows] = True
    try:
        before = before[(before >= 0) & ~scratch[np.maximum(before, 0)]]
        after = after[(after >= 0) & ~scratch[np.maximum(after, 0)]]
    finally:
        scratch[rows] = False
    before = before[~pairs.gap[before]]
    after = after[~pairs.gap[pairs.prev[after]]]
    outside = np.unique(np.concatenate((before, after)))
    if len(outside) == 0:
        return rows
    m, offset = geom.axial(track.x[outside], track.y[outside])
    past_end = (m < geom.cum[0]) | (m > geom.cum[-1])
    on_axis = np.abs(offset) <= geom.route.half_width_m + params.search_margin_m
    return np.sort(np.concatenate((rows, outside[past_end & on_axis])))


def _intervals(track: CleanTrack, params: CoverageParams, rows: IntArray, segment: IntArray,
               working: BoolArray, against: BoolArray, equipment: StateArray) -> Intervals:
    w = np.flatnonzero(working)
    a, b = w[:-1], w[1:]
    off_before = np.concatenate(([0], np.cumsum(equipment == OFF)))
    t = track.fixes.t[rows]
    keep = ((segment[a] == segment[b]) & (b - a <= params.outlier_fixes + 1)
            & (against[a] == against[b]) & (off_before[b] == off_before[a])
            & (t[b] - t[a] <= params.max_pair_gap_s))
    a, b = a[keep], b[keep]
    return Intervals(a=a, b=b, direction=against[a].astype(np.int64),
                      confirmed=(equipment[a] == ON) & (equipment[b] == ON))


def _runs(geom: RouteGeometry, track: CleanTrack, params: CoverageParams, rows: IntArray,
          m: FloatArray, iv: Intervals, reach: Reach) -> RouteCredit:
    """Chain intervals into runs, drop short runs, expand the rest into bin entries."""
    a, b = iv.a, iv.b
    start = np.ones(len(a), dtype=np.bool_)
    if len(a) > 1:
        start[1:] = ((a[1:] != b[:-1]) | (iv.direction[1:] != iv.direction[:-1])
                     | (iv.confirmed[1:] != iv.confirmed[:-1]))
    run_of = np.cumsum(start) - 1
    first = np.flatnonzero(start)
    lo, hi = np.minimum(m[a], m[b]), np.maximum(m[a], m[b])
    m_from = np.minimum.reduceat(lo, first) if len(first) else np.zeros(0)
    m_to = np.maximum.reduceat(hi, first) if len(first) else np.zeros(0)
    m_from, m_to = np.clip(m_from, 0, geom.length_m), np.clip(m_to, 0, geom.length_m)
    keep_run = m_to - m_from >= params.min_run_m
    keep = keep_run[run_of]
    run_id = (np.cumsum(keep_run) - 1)[run_of[keep]]
    last = np.concatenate((first[1:], [len(a)])) - 1 if len(first) else first
    first, last = first[keep_run], last[keep_run]
    entry_bin, entry_run, entry_time = _entries(geom, track.fixes.t[rows], m, a[keep], b[keep],
                                                run_id)
    return RouteCredit(
        run_vehicle=track.fixes.vehicle[rows[a[first]]], run_direction=iv.direction[first],
        run_confirmed=iv.confirmed[first], run_m_from=m_from[keep_run],
        run_m_to=m_to[keep_run], run_first_fix=rows[a[first]], run_last_fix=rows[b[last]],
        run_fixes=(b[last] - a[first] + 1).astype(np.int64),
        entry_bin=entry_bin, entry_run=entry_run, entry_time=entry_time,
        gap_from_fix=reach.from_fix, gap_to_fix=reach.to_fix, gap_m_from=reach.m_from,
        gap_m_to=reach.m_to, gap_bins=reach.bins, candidate_fixes=len(rows))


def _entries(geom: RouteGeometry, t: FloatArray, m: FloatArray, a: IntArray, b: IntArray,
             run_id: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
    """One row per (interval, bin whose midpoint it covers), with the interpolated time."""
    m_a, m_b = m[a], m[b]
    first, past = geom.bin_range(np.minimum(m_a, m_b), np.maximum(m_a, m_b))
    count = np.clip(past - first, 0, None).astype(np.int64)
    total = int(count.sum())
    pair = np.repeat(np.arange(len(a)), count)
    offsets = np.cumsum(count) - count
    bins = first.astype(np.int64)[pair] + (np.arange(total) - offsets[pair])
    mid = (bins + 0.5) * geom.bin_len
    t_a, t_b = t[a][pair], t[b][pair]
    frac = (mid - m_a[pair]) / (m_b[pair] - m_a[pair])
    return bins, run_id[pair], t_a + frac * (t_b - t_a)
