"""Read side for the API, maps and dispatch: plain functions of a cursor, returning values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dispatch.tracks import TrackFix


@dataclass(frozen=True, slots=True)
class VehicleLive:
    """A vehicle with its latest valid fix. The driver is a person's name and phone: the API
    gives it to signed-in staff only (``maps.api.vehicles``)."""

    id: int
    name: str
    kind: str
    plate: str | None
    contractor: str | None
    driver: str | None
    driver_phone: str | None
    terminals: tuple[str, ...]
    equipment: dict[str, Any]
    fix_time: datetime
    received_at: datetime
    latitude: float
    longitude: float
    speed_kmh: float
    course_deg: float
    inputs: int | None


def live_vehicles(cur: Any) -> list[VehicleLive]:
    cur.execute("""
        SELECT v.id, v.name, v.kind, v.plate, v.contractor, v.driver, v.driver_phone,
               coalesce((SELECT array_agg(t.protocol || ':' || t.identifier ORDER BY t.id)
                         FROM terminals t WHERE t.vehicle_id = v.id), '{}'),
               v.equipment, s.fix_time, s.received_at, s.latitude, s.longitude, s.speed_kmh,
               s.course_deg, s.inputs
        FROM vehicles v JOIN vehicle_state s ON s.vehicle_id = v.id
        WHERE v.deleted_at IS NULL
        ORDER BY v.id""")
    return [VehicleLive(r[0], r[1], r[2], r[3], r[4], r[5], r[6], tuple(r[7]), r[8], *r[9:])
            for r in cur.fetchall()]


@dataclass(frozen=True, slots=True)
class TrackOwner:
    """What a track needs to say about its vehicle: its name, and how to read its equipment."""

    name: str
    kind: str
    equipment: dict[str, Any]


def track_owner(cur: Any, vehicle_id: int) -> TrackOwner | None:
    cur.execute("SELECT name, kind, equipment FROM vehicles WHERE id = %s", (vehicle_id,))
    row = cur.fetchone()
    return None if row is None else TrackOwner(str(row[0]), str(row[1]), row[2] or {})


def track(cur: Any, vehicle_id: int, start: datetime, end: datetime,
          limit: int = 200_000) -> list[TrackFix]:
    """Every stored fix of a vehicle in [start, end] by fix time, black-box data included."""
    cur.execute("""
        SELECT fix_time, latitude, longitude, speed_kmh, course_deg, valid, inputs, black_box,
               satellites, hdop
        FROM positions
        WHERE vehicle_id = %s AND fix_time BETWEEN %s AND %s
        ORDER BY fix_time
        LIMIT %s""", (vehicle_id, start, end, limit))
    return [TrackFix(*row) for row in cur.fetchall()]


def count_vehicles(cur: Any) -> int:
    cur.execute("SELECT count(*) FROM vehicles")
    n: int = cur.fetchone()[0]
    return n


def routes(cur: Any) -> list[dict[str, Any]]:
    """Clearing routes as GeoJSON-ready dicts (geometry already GeoJSON, coordinates rounded)."""
    cur.execute("""
        SELECT id, name, ST_AsGeoJSON(geom, 7)::json, treatment, priority, passes_required,
               direction, half_width_m, contractor, properties, updated_at
        FROM routes WHERE deleted_at IS NULL ORDER BY priority, id""")
    keys = ("id", "name", "geometry", "treatment", "priority", "passes_required", "direction",
            "half_width_m", "contractor", "properties", "updated_at")
    return [dict(zip(keys, row, strict=True)) for row in cur.fetchall()]


def marks(cur: Any, *, public_only: bool = False) -> list[dict[str, Any]]:
    """Map marks, optionally only those meant for the public."""
    cur.execute("""
        SELECT id, layer, ST_AsGeoJSON(geom, 7)::json, status, text, valid_from, valid_to,
               public, updated_at
        FROM marks WHERE deleted_at IS NULL AND (public OR NOT %s) ORDER BY id""",
                (public_only,))
    keys = ("id", "layer", "geometry", "status", "text", "valid_from", "valid_to", "public",
            "updated_at")
    return [dict(zip(keys, row, strict=True)) for row in cur.fetchall()]
