"""``/api/acts/{id}`` and ``/api/acts/{id}/diff``: sealed coverage acts and what changed since.

An act is served as it was sealed, with its hash and whether the stored document still matches
it. ``diff`` recomputes the act's window with the route versions and parameters it names (the
reads in the pool, the computation in a worker thread, as every recompute) and answers what a
recompute says differently (``dispatch.acts.act_diff``); the act itself is never touched.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.web.server import Request

from db import coverage as coverage_db
from dispatch.acts import act_diff, act_route_versions, pinned_versions
from dispatch.coverage import CoverageResult
from dispatch.coverage_json import result_document
from dispatch.parameters import CoverageParams
from maps.api.coverage import CoverageService
from maps.api.json_resource import ApiError, JsonResource, path_id_and_sub

__all__ = ["ActsResource"]


def _act(cur: Any, act_id: int) -> dict[str, Any]:
    act = coverage_db.get_act(cur, act_id)
    if act is None:
        raise ApiError(404, "no such act", act_id)
    return act


def _sealed_params(act: dict[str, Any]) -> CoverageParams | None:
    """The act's parameters; None (today's) for parameters an older release wrote."""
    try:
        return CoverageParams.from_dict(act["document"]["parameters"])
    except (TypeError, ValueError):
        return None


class ActsResource(JsonResource):
    """GET one act, or its comparison with a recompute."""

    def __init__(self, pool: adbapi.ConnectionPool, service: CoverageService) -> None:
        super().__init__()
        self._pool, self._service = pool, service

    def get(self, request: Request) -> Deferred[Any]:
        act_id, sub = path_id_and_sub(request, ("diff",))
        if act_id is None:
            raise ApiError(404, "name the act: /api/acts/{id}")
        found: Deferred[dict[str, Any]] = self._pool.runInteraction(_act, act_id)
        if sub is None:
            return found
        return found.addCallback(self._diff)

    def _diff(self, act: dict[str, Any]) -> Deferred[dict[str, Any]]:
        sealed = act["document"]
        recomputed: Deferred[CoverageResult] = self._service.coverage(
            datetime.fromisoformat(sealed["from"]), datetime.fromisoformat(sealed["to"]),
            [r["id"] for r in act_route_versions(sealed)], versions=pinned_versions(sealed),
            params=_sealed_params(act))
        return recomputed.addCallback(
            lambda result: {"act": act["id"], "content_hash": act["content_hash"],
                            **act_diff(sealed, result_document(result))})
