"""Where passes begin and end: U-turns, turns in from and out to side streets, and what a
sparse terminal skips on the way in or out.

A pass is made of the fixes that work the route, but a vehicle works the street a little
beyond them: at a U-turn it turned somewhere past the last fix of one pass and the first of
the next; turning in from a side street it drove from the corner to its first working fix,
whose fit window still held the side street. These functions carry the passes that far, and
no further than the fixes around them allow. Where a terminal is too sparse to see the turn at
all, the stretch it may have worked meanwhile is handed on as *within reach* (unknown), never
as served.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dispatch.along_route import Movement
from dispatch.cleaning import CleanTrack
from dispatch.equipment import OFF
from dispatch.fixes import BoolArray, FloatArray, IntArray
from dispatch.parameters import CoverageParams
from dispatch.route_geometry import RouteGeometry
from dispatch.silences import Pairs

__all__ = ["Intervals", "entries_unseen", "lone_workers", "turning_points", "turns_in_and_out",
           "turns_unseen"]


@dataclass(frozen=True, slots=True, eq=False)
class Intervals:
    """Credited intervals between candidate positions ``a`` < ``b`` (indices into rows)."""

    a: IntArray
    b: IntArray
    direction: IntArray
    confirmed: BoolArray


def turning_points(m: FloatArray, reverses: BoolArray, working: BoolArray,
                   against: BoolArray) -> FloatArray:
    """Fitted positions with both passes of each U-turn carried to the turning point.

    ``reverses`` marks the first fix after a U-turn within a segment. The vehicle turned
    between that fix and the one before, somewhere at least as far out as the farther of the
    two, so both passes reached that far.
    """
    after = np.flatnonzero(reverses)
    before = after - 1
    turn = working[before] & working[after] & (against[before] != against[after])
    before, after = before[turn], after[turn]
    far = np.where(against[before], np.minimum(m[before], m[after]),
                   np.maximum(m[before], m[after]))
    carried = m.copy()
    carried[before] = far
    carried[after] = far
    return carried


def turns_unseen(pairs: Pairs, rows: IntArray, reverses: BoolArray, working: BoolArray,
                 against: BoolArray) -> IntArray:
    """First fixes of the pairs around each U-turn between two working fixes: how far out the
    vehicle went before it turned is not seen, so what lies within reach stays unknown."""
    after = np.flatnonzero(reverses)
    before = after - 1
    turn = (working[before] & working[after] & (against[before] != against[after])
            & (pairs.nxt[rows[before]] == rows[after]))
    starts: IntArray = rows[before[turn]]
    return starts


def turns_in_and_out(iv: Intervals, m: FloatArray, m_raw: FloatArray, segment: IntArray,
                     working: BoolArray, bridge: BoolArray) -> tuple[Intervals, FloatArray]:
    """Each pass extended to the fix just before it and just after it in its segment (so near
    the route), where that fix does not work but has the equipment not off (``bridge``): a
    vehicle turning in from or out to a side street drove the route between the corner and
    its first working fix, and the corner lies about where that fix projects onto the axis
    (its own, unfitted, position). At most one step between fixes is added at each end.
    """
    starts = iv.a[~np.isin(iv.a, iv.b)]
    ends = iv.b[~np.isin(iv.b, iv.a)]
    first_of = np.searchsorted(iv.a, starts)
    last_of = np.searchsorted(iv.b, ends)
    before, after = starts - 1, ends + 1
    n = len(m)
    ok_before = (before >= 0) & _joinable(before, starts, segment, bridge, working)
    ok_after = (after < n) & _joinable(np.minimum(after, n - 1), ends, segment, bridge, working)
    forward_in = iv.direction[first_of] == 0
    forward_out = iv.direction[last_of] == 0
    behind = np.where(forward_in, m_raw[np.maximum(before, 0)] < m[starts],
                      m_raw[np.maximum(before, 0)] > m[starts])
    ahead = np.where(forward_out, m_raw[np.minimum(after, n - 1)] > m[ends],
                     m_raw[np.minimum(after, n - 1)] < m[ends])
    take_in, take_out = ok_before & behind, ok_after & ahead
    a = np.concatenate((iv.a, before[take_in], ends[take_out]))
    b = np.concatenate((iv.b, starts[take_in], after[take_out]))
    direction = np.concatenate((iv.direction, iv.direction[first_of[take_in]],
                                iv.direction[last_of[take_out]]))
    confirmed = np.concatenate((iv.confirmed, iv.confirmed[first_of[take_in]],
                                iv.confirmed[last_of[take_out]]))
    order = np.lexsort((b, a))
    credited = m.copy()
    credited[before[take_in]] = m_raw[before[take_in]]
    credited[after[take_out]] = m_raw[after[take_out]]
    return Intervals(a=a[order], b=b[order], direction=direction[order],
                     confirmed=confirmed[order]), credited


def _joinable(neighbour: IntArray, end: IntArray, segment: IntArray, bridge: BoolArray,
              working: BoolArray) -> BoolArray:
    """Whether a pass ending (or starting) at ``end`` may be carried to ``neighbour``."""
    joinable: BoolArray = (segment[neighbour] == segment[end]) & bridge[neighbour] & working[end]
    return joinable


def lone_workers(geom: RouteGeometry, track: CleanTrack, params: CoverageParams,
                 rows: IntArray, m: FloatArray, fit: Movement, on_axis: BoolArray) -> BoolArray:
    """Fixes too sparse to fit (alone near the route) that could be working it: on the axis,
    equipment not off, reported speed in the band and, where reported, the course along the
    route (at the fix's position ``m``) either way."""
    low, high = params.speed_band(geom.route.treatment)
    speed = track.fixes.speed_kmh[rows]
    lone: BoolArray = (np.isnan(fit.v_along) & on_axis & (track.equipment[rows] != OFF)
                       & (speed >= low - params.band_margin_kmh)
                       & (speed <= high + params.band_margin_kmh))
    at = np.flatnonzero(lone & track.course_reported[rows])
    ux, uy = geom.direction_at(m[at])
    course = np.radians(track.fixes.course_deg[rows[at]])
    along = np.abs(ux * np.sin(course) + uy * np.cos(course))
    lone[at] = along >= math.cos(math.radians(params.heading_tolerance_deg))
    return lone


def entries_unseen(track: CleanTrack, pairs: Pairs, rows: IntArray, working: BoolArray,
                   scratch: BoolArray) -> IntArray:
    """First fixes of the pairs that step onto a working fix from outside the candidates (the
    search area and the axis past the ends), or off one to outside, with the equipment not
    off: the vehicle turned in from or out to a side street somewhere in between, unseen, and
    may have worked the stretch between the turn and the fix."""
    if len(rows) == 0:
        return rows
    scratch[rows] = True
    try:
        before, after = pairs.prev[rows], pairs.nxt[rows]
        entering = working & (before >= 0) & ~scratch[np.maximum(before, 0)]
        leaving = working & (after >= 0) & ~scratch[np.maximum(after, 0)]
    finally:
        scratch[rows] = False
    starts = np.concatenate((before[entering], rows[leaving]))
    on = (track.equipment[starts] != OFF) & (track.equipment[pairs.nxt[starts]] != OFF)
    picked: IntArray = starts[on & ~pairs.gap[starts]]
    return picked
