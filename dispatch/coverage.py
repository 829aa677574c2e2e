"""The coverage engine: fixes + routes + parameters -> a verdict per stretch, route, vehicle.

``compute_coverage`` is a pure function. It reads no configuration, opens no connection and asks
no clock: the caller passes the fixes, the routes, the vehicle registry, the window, the
parameters and "now" (only stamped on the result). The same inputs give the same result, which
is what makes a verdict defensible: late black-box data simply means calling it again.

Pipeline (research/domain.md §2.3): clean and order the fixes (``cleaning``), pair consecutive
fixes and find the silences (``silences.make_pairs``), then per route select the fixes near it,
fit their movement and credit passes into bins (``crediting.credit_route``), aggregate bins
into states (``bins``) and merge them into stretches with evidence (``stretches``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from dispatch.bins import BinState, BinTable, bin_table
from dispatch.cleaning import CleanTrack, clean
from dispatch.crediting import FixIndex, RouteCredit, credit_route
from dispatch.equipment import VehicleInfo
from dispatch.fixes import BoolArray, FixArrays
from dispatch.parameters import CoverageParams
from dispatch.projection import Projection, projection_for
from dispatch.route_geometry import RouteGeometry
from dispatch.routes import Route
from dispatch.silences import Pairs, make_pairs
from dispatch.stretches import Stretch, build_stretches

__all__ = [
    "STATES",
    "ContractorSummary",
    "CoverageResult",
    "RouteCoverage",
    "PreparedFixes",
    "VehicleWork",
    "compute_coverage",
    "prepare_fixes",
]

STATES = ("served", "partial", "unknown", "not_served")
Progress = Callable[[int, int, Route], None]


@dataclass(frozen=True, slots=True)
class VehicleWork:
    """What one vehicle did on one route (or in total): metres of passes credited."""

    vehicle_id: int
    confirmed_m: float
    unconfirmed_m: float
    passes: int


@dataclass(frozen=True, slots=True, eq=False)
class RouteCoverage:
    """The verdict on one route: lengths per state, the stretches, who worked it."""

    route: Route
    length_m: float
    bin_m: float
    state_m: Mapping[str, float]
    serviced: bool  # served share >= params.served_fraction
    cleared_at: float | None  # when the served share first reached params.served_fraction
    stretches: tuple[Stretch, ...]
    vehicles: tuple[VehicleWork, ...]
    bins: BinTable

    @property
    def served_pct(self) -> float:
        return 100.0 * self.state_m["served"] / self.length_m if self.length_m else 0.0


@dataclass(frozen=True, slots=True)
class ContractorSummary:
    """Routes a contractor answers for, and what its vehicles did anywhere."""

    contractor: str
    routes: int
    length_m: float
    state_m: Mapping[str, float]
    vehicles: int
    worked_m: float  # confirmed metres of passes by the contractor's vehicles


@dataclass(frozen=True, slots=True, eq=False)
class CoverageResult:
    """Everything one computation produced, with what it was computed from."""

    window_from: datetime
    window_to: datetime
    computed_at: datetime
    params: CoverageParams
    routes: tuple[RouteCoverage, ...]
    vehicles: Mapping[int, VehicleInfo]
    data_quality: Mapping[str, int]

    def route(self, route_id: int) -> RouteCoverage:
        for rc in self.routes:
            if rc.route.id == route_id:
                return rc
        raise KeyError(route_id)

    def vehicle_work(self) -> tuple[VehicleWork, ...]:
        """Per vehicle over all routes."""
        totals: dict[int, list[float]] = {}
        for rc in self.routes:
            for w in rc.vehicles:
                t = totals.setdefault(w.vehicle_id, [0.0, 0.0, 0.0])
                t[0] += w.confirmed_m
                t[1] += w.unconfirmed_m
                t[2] += w.passes
        return tuple(VehicleWork(v, round(t[0], 1), round(t[1], 1), int(t[2]))
                     for v, t in sorted(totals.items()))

    def contractors(self) -> tuple[ContractorSummary, ...]:
        """Per contractor: the routes it answers for, and its vehicles' confirmed work."""
        names = {rc.route.contractor for rc in self.routes if rc.route.contractor}
        names |= {v.contractor for v in self.vehicles.values() if v.contractor}
        work = {w.vehicle_id: w for w in self.vehicle_work()}
        out = []
        for name in sorted(names):
            mine = [rc for rc in self.routes if rc.route.contractor == name]
            fleet = [v for v in self.vehicles.values() if v.contractor == name]
            out.append(ContractorSummary(
                contractor=name, routes=len(mine),
                length_m=round(sum(rc.length_m for rc in mine), 1),
                state_m={s: round(sum(rc.state_m[s] for rc in mine), 1) for s in STATES},
                vehicles=len(fleet),
                worked_m=round(sum(work[v.id].confirmed_m for v in fleet if v.id in work), 1)))
        return tuple(out)

    def totals(self) -> dict[str, float]:
        length = sum(rc.length_m for rc in self.routes)
        totals = {s: round(sum(rc.state_m[s] for rc in self.routes), 1) for s in STATES}
        return {"length_m": round(length, 1), **totals,
                "served_pct": round(100 * totals["served"] / length, 2) if length else 0.0}


