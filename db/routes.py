"""Clearing routes in PostGIS: create, read, update, delete, as ``dispatch.routes.Route`` values.

Validation is the domain's (``Route.__post_init__``); this module only moves validated values
in and out, in the caller's transaction. Geometry goes in as WKT in WGS-84 and comes out as
coordinate lists (7 decimals, about 1 cm).

A delete is soft (``deleted_at``, ``deleted_by``) and :func:`restore_route` undoes it; every
change coverage depends on makes a new version (triggers of ``0011_route_versions.sql``).
Which version judges a time window is decided in one place, :func:`routes_for_window`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from dispatch.plan_check import NetworkStreet
from dispatch.routes import Route

__all__ = [
    "delete_route",
    "get_route",
    "insert_route",
    "list_routes",
    "plan_network",
    "replace_network",
    "restore_route",
    "route_rows",
    "route_versions",
    "routes_by_version",
    "routes_for_window",
    "update_route",
    "upsert_routes",
]

_COLUMNS = """id, name, ST_AsGeoJSON(geom, 7)::json, treatment, priority, passes_required,
              direction, half_width_m, assigned_vehicles, contractor, properties,
              created_at, updated_at, ST_Length(geom::geography), version, deleted_at,
              deleted_by"""
_KEYS = ("id", "name", "geometry", "treatment", "priority", "passes_required", "direction",
         "half_width_m", "assigned_vehicles", "contractor", "properties", "created_at",
         "updated_at", "length_m", "version", "deleted_at", "deleted_by")
_VERSION_COLUMNS = """v.route_id, v.name, ST_AsGeoJSON(v.geom, 7)::json, v.treatment, v.priority,
                      v.passes_required, v.direction, v.half_width_m, v.assigned_vehicles,
                      v.contractor, r.properties, v.valid_from, v.valid_to,
                      ST_Length(v.geom::geography), v.version, v.changed_by"""
_VERSION_KEYS = ("id", "name", "geometry", "treatment", "priority", "passes_required",
                 "direction", "half_width_m", "assigned_vehicles", "contractor", "properties",
                 "valid_from", "valid_to", "length_m", "version", "changed_by")


def _line_wkt(coordinates: Sequence[tuple[float, float]]) -> str:
    return "LINESTRING(" + ", ".join(f"{lon!r} {lat!r}" for lon, lat in coordinates) + ")"


def _wkt(route: Route) -> str:
    return _line_wkt(route.coordinates)


def _values(route: Route) -> tuple[Any, ...]:
    return (route.name, _wkt(route), route.treatment, route.priority, route.passes_required,
            route.direction, route.half_width_m, list(route.assigned_vehicles), route.contractor,
            json.dumps(dict(route.properties), ensure_ascii=False))


def route_rows(cur: Any, route_ids: Sequence[int] | None = None, *,
               deleted: bool = False) -> list[dict[str, Any]]:
    """Routes as GeoJSON-ready dicts (what ``/api/routes`` serves), by priority then id: the
    live ones, or with ``deleted`` those in the bin."""
    cur.execute(f"SELECT {_COLUMNS} FROM routes"
                " WHERE (deleted_at IS NOT NULL) = %(deleted)s"
                " AND (%(ids)s::bigint[] IS NULL OR id = ANY(%(ids)s))"
                " ORDER BY priority, id",
                {"deleted": deleted, "ids": None if route_ids is None else list(route_ids)})
    return [_dict(_KEYS, row) for row in cur.fetchall()]


def _dict(keys: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    item = dict(zip(keys, row, strict=True))
    item["assigned_vehicles"] = list(item["assigned_vehicles"] or [])
    item["length_m"] = round(float(item["length_m"]), 1)
    return item


def row_to_route(row: dict[str, Any]) -> Route:
    return Route(
        id=row["id"], name=row["name"],
        coordinates=tuple((float(c[0]), float(c[1])) for c in row["geometry"]["coordinates"]),
        treatment=row["treatment"], priority=row["priority"],
        passes_required=row["passes_required"], direction=row["direction"],
        half_width_m=float(row["half_width_m"]),
        assigned_vehicles=tuple(row["assigned_vehicles"]), contractor=row["contractor"],
        properties=row["properties"] or {}, version=row["version"])


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
        WHERE id = %s AND deleted_at IS NULL""", (*_values(route), route_id))
    updated: bool = cur.rowcount == 1
    return updated


