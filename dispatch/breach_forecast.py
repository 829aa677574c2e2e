"""When will a stretch still waiting for its passes be cleared, by the crews working its route?

The model is deliberately simple, so a dispatcher can redo it on paper:

- a crew works a route as a loop: along it as drawn to the end, then back against it to the
  start (on a one-way route the way back is the return trip), and round again;
- a crew is where its latest fix projects onto the route, heading the way its course points
  (as drawn when the course is unknown); if it is off the route it first gets there in
  ``off-route distance ÷ travel_kmh``;
- it moves along the loop to the stretch's far end: over the passes still missing anywhere on
  the way at its *observed* working speed (``dispatch.crews``; the treatment's default when it
  has not been seen working), over what is already done (and a one-way route's way back) at
  the travel speed; so the time to pass the stretch's far end is ``remaining work on the
  way ÷ working speed + the rest of the way ÷ travel speed``, and every crew passes it again a
  whole loop later;
- a direction missing *n* passes is done at the *n*-th passing of its far end by any crew
  (one crew coming round again, or the next one along, whichever is first), and the stretch
  is expected cleared when its last direction is.

A stretch on a route nobody is working has no expected time: it will not clear by itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import shapely
from shapely import LineString

from dispatch.crews import Crew
from dispatch.projection import Projection
from dispatch.routes import Route

__all__ = ["DEFAULT_WORKING_KMH", "ForecastParams", "StretchForecast", "StretchWork",
           "crews_on_route", "forecast_route", "missing_passes"]

#: Working speeds to assume for a crew not yet seen working, by treatment (the middle of the
#: bands in ``dispatch.speed_profiles``: ploughs 15-30 km/h, spreaders faster, sweepers slow).
DEFAULT_WORKING_KMH: Final[Mapping[str, float]] = {"plough": 20.0, "spread": 25.0,
                                                    "sweep": 10.0}


@dataclass(frozen=True, slots=True)
class ForecastParams:
    travel_kmh: float = 30.0  # reaching the route from elsewhere, tool raised
    stale_after_s: float = 900.0  # a crew silent for longer is not counted on
    crew_min_m: float = 200.0  # credited work that makes a vehicle one of a route's crew
    crew_near_m: float = 60.0  # ... or, before any credit, being on it with a fitting tool
    working_kmh: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WORKING_KMH))


@dataclass(frozen=True, slots=True)
class StretchWork:
    """What a stretch still lacks: passes still needed as drawn and against it."""

    m_from: float
    m_to: float
    missing: tuple[int, int]

    @property
    def done(self) -> bool:
        return self.missing == (0, 0)


@dataclass(frozen=True, slots=True)
class StretchForecast:
    expected_at: float | None  # POSIX seconds; None: nobody is working the route
    vehicle_id: int | None  # the crew that finishes the last missing direction


def missing_passes(route: Route, passes: tuple[int, int]) -> tuple[int, int]:
    """Confirmed passes still needed in each direction (0 where the route needs none)."""
    need = route.passes_required
    forward = max(0, need - passes[0])
    against = max(0, need - passes[1]) if 1 in route.required_directions else 0
    return forward, against


def _metric_line(route: Route, projection: Projection) -> LineString:
    return projection.geometry_to_metric(LineString(route.coordinates))


def crews_on_route(route: Route, crews: Sequence[Crew], projection: Projection,
                   within_m: float) -> tuple[int, ...]:
    """Vehicles of the route's contractor (any, for a route without one) whose tool fits its
    treatment and whose latest fix is within ``within_m`` of it: the crew a route has before
    anyone has been credited with its work."""
    line = _metric_line(route, projection)
    return tuple(c.vehicle_id for c in crews
                 if route.treatment in c.treatments
                 and (route.contractor is None or c.contractor == route.contractor)
                 and line.distance(shapely.Point(*projection.to_metric(c.lon, c.lat)))
                 <= within_m)


def forecast_route(route: Route, works: Sequence[StretchWork], crews: Sequence[Crew],
                   now: float, projection: Projection,
                   params: ForecastParams | None = None) -> list[StretchForecast]:
    """One forecast per stretch of ``works`` (done stretches get none: expected None)."""
    params = params or ForecastParams()
    fresh = [c for c in crews if now - c.t <= params.stale_after_s]
    line = _metric_line(route, projection)
    loop = 2.0 * line.length
    default_kmh = params.working_kmh.get(route.treatment, DEFAULT_WORKING_KMH["plough"])
    placed = [_place(c, line, projection, params.travel_kmh, default_kmh) for c in fresh]
    work_on_loop = _work_on_loop(works, loop)
    travel_ms = params.travel_kmh / 3.6
    out = []
    for work in works:
        if work.done or not placed:
            out.append(StretchForecast(None, None))
            continue
        finish: list[tuple[float, int]] = []
        for direction, count in enumerate(work.missing):
            if count == 0:
                continue
            end = work.m_to if direction == 0 else loop - work.m_from
            # every crew passes the stretch's end once a loop; the count-th passing finishes it
            passings = sorted(
                (p.start_s + _drive_s(work_on_loop, loop, p.u, end, p.speed_ms, travel_ms)
                 + lap * _drive_s(work_on_loop, loop, 0.0, loop, p.speed_ms, travel_ms),
                 p.vehicle_id) for p in placed for lap in range(count))
            finish.append(passings[count - 1])
        seconds, vehicle = max(finish)
        out.append(StretchForecast(round(now + seconds, 1), vehicle))
    return out


def _work_on_loop(works: Sequence[StretchWork], loop: float) -> list[tuple[float, float]]:
    """Where on the loop passes are still missing: a stretch as drawn, and mirrored on the
    way back."""
    spans = [(w.m_from, w.m_to) for w in works if w.missing[0]]
    return spans + [(loop - w.m_to, loop - w.m_from) for w in works if w.missing[1]]


def _on_work(spans: Sequence[tuple[float, float]], a: float, b: float) -> float:
    """Metres of [a, b] that lie on missing work."""
    return sum(max(0.0, min(b, hi) - max(a, lo)) for lo, hi in spans)


def _drive_s(spans: Sequence[tuple[float, float]], loop: float, u: float, end: float,
             work_ms: float, travel_ms: float) -> float:
    """Seconds from ``u`` to ``end`` along the loop (forward, wrapping round; from 0 to the
    loop's length: a whole loop), missing work at the working speed, the rest at the travel
    speed."""
    if end >= u:
        work = _on_work(spans, u, end)
        length = end - u
    else:
        work = _on_work(spans, u, loop) + _on_work(spans, 0.0, end)
        length = loop - u + end
    return work / work_ms + (length - work) / travel_ms


@dataclass(frozen=True, slots=True)
class _Placed:
    vehicle_id: int
    u: float  # position on the loop: m as drawn, or 2L - m on the way back
    start_s: float  # time to reach the route
    speed_ms: float


def _place(crew: Crew, line: LineString, projection: Projection, travel_kmh: float,
           default_kmh: float) -> _Placed:
    x, y = projection.to_metric(crew.lon, crew.lat)
    point = shapely.Point(x, y)
    m = float(line.project(point))
    away = float(line.distance(point))
    forward = True
    if crew.course_deg is not None:
        ahead = line.interpolate(min(line.length, m + 1.0))
        behind = line.interpolate(max(0.0, m - 1.0))
        east, north = ahead.x - behind.x, ahead.y - behind.y
        course = math.radians(crew.course_deg)
        forward = east * math.sin(course) + north * math.cos(course) >= 0.0
    speed_kmh = crew.working_kmh or default_kmh
    return _Placed(vehicle_id=crew.vehicle_id, u=m if forward else 2.0 * line.length - m,
                   start_s=away / (travel_kmh / 3.6), speed_ms=speed_kmh / 3.6)
