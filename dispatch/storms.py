"""Storms and the time-to-clear clock against the norm of each priority class.

A storm has a declared start (the dispatcher's call, when crews go out) and a snowfall end
(when the clock of ГОСТ Р 50597-2017 starts: loose snow must be off the carriageway within a
norm that depends on the street's group). Per route and per stretch: deadline = snowfall end +
norm(priority); time-to-clear = the moment it became served - snowfall end (research/domain.md
§2.4; "served" for a route means ``served_fraction`` of its bins).

Default norms, by our priority class (1 = most important):

====== ====== ===============================================================================
class  norm   after
====== ====== ===============================================================================
1      4 h    ГОСТ Р 50597-2017: 4 h for the busiest street group (the low end of "4 to 12 h
              by street group", Pskov city administration's explainer, 2021)
2      6 h    6 h for road categories III-IV (Karelia road authority's explainer of the same
              standard, 2023)
3      12 h   12 h for category V, the least busy (same source; the top of the 4-12 h range)
====== ====== ===============================================================================

The per-group table of the standard itself was not available to us (research/domain.md §2.4
marks the exact values unverified), so the norms are parameters: a storm may override them
(``storms.norms_h``) and every report prints the norms it used.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Literal

from dispatch.coverage import CoverageResult, RouteCoverage
from dispatch.data_completeness import VehicleCompleteness

__all__ = [
    "DEFAULT_NORMS_H",
    "ClearanceStatus",
    "ContractorClearance",
    "RouteClearance",
    "Storm",
    "StormReport",
    "StretchClearance",
    "demo_storm",
    "storm_report",
]

DEFAULT_NORMS_H: Final[Mapping[int, float]] = {1: 4.0, 2: 6.0, 3: 12.0}
#: within_norm / late: cleared, before or after the deadline; overdue: not cleared and past the
#: deadline; pending: not cleared, deadline ahead (or no snowfall end yet); unknown: not cleared,
#: but only because of stretches without data, which are never counted as failed.
ClearanceStatus = Literal["within_norm", "late", "overdue", "pending", "unknown"]


@dataclass(frozen=True, slots=True)
class Storm:
    """A declared storm; ``closed_at`` ends its reporting window (else: now)."""

    id: int | None
    name: str
    started_at: datetime
    snowfall_ended_at: datetime | None = None
    closed_at: datetime | None = None
    norms_h: Mapping[int, float] = field(default_factory=dict)
    notes: str = ""

    def __post_init__(self) -> None:
        if self.snowfall_ended_at is not None and self.snowfall_ended_at < self.started_at:
            raise ValueError("the snowfall cannot end before the storm starts")
        for priority, hours in self.norms_h.items():
            if priority not in DEFAULT_NORMS_H or not (math.isfinite(hours) and hours > 0):
                raise ValueError(f"norm for priority {priority} must be a positive number of hours")

    def norm_h(self, priority: int) -> float:
        return float(self.norms_h.get(priority, DEFAULT_NORMS_H.get(priority, 12.0)))

    def norms(self) -> dict[int, float]:
        return {p: self.norm_h(p) for p in sorted(DEFAULT_NORMS_H)}

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        """The coverage window of the storm: declared start to close (or now)."""
        return self.started_at, self.closed_at or now

    def deadline(self, priority: int) -> datetime | None:
        if self.snowfall_ended_at is None:
            return None
        return self.snowfall_ended_at + timedelta(hours=self.norm_h(priority))


@dataclass(frozen=True, slots=True)
class StretchClearance:
    route_id: int | None
    index: int
    m_from: float
    m_to: float
    state: str
    cleared_at: datetime | None
    time_to_clear_h: float | None
    status: ClearanceStatus


@dataclass(frozen=True, slots=True)
class RouteClearance:
    """One route's verdict in the storm."""

    coverage: RouteCoverage
    norm_h: float
    deadline: datetime | None
    cleared_at: datetime | None
    time_to_clear_h: float | None
    status: ClearanceStatus
    stretches: tuple[StretchClearance, ...]


@dataclass(frozen=True, slots=True)
class ContractorClearance:
    """A contractor's scorecard: its routes against their norms."""

    contractor: str
    routes: int
    length_m: float
    served_m: float
    unknown_m: float
    within_norm: int
    late: int
    overdue: int
    pending: int
    unknown: int
    median_time_to_clear_h: float | None
    p90_time_to_clear_h: float | None

    @property
    def within_norm_pct(self) -> float | None:
        decided = self.within_norm + self.late + self.overdue
        return round(100.0 * self.within_norm / decided, 1) if decided else None


