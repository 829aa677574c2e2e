"""The storm's clock on every stretch: time left to its priority's norm, and the forecast.

The norm runs from the end of snowfall (``dispatch.storms``). Each stretch is in one state:

- ``cleared_in_time`` / ``cleared_late``: it became served by / after its deadline;
- ``breached``: not served and the deadline has passed;
- ``at_risk``: not served, the deadline is ahead, and the forecast
  (``dispatch.breach_forecast``) expects it cleared after the deadline, or nobody is working
  its route; this is the warning that comes *before* the norm passes;
- ``on_track``: not served, the deadline ahead, expected in time;
- ``waiting``: the snowfall has not been declared over, so the clock has not started.

A stretch the engine calls unknown (a data gap may hide the work) is not served as far as the
clock goes: the norm is the contractor's to prove, and the data-completeness table says why.
Crews of a route are its assigned vehicles or, without any, the vehicles credited with at
least ``crew_min_m`` of its work during the storm or, before anyone has been, the vehicles of
its contractor with a fitting tool that are on it now (``crew_near_m``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

from dispatch.breach_forecast import (
    ForecastParams,
    StretchForecast,
    StretchWork,
    crews_on_route,
    forecast_route,
    missing_passes,
)
from dispatch.coverage import CoverageResult, RouteCoverage
from dispatch.crews import Crew
from dispatch.projection import Projection
from dispatch.storms import Storm

__all__ = ["CLOCK_STATES", "ClockState", "StormClock", "StretchClock", "route_crew",
           "storm_clock"]

ClockState = Literal["breached", "at_risk", "on_track", "waiting", "cleared_late",
                     "cleared_in_time"]
#: In the order a dispatcher deals with them.
CLOCK_STATES: Final[tuple[ClockState, ...]] = ("breached", "at_risk", "on_track", "waiting",
                                               "cleared_late", "cleared_in_time")


@dataclass(frozen=True, slots=True)
class StretchClock:
    """One stretch against its norm; ``time_left_s`` is the deadline less now (negative once
    breached) while not served, and the margin it was served with (negative: late) after."""

    route_id: int | None
    route: str
    contractor: str | None
    priority: int
    index: int
    m_from: float
    m_to: float
    coverage_state: str
    norm_h: float
    deadline: datetime | None
    cleared_at: datetime | None
    time_left_s: float | None
    state: ClockState
    expected_at: datetime | None
    forecast_breach: bool  # expected after the deadline, or nobody working it
    finishing_vehicle: int | None
    crew: tuple[int, ...]
    coordinates: tuple[tuple[float, float], ...]

    @property
    def length_m(self) -> float:
        return self.m_to - self.m_from


@dataclass(frozen=True, slots=True, eq=False)
class StormClock:
    storm: Storm
    generated_at: datetime
    stretches: tuple[StretchClock, ...]  # most urgent first
    crews: Mapping[int, Crew]

    def counts(self) -> dict[str, int]:
        found = Counter(s.state for s in self.stretches)
        return {state: found.get(state, 0) for state in CLOCK_STATES}

    def metres(self) -> dict[str, float]:
        return {state: round(sum(s.length_m for s in self.stretches if s.state == state), 1)
                for state in CLOCK_STATES}

    def forecast_breaches(self) -> tuple[StretchClock, ...]:
        """Stretches warned about before their deadline."""
        return tuple(s for s in self.stretches if s.state == "at_risk")


def storm_clock(storm: Storm, result: CoverageResult, crews: Mapping[int, Crew], now: datetime,
                projection: Projection, params: ForecastParams | None = None) -> StormClock:
    """Every stretch of every route of ``result`` (the storm's coverage) on the clock."""
    params = params or ForecastParams()
    stretches = [clock for rc in result.routes
                 for clock in _route_clock(storm, rc, crews, now, projection, params)]
    stretches.sort(key=_urgency)
    return StormClock(storm=storm, generated_at=now, stretches=tuple(stretches), crews=crews)


def _urgency(s: StretchClock) -> tuple[int, float, str, float]:
    cleared = s.cleared_at is not None
    left = s.time_left_s if s.time_left_s is not None else float("inf")
    return int(cleared), left, s.route, s.m_from


def route_crew(rc: RouteCoverage, crews: Mapping[int, Crew], projection: Projection,
               params: ForecastParams) -> tuple[int, ...]:
    """The vehicles counted on to finish a route."""
    if rc.route.assigned_vehicles:
        return rc.route.assigned_vehicles
    credited = tuple(w.vehicle_id for w in rc.vehicles if w.confirmed_m >= params.crew_min_m)
    return credited or crews_on_route(rc.route, list(crews.values()), projection,
                                      params.crew_near_m)


def _route_clock(storm: Storm, rc: RouteCoverage, crews: Mapping[int, Crew], now: datetime,
                 projection: Projection, params: ForecastParams) -> list[StretchClock]:
    route = rc.route
    deadline = storm.deadline(route.priority)
    crew = route_crew(rc, crews, projection, params)
    works = [StretchWork(s.m_from, s.m_to,
                         (0, 0) if s.state == "served" else missing_passes(route, s.passes))
             for s in rc.stretches]
    forecasts = forecast_route(route, works, [crews[v] for v in crew if v in crews],
                               now.timestamp(), projection, params)
    out = []
    for s, forecast in zip(rc.stretches, forecasts, strict=True):
        cleared = _moment(s.cleared_at) if s.state == "served" else None
        expected = _moment(forecast.expected_at)
        out.append(StretchClock(
            route_id=route.id, route=route.name, contractor=route.contractor,
            priority=route.priority, index=s.index, m_from=s.m_from, m_to=s.m_to,
            coverage_state=s.state, norm_h=storm.norm_h(route.priority), deadline=deadline,
            cleared_at=cleared, time_left_s=_time_left(deadline, cleared, now),
            state=_state(deadline, cleared, now, expected, forecast),
            expected_at=expected,
            forecast_breach=cleared is None and _late(deadline, expected, forecast),
            finishing_vehicle=forecast.vehicle_id, crew=crew, coordinates=s.coordinates))
    return out


def _moment(t: float | None) -> datetime | None:
    return None if t is None else datetime.fromtimestamp(t, UTC)


def _time_left(deadline: datetime | None, cleared: datetime | None,
               now: datetime) -> float | None:
    if deadline is None:
        return None
    return round((deadline - (cleared or now)).total_seconds(), 1)


def _late(deadline: datetime | None, expected: datetime | None,
          forecast: StretchForecast) -> bool:
    if deadline is None:
        return False
    return forecast.expected_at is None or (expected is not None and expected > deadline)


def _state(deadline: datetime | None, cleared: datetime | None, now: datetime,
           expected: datetime | None, forecast: StretchForecast) -> ClockState:
    if cleared is not None:
        return "cleared_in_time" if deadline is None or cleared <= deadline else "cleared_late"
    if deadline is None:
        return "waiting"
    if now > deadline:
        return "breached"
    return "at_risk" if _late(deadline, expected, forecast) else "on_track"