def compute_coverage(routes: Sequence[Route], fixes: FixArrays,
                     vehicles: Mapping[int, VehicleInfo], *, window: tuple[datetime, datetime],
                     now: datetime, params: CoverageParams | None = None,
                     projection: Projection | None = None,
                     progress: Progress | None = None) -> CoverageResult:
    """Coverage of ``routes`` by ``fixes`` within ``window`` (inclusive), stamped ``now``."""
    params = params or CoverageParams()
    projection = projection or projection_for()
    prepared = prepare_fixes(fixes, vehicles, window, params, projection)
    results = []
    for done, route in enumerate(routes, start=1):
        results.append(prepared.cover(route))
        if progress is not None:
            progress(done, len(routes), route)
    return prepared.result(results, now)


def prepare_fixes(fixes: FixArrays, vehicles: Mapping[int, VehicleInfo],
                  window: tuple[datetime, datetime], params: CoverageParams,
                  projection: Projection) -> PreparedFixes:
    """The window's fixes cleaned, paired and indexed once for all routes."""
    start, end = window
    if start > end:
        raise ValueError("window starts after it ends")
    in_window = np.flatnonzero((fixes.t >= start.timestamp()) & (fixes.t <= end.timestamp()))
    track = clean(fixes, projection, params.cleaning, vehicles, rows=in_window)
    return PreparedFixes(window=window, vehicles=vehicles, params=params, projection=projection,
                         track=track, pairs=make_pairs(track, params),
                         index=FixIndex.build(track), eligibility=_Eligibility(track, vehicles),
                         scratch=np.zeros(len(track), dtype=np.bool_))


@dataclass(frozen=True, slots=True, eq=False)
class PreparedFixes:
    """What every route's verdict reads: the cleaned track, its pairs and index. A route's
    verdict depends only on this and the route, so routes can be computed one at a time."""

    window: tuple[datetime, datetime]
    vehicles: Mapping[int, VehicleInfo]
    params: CoverageParams
    projection: Projection
    track: CleanTrack
    pairs: Pairs
    index: FixIndex
    eligibility: _Eligibility
    scratch: BoolArray  # all False between routes (``credit_route`` borrows it)

    def cover(self, route: Route) -> RouteCoverage:
        """One route's verdict."""
        params = self.params
        geom = RouteGeometry.build(route, self.projection, params.bin_m,
                                   params.end_extension_m, params.search_margin_m)
        credit = credit_route(geom, self.track, self.pairs, self.index,
                              self.eligibility.rows(route), params, self.scratch)
        offline = bool(route.assigned_vehicles) and not self.eligibility.any_reported(route)
        table = bin_table(geom, credit, offline=offline)
        return _route_coverage(geom, table, credit, self.track, self.vehicles, self.projection,
                               params)

    def result(self, routes: Sequence[RouteCoverage], now: datetime) -> CoverageResult:
        """The result made of these routes' verdicts, with the window's data quality."""
        track, start, end = self.track, *self.window
        quality = {"fixes": len(track), "usable": int(np.count_nonzero(track.usable)),
                   "data_gaps": int(np.count_nonzero(self.pairs.gap)), **track.flag_counts()}
        return CoverageResult(window_from=start.astimezone(UTC),
                              window_to=end.astimezone(UTC), computed_at=now,
                              params=self.params, routes=tuple(routes),
                              vehicles=dict(self.vehicles), data_quality=quality)


