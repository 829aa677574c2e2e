"""Clearing routes in PostGIS: create, read, update, delete, as ``dispatch.routes.Route`` values.

Validation is the domain's (``Route.__post_init__``); this module only moves validated values
in and out, in the caller's transaction. Geometry goes in as WKT in WGS-84 and comes out as
coordinate lists (7 decimals, about 1 cm).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from dispatch.routes import Route

__all__ = [
    "delete_route",
    "get_route",
    "insert_route",
    "list_routes",
    "route_rows",
    "update_route",
    "upsert_routes",
]

_COLUMNS = """id, name, ST_AsGeoJSON(geom, 7)::json, treatment, priority, passes_required,
              direction, half_width_m, assigned_vehicles, contractor, properties,
              created_at, updated_at, ST_Length(geom::geography)"""
_KEYS = ("id", "name", "geometry", "treatment", "priority", "passes_required", "direction",
         "half_width_m", "assigned_vehicles", "contractor", "properties", "created_at",
         "updated_at", "length_m")


def _wkt(route: Route) -> str:
    return "LINESTRING(" + ", ".join(f"{lon!r} {lat!r}" for lon, lat in route.coordinates) + ")"


def _values(route: Route) -> tuple[Any, ...]:
    return (route.name, _wkt(route), route.treatment, route.priority, route.passes_required,
            route.direction, route.half_width_m, list(route.assigned_vehicles), route.contractor,
            json.dumps(dict(route.properties), ensure_ascii=False))


def route_rows(cur: Any, route_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """Routes as GeoJSON-ready dicts (what ``/api/routes`` serves), by priority then id."""
    if route_ids is None:
        cur.execute(f"SELECT {_COLUMNS} FROM routes ORDER BY priority, id")
    else:
        cur.execute(f"SELECT {_COLUMNS} FROM routes WHERE id = ANY(%s) ORDER BY priority, id",
                    (list(route_ids),))
    rows = []
    for row in cur.fetchall():
        item = dict(zip(_KEYS, row, strict=True))
        item["assigned_vehicles"] = list(item["assigned_vehicles"] or [])
        item["length_m"] = round(float(item["length_m"]), 1)
        rows.append(item)
    return rows


def row_to_route(row: dict[str, Any]) -> Route:
    return Route(
        id=row["id"], name=row["name"],
        coordinates=tuple((float(c[0]), float(c[1])) for c in row["geometry"]["coordinates"]),
        treatment=row["treatment"], priority=row["priority"],
        passes_required=row["passes_required"], direction=row["direction"],
        half_width_m=float(row["half_width_m"]),
        assigned_vehicles=tuple(row["assigned_vehicles"]), contractor=row["contractor"],
        properties=row["properties"] or {})


def list_routes(cur: Any, route_ids: Sequence[int] | None = None) -> list[Route]:
    return [row_to_route(r) for r in route_rows(cur, route_ids)]


def get_route(cur: Any, route_id: int) -> Route | None:
    found = list_routes(cur, [route_id])
    return found[0] if found else None


def insert_route(cur: Any, route: Route) -> int:
    cur.execute("""
        INSERT INTO routes (name, geom, treatment, priority, passes_required, direction,
                            half_width_m, assigned_vehicles, contractor, properties)
        VALUES (%s, ST_GeomFromText(%s, 4326), %s, %s, %s, %s, %s, %s, %s, %s)
        RETURNING id""", _values(route))
    new_id: int = cur.fetchone()[0]
    return new_id


def update_route(cur: Any, route_id: int, route: Route) -> bool:
    cur.execute("""
        UPDATE routes SET name = %s, geom = ST_GeomFromText(%s, 4326), treatment = %s,
               priority = %s, passes_required = %s, direction = %s, half_width_m = %s,
               assigned_vehicles = %s, contractor = %s, properties = %s, updated_at = now()
        WHERE id = %s""", (*_values(route), route_id))
    updated: bool = cur.rowcount == 1
    return updated


def delete_route(cur: Any, route_id: int) -> bool:
    cur.execute("DELETE FROM routes WHERE id = %s", (route_id,))
    deleted: bool = cur.rowcount == 1
    return deleted


def upsert_routes(cur: Any, routes: Sequence[Route]) -> tuple[list[int], list[int]]:
    """Import: a route whose id exists is updated, any other is created. Returns (new, updated)."""
    created, updated = [], []
    for route in routes:
        if route.id is not None and update_route(cur, route.id, route):
            updated.append(route.id)
        else:
            created.append(insert_route(cur, route))
    return created, updated