def delete_route(cur: Any, route_id: int) -> bool:
    """Move a live route to the bin, naming the transaction's audit actor as who did it."""
    cur.execute("UPDATE routes SET deleted_at = now(),"
                " deleted_by = nullif(current_setting('glonass.audit_login', true), '')"
                " WHERE id = %s AND deleted_at IS NULL", (route_id,))
    deleted: bool = cur.rowcount == 1
    return deleted


def restore_route(cur: Any, route_id: int) -> bool:
    """Bring a route back from the bin, with the version it had when it was deleted."""
    cur.execute("UPDATE routes SET deleted_at = NULL, deleted_by = NULL"
                " WHERE id = %s AND deleted_at IS NOT NULL", (route_id,))
    restored: bool = cur.rowcount == 1
    return restored


def route_versions(cur: Any, route_id: int) -> list[dict[str, Any]]:
    """Every version of a route (live or deleted), oldest first, with its validity."""
    cur.execute(f"SELECT {_VERSION_COLUMNS} FROM route_versions v"
                " JOIN routes r ON r.id = v.route_id WHERE v.route_id = %s ORDER BY v.version",
                (route_id,))
    return [_dict(_VERSION_KEYS, row) for row in cur.fetchall()]


def routes_for_window(cur: Any, start: datetime, end: datetime,
                      route_ids: Sequence[int] | None = None, *,
                      live_only: bool = False) -> list[Route]:
    """The routes that judge the window ``[start, end]``, each as the version in force at
    ``end``.

    The first version of a route also stands for the time before it was drawn: routes are
    often drawn after the work (a new contract, a street added after the storm) and the fixes
    do not depend on when a line was drawn. A route in the bin since before ``start`` is left
    out; one deleted within the window keeps the version it had (deletion makes no version),
    unless ``live_only`` (a map of now shows no route from the bin).
    """
    cur.execute(f"SELECT {_VERSION_COLUMNS} FROM route_versions v"
                " JOIN routes r ON r.id = v.route_id"
                " WHERE (r.deleted_at IS NULL"
                "        OR (NOT %(live)s AND r.deleted_at > %(start)s))"
                " AND (v.valid_from <= %(end)s OR v.version = 1)"
                " AND (v.valid_to IS NULL OR v.valid_to > %(end)s)"
                " AND (%(ids)s::bigint[] IS NULL OR r.id = ANY(%(ids)s))"
                " ORDER BY v.priority, v.route_id",
                {"start": start, "end": end, "live": live_only,
                 "ids": None if route_ids is None else list(route_ids)})
    return [row_to_route(_dict(_VERSION_KEYS, row)) for row in cur.fetchall()]


def routes_by_version(cur: Any, versions: Sequence[tuple[int, int]]) -> list[Route]:
    """The given (route id, version) pairs as routes, as an act names them."""
    cur.execute(f"SELECT {_VERSION_COLUMNS} FROM route_versions v"
                " JOIN routes r ON r.id = v.route_id"
                " JOIN unnest(%s::bigint[], %s::int[]) AS w (id, version)"
                " ON w.id = v.route_id AND w.version = v.version"
                " ORDER BY v.priority, v.route_id",
                ([i for i, _ in versions], [n for _, n in versions]))
    return [row_to_route(_dict(_VERSION_KEYS, row)) for row in cur.fetchall()]


def upsert_routes(cur: Any, routes: Sequence[Route]) -> tuple[list[int], list[int]]:
    """Import: a route whose id exists is updated, any other is created. Returns (new, updated)."""
    created, updated = [], []
    for route in routes:
        if route.id is not None and update_route(cur, route.id, route):
            updated.append(route.id)
        else:
            created.append(insert_route(cur, route))
    return created, updated


def replace_network(cur: Any, streets: Sequence[NetworkStreet]) -> int:
    """The city's street network, replaced as a whole by an import."""
    cur.execute("DELETE FROM street_network")
    for s in streets:
        cur.execute("INSERT INTO street_network (name, geom)"
                    " VALUES (%s, ST_GeomFromText(%s, 4326))", (s.name, _line_wkt(s.coordinates)))
    return len(streets)


def plan_network(cur: Any) -> list[NetworkStreet]:
    """Every street the plan should cover: every line ever drawn as a route (the bin's too)
    and the imported street network."""
    cur.execute("SELECT name, ST_AsGeoJSON(geom) FROM routes"
                " UNION ALL SELECT name, ST_AsGeoJSON(geom) FROM street_network")
    return [NetworkStreet(name, tuple((float(x), float(y))
                                      for x, y in json.loads(geometry)["coordinates"]))
            for name, geometry in cur.fetchall()]
