"""Where each vehicle is now and how fast it has been working: what a breach forecast needs.

A crew's *working speed* is the median speed of its recent fixes that were moving with the
equipment sensed on (the speed at which it actually clears, stops at lights and deadheading
left out); a vehicle without such fixes has no observed working speed and the forecast falls
back to its treatment's default. Fixes that cannot be trusted (invalid, or stamped after "now")
are not positions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np

from dispatch.equipment import ON, VehicleInfo, sensor_states
from dispatch.fixes import FixArrays

__all__ = ["MOVING_KMH", "Crew", "observe_crews"]

#: Below this a vehicle is standing (a red light, loading), not working.
MOVING_KMH: Final = 3.0


@dataclass(frozen=True, slots=True)
class Crew:
    """One vehicle's latest trustworthy fix and its observed working speed (None: unseen)."""

    vehicle_id: int
    contractor: str | None
    treatments: tuple[str, ...]  # what its tool may earn credit for
    t: float  # POSIX seconds of the latest fix
    lon: float
    lat: float
    course_deg: float | None
    working_kmh: float | None
    working_fixes: int


def observe_crews(fixes: FixArrays, vehicles: Mapping[int, VehicleInfo],
                  now: float) -> dict[int, Crew]:
    """Per vehicle with a valid fix at or before ``now``: where it is, how fast it works."""
    usable = fixes.valid & (fixes.t <= now)
    crews: dict[int, Crew] = {}
    for vehicle_id in np.unique(fixes.vehicle[usable]).tolist():
        rows = np.flatnonzero(usable & (fixes.vehicle == vehicle_id))
        last = int(rows[np.argmax(fixes.t[rows])])
        info = vehicles.get(int(vehicle_id))
        states = sensor_states(info.sensor if info is not None else None,
                               fixes.inputs[rows], fixes.sensor_value[rows])
        speeds = fixes.speed_kmh[rows]
        working = speeds[(states == ON) & (speeds >= MOVING_KMH)]
        course = float(fixes.course_deg[last])
        crews[int(vehicle_id)] = Crew(
            vehicle_id=int(vehicle_id), contractor=info.contractor if info else None,
            treatments=info.treatments if info else (), t=float(fixes.t[last]),
            lon=float(fixes.lon[last]), lat=float(fixes.lat[last]),
            course_deg=course if np.isfinite(course) else None,
            working_kmh=round(float(np.median(working)), 1) if len(working) else None,
            working_fixes=len(working))
    return crews