@dataclass(frozen=True, slots=True, eq=False)
class StormReport:
    storm: Storm
    result: CoverageResult
    generated_at: datetime
    routes: tuple[RouteClearance, ...]
    contractors: tuple[ContractorClearance, ...]
    completeness: tuple[VehicleCompleteness, ...] = ()  # per machine, worst first


def demo_storm(now: datetime) -> Storm:
    """The storm the demo shows in progress: the snow stopped 3 h 30 min before ``now``, so
    the busiest streets' 4 h norm runs out half an hour after the simulated fleet sets out,
    too soon for the longest of them (at risk, then breached) and ample for the rest."""
    return Storm(id=None, name="Снегопад (демонстрация)", started_at=now - timedelta(hours=4),
                 snowfall_ended_at=now - timedelta(hours=3, minutes=30),
                 notes="объявлен демонстрационным запуском")


def storm_report(storm: Storm, result: CoverageResult, now: datetime,
                 completeness: Sequence[VehicleCompleteness] = ()) -> StormReport:
    """Time-to-clear per route and stretch, and contractor scorecards, as of ``now``; with the
    machines' data completeness over the storm when given."""
    routes = tuple(_route_clearance(storm, rc, now, result.params.served_fraction)
                   for rc in result.routes)
    names = sorted({r.coverage.route.contractor or "—" for r in routes})
    return StormReport(storm=storm, result=result, generated_at=now, routes=routes,
                       completeness=tuple(completeness),
                       contractors=tuple(_contractor(n, [r for r in routes
                                                         if (r.coverage.route.contractor or "—")
                                                         == n]) for n in names))


def _status(cleared: datetime | None, deadline: datetime | None, now: datetime,
            *, data_missing: bool) -> ClearanceStatus:
    if cleared is not None:
        return "within_norm" if deadline is None or cleared <= deadline else "late"
    if data_missing:
        return "unknown"
    if deadline is not None and now > deadline:
        return "overdue"
    return "pending"


def _ttc(cleared: datetime | None, storm: Storm) -> float | None:
    if cleared is None or storm.snowfall_ended_at is None:
        return None
    return round(max(0.0, (cleared - storm.snowfall_ended_at).total_seconds() / 3600), 2)


def _at(t: float | None, like: datetime) -> datetime | None:
    return None if t is None else datetime.fromtimestamp(t, like.tzinfo)


def _route_clearance(storm: Storm, rc: RouteCoverage, now: datetime,
                     served_fraction: float) -> RouteClearance:
    priority = rc.route.priority
    deadline = storm.deadline(priority)
    cleared = _at(rc.cleared_at, storm.started_at)
    stretches = []
    for s in rc.stretches:
        s_cleared = _at(s.cleared_at, storm.started_at)
        stretches.append(StretchClearance(
            route_id=rc.route.id, index=s.index, m_from=s.m_from, m_to=s.m_to, state=s.state,
            cleared_at=s_cleared, time_to_clear_h=_ttc(s_cleared, storm),
            status=_status(s_cleared, deadline, now, data_missing=s.state == "unknown")))
    could_be = (rc.state_m["served"] + rc.state_m["unknown"]) / rc.length_m if rc.length_m else 0
    data_missing = rc.state_m["unknown"] > 0 and could_be >= served_fraction
    return RouteClearance(coverage=rc, norm_h=storm.norm_h(priority), deadline=deadline,
                          cleared_at=cleared, time_to_clear_h=_ttc(cleared, storm),
                          status=_status(cleared, deadline, now, data_missing=data_missing),
                          stretches=tuple(stretches))


def _contractor(name: str, routes: list[RouteClearance]) -> ContractorClearance:
    times = sorted(r.time_to_clear_h for r in routes if r.time_to_clear_h is not None)
    count = {s: sum(1 for r in routes if r.status == s)
             for s in ("within_norm", "late", "overdue", "pending", "unknown")}
    return ContractorClearance(
        contractor=name, routes=len(routes),
        length_m=round(sum(r.coverage.length_m for r in routes), 1),
        served_m=round(sum(r.coverage.state_m["served"] for r in routes), 1),
        unknown_m=round(sum(r.coverage.state_m["unknown"] for r in routes), 1),
        within_norm=count["within_norm"], late=count["late"], overdue=count["overdue"],
        pending=count["pending"], unknown=count["unknown"],
        median_time_to_clear_h=round(statistics.median(times), 2) if times else None,
        p90_time_to_clear_h=(round(times[min(len(times) - 1, math.ceil(0.9 * len(times)) - 1)],
                                   2) if times else None))
