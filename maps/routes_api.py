"""``/api/routes``: clearing routes as GeoJSON Features, and each route's coverage.

- ``GET /api/routes``: FeatureCollection of every route (``?download=1``: as a file to import
  elsewhere); ``POST``: one Feature, or a FeatureCollection to import many at once;
- ``GET|PUT|DELETE /api/routes/{id}``: one route; PUT merges the given properties (and the
  geometry, if sent) into the stored route;
- ``GET /api/routes/{id}/coverage?from=&to=``: that route's stretches (``maps.coverage_api``).

A feature that cannot be a route (not a LineString, zero length, a bad property) is refused
with 400 and a message naming it; one that is fine but lies outside the city is stored, and the
response carries a ``warnings`` list.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.web.server import Request

from db import routes as store
from dispatch.route_geojson import (
    ParsedRoute,
    feature_label,
    parse_feature,
    parse_feature_collection,
    route_feature,
)
from dispatch.routes import RouteError
from maps import geojson
from maps.actor import on_behalf_of
from maps.api import ApiError, JsonResource, Reply, read_json
from maps.coverage_api import CoverageService, route_coverage

__all__ = ["RoutesResource"]

Clock = Callable[[], datetime]


def _path(request: Request) -> tuple[int | None, str | None]:
    """(route id, sub-resource) from what follows ``/api/routes``."""
    rest = [p.decode("utf-8", "replace") for p in (request.postpath or []) if p]
    if not rest:
        return None, None
    if len(rest) > 2 or (len(rest) == 2 and rest[1] != "coverage"):
        raise ApiError(404, "no such resource", request.uri.decode("utf-8", "replace"))
    try:
        route_id = int(rest[0])
    except ValueError as e:
        raise ApiError(400, "route id must be an integer", rest[0]) from e
    return route_id, rest[1] if len(rest) == 2 else None


def _refused(error: RouteError) -> ApiError:
    return ApiError(400, str(error), {"feature": error.where, "problem": error.message})


def _parse_body(body: Any) -> list[ParsedRoute]:
    if isinstance(body, dict) and body.get("type") == "FeatureCollection":
        try:
            return parse_feature_collection(json.dumps(body))
        except RouteError as e:
            raise _refused(e) from e
    try:
        return [parse_feature(body, feature_label(None, body))]
    except RouteError as e:
        raise _refused(e) from e


def _feature(row: dict[str, Any], warnings: tuple[str, ...] = ()) -> dict[str, Any]:
    feature = geojson.row_feature(row)
    if warnings:
        feature["warnings"] = list(warnings)
    return feature


def _create(cur: Any, parsed: list[ParsedRoute]) -> list[dict[str, Any]]:
    ids = [store.insert_route(cur, p.route) for p in parsed]
    rows = {r["id"]: r for r in store.route_rows(cur, ids)}
    return [rows[i] for i in ids]


def _update(cur: Any, route_id: int, body: Any) -> tuple[dict[str, Any], tuple[str, ...]]:
    current = store.get_route(cur, route_id)
    if current is None:
        raise ApiError(404, "no such route", route_id)
    if not isinstance(body, dict):
        raise ApiError(400, "body must be a GeoJSON Feature")
    base = route_feature(current)
    props = body.get("properties") or {}
    if not isinstance(props, dict):
        raise ApiError(400, "'properties' must be an object")
    merged = {"type": "Feature", "geometry": body.get("geometry") or base["geometry"],
              "properties": {**base["properties"], **props}}
    try:
        parsed = parse_feature(merged, f"route {route_id}", route_id=route_id)
    except RouteError as e:
        raise _refused(e) from e
    store.update_route(cur, route_id, parsed.route)
    return store.route_rows(cur, [route_id])[0], parsed.warnings


def _one(cur: Any, route_id: int) -> dict[str, Any]:
    rows = store.route_rows(cur, [route_id])
    if not rows:
        raise ApiError(404, "no such route", route_id)
    return rows[0]


class RoutesResource(JsonResource):
    """The route list, single routes and their coverage."""

    def __init__(self, pool: adbapi.ConnectionPool, service: CoverageService,
                 clock: Clock) -> None:
        super().__init__()
        self._pool, self._service, self._clock = pool, service, clock

    def get(self, request: Request) -> Deferred[Any]:
        route_id, sub = _path(request)
        if route_id is not None and sub == "coverage":
            return route_coverage(self._service, self._clock, request, route_id)
        if route_id is not None:
            one: Deferred[dict[str, Any]] = self._pool.runInteraction(_one, route_id)
            return one.addCallback(_feature)
        rows: Deferred[list[dict[str, Any]]] = self._pool.runInteraction(store.route_rows)
        download = (request.args or {}).get(b"download", [b""])[0] in (b"1", b"true")

        def collection(found: list[dict[str, Any]]) -> Any:
            body = geojson.feature_collection([_feature(r) for r in found])
            if not download:
                return body
            return Reply(200, json.dumps(body, ensure_ascii=False, indent=1),
                         content_type="application/geo+json; charset=utf-8",
                         filename="routes.geojson")

        return rows.addCallback(collection)

    def post(self, request: Request) -> Deferred[Any]:
        if _path(request) != (None, None):
            raise ApiError(405, "POST to /api/routes, PUT to /api/routes/{id}")
        body = read_json(request)
        parsed = _parse_body(body)
        created: Deferred[list[dict[str, Any]]] = self._pool.runInteraction(
            on_behalf_of(request, _create), parsed)
        single = not (isinstance(body, dict) and body.get("type") == "FeatureCollection")

        def reply(rows: list[dict[str, Any]]) -> Reply:
            if single:
                return Reply(201, _feature(rows[0], parsed[0].warnings))
            warnings = [{"feature": p.index, "id": row["id"], "warning": w}
                        for p, row in zip(parsed, rows, strict=True) for w in p.warnings]
            return Reply(201, geojson.feature_collection([_feature(r) for r in rows],
                                                         warnings=warnings))

        return created.addCallback(reply)

    def put(self, request: Request) -> Deferred[Any]:
        route_id, sub = _path(request)
        if route_id is None or sub is not None:
            raise ApiError(405, "PUT to /api/routes/{id}")
        body = read_json(request)
        d: Deferred[tuple[dict[str, Any], tuple[str, ...]]] = self._pool.runInteraction(
            on_behalf_of(request, _update), route_id, body)
        return d.addCallback(lambda done: _feature(*done))

    def delete(self, request: Request) -> Deferred[Any]:
        route_id, sub = _path(request)
        if route_id is None or sub is not None:
            raise ApiError(405, "DELETE /api/routes/{id}")
        d: Deferred[bool] = self._pool.runInteraction(on_behalf_of(request, store.delete_route),
                                                     route_id)

        def done(deleted: bool) -> Reply:
            if not deleted:
                raise ApiError(404, "no such route", route_id)
            return Reply(204)

        return d.addCallback(done)
