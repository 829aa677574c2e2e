"""``/public/``: the city's map for everyone, with no sign-in, under one path prefix.

``/public/`` is the page, ``/public/data/map.json`` the document it polls, ``/public/static/``
its assets, so a city website can put exactly this prefix behind its own proxy. The document
needs the coverage of every route over the last day, seconds of work, so :class:`PublicFeed`
rebuilds it at most every ``public.refresh_s``, only when someone asks, one rebuild at a time,
and answers from the previous one while the next is computed. Each rebuild brings the
service's kept result up to date (``maps.coverage_cache``): only routes near fixes that arrived
or crossed the window's edges since the last one are recomputed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from twisted.internet.defer import Deferred, gatherResults, succeed
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import Request
from twisted.web.util import redirectTo

from db import public as public_db
from db.standby import Interactions
from dispatch.coverage import CoverageResult
from maps.api import ApiError, JsonResource
from maps.coverage_api import CoverageService
from maps.public_layers import (
    PublicSnapshot,
    ServiceBand,
    public_document,
    route_pieces,
    service_bands,
)

__all__ = ["PublicData", "PublicFeed", "PublicOptions", "PublicSite", "public_map_document",
           "read_public_parts"]

Clock = Callable[[], datetime]
VEHICLE_LOOKBACK = timedelta(hours=1)  # a vehicle silent longer before the delayed time is left out
log = Logger()


def read_public_parts(cur: Any, now: datetime, delay_s: float
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Delayed vehicles and public marks in force, as the public document needs them."""
    vehicles = public_db.delayed_vehicles(cur, now - timedelta(seconds=delay_s),
                                          VEHICLE_LOOKBACK)
    return vehicles, public_db.public_marks(cur)


@dataclass(frozen=True, slots=True)
class PublicOptions:
    """What the public map shows and how fresh (``[public]`` and ``[site]`` settings)."""

    vehicle_delay_s: float
    coordinate_decimals: int
    band_hours: tuple[float, ...]
    service_window_h: float
    refresh_s: float
    zone: ZoneInfo

    @property
    def bands(self) -> tuple[ServiceBand, ...]:
        return service_bands(self.band_hours, self.service_window_h)


def public_map_document(now: datetime, options: PublicOptions,
                        parts: tuple[list[dict[str, Any]], list[dict[str, Any]]],
                        coverage: CoverageResult) -> dict[str, Any]:
    """The document from what :func:`read_public_parts` read and the last window's coverage."""
    vehicles, marks = parts
    snapshot = PublicSnapshot(generated_at=now,
                              vehicles_at=now - timedelta(seconds=options.vehicle_delay_s),
                              vehicles=vehicles, routes=route_pieces(coverage), marks=marks)
    return public_document(snapshot, options.bands, decimals=options.coordinate_decimals,
                           zone=options.zone)


class PublicFeed:
    """The public document, rebuilt on demand at most every ``refresh_s`` (never per request)."""

    def __init__(self, pool: Interactions, coverage: CoverageService, clock: Clock,
                 options: PublicOptions) -> None:
        self._pool, self._coverage, self._clock = pool, coverage, clock
        self._options = options
        self._document: dict[str, Any] | None = None
        self._made_at: datetime | None = None
        self._rebuilding = False
        self._waiting: list[Deferred[dict[str, Any]]] = []

    def document(self) -> Deferred[dict[str, Any]]:
        now = self._clock()
        fresh = self._made_at is not None and (
            now - self._made_at).total_seconds() < self._options.refresh_s
        if not fresh and not self._rebuilding:
            self._rebuild(now)
        if self._document is not None:
            return succeed(self._document)
        waiter: Deferred[dict[str, Any]] = Deferred()
        self._waiting.append(waiter)
        return waiter

    def _rebuild(self, now: datetime) -> None:
        self._rebuilding = True
        start = now - timedelta(hours=self._options.service_window_h)
        parts = self._pool.runInteraction(read_public_parts, now, self._options.vehicle_delay_s)
        d = gatherResults([parts, self._coverage.coverage(start, now, live_only=True)],
                          consumeErrors=True)
        d.addCallback(lambda results: public_map_document(now, self._options, results[0],
                                                          results[1]))
        d.addCallbacks(self._built, self._failed, callbackArgs=(now,))

    def _built(self, document: dict[str, Any], now: datetime) -> None:
        self._document, self._made_at, self._rebuilding = document, now, False
        waiting, self._waiting = self._waiting, []
        for waiter in waiting:
            waiter.callback(document)

    def _failed(self, failure: Failure) -> None:
        log.failure("the public map's data could not be rebuilt", failure)
        self._rebuilding = False
        waiting, self._waiting = self._waiting, []
        for waiter in waiting:
            waiter.errback(ApiError(503, "данные карты временно недоступны"))


class PublicData(JsonResource):
    """``GET /public/data/map.json``: the current public document."""

    def __init__(self, feed: PublicFeed) -> None:
        super().__init__()
        self._feed = feed

    def get(self, request: Request) -> Deferred[Any]:
        if [p for p in (request.postpath or []) if p]:
            raise ApiError(404, "no such resource")
        return self._feed.document()  # type: ignore[return-value]


class PublicSite(Resource):
    """The ``/public/`` folder: the page, its data and its assets; ``/public`` redirects."""

    def __init__(self, page: Resource, feed: PublicFeed, static: Resource) -> None:
        super().__init__()
        self.putChild(b"", page)
        data = Resource()
        data.putChild(b"map.json", PublicData(feed))
        self.putChild(b"data", data)
        self.putChild(b"static", static)

    def render_GET(self, request: Request) -> bytes:  # noqa: N802 (Twisted's name)
        return redirectTo(b"/public/", request)
