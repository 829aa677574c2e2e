"""Which movements earn credit on which route: the work-pair rules of research/domain.md §2.3.

Two consecutive usable fixes of a vehicle form a *pair*. A pair is

- a **data gap** when the fixes are more than ``max_pair_gap_s`` or ``max_pair_step_m`` apart:
  nobody knows what happened in between, so it can make a stretch *unknown*, never served;
- a **work pair** on a route when, in addition: neither end is parked jitter; the equipment is
  on at both ends (or unknown at an end: then the credit is *unconfirmed*); the implied speed
  is inside the treatment's band; both fixes lie in the route's corridor; the progress along
  the route is at least ``min_progress_ratio`` of the movement (a crossing progresses ~0); and
  the movement is within ``heading_tolerance_deg`` of the route stretch it covers, either way.

Consecutive work pairs of one vehicle in one direction chain into a *run* (one pass). A run
shorter than ``min_run_m`` is dropped: that is a turn through an intersection, not a pass. Each
run credits the bins whose midpoints its pairs cover (half-open intervals, so a bin is credited
once per run even where consecutive pairs meet), at the time interpolated to the midpoint.

All of it is array arithmetic over the candidates of one route; no per-fix Python loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dispatch.cleaning import REJECTED, CleanTrack, Flag
from dispatch.equipment import OFF, ON, UNKNOWN
from dispatch.fixes import BoolArray, FloatArray, IntArray
from dispatch.parameters import CoverageParams
from dispatch.route_geometry import RouteGeometry

__all__ = ["FixIndex", "Pairs", "RouteCredit", "credit_route", "make_pairs"]

Int8Array = npt.NDArray[np.int8]


@dataclass(frozen=True, slots=True, eq=False)
class Pairs:
    """Pair attributes indexed by the pair's first fix ``a`` (row of the CleanTrack)."""

    nxt: IntArray  # the pair's second fix, -1 when a has none (last usable fix of its vehicle)
    dt: FloatArray
    ds: FloatArray
    workable: BoolArray  # close enough in time and space, neither end parked jitter
    gap: BoolArray  # a data gap starts at a
    equipment: Int8Array  # ON both ends, OFF if off at either end, else UNKNOWN


def make_pairs(track: CleanTrack, params: CoverageParams) -> Pairs:
    """Pair every usable fix with the next usable fix of the same vehicle."""
    n = len(track)
    nxt = np.full(n, -1, dtype=np.int64)
    keep = np.flatnonzero(track.usable)
    if len(keep) > 1:
        same = track.fixes.vehicle[keep[1:]] == track.fixes.vehicle[keep[:-1]]
        nxt[keep[:-1][same]] = keep[1:][same]
    has = nxt >= 0
    b = np.where(has, nxt, np.arange(n))
    dt = np.where(has, track.fixes.t[b] - track.fixes.t, math.nan)
    ds = np.where(has, np.hypot(track.x[b] - track.x, track.y[b] - track.y), math.nan)
    close = has & (dt <= params.max_pair_gap_s) & (ds <= params.max_pair_step_m) & (dt > 0)
    jitter = (track.flags & int(Flag.JITTER)) != 0
    workable = close & ~jitter & ~jitter[b]
    gap = has & ~close & (dt > 0)
    ea, eb = track.equipment, track.equipment[b]
    equipment = np.where((ea == OFF) | (eb == OFF), OFF,
                         np.where((ea == ON) & (eb == ON), ON, UNKNOWN)).astype(np.int8)
    return Pairs(nxt=nxt, dt=dt, ds=ds, workable=workable, gap=gap, equipment=equipment)


@dataclass(frozen=True, slots=True, eq=False)
class FixIndex:
    """Usable fixes sorted by x, so a route's bounding box selects its candidates by bisection."""

    order: IntArray
    xs: FloatArray

    @classmethod
    def build(cls, track: CleanTrack) -> FixIndex:
        usable = np.flatnonzero((track.flags & int(REJECTED)) == 0)
        by_x = np.argsort(track.x[usable], kind="stable")
        order = usable[by_x]
        return cls(order=order, xs=track.x[order])

    def in_box(self, track: CleanTrack, box: tuple[float, float, float, float]) -> IntArray:
        minx, miny, maxx, maxy = box
        lo, hi = np.searchsorted(self.xs, [minx, maxx], side="left")
        rows = self.order[lo:hi]
        ys = track.y[rows]
        picked: IntArray = rows[(ys >= miny) & (ys <= maxy)]
        return picked