class _Eligibility:
    """Which fixes' vehicles may earn a route's credit: treatment fits, assigned if any."""

    def __init__(self, track: CleanTrack, vehicles: Mapping[int, VehicleInfo]) -> None:
        self._ids, self._inverse = np.unique(track.fixes.vehicle, return_inverse=True)
        self._reported = set(np.unique(track.fixes.vehicle[track.usable]).tolist())
        self._vehicles = vehicles
        self._cache: dict[tuple[str, tuple[int, ...]], BoolArray] = {}

    def rows(self, route: Route) -> BoolArray:
        key = (route.treatment, route.assigned_vehicles)
        if key not in self._cache:
            allowed = np.array([self._allowed(int(v), route) for v in self._ids], dtype=np.bool_)
            self._cache[key] = (allowed[self._inverse] if len(self._ids)
                                else np.zeros(0, dtype=np.bool_))
        return self._cache[key]

    def any_reported(self, route: Route) -> bool:
        return any(v in self._reported for v in route.assigned_vehicles)

    def _allowed(self, vehicle_id: int, route: Route) -> bool:
        info = self._vehicles.get(vehicle_id)
        if info is None or route.treatment not in info.treatments:
            return False
        return not route.assigned_vehicles or vehicle_id in route.assigned_vehicles


def _route_coverage(geom: RouteGeometry, table: BinTable, credit: RouteCredit,
                    track: CleanTrack, vehicles: Mapping[int, VehicleInfo],
                    projection: Projection, params: CoverageParams) -> RouteCoverage:
    bl = geom.bin_len
    state_m = {
        "served": table.count(BinState.SERVED) * bl,
        "partial": table.count(BinState.PARTIAL) * bl,
        "unknown": table.count(BinState.UNKNOWN) * bl,
        "not_served": table.count(BinState.NOT_SERVED) * bl,
    }
    served_share = table.count(BinState.SERVED) / geom.n_bins
    needed = int(np.ceil(params.served_fraction * geom.n_bins))
    cleared_sorted = np.sort(table.cleared_at)
    cleared_at = float(cleared_sorted[needed - 1]) if needed >= 1 else None
    return RouteCoverage(
        route=geom.route, length_m=geom.length_m, bin_m=bl,
        state_m={k: round(v, 1) for k, v in state_m.items()},
        serviced=served_share >= params.served_fraction,
        cleared_at=cleared_at if cleared_at is not None and np.isfinite(cleared_at) else None,
        stretches=build_stretches(geom, table, credit, track, vehicles, projection,
                                  params.evidence_runs),
        vehicles=_vehicle_work(credit), bins=table)


def _vehicle_work(credit: RouteCredit) -> tuple[VehicleWork, ...]:
    out = []
    length = credit.run_m_to - credit.run_m_from
    for vehicle_id in np.unique(credit.run_vehicle).tolist():
        mine = credit.run_vehicle == vehicle_id
        out.append(VehicleWork(
            vehicle_id=int(vehicle_id),
            confirmed_m=round(float(length[mine & credit.run_confirmed].sum()), 1),
            unconfirmed_m=round(float(length[mine & ~credit.run_confirmed].sum()), 1),
            passes=int(np.count_nonzero(mine & credit.run_confirmed))))
    return tuple(out)
