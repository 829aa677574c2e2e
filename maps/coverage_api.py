"""``/api/coverage``, ``/api/routes/{id}/coverage`` and ``/api/events``: verdicts on demand.

A recompute reads a window of fixes (up to a city day: a million rows) and runs the engine for
seconds, so none of it may run on the reactor thread: the reads run in the database pool's
threads (``runInteraction``) and the computation in the reactor's thread pool
(``deferToThread``). Meanwhile the reactor keeps acknowledging terminals.

Every request's result is what a computation from everything stored now gives, so late
black-box data shows up on the next request; only the routes that fixes arrived, or crossed
the window's edges, near since the last request are recomputed (``maps.coverage_cache``).
The routes are the versions in force then
(``db.routes.routes_for_window``), so a line redrawn today does not rewrite last week's
verdict; ``?format=csv`` gives the stretches as a CSV for a Russian spreadsheet (times without
an offset are the city's). ``glonass-dispatch coverage --save`` and storm reports are what
store a result with its parameters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, Final

from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThread
from twisted.web.server import Request

from db import coverage as coverage_db
from db import routes as route_db
from db.standby import Interactions
from dispatch.coverage import CoverageResult, compute_coverage
from dispatch.coverage_json import iso, result_document, route_document
from dispatch.coverage_sheets import coverage_csv
from dispatch.equipment import VehicleInfo
from dispatch.events import Event, EventParams, find_events
from dispatch.fixes import FixArrays
from dispatch.local_time import file_stamp
from dispatch.parameters import CoverageParams
from dispatch.routes import Route
from maps.api import ApiError, JsonResource, Reply, parse_time
from maps.coverage_cache import CacheRead, CoverageCache
from maps.evidence_api import link_evidence

__all__ = ["CoverageResource", "CoverageService", "EventsResource", "route_bbox"]

Clock = Callable[[], datetime]
MAX_WINDOW: Final = timedelta(days=31)
BBOX_MARGIN_M: Final = 800.0  # > 45 km/h x 60 s: the fix a pass needs past a route end is read


@dataclass(frozen=True, slots=True)
class _Inputs:
    routes: list[Route]
    vehicles: dict[int, VehicleInfo]
    fixes: FixArrays


def route_bbox(routes: Sequence[Route], margin_m: float = BBOX_MARGIN_M) -> coverage_db.BBox:
    """The routes' lon/lat bounding box grown by ``margin_m`` on every side."""
    lons = [c[0] for r in routes for c in r.coordinates]
    lats = [c[1] for r in routes for c in r.coordinates]
    dlat = margin_m / 111_320.0
    dlon = margin_m / (111_320.0 * max(0.1, math.cos(math.radians(max(map(abs, lats))))))
    return min(lons) - dlon, min(lats) - dlat, max(lons) + dlon, max(lats) + dlat


def _registry(cur: Any, start: datetime, end: datetime, route_ids: Sequence[int] | None, *,
              versions: Sequence[tuple[int, int]] | None = None, live_only: bool = False
              ) -> tuple[list[Route], dict[int, VehicleInfo]]:
    """The routes in force at the window's end (or the given versions) and the vehicles."""
    routes = (route_db.routes_by_version(cur, versions) if versions is not None
              else route_db.routes_for_window(cur, start, end, route_ids, live_only=live_only))
    if route_ids is not None and len(routes) != len(set(route_ids)):
        missing = sorted(set(route_ids) - {r.id for r in routes if r.id is not None})
        raise ApiError(404, "no such route", missing)
    return routes, coverage_db.vehicle_infos(cur)


def _load_everywhere(cur: Any, start: datetime, end: datetime) -> _Inputs:
    routes, vehicles = _registry(cur, start, end, None)
    return _Inputs(routes, vehicles, coverage_db.fixes_for_coverage(cur, start, end))


