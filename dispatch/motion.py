"""Where a simulated vehicle is at a given moment: out-and-back runs along one route polyline.

The terminal simulator asks ``RouteDriver.state_at(t)`` for every fix it sends. The model is
pure and deterministic: the caller passes the time (nothing here reads a clock) and a seed, so
a replayed demo, the simulator and the tests all see the same fleet.

Model. A vehicle drives a *lap*: from the route's first vertex to its last one, turns round and
drives back (the return leg is worked too when the route is cleared in both directions, else it
is a deadhead with the tool raised). Each lap is a list of legs with constant acceleration:
stretches at a steady speed drawn from the kind's band, ramps between them, stops at red lights
(and at bus stops), and a stand at each end for the U-turn or the terminus layover. The legs of
lap k depend only on (seed, k), so any moment can be computed without replaying the whole day,
and memory grows by one float per lap.

Geometry is done in the city's metric CRS (EPSG:32653): positions are interpolated on the
projected polyline and lie on it; the course is the geodesic (true) bearing of the segment being
driven, in the direction of travel.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from pyproj import Geod

from dispatch.laps import KMH_PER_MS, Lap, LapBuilder
from dispatch.projection import Projection, projection_for
from dispatch.speed_profiles import PROFILES, SpeedProfile, profile_for

__all__ = [
    "PROFILES",
    "RouteDirection",
    "RouteDriver",
    "SpeedProfile",
    "VehicleState",
    "profile_for",
    "route_length_m",
]

RouteDirection = Literal["both", "as_drawn"]

_GEOD: Final = Geod(ellps="WGS84")
_MIN_SEGMENT_M: Final = 0.01




def route_length_m(coordinates: Sequence[tuple[float, float]],
                   metric_crs: str = "EPSG:32653") -> float:
    """Length in metres of a WGS-84 polyline, measured as RouteDriver measures it."""
    _, xy = _distinct_vertices(coordinates, projection_for(metric_crs))
    return sum(math.dist(a, b) for a, b in zip(xy, xy[1:], strict=False))


@dataclass(frozen=True, slots=True, kw_only=True)
class VehicleState:
    """What a terminal on the vehicle would report at one moment."""

    time: datetime
    latitude: float  # WGS-84 degrees
    longitude: float  # WGS-84 degrees
    speed_kmh: float
    course_deg: float  # true bearing of travel, 0 <= course < 360
    equipment_active: bool  # blade down / spreader or brush running
    odometer_m: float  # odometer_start_m plus the distance driven since start_time
    route_offset_m: float  # distance along the polyline from its first vertex
    forward: bool  # heading towards the route's last vertex




class RouteDriver:
    """One simulated vehicle going back and forth along one route.

    ``start_offset_m`` places the vehicle on its first lap: 0 is the route's first vertex
    heading forward, ``length_m`` the last vertex, and values up to ``2 * length_m`` are on the
    way back, so a fleet on one route can be spread over both directions.

    A driver caches the laps it has built, so it is not thread-safe: give each vehicle its own
    and ask it from one thread.
    """

    def __init__(
        self,
        coordinates: Sequence[tuple[float, float]],
        profile: SpeedProfile,
        *,
        start_time: datetime,
        seed: int,
        start_offset_m: float = 0.0,
        direction: RouteDirection = "both",
        odometer_start_m: float = 0.0,
        metric_crs: str = "EPSG:32653",
    ) -> None:
        if start_time.tzinfo is None:
            raise ValueError("start_time must be timezone-aware")
        if direction not in ("both", "as_drawn"):
            raise ValueError(f"direction must be 'both' or 'as_drawn', got {direction!r}")
        self._projection = projection_for(metric_crs)
        self._lonlat, self._xy = _distinct_vertices(coordinates, self._projection)
        self._cum = [0.0]
        for (x0, y0), (x1, y1) in zip(self._xy, self._xy[1:], strict=False):
            self._cum.append(self._cum[-1] + math.hypot(x1 - x0, y1 - y0))
        self._forward_course: list[float] = []
        self._backward_course: list[float] = []
        for (lon0, lat0), (lon1, lat1) in zip(self._lonlat, self._lonlat[1:], strict=False):
            az12, az21, _ = _GEOD.inv(lon0, lat0, lon1, lat1)
            self._forward_course.append(_normalise_deg(az12))
            self._backward_course.append(_normalise_deg(az21))
        if not 0.0 <= start_offset_m < 2.0 * self.length_m:
            raise ValueError(f"start_offset_m must be within [0, {2.0 * self.length_m:.1f})")
        self.profile = profile
        self.start_time = start_time
        self.seed = seed
        self.direction: RouteDirection = direction
        self.odometer_start_m = odometer_start_m
        self._stops = self._bus_stops()
        self._lap_starts: list[float] = [0.0]  # cumulative start time of every lap built so far
        self._cache: dict[int, Lap] = {}
        self._start_offset_m = start_offset_m
        self._time_offset_s = self._time_in_first_lap(start_offset_m)

    @property
    def length_m(self) -> float:
        """Length of the route polyline in the metric CRS."""
        return self._cum[-1]

    def state_at(self, when: datetime) -> VehicleState:
        """The vehicle's state at `when` (aware, not before start_time)."""
        if when.tzinfo is None:
            raise ValueError("when must be timezone-aware")
        elapsed = (when - self.start_time).total_seconds()
        if elapsed < 0:
            raise ValueError("when is before the driver's start_time")
        lap_time = elapsed + self._time_offset_s
        k = self._lap_index(lap_time)
        lap = self._lap(k)
        tau_lap = lap_time - self._lap_starts[k]
        leg = lap.legs[max(0, bisect.bisect_right(lap.starts, tau_lap) - 1)]
        tau = min(max(tau_lap - leg.t0, 0.0), leg.duration)
        lap_distance = min(leg.d0 + leg.distance_at(tau), 2.0 * self.length_m)
        # Out on the first half of the lap, back on the second; the leg's facing only matters
        # for the course (it flips halfway through a U-turn, at either end).
        if lap_distance <= self.length_m:
            offset = lap_distance
        else:
            offset = max(0.0, 2.0 * self.length_m - lap_distance)
        lon, lat, course = self._locate(offset, leg.forward)
        return VehicleState(
            time=when,
            latitude=lat,
            longitude=lon,
            speed_kmh=leg.speed_at(tau) * KMH_PER_MS,
            course_deg=course,
            equipment_active=leg.equipment,
            odometer_m=max(self.odometer_start_m, self.odometer_start_m
                           + 2.0 * self.length_m * k + lap_distance - self._start_offset_m),
            route_offset_m=offset,
            forward=leg.forward,
        )

    def states(self, start: datetime, step_s: float, count: int) -> Iterator[VehicleState]:
        """`count` states every `step_s` seconds from `start`: a terminal's regular reports."""
        if step_s <= 0:
            raise ValueError("step_s must be positive")
        for i in range(count):
            yield self.state_at(start + timedelta(seconds=i * step_s))

    # -- geometry -----------------------------------------------------------------------------

    def _locate(self, offset: float, forward: bool) -> tuple[float, float, float]:
        """(lon, lat, course) at `offset` along the polyline when travelling that way.

        At a vertex a vehicle going forward is on the segment that starts there, one going back
        on the segment that ends there: the segment it is about to drive.
        """
        last = len(self._cum) - 2
        if forward:
            i = bisect.bisect_right(self._cum, offset) - 1
        else:
            i = bisect.bisect_left(self._cum, offset) - 1
        i = min(max(i, 0), last)
        seg = self._cum[i + 1] - self._cum[i]
        frac = min(max((offset - self._cum[i]) / seg, 0.0), 1.0)
        (x0, y0), (x1, y1) = self._xy[i], self._xy[i + 1]
        lon, lat = self._projection.to_wgs84(x0 + (x1 - x0) * frac, y0 + (y1 - y0) * frac)
        course = self._forward_course[i] if forward else self._backward_course[i]
        return lon, lat, course

    def _bus_stops(self) -> list[float]:
        """Offsets of intermediate stops; the same places in both directions."""
        spacing = self.profile.stop_spacing_m
        if spacing is None:
            return []
        n = max(1, round(self.length_m / spacing))
        return [self.length_m * i / n for i in range(1, n)]

    # -- laps ---------------------------------------------------------------------------------

    def _build_lap(self, k: int) -> Lap:
        rng = random.Random(self.seed * 1_000_003 + k)
        builder = LapBuilder(self.profile, rng)
        turn = self.profile.turnaround_s
        for forward in (True, False):
            working = forward or self.direction == "both"
            marks = [0.0, *self._stops, self.length_m]
            for a, b in zip(marks, marks[1:], strict=False):
                builder.run(b - a, forward, working)
                if b < self.length_m:
                    builder.stand(rng.uniform(*self.profile.dwell_s), forward, False)
            # Snap away rounding so that each half lap is one route length; never backwards, so
            # the odometer cannot step back by a rounding error.
            builder.d = max(builder.d, self.length_m if forward else 2.0 * self.length_m)
            # U-turn / layover: half seen arriving, half already facing back.
            pause = rng.uniform(*turn)
            builder.stand(pause / 2.0, forward, False)
            builder.stand(pause / 2.0, not forward, False)
        legs = tuple(builder.legs)
        return Lap(legs, tuple(leg.t0 for leg in legs), builder.t)

    def _lap(self, k: int) -> Lap:
        lap = self._cache.get(k)
        if lap is None:
            lap = self._build_lap(k)
            if len(self._cache) >= 4:  # laps are asked for in time order; keep a few
                self._cache.pop(next(iter(self._cache)))
            self._cache[k] = lap
        return lap

    def _lap_index(self, lap_time: float) -> int:
        """Which lap `lap_time` falls in, extending the table of lap start times as needed."""
        while self._lap_starts[-1] <= lap_time:
            k = len(self._lap_starts) - 1
            self._lap_starts.append(self._lap_starts[-1] + self._lap(k).duration)
        return bisect.bisect_right(self._lap_starts, lap_time) - 1

    def _time_in_first_lap(self, lap_distance: float) -> float:
        """When lap 0 first passes `lap_distance` while moving (the vehicle starts under way)."""
        lap = self._lap(0)
        for leg in lap.legs:
            if leg.length > 0.0 and leg.d0 <= lap_distance < leg.d0 + leg.length:
                return leg.t0 + leg.time_to(lap_distance - leg.d0)
        return 0.0


def _distinct_vertices(
    coordinates: Sequence[tuple[float, float]], projection: Projection
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(lon/lat, metric) vertices without repeats: a zero-length segment has no bearing."""
    lonlat: list[tuple[float, float]] = []
    xy: list[tuple[float, float]] = []
    for lon, lat in coordinates:
        point = projection.to_metric(lon, lat)
        if xy and math.dist(point, xy[-1]) < _MIN_SEGMENT_M:
            continue
        lonlat.append((float(lon), float(lat)))
        xy.append(point)
    if len(xy) < 2:
        raise ValueError("a route needs at least two distinct vertices")
    return lonlat, xy


def _normalise_deg(angle: float) -> float:
    result = float(angle) % 360.0
    return 0.0 if result >= 360.0 else result
