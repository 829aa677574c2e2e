"""Bus lines on streets still uncleared, and the buses driving on them now.

A bus line runs on a stretch where the stretch lies along the line: at least ``min_shared_m``
of the stretch (nine tenths of a shorter one) within ``corridor_m`` of the line (a crossing
street shares twice the corridor, 50 m). A bus is on an uncleared stretch when its latest
fix, fresh within ``fresh_s``, is within ``corridor_m`` of one. Stretches are the storm
clock's; uncleared means not served yet, whatever the clock's state. Pure: geometry in,
lengths and names out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import shapely
from shapely import LineString

from dispatch.projection import Projection
from dispatch.storm_clock import StormClock, StretchClock

__all__ = ["BusOnStretch", "ExposureParams", "LiveBus", "LineExposure", "TransitLine",
           "bus_exposure"]


@dataclass(frozen=True, slots=True)
class ExposureParams:
    corridor_m: float = 25.0
    min_shared_m: float = 75.0
    fresh_s: float = 300.0


@dataclass(frozen=True, slots=True)
class TransitLine:
    number: str
    name: str
    coordinates: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class LiveBus:
    vehicle_id: int
    name: str
    line: str | None  # the route number it is assigned to
    fix_time: datetime
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class BusOnStretch:
    bus: LiveBus
    stretch: StretchClock


@dataclass(frozen=True, slots=True)
class LineExposure:
    line: TransitLine
    length_m: float
    uncleared_m: float  # of the line's own length, along uncleared stretches
    stretches: tuple[StretchClock, ...]


def bus_exposure(clock: StormClock, lines: Sequence[TransitLine], buses: Sequence[LiveBus],
                 projection: Projection, params: ExposureParams | None = None
                 ) -> tuple[list[LineExposure], list[BusOnStretch]]:
    """Per line, its uncleared stretches (worst first, as the clock orders them); and every
    fresh bus standing or driving on an uncleared stretch."""
    params = params or ExposureParams()
    open_stretches = [s for s in clock.stretches if s.cleared_at is None]
    shapes = [_metric(s.coordinates, projection) for s in open_stretches]
    exposures = []
    for line in lines:
        path = _metric(line.coordinates, projection)
        corridor = path.buffer(params.corridor_m, cap_style="flat")
        shared = [i for i, shape in enumerate(shapes)
                  if shape.intersection(corridor).length >= min(params.min_shared_m,
                                                                0.9 * shape.length)]
        covered = shapely.union_all([shapes[i] for i in shared]).buffer(params.corridor_m) \
            if shared else None
        uncleared = path.intersection(covered).length if covered is not None else 0.0
        exposures.append(LineExposure(line=line, length_m=round(path.length, 1),
                                      uncleared_m=round(uncleared, 1),
                                      stretches=tuple(open_stretches[i] for i in shared)))
    on_stretches = []
    now = clock.generated_at
    for bus in buses:
        if (now - bus.fix_time).total_seconds() > params.fresh_s:
            continue
        where = shapely.Point(*projection.to_metric(bus.lon, bus.lat))
        near = [i for i, shape in enumerate(shapes) if shape.distance(where) <= params.corridor_m]
        if near:
            on_stretches.append(BusOnStretch(bus, open_stretches[near[0]]))
    return exposures, on_stretches


def _metric(coordinates: Sequence[tuple[float, float]], projection: Projection) -> LineString:
    return projection.geometry_to_metric(LineString(coordinates))