def _load_pinned(cur: Any, start: datetime, end: datetime, route_ids: Sequence[int] | None,
                 versions: Sequence[tuple[int, int]] | None) -> _Inputs:
    routes, vehicles = _registry(cur, start, end, route_ids, versions=versions)
    if not routes:
        return _Inputs(routes, vehicles, FixArrays.empty())
    return _Inputs(routes, vehicles,
                   coverage_db.fixes_for_coverage(cur, start, end, bbox=route_bbox(routes)))


class CoverageService:
    """Reads through ``db`` in the pool, computes in a worker thread; coverage is brought up
    to date from the last result of the same routes (``maps.coverage_cache``)."""

    def __init__(self, pool: Interactions, clock: Clock, zone: tzinfo,
                 params: CoverageParams | None = None,
                 event_params: EventParams | None = None) -> None:
        self._pool, self._clock, self.zone = pool, clock, zone
        self.params = params or CoverageParams()
        self.event_params = event_params or EventParams()
        self.cache = CoverageCache()

    def coverage(self, start: datetime, end: datetime,
                 route_ids: Sequence[int] | None = None, *,
                 versions: Sequence[tuple[int, int]] | None = None,
                 params: CoverageParams | None = None,
                 live_only: bool = False) -> Deferred[CoverageResult]:
        """The window judged by the routes in force then (only those not in the bin, with
        ``live_only``), brought up to date from the last result of the same selection; or, for
        a sealed act, by its route versions and parameters, computed afresh."""
        if versions is not None or params is not None:
            d: Deferred[Any] = self._pool.runInteraction(_load_pinned, start, end, route_ids,
                                                         versions)
            d.addCallback(lambda inputs: deferToThread(self._pinned, inputs, start, end,
                                                       params or self.params))
            return d
        d = self._pool.runInteraction(self._read, start, end, route_ids, live_only)
        d.addCallback(lambda read: deferToThread(self._coverage, read, start, end))
        return d  # type: ignore[return-value]

    def events(self, start: datetime, end: datetime) -> Deferred[list[Event]]:
        d: Deferred[_Inputs] = self._pool.runInteraction(_load_everywhere, start, end)
        d.addCallback(lambda inputs: deferToThread(self._events, inputs, start, end))
        return d  # type: ignore[return-value]

    def _read(self, cur: Any, start: datetime, end: datetime, route_ids: Sequence[int] | None,
              live_only: bool) -> CacheRead | _Inputs:
        routes, vehicles = _registry(cur, start, end, route_ids, live_only=live_only)
        if not routes:
            return _Inputs(routes, vehicles, FixArrays.empty())
        # the bin's routes differ between the two readings, so they are two selections
        selection = (None if route_ids is None else tuple(sorted(set(route_ids))),
                     live_only)
        return self.cache.read(cur, selection, (start, end), routes, vehicles,
                               route_bbox(routes))

    def _coverage(self, read: CacheRead | _Inputs, start: datetime,
                  end: datetime) -> CoverageResult:
        if isinstance(read, CacheRead):
            return self.cache.compute(read, self._clock(), self.params)
        return compute_coverage(read.routes, read.fixes, read.vehicles, window=(start, end),
                                now=self._clock(), params=self.params)

    def _pinned(self, inputs: _Inputs, start: datetime, end: datetime,
                params: CoverageParams) -> CoverageResult:
        return compute_coverage(inputs.routes, inputs.fixes, inputs.vehicles,
                                window=(start, end), now=self._clock(), params=params)

    def _events(self, inputs: _Inputs, start: datetime, end: datetime) -> list[Event]:
        return find_events(inputs.fixes, inputs.routes, inputs.vehicles, window=(start, end),
                           params=self.event_params, coverage=self.params)


_UNENCODED_PLUS = re.compile(rb"(\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d(?::?\d\d)?)$")


def _restore_plus(request: Request) -> None:
    """'...T02:00:00+10:00' sent without URL-encoding arrives as '...T02:00:00 10:00'."""
    for name in (b"from", b"to"):
        values = (request.args or {}).get(name)
        if values:
            values[0] = _UNENCODED_PLUS.sub(rb"\1+\2", values[0].strip())