@dataclass(frozen=True, slots=True, eq=False)
class RouteCredit:
    """What one route earned: runs (passes), their bin entries, and the bins under data gaps."""

    # runs, one row per pass
    run_vehicle: IntArray
    run_direction: IntArray  # 0 as drawn, 1 against
    run_confirmed: BoolArray
    run_m_from: FloatArray
    run_m_to: FloatArray
    run_first_fix: IntArray  # CleanTrack rows
    run_last_fix: IntArray
    run_pairs: IntArray
    # one row per (bin, run): the bin, the run, when the run passed the bin's midpoint
    entry_bin: IntArray
    entry_run: IntArray
    entry_time: FloatArray
    # data gaps over the route: CleanTrack rows of both ends, and the bins they hide
    gap_from_fix: IntArray
    gap_to_fix: IntArray
    gap_m_from: FloatArray
    gap_m_to: FloatArray
    gap_bins: BoolArray  # per bin
    candidate_fixes: int

    @property
    def runs(self) -> int:
        return len(self.run_vehicle)


@dataclass(frozen=True, slots=True, eq=False)
class _Gaps:
    from_fix: IntArray
    to_fix: IntArray
    m_from: FloatArray
    m_to: FloatArray
    bins: BoolArray


def credit_route(geom: RouteGeometry, track: CleanTrack, pairs: Pairs, index: FixIndex,
                 eligible: BoolArray, params: CoverageParams, scratch: BoolArray,
                 m_buf: FloatArray) -> RouteCredit:
    """Runs, bin entries and gap bins of one route.

    ``eligible[row]`` says whether the vehicle of that fix may earn this route's credit
    (treatment, assignment). ``scratch`` (all False) and ``m_buf`` are caller-owned arrays of
    the track's length, reused across routes so that no full-length array is allocated here.
    """
    rows = index.in_box(track, geom.bounds)
    rows = np.sort(rows[geom.contains(track.x[rows], track.y[rows])])
    m_buf[rows] = geom.locate(track.x[rows], track.y[rows])
    scratch[rows] = True
    try:
        a = rows[(pairs.nxt[rows] >= 0) & eligible[rows]]
        a = a[scratch[pairs.nxt[a]]]
    finally:
        scratch[rows] = False
    gap_a = a[pairs.gap[a]]
    gap_m_a, gap_m_b = m_buf[gap_a], m_buf[pairs.nxt[gap_a]]
    gaps = _Gaps(gap_a, pairs.nxt[gap_a], np.minimum(gap_m_a, gap_m_b),
                 np.maximum(gap_m_a, gap_m_b), _gap_bins(geom, gap_m_a, gap_m_b))
    work = a[pairs.workable[a] & (pairs.equipment[a] != OFF)]
    credited = _credited(geom, track, pairs, work, m_buf, params)
    a, b = work[credited], pairs.nxt[work[credited]]
    return _runs(geom, track, pairs, a, b, m_buf, params, gaps, len(rows))


def _credited(geom: RouteGeometry, track: CleanTrack, pairs: Pairs, a: IntArray,
              m: FloatArray, params: CoverageParams) -> BoolArray:
    b = pairs.nxt[a]
    low, high = params.speed_band(geom.route.treatment)
    speed = pairs.ds[a] / pairs.dt[a] * 3.6
    progress = np.abs(m[b] - m[a])
    cos = geom.heading_cos(m[a], m[b], track.x[b] - track.x[a], track.y[b] - track.y[a])
    ok: BoolArray = ((speed >= low) & (speed <= high)
                     & (progress > 0) & (progress >= params.min_progress_ratio * pairs.ds[a])
                     & (cos >= math.cos(math.radians(params.heading_tolerance_deg))))
    return ok


