"""``/api/marks`` and ``/api/marks/{id}``: map marks by layer, created and closed on the map.

A validity time (``valid_from``, ``valid_to``) without an offset is the city's wall time.
DELETE moves a mark to the bin (``GET /api/marks?deleted=true`` lists it, with who deleted it
and when); ``POST /api/marks/{id}/restore`` brings it back.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.web.server import Request

from db import marks as store
from dispatch.marks import LAYERS, MarkError, parse_mark
from maps.api import geojson
from maps.api.json_resource import (
    ApiError,
    JsonResource,
    Reply,
    path_id,
    path_id_and_sub,
    query_flag,
    read_json,
)
from maps.auth.actor import on_behalf_of
from maps.auth.gate import current_login


def _checked(feature: Any, zone: tzinfo, existing: Any = None) -> Any:
    try:
        return parse_mark(feature, zone, existing=existing)
    except MarkError as e:
        raise ApiError(400, str(e), {"field": e.field}) from e


class MarksResource(JsonResource):
    """GET list (``?layer=&public=1&active=1&deleted=1``) or one; POST create (or restore);
    PUT update; DELETE."""

    def __init__(self, pool: adbapi.ConnectionPool, zone: tzinfo) -> None:
        super().__init__()
        self._pool, self._zone = pool, zone

    def get(self, request: Request) -> Deferred[Any]:
        mark_id = path_id(request)
        if mark_id is not None:
            d: Deferred[Any] = self._pool.runInteraction(_get_or_404, mark_id)
            return d.addCallback(geojson.row_feature)
        layer = (request.args or {}).get(b"layer", [b""])[0].decode("utf-8", "replace") or None
        if layer is not None and layer not in LAYERS:
            raise ApiError(400, f"unknown layer {layer!r}", sorted(LAYERS))
        rows: Deferred[list[dict[str, Any]]] = self._pool.runInteraction(
            store.list_marks, layer=layer, public_only=query_flag(request, b"public"),
            active_only=query_flag(request, b"active"), deleted=query_flag(request, b"deleted"))
        return rows.addCallback(lambda found: geojson.feature_collection(
            [geojson.row_feature(r) for r in found]))

    def post(self, request: Request) -> Deferred[Any]:
        mark_id, sub = path_id_and_sub(request, ("restore",))
        if mark_id is not None and sub == "restore":
            restored: Deferred[Any] = self._pool.runInteraction(
                on_behalf_of(request, _restore), mark_id)
            return restored.addCallback(geojson.row_feature)
        if mark_id is not None:
            raise ApiError(405, "POST to /api/marks, PUT to /api/marks/{id}")
        mark = _checked(read_json(request), self._zone)
        d: Deferred[dict[str, Any]] = self._pool.runInteraction(
            on_behalf_of(request, store.create_mark), mark, current_login(request))
        return d.addCallback(lambda row: Reply(201, geojson.row_feature(row)))

    def put(self, request: Request) -> Deferred[Any]:
        mark_id = _required_id(request)
        feature = read_json(request)
        d: Deferred[Any] = self._pool.runInteraction(
            on_behalf_of(request, _update), mark_id, feature, current_login(request), self._zone)
        return d.addCallback(geojson.row_feature)

    def delete(self, request: Request) -> Deferred[Any]:
        mark_id = _required_id(request)
        d: Deferred[bool] = self._pool.runInteraction(on_behalf_of(request, store.delete_mark),
                                                     mark_id)

        def done(deleted: bool) -> Reply:
            if not deleted:
                raise ApiError(404, "no such mark", mark_id)
            return Reply(204)

        return d.addCallback(done)


def _required_id(request: Request) -> int:
    mark_id = path_id(request)
    if mark_id is None:
        raise ApiError(405, "name the mark: /api/marks/{id}")
    return mark_id


def _get_or_404(cur: Any, mark_id: int) -> dict[str, Any]:
    row = store.get_mark(cur, mark_id)
    if row is None:
        raise ApiError(404, "no such mark", mark_id)
    return row


def _restore(cur: Any, mark_id: int) -> dict[str, Any]:
    row = store.restore_mark(cur, mark_id)
    if row is None:
        raise ApiError(404, "no such mark in the bin", mark_id)
    return row


def _update(cur: Any, mark_id: int, feature: Any, by: str | None,
            zone: tzinfo) -> dict[str, Any]:
    existing = _get_or_404(cur, mark_id)
    updated = store.update_mark(cur, mark_id, _checked(feature, zone, store.as_input(existing)),
                                by)
    assert updated is not None
    return updated