def window_of(request: Request, clock: Clock, zone: tzinfo) -> tuple[datetime, datetime]:
    """``from``/``to`` query arguments (ISO 8601); defaults: the last 24 hours."""
    _restore_plus(request)
    end = parse_time(request, "to", clock(), zone)
    start = parse_time(request, "from", end - timedelta(hours=24), zone)
    if start > end:
        raise ApiError(400, "'from' is after 'to'", {"from": iso(start), "to": iso(end)})
    if end - start > MAX_WINDOW:
        raise ApiError(400, f"the window may span at most {MAX_WINDOW.days} days",
                       {"from": iso(start), "to": iso(end)})
    return start, end


def _route_ids(request: Request) -> list[int] | None:
    raw = (request.args or {}).get(b"route", [])
    if not raw:
        return None
    ids = []
    for value in b",".join(raw).decode("utf-8", "replace").split(","):
        try:
            ids.append(int(value))
        except ValueError as e:
            raise ApiError(400, "'route' must be route ids separated by commas", value) from e
    return ids


class CoverageResource(JsonResource):
    """``GET /api/coverage?from=&to=[&route=1,2]``: every route's stretches and summaries."""

    def __init__(self, service: CoverageService, clock: Clock) -> None:
        super().__init__()
        self._service, self._clock = service, clock

    def get(self, request: Request) -> Deferred[Any]:
        if [p for p in (request.postpath or []) if p]:
            raise ApiError(404, "no such resource", request.uri.decode("utf-8", "replace"))
        zone = self._service.zone
        start, end = window_of(request, self._clock, zone)
        d = self._service.coverage(start, end, _route_ids(request))
        if (request.args or {}).get(b"format", [b""])[0] != b"csv":
            return d.addCallback(lambda result: link_evidence(result_document(result)))
        name = f"coverage-{file_stamp(start, zone)}-{file_stamp(end, zone)}.csv"
        return d.addCallback(lambda result: Reply(200, coverage_csv(result, zone),
                                                  "text/csv; charset=utf-8", name))


def route_coverage(service: CoverageService, clock: Clock, request: Request,
                   route_id: int) -> Deferred[Any]:
    """``GET /api/routes/{id}/coverage`` (mounted by ``maps.routes_api``)."""
    start, end = window_of(request, clock, service.zone)
    d = service.coverage(start, end, [route_id])
    return d.addCallback(lambda result: link_evidence(route_document(result, route_id)))


def event_feature(event: Event, vehicles: dict[int, str]) -> dict[str, Any]:
    return {"type": "Feature",
            "geometry": {"type": "Point", "coordinates": [event.lon, event.lat]},
            "properties": {"kind": event.kind, "vehicle_id": event.vehicle_id,
                           "vehicle": vehicles.get(event.vehicle_id),
                           "started": iso(event.started), "ended": iso(event.ended),
                           "duration_s": round(event.ended - event.started, 1),
                           **dict(event.details)}}


class EventsResource(JsonResource):
    """``GET /api/events?from=&to=``: the window is the shift the per-shift checks look at."""

    def __init__(self, service: CoverageService, pool: Interactions,
                 clock: Clock) -> None:
        super().__init__()
        self._service, self._pool, self._clock = service, pool, clock

    def get(self, request: Request) -> Deferred[Any]:
        if [p for p in (request.postpath or []) if p]:
            raise ApiError(404, "no such resource", request.uri.decode("utf-8", "replace"))
        start, end = window_of(request, self._clock, self._service.zone)
        names: Deferred[dict[int, VehicleInfo]] = self._pool.runInteraction(
            coverage_db.vehicle_infos)

        def found(events: list[Event], infos: dict[int, VehicleInfo]) -> dict[str, Any]:
            labels = {v.id: v.name for v in infos.values()}
            return {"type": "FeatureCollection",
                    "features": [event_feature(e, labels) for e in events],
                    "from": iso(start), "to": iso(end),
                    "parameters": asdict(self._service.event_params)}

        return names.addCallback(lambda infos: self._service.events(start, end).addCallback(
            found, infos))

