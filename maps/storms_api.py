"""``/api/storms`` and ``/api/storms/{id}``: declared storms, newest first (read-only here;
dispatchers declare and close them with ``glonass-dispatch storms``). The coverage page offers
them as windows: a storm runs from its start to its close (still open: to now)."""

from __future__ import annotations

from typing import Any

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.web.server import Request

from db import storms as store
from dispatch.storms import Storm
from maps.api import ApiError, JsonResource, path_id


def storm_view(storm: Storm) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {"id": storm.id, "name": storm.name, "started_at": iso(storm.started_at),
            "snowfall_ended_at": iso(storm.snowfall_ended_at), "closed_at": iso(storm.closed_at),
            "norms_h": {str(k): v for k, v in storm.norms_h.items()}, "notes": storm.notes}


class StormsResource(JsonResource):
    def __init__(self, pool: adbapi.ConnectionPool) -> None:
        super().__init__()
        self._pool = pool

    def get(self, request: Request) -> Deferred[Any]:
        storm_id = path_id(request)
        if storm_id is None:
            storms: Deferred[list[Storm]] = self._pool.runInteraction(store.list_storms)
            return storms.addCallback(lambda found: [storm_view(s) for s in found])
        one: Deferred[Storm | None] = self._pool.runInteraction(store.get_storm, storm_id)

        def found(storm: Storm | None) -> dict[str, Any]:
            if storm is None:
                raise ApiError(404, "no such storm", storm_id)
            return storm_view(storm)

        return one.addCallback(found)
