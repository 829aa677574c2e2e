"""The last coverage per route selection, brought up to date instead of recomputed.

The public map asks for the last day every minute and the API is asked for the same windows
again and again; a full recompute reads a million fixes and credits every route. So the last
result per route selection is kept with the database's clock at its read (the *watermark*).
The next request for the same selection, with a window that starts and ends no earlier, asks
``db.coverage.fixes_changed`` what arrived since the watermark (less ``ARRIVAL_LAG``: a fix is
stamped on arrival and committed a moment later) or crossed the window's edges; with nothing
changed the previous verdicts stand without reading the fixes at all; otherwise only the fixes
the kept ones lack are read, and ``dispatch.incremental`` recomputes only the routes the
changes reach. Every ``FULL_EVERY``
a selection is recomputed from scratch all the same.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import numpy as np

from db import coverage as coverage_db
from dispatch.coverage import CoverageResult
from dispatch.equipment import VehicleInfo
from dispatch.fixes import FixArrays
from dispatch.incremental import CachedCoverage, FixChanges, compute_cached, update_cached
from dispatch.parameters import CoverageParams
from dispatch.routes import Route

__all__ = ["ARRIVAL_LAG", "FULL_EVERY", "CacheRead", "CoverageCache"]

ARRIVAL_LAG: Final = timedelta(minutes=5)
FULL_EVERY: Final = timedelta(minutes=15)
SELECTIONS: Final = 4  # route selections kept (with their fixes: ~100 MB for a city day)
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)

#: Which routes a result is for (ids, or None for all) and whether the bin's are left out.
Selection = tuple[tuple[int, ...] | None, bool]


@dataclass(frozen=True, slots=True)
class _Entry:
    coverage: CachedCoverage
    fixes: FixArrays  # what it was computed from
    watermark: datetime  # the database's clock when the fixes were read
    full_at: datetime  # the watermark of the last full recompute
    bbox: coverage_db.BBox | None


@dataclass(frozen=True, slots=True)
class CacheRead:
    """What one request read: everything a full recompute needs, or only the changes."""

    selection: Selection
    window: tuple[datetime, datetime]
    watermark: datetime
    routes: list[Route]
    vehicles: dict[int, VehicleInfo]
    bbox: coverage_db.BBox | None
    base: _Entry | None  # the kept result the changes are against; None: compute in full
    changes: FixChanges | None
    fixes: FixArrays | None  # all of them without a base; else only those the base lacks
    since: datetime | None  # with a base: the base's fixes that arrived later are in ``fixes``


class CoverageCache:
    """Per route selection, the last result and what is needed to bring it up to date."""

    def __init__(self, arrival_lag: timedelta = ARRIVAL_LAG) -> None:
        self._arrival_lag = arrival_lag
        self._entries: OrderedDict[Selection, _Entry] = OrderedDict()
        self.recomputed_routes = 0  # routes credited since start (kept ones do not count)

    def read(self, cur: Any, selection: Selection, window: tuple[datetime, datetime],
             routes: list[Route], vehicles: dict[int, VehicleInfo],
             bbox: coverage_db.BBox | None) -> CacheRead:
        """Runs in a database thread: the watermark, then the changes or all the fixes."""
        cur.execute("SELECT now()")
        watermark: datetime = cur.fetchone()[0]
        base = self._usable(selection, window, watermark, bbox, vehicles)
        if base is None:
            fixes = coverage_db.fixes_for_coverage(cur, *window, bbox=bbox)
            return CacheRead(selection, window, watermark, routes, vehicles, bbox, None, None,
                             fixes, None)
        since = base.watermark - self._arrival_lag
        previous = (base.coverage.result.window_from, base.coverage.result.window_to)
        changes = coverage_db.fixes_changed(cur, since, previous, window, bbox=bbox)
        if len(changes) == 0 and routes == [rc.route for rc in base.coverage.result.routes]:
            return CacheRead(selection, window, watermark, routes, vehicles, bbox, base, changes,
                             None, None)
        new = coverage_db.fixes_for_coverage(cur, *window, bbox=bbox,
                                             new_since=(since, previous))
        return CacheRead(selection, window, watermark, routes, vehicles, bbox, base, changes,
                         new, since)

    def compute(self, read: CacheRead, now: datetime, params: CoverageParams) -> CoverageResult:
        """Runs in a worker thread: bring the selection's result up to date and keep it."""
        base, start, end = read.base, *read.window
        if base is not None and read.fixes is None:
            result = replace(base.coverage.result, window_from=start.astimezone(UTC),
                             window_to=end.astimezone(UTC), computed_at=now)
            coverage, fixes = CachedCoverage(result, base.coverage.rhythm, ()), base.fixes
        elif base is not None and read.fixes is not None and read.changes is not None:
            assert read.since is not None
            fixes = _carried(base.fixes, read.since, read.window, read.fixes)
            coverage = update_cached(base.coverage, read.routes, fixes, read.vehicles,
                                     read.changes, window=read.window, now=now, params=params)
        else:
            assert read.fixes is not None
            fixes = read.fixes
            coverage = compute_cached(read.routes, fixes, read.vehicles, window=read.window,
                                      now=now, params=params)
        full_at = base.full_at if base is not None else read.watermark
        self.recomputed_routes += len(coverage.recomputed)
        self._entries[read.selection] = _Entry(coverage, fixes, read.watermark, full_at,
                                             read.bbox)
        self._entries.move_to_end(read.selection)
        while len(self._entries) > SELECTIONS:
            self._entries.popitem(last=False)
        return coverage.result

    def _usable(self, selection: Selection, window: tuple[datetime, datetime],
                watermark: datetime, bbox: coverage_db.BBox | None,
                vehicles: dict[int, VehicleInfo]) -> _Entry | None:
        entry = self._entries.get(selection)
        if entry is None:
            return None
        result = entry.coverage.result
        if (bbox != entry.bbox or vehicles != result.vehicles
                or watermark - entry.full_at > FULL_EVERY
                or not result.window_from <= window[0] <= result.window_to <= window[1]):
            return None
        return entry


def _carried(kept: FixArrays, since: datetime, window: tuple[datetime, datetime],
             new: FixArrays) -> FixArrays:
    """The kept fixes still in ``window`` that arrived by ``since`` (later ones were read
    again), and the ``new`` ones: what a read of the whole window returns now."""
    arrived_us = np.rint(kept.received * 1e6)
    since_us = (since - _EPOCH) // timedelta(microseconds=1)
    keep = ((arrived_us <= since_us) & (kept.t >= window[0].timestamp())
            & (kept.t <= window[1].timestamp()))
    return FixArrays.concat([kept.take(np.flatnonzero(keep)), new])