def _gap_bins(geom: RouteGeometry, m_a: FloatArray, m_b: FloatArray) -> BoolArray:
    hidden = np.zeros(geom.n_bins, dtype=np.bool_)
    if len(m_a) == 0:
        return hidden
    lo, hi = np.minimum(m_a, m_b), np.maximum(m_a, m_b)
    first = np.clip(np.ceil(lo / geom.bin_len - 0.5), 0, geom.n_bins).astype(np.int64)
    last = np.clip(np.floor(hi / geom.bin_len - 0.5), -1, geom.n_bins - 1).astype(np.int64)
    delta = np.zeros(geom.n_bins + 1, dtype=np.int64)
    valid = last >= first
    np.add.at(delta, first[valid], 1)
    np.add.at(delta, last[valid] + 1, -1)
    hidden |= np.cumsum(delta[:-1]) > 0
    return hidden


def _runs(geom: RouteGeometry, track: CleanTrack, pairs: Pairs, a: IntArray, b: IntArray,
          m: FloatArray, params: CoverageParams, gaps: _Gaps, candidates: int) -> RouteCredit:
    """Chain credited pairs (sorted by first fix) into runs, drop short runs, expand to bins."""
    vehicle = track.fixes.vehicle[a]
    m_a, m_b = m[a], m[b]
    direction = (m_b < m_a).astype(np.int64)
    confirmed = pairs.equipment[a] == ON
    start = np.ones(len(a), dtype=np.bool_)
    if len(a) > 1:
        start[1:] = ((a[1:] != b[:-1]) | (vehicle[1:] != vehicle[:-1])
                     | (direction[1:] != direction[:-1]) | (confirmed[1:] != confirmed[:-1]))
    run_of_pair = np.cumsum(start) - 1
    first = np.flatnonzero(start)
    last = np.concatenate((first[1:], [len(a)])) - 1 if len(first) else first
    progress = np.bincount(run_of_pair, weights=np.abs(m_b - m_a), minlength=len(first))
    keep_run = progress >= params.min_run_m
    first, last = first[keep_run], last[keep_run]
    keep_pair = keep_run[run_of_pair]
    run_id = (np.cumsum(keep_run) - 1)[run_of_pair[keep_pair]]
    ka, kb, kma, kmb = a[keep_pair], b[keep_pair], m_a[keep_pair], m_b[keep_pair]
    entry_bin, entry_run, entry_time = _entries(geom, track, ka, kb, kma, kmb, run_id)
    lo, hi = np.minimum(kma, kmb), np.maximum(kma, kmb)
    kept_starts = np.flatnonzero(start[keep_pair])
    m_from = np.minimum.reduceat(lo, kept_starts) if len(kept_starts) else np.zeros(0)
    m_to = np.maximum.reduceat(hi, kept_starts) if len(kept_starts) else np.zeros(0)
    m_from, m_to = np.clip(m_from, 0, geom.length_m), np.clip(m_to, 0, geom.length_m)
    return RouteCredit(
        run_vehicle=vehicle[first], run_direction=direction[first],
        run_confirmed=confirmed[first], run_m_from=m_from, run_m_to=m_to,
        run_first_fix=a[first], run_last_fix=b[last],
        run_pairs=(last - first + 1).astype(np.int64),
        entry_bin=entry_bin, entry_run=entry_run, entry_time=entry_time,
        gap_from_fix=gaps.from_fix, gap_to_fix=gaps.to_fix, gap_m_from=gaps.m_from,
        gap_m_to=gaps.m_to, gap_bins=gaps.bins,
        candidate_fixes=candidates,
    )


def _entries(geom: RouteGeometry, track: CleanTrack, a: IntArray, b: IntArray,
             m_a: FloatArray, m_b: FloatArray,
             run_id: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
    """One row per (pair, bin whose midpoint the pair covers), with the interpolated time."""
    lo, hi = np.minimum(m_a, m_b), np.maximum(m_a, m_b)
    first, past = geom.bin_range(lo, hi)
    count = np.clip(past - first, 0, None).astype(np.int64)
    total = int(count.sum())
    pair = np.repeat(np.arange(len(a)), count)
    offsets = np.cumsum(count) - count
    bins = first.astype(np.int64)[pair] + (np.arange(total) - offsets[pair])
    mid = (bins + 0.5) * geom.bin_len
    t_a, t_b = track.fixes.t[a][pair], track.fixes.t[b][pair]
    frac = (mid - m_a[pair]) / (m_b[pair] - m_a[pair])
    return bins, run_id[pair], t_a + frac * (t_b - t_a)
