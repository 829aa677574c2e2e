"""``/api/routes``: clearing routes as GeoJSON Features, and each route's coverage.

- ``GET /api/routes``: FeatureCollection of every route (``?download=1``: as a file to import
  elsewhere; ``?deleted=true``: the routes in the bin, with who deleted them and when);
  ``POST``: one Feature, or a FeatureCollection to import many at once;
- ``GET|PUT|DELETE /api/routes/{id}``: one route; PUT merges the given properties (and the
  geometry, if sent) into the stored route; DELETE moves it to the bin;
- ``POST /api/routes/{id}/restore``: back from the bin;
- ``GET /api/routes/{id}/versions``: every version with its validity interval;
- ``GET /api/routes/{id}/coverage?from=&to=``: that route's stretches (``maps.api.coverage``).

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
    FeatureErrors,
    ParsedRoute,
    feature_label,
    parse_feature,
    parse_feature_collection,
    route_feature,
)
from dispatch.routes import RouteError
from maps.api import geojson
from maps.api.coverage import CoverageService, route_coverage
from maps.api.json_resource import (
    ApiError,
    JsonResource,
    Reply,
    parse_json,
    path_id_and_sub,
    query_flag,
    read_body,
    read_json,
)
from maps.auth.actor import on_behalf_of

__all__ = ["RoutesResource"]

Clock = Callable[[], datetime]
_SUBRESOURCES = ("coverage", "versions", "restore")


def _path(request: Request) -> tuple[int | None, str | None]:
    """(route id, sub-resource) from what follows ``/api/routes``."""
    return path_id_and_sub(request, _SUBRESOURCES)


def _refused(error: RouteError) -> ApiError:
    """A 400 naming the (first) bad feature; ``errors`` lists every bad one."""
    every = error.errors if isinstance(error, FeatureErrors) else (error,)
    return ApiError(400, str(error), {
        "feature": error.where, "problem": error.message,
        "errors": [{"feature": e.where, "problem": e.message} for e in every]})


def _parse_body(body: Any, text: str) -> list[ParsedRoute]:
    """``text`` is the body as sent: a collection's errors then name the lines of the file."""
    if isinstance(body, dict) and body.get("type") == "FeatureCollection":
        try:
            return parse_feature_collection(text)
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
        parsed = parse_feature(merged, f"маршрут {route_id}", route_id=route_id)
    except RouteError as e:
        raise _refused(e) from e
    store.update_route(cur, route_id, parsed.route)
    return store.route_rows(cur, [route_id])[0], parsed.warnings


def _one(cur: Any, route_id: int) -> dict[str, Any]:
    rows = store.route_rows(cur, [route_id])
    if not rows:
        raise ApiError(404, "no such route", route_id)
    return rows[0]


def _restore(cur: Any, route_id: int) -> dict[str, Any]:
    if not store.restore_route(cur, route_id):
        raise ApiError(404, "no such route in the bin", route_id)
    return _one(cur, route_id)


def _versions(cur: Any, route_id: int) -> dict[str, Any]:
    rows = store.route_versions(cur, route_id)
    if not rows:
        raise ApiError(404, "no such route", route_id)
    return geojson.feature_collection([_version_feature(r) for r in rows])


def _version_feature(row: dict[str, Any]) -> dict[str, Any]:
    feature = geojson.row_feature(row)
    feature["id"] = f"{row['id']}:{row['version']}"
    return feature


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
        if route_id is not None and sub == "versions":
            versions: Deferred[dict[str, Any]] = self._pool.runInteraction(_versions, route_id)
            return versions
        if route_id is not None and sub is None:
            one: Deferred[dict[str, Any]] = self._pool.runInteraction(_one, route_id)
            return one.addCallback(_feature)
        if route_id is not None:
            raise ApiError(405, "POST /api/routes/{id}/restore")
        rows: Deferred[list[dict[str, Any]]] = self._pool.runInteraction(
            store.route_rows, deleted=query_flag(request, b"deleted"))
        download = query_flag(request, b"download")

        def collection(found: list[dict[str, Any]]) -> Any:
            body = geojson.feature_collection([_feature(r) for r in found])
            if not download:
                return body
            return Reply(200, json.dumps(body, ensure_ascii=False, indent=1),
                         content_type="application/geo+json; charset=utf-8",
                         filename="routes.geojson")

        return rows.addCallback(collection)

    def post(self, request: Request) -> Deferred[Any]:
        route_id, sub = _path(request)
        if route_id is not None and sub == "restore":
            restored: Deferred[dict[str, Any]] = self._pool.runInteraction(
                on_behalf_of(request, _restore), route_id)
            return restored.addCallback(_feature)
        if (route_id, sub) != (None, None):
            raise ApiError(405, "POST to /api/routes, PUT to /api/routes/{id}")
        raw = read_body(request)
        body = parse_json(raw)
        parsed = _parse_body(body, raw.decode("utf-8"))
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
