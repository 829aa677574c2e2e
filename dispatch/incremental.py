"""Coverage recomputed after its fixes changed: only the routes the change can reach.

A route's verdict depends on the fixes near it, on their neighbours in the vehicle's track
(cleaning judges a fix by its neighbours; pairs, segments and passes link consecutive fixes),
on the silences of eligible vehicles whose reach touches it, and on two figures per vehicle
over the whole window: its usual interval between fixes (``silences``) and whether it reports
a course (``cleaning``). So when fixes are added (a late black-box upload) or enter or leave
the window (a window that slides with the clock), a route keeps its previous verdict unless

- a *changed stretch of track* comes into its search box: the changed fixes of one vehicle
  with ``NEIGHBOURS`` usable fixes either side, grown by the distance the vehicle could cover
  at the fastest working speed in half the stretch's time span (which bounds every silence
  the change opens or closes, as in ``silences.reach_of_route``);
- or some vehicle's interval or course reporting changed, the registry or the parameters
  changed (every route is recomputed), or the route itself changed.

A kept verdict is then exactly what a full recompute gives: the verdict is a pure function of
the route and the fixes it depends on, and none of those changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import numpy as np

from dispatch.cleaning import Flag
from dispatch.coverage import CoverageResult, PreparedFixes, RouteCoverage, prepare_fixes
from dispatch.equipment import VehicleInfo
from dispatch.fixes import FixArrays, FloatArray, IntArray
from dispatch.parameters import CoverageParams
from dispatch.projection import Projection, projection_for
from dispatch.routes import Route

__all__ = ["NEIGHBOURS", "CachedCoverage", "FixChanges", "compute_cached", "update_cached"]

#: Usable fixes either side of a change that it can alter: more than a speed-jump check's
#: rounds, an interval's outlier fixes and a pass's link to the fix past a route's end reach.
NEIGHBOURS: Final = 8

#: Flags a fix has whatever its neighbours: such a fix is never used where it was taken.
_PLACELESS: Final = int(Flag.INVALID | Flag.POOR_HDOP | Flag.FEW_SATELLITES | Flag.FUTURE_TIME
                        | Flag.TOO_EARLY)
Rhythm = Mapping[int, tuple[float, bool]]  # vehicle -> (usual interval s, reports a course)


@dataclass(frozen=True, slots=True, eq=False)
class FixChanges:
    """Fixes added to, or gone from, those a previous result was computed from."""

    vehicle: IntArray
    t: FloatArray
    lon: FloatArray
    lat: FloatArray

    def __len__(self) -> int:
        return len(self.vehicle)


@dataclass(frozen=True, slots=True, eq=False)
class CachedCoverage:
    """A result and what deciding its reuse needs; ``recomputed``: the routes (ids) that were
    computed to make it rather than kept."""

    result: CoverageResult
    rhythm: Rhythm
    recomputed: tuple[int | None, ...]


def compute_cached(routes: Sequence[Route], fixes: FixArrays,
                   vehicles: Mapping[int, VehicleInfo], *, window: tuple[datetime, datetime],
                   now: datetime, params: CoverageParams | None = None,
                   projection: Projection | None = None) -> CachedCoverage:
    """``compute_coverage``, keeping what :func:`update_cached` needs to reuse it."""
    prepared = prepare_fixes(fixes, vehicles, window, params or CoverageParams(),
                             projection or projection_for())
    result = prepared.result([prepared.cover(route) for route in routes], now)
    return CachedCoverage(result, _rhythm(prepared), tuple(r.id for r in routes))


def update_cached(previous: CachedCoverage, routes: Sequence[Route], fixes: FixArrays,
                  vehicles: Mapping[int, VehicleInfo], changes: FixChanges, *,
                  window: tuple[datetime, datetime], now: datetime,
                  params: CoverageParams | None = None,
                  projection: Projection | None = None) -> CachedCoverage:
    """The coverage of ``fixes`` (the previous result's fixes and ``changes``), recomputing
    only the routes the changes can reach."""
    params = params or CoverageParams()
    prepared = prepare_fixes(fixes, vehicles, window, params, projection or projection_for())
    rhythm = _rhythm(prepared)
    kept: dict[int | None, RouteCoverage] = {}
    if (params == previous.result.params and dict(vehicles) == dict(previous.result.vehicles)
            and all(rhythm[v] == was for v, was in previous.rhythm.items() if v in rhythm)):
        kept = {rc.route.id: rc for rc in previous.result.routes if rc.route.id is not None}
        for i in _reached(routes, prepared, changes):
            kept.pop(routes[i].id, None)
    out, recomputed = [], []
    for route in routes:
        old = kept.get(route.id)
        if old is not None and old.route == route:
            out.append(old)
        else:
            out.append(prepared.cover(route))
            recomputed.append(route.id)
    return CachedCoverage(prepared.result(out, now), rhythm, tuple(recomputed))


def _rhythm(prepared: PreparedFixes) -> dict[int, tuple[float, bool]]:
    track = prepared.track
    ids, first = np.unique(track.fixes.vehicle, return_index=True)
    return {int(v): (float(prepared.pairs.cadence[i]), bool(track.course_reported[i]))
            for v, i in zip(ids.tolist(), first.tolist(), strict=True)}


def _reached(routes: Sequence[Route], prepared: PreparedFixes,
             changes: FixChanges) -> list[int]:
    """Indices of the routes whose search box a changed stretch of track comes into."""
    boxes = _changed_boxes(prepared, changes, routes)
    if len(boxes) == 0:
        return []
    params = prepared.params
    reached = []
    for i, route in enumerate(routes):
        lon = np.array([c[0] for c in route.coordinates])
        lat = np.array([c[1] for c in route.coordinates])
        x, y = prepared.projection.to_metric_array(lon, lat)
        grow = route.half_width_m + params.search_margin_m + params.end_extension_m
        if np.any((boxes[:, 0] <= x.max() + grow) & (boxes[:, 2] >= x.min() - grow)
                  & (boxes[:, 1] <= y.max() + grow) & (boxes[:, 3] >= y.min() - grow)):
            reached.append(i)
    return reached


def _changed_boxes(prepared: PreparedFixes, changes: FixChanges,
                   routes: Sequence[Route]) -> FloatArray:
    """(minx, miny, maxx, maxy) per changed stretch of track, grown by its reach."""
    track = prepared.track
    speed_ms = max((prepared.params.speed_band(r.treatment)[1] for r in routes),
                   default=0.0) / 3.6
    cx, cy = prepared.projection.to_metric_array(changes.lon, changes.lat)
    ids, starts = np.unique(track.fixes.vehicle, return_index=True)
    ends = np.concatenate((starts[1:], [len(track)]))
    usable = np.flatnonzero(track.usable)
    boxes: list[tuple[float, float, float, float]] = []
    for vehicle in np.unique(changes.vehicle).tolist():
        mine = np.flatnonzero(changes.vehicle == vehicle)
        mine = mine[np.argsort(changes.t[mine], kind="stable")]
        k = int(np.searchsorted(ids, vehicle))
        start, end = ((int(starts[k]), int(ends[k])) if k < len(ids) and ids[k] == vehicle
                      else (0, 0))
        ts = track.fixes.t[start:end]
        lo = start + np.searchsorted(ts, changes.t[mine], side="left")
        hi = start + np.searchsorted(ts, changes.t[mine], side="right")
        own = usable[np.searchsorted(usable, start):np.searchsorted(usable, end)]
        if len(own):
            before = np.searchsorted(own, lo) - NEIGHBOURS
            after = np.searchsorted(own, hi) + NEIGHBOURS - 1
            lo = np.minimum(lo, own[np.clip(before, 0, len(own) - 1)])
            hi = np.maximum(hi, own[np.clip(after, 0, len(own) - 1)] + 1)
        group = np.cumsum(np.concatenate(([True], lo[1:] >= np.maximum.accumulate(hi)[:-1])))
        for g in np.unique(group).tolist():
            members = mine[group == g]
            rows = np.arange(int(lo[group == g].min()), int(hi[group == g].max()))
            rows = rows[(track.flags[rows] & _PLACELESS) == 0]
            boxes.append(_box(np.concatenate((track.x[rows], cx[members])),
                              np.concatenate((track.y[rows], cy[members])),
                              np.concatenate((track.fixes.t[rows], changes.t[members])),
                              speed_ms))
    return np.array([b for b in boxes if np.all(np.isfinite(b))]).reshape(-1, 4)


def _box(x: FloatArray, y: FloatArray, t: FloatArray,
         speed_ms: float) -> tuple[float, float, float, float]:
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.any():
        return np.nan, np.nan, np.nan, np.nan
    x, y = x[finite], y[finite]
    grow = speed_ms * float(t.max() - t.min()) / 2
    return (float(x.min()) - grow, float(y.min()) - grow, float(x.max()) + grow,
            float(y.max()) + grow)
