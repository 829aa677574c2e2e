"""Public transport: the bus lines, which line a bus runs, and the buses' live state."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class BusLive:
    """A bus with its latest valid fix and its current assignment."""

    id: int
    name: str
    plate: str | None
    route_number: str | None
    trip_id: str | None
    fix_time: datetime
    latitude: float
    longitude: float
    speed_kmh: float
    course_deg: float


def live_buses(cur: Any) -> list[BusLive]:
    """Every bus that has a live position, staleness left to the caller (it owns the clock)."""
    cur.execute("""
        SELECT v.id, v.name, v.plate, v.route_number, v.trip_id, s.fix_time, s.latitude,
               s.longitude, s.speed_kmh, s.course_deg
        FROM vehicles v JOIN vehicle_state s ON s.vehicle_id = v.id
        WHERE v.kind = 'bus' AND v.deleted_at IS NULL
        ORDER BY v.id""")
    return [BusLive(*row) for row in cur.fetchall()]


@dataclass(frozen=True, slots=True)
class BusLine:
    """A bus line as drawn, WGS-84 (lon, lat)."""

    number: str
    name: str
    coordinates: tuple[tuple[float, float], ...]


def bus_lines(cur: Any) -> list[BusLine]:
    cur.execute("SELECT number, name, ST_AsGeoJSON(geom) FROM bus_lines ORDER BY number")
    return [BusLine(number, name, tuple((float(x), float(y))
                                        for x, y in json.loads(geometry)["coordinates"]))
            for number, name, geometry in cur.fetchall()]


def assign_route(cur: Any, vehicle_id: int, route_number: str | None,
                 trip_id: str | None) -> str | None:
    """Put a vehicle on a route (and trip), or take it off with ``route_number=None``.

    Returns the vehicle's kind, or None when there is no such vehicle.
    """
    cur.execute("UPDATE vehicles SET route_number = %s, trip_id = %s,"
                " route_assigned_at = CASE WHEN %s::text IS NULL THEN NULL ELSE now() END"
                " WHERE id = %s RETURNING kind",
                (route_number, trip_id if route_number is not None else None, route_number,
                 vehicle_id))
    row = cur.fetchone()
    return None if row is None else str(row[0])
