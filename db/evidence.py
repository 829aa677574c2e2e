"""The fixes behind a credited pass, as an auditor checks them: every stored fix of one vehicle
in a time interval, with the terminal that sent it, when it arrived, and how far it lies from
the route version that was judged."""

from __future__ import annotations

from datetime import datetime
from typing import Any

__all__ = ["evidence_fixes", "vehicle_card"]

_KEYS = ("fix_time", "received_at", "longitude", "latitude", "speed_kmh", "course_deg", "valid",
         "satellites", "hdop", "inputs", "black_box", "terminal", "distance_m")


def vehicle_card(cur: Any, vehicle_id: int) -> dict[str, Any] | None:
    """Name, plate, contractor and equipment of a vehicle; None when there is none."""
    cur.execute("SELECT id, name, plate, contractor, equipment FROM vehicles WHERE id = %s",
                (vehicle_id,))
    row = cur.fetchone()
    keys = ("id", "name", "plate", "contractor", "equipment")
    return None if row is None else dict(zip(keys, row, strict=True))


def evidence_fixes(cur: Any, vehicle_id: int, start: datetime, end: datetime,
                   route_version: tuple[int, int] | None = None) -> list[dict[str, Any]]:
    """Every fix of the vehicle with ``start <= fix_time <= end``, oldest first; ``distance_m``
    is to the given (route id, version) line, None without one."""
    cur.execute("""
        SELECT p.fix_time, p.received_at, p.longitude, p.latitude, p.speed_kmh, p.course_deg,
               p.valid, p.satellites, p.hdop, p.inputs, p.black_box,
               t.protocol || ':' || t.identifier,
               round(ST_Distance(p.geom::geography, v.geom::geography)::numeric, 1)::float8
        FROM positions p
        LEFT JOIN terminals t ON t.id = p.terminal_id
        LEFT JOIN route_versions v ON v.route_id = %(route)s AND v.version = %(version)s
        WHERE p.vehicle_id = %(vehicle)s AND p.fix_time BETWEEN %(start)s AND %(end)s
        ORDER BY p.fix_time, p.received_at""",
                {"vehicle": vehicle_id, "start": start, "end": end,
                 "route": route_version[0] if route_version else None,
                 "version": route_version[1] if route_version else None})
    return [dict(zip(_KEYS, row, strict=True)) for row in cur.fetchall()]
