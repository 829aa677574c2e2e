"""Consecutive fixes of a vehicle, the silences between them, and what a silence could hide.

A *silence* (data gap) is a pause in reporting longer than the terminal's own rhythm allows:
more than ``max_pair_gap_s``, or more than ``max_pair_step_m`` travelled in more than
``gap_factor`` times the vehicle's usual interval (the median over the window). So a terminal
that reports every 60 s is read as it reports, while a 1 s terminal that falls quiet for 20 s
over 170 m is silent there.

What a silence hides is not only the straight line between its two fixes: any stretch the
vehicle could have reached and left again in the time is possible. A route point P is *within
reach* of a pause from fix a to fix b when |aP| + |Pb| <= v * dt, v being the top of the
route's working speed band (an ellipse with a and b as foci), whether or not either fix lies on
the route. A pair within the terminal's rhythm is an observation, not a silence: the vehicle
went from a to b, and what it did there is judged from the fixes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dispatch.cleaning import CleanTrack
from dispatch.fixes import BoolArray, FloatArray, IntArray
from dispatch.parameters import CoverageParams
from dispatch.route_geometry import RouteGeometry

__all__ = ["Pairs", "Reach", "make_pairs", "reach_of_route"]


@dataclass(frozen=True, slots=True, eq=False)
class Pairs:
    """Per CleanTrack row ``a``: its pair with the next usable fix of the same vehicle."""

    nxt: IntArray  # the next usable fix of the vehicle, -1: none
    prev: IntArray  # the previous usable fix of the vehicle, -1: none
    rank: IntArray  # position among the usable fixes (to count the fixes between two rows)
    cadence: FloatArray  # the vehicle's usual interval between fixes, seconds
    gap: BoolArray  # a silence starts at a

    def silent(self, track: CleanTrack, params: CoverageParams, a: IntArray,
               b: IntArray) -> BoolArray:
        """Whether going from fix a to a later fix b of the same vehicle means a silence."""
        dt = track.fixes.t[b] - track.fixes.t[a]
        ds = np.hypot(track.x[b] - track.x[a], track.y[b] - track.y[a])
        silent: BoolArray = (dt > params.max_pair_gap_s) | (
            (ds > params.max_pair_step_m) & (dt > params.gap_factor * self.cadence[a]))
        return silent


def make_pairs(track: CleanTrack, params: CoverageParams) -> Pairs:
    """Pair every usable fix with the next usable fix of the same vehicle."""
    n = len(track)
    nxt = np.full(n, -1, dtype=np.int64)
    prev = np.full(n, -1, dtype=np.int64)
    usable = track.usable
    keep = np.flatnonzero(usable)
    if len(keep) > 1:
        same = track.fixes.vehicle[keep[1:]] == track.fixes.vehicle[keep[:-1]]
        nxt[keep[:-1][same]] = keep[1:][same]
        prev[keep[1:][same]] = keep[:-1][same]
    has = nxt >= 0
    b = np.where(has, nxt, np.arange(n))
    dt = track.fixes.t[b] - track.fixes.t
    pairs = Pairs(nxt=nxt, prev=prev, rank=np.cumsum(usable) - 1,
                  cadence=_cadence(track.fixes.vehicle, dt, has & (dt > 0)),
                  gap=np.zeros(n, dtype=np.bool_))
    pairs.gap[:] = has & (dt > 0) & pairs.silent(track, params, np.arange(n), b)
    return pairs


def _cadence(vehicle: IntArray, dt: FloatArray, real: BoolArray) -> FloatArray:
    """Per row, the median interval between consecutive fixes of that row's vehicle."""
    out = np.full(len(vehicle), math.inf)
    rows = np.flatnonzero(real)
    if len(rows) == 0:
        return out
    order = rows[np.lexsort((dt[rows], vehicle[rows]))]
    v = vehicle[order]
    starts = np.flatnonzero(np.concatenate(([True], v[1:] != v[:-1])))
    counts = np.diff(np.concatenate((starts, [len(order)])))
    medians = dt[order[starts + (counts - 1) // 2]]
    ids = v[starts]
    where = np.searchsorted(ids, vehicle)
    known = (where < len(ids)) & (ids[np.minimum(where, len(ids) - 1)] == vehicle)
    out[known] = medians[where[known]]
    return out


@dataclass(frozen=True, slots=True, eq=False)
class Reach:
    """The pairs whose reach touches a route, and the route's bins within any of them."""

    from_fix: IntArray
    to_fix: IntArray
    m_from: FloatArray
    m_to: FloatArray
    bins: BoolArray  # per bin


def reach_of_route(geom: RouteGeometry, track: CleanTrack, pairs: Pairs, starts: IntArray,
                   speed_ms: float) -> Reach:
    """Bins of the route within reach of the pairs starting at ``starts`` (eligible rows)."""
    a, b = starts, pairs.nxt[starts]
    reach = speed_ms * (track.fixes.t[b] - track.fixes.t[a])
    # No point of the ellipse is further from the segment ab than its semi-minor axis, so the
    # ellipse lies in the box of its foci grown by that on every side.
    focal = np.hypot(track.x[b] - track.x[a], track.y[b] - track.y[a])
    grow = np.sqrt(np.maximum(reach * reach - focal * focal, 0.0)) / 2
    minx, miny, maxx, maxy = geom.bounds
    near = ((np.minimum(track.x[a], track.x[b]) - grow <= maxx)
            & (np.maximum(track.x[a], track.x[b]) + grow >= minx)
            & (np.minimum(track.y[a], track.y[b]) - grow <= maxy)
            & (np.maximum(track.y[a], track.y[b]) + grow >= miny))
    a, b, reach = a[near], b[near], reach[near]
    mids = (np.arange(geom.n_bins, dtype=np.float64) + 0.5) * geom.bin_len
    px, py = geom.point_at(mids)
    within = (np.hypot(px[None, :] - track.x[a][:, None], py[None, :] - track.y[a][:, None])
              + np.hypot(px[None, :] - track.x[b][:, None], py[None, :] - track.y[b][:, None])
              <= reach[:, None])
    touching = within.any(axis=1)
    within, a, b = within[touching], a[touching], b[touching]
    first = np.argmax(within, axis=1)
    last = geom.n_bins - 1 - np.argmax(within[:, ::-1], axis=1)
    hidden = np.asarray(within.any(axis=0), dtype=np.bool_)
    return Reach(from_fix=a, to_fix=b, m_from=first * geom.bin_len,
                 m_to=(last + 1) * geom.bin_len, bins=hidden)
