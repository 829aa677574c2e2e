"""Seed the demo city into an empty database: the fleet, each vehicle with its one terminal
(road machines EGTS or, three each, a tracker protocol; buses NDTP), clearing routes with
their contractors, marks."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from db.storms import create_storm, list_storms
from dispatch.demo_city import demo_bus_lines, demo_marks, demo_routes
from dispatch.demo_fleet import demo_fleet
from dispatch.storms import demo_storm


def _line_wkt(coordinates: tuple[tuple[float, float], ...]) -> str:
    return "LINESTRING(" + ", ".join(f"{lon} {lat}" for lon, lat in coordinates) + ")"


def _mark_wkt(geometry_type: str, coordinates: tuple[tuple[float, float], ...]) -> str:
    if geometry_type == "Point":
        lon, lat = coordinates[0]
        return f"POINT({lon} {lat})"
    return _line_wkt(coordinates)


def seed_demo(cur: Any, *, force: bool = False) -> dict[str, int]:
    """Insert the demo data unless vehicles exist already; return what was inserted."""
    cur.execute("SELECT count(*) FROM vehicles")
    if cur.fetchone()[0] and not force:
        return {}
    fleet = demo_fleet()
    lines = demo_bus_lines()
    for v in fleet:
        equipment = {"input": 1, "tool": v.equipment_tool} if v.equipment_tool else {}
        route_number = lines[v.route_index].number if v.kind == "bus" else None
        cur.execute("INSERT INTO vehicles (name, kind, plate, contractor, equipment,"
                    " route_number, driver, driver_phone)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                    (v.name, v.kind, v.plate, v.contractor, json.dumps(equipment),
                     route_number, v.driver, v.driver_phone))
        vehicle_id = cur.fetchone()[0]
        cur.execute("INSERT INTO terminals (protocol, identifier, imei, vehicle_id)"
                    " VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT (protocol, identifier)"
                    " DO UPDATE SET vehicle_id = EXCLUDED.vehicle_id",
                    (v.protocol, v.identifier, v.imei, vehicle_id))
    routes = demo_routes()
    for r in routes:
        cur.execute("INSERT INTO routes (name, geom, treatment, priority, passes_required,"
                    " direction, half_width_m, contractor, properties)"
                    " VALUES (%s, ST_GeomFromText(%s, 4326), %s, %s, %s, %s, %s, %s, %s)",
                    (r.name, _line_wkt(r.coordinates), r.treatment, r.priority,
                     r.passes_required, r.direction, r.half_width_m, r.contractor,
                     json.dumps({"district": r.district}, ensure_ascii=False)))
    added_lines = ensure_demo_bus_lines(cur)
    marks = demo_marks()
    for m in marks:
        cur.execute("INSERT INTO marks (layer, geom, status, text, public)"
                    " VALUES (%s, ST_GeomFromText(%s, 4326), %s, %s, %s)",
                    (m.layer, _mark_wkt(m.geometry_type, m.coordinates), m.status, m.text,
                     m.public))
    return {"vehicles": len(fleet), "routes": len(routes), "bus_lines": added_lines,
            "marks": len(marks)}


def ensure_demo_bus_lines(cur: Any) -> int:
    """The demo's bus lines, unless some are stored (a demo database seeded before bus lines
    were stored gets them too); returns how many were added."""
    cur.execute("SELECT EXISTS (SELECT 1 FROM bus_lines)")
    if cur.fetchone()[0]:
        return 0
    lines = demo_bus_lines()
    for line in lines:
        cur.execute("INSERT INTO bus_lines (number, name, geom)"
                    " VALUES (%s, %s, ST_GeomFromText(%s, 4326))",
                    (line.number, line.name, _line_wkt(line.coordinates)))
    return len(lines)


def ensure_demo_storm(cur: Any, now: datetime) -> int | None:
    """Declare the demo's storm in progress unless a storm's window is open at ``now``;
    return the new storm's id (None: one was open)."""
    if any(s.started_at <= now and (s.closed_at is None or s.closed_at > now)
           for s in list_storms(cur)):
        return None
    storm = demo_storm(now)
    return create_storm(cur, storm.name, storm.started_at, storm.snowfall_ended_at,
                        notes=storm.notes)
