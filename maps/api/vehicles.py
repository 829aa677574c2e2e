"""``/api/vehicles``: live vehicle states and each vehicle's track; ``/healthz``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import Any

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.web.resource import Resource
from twisted.web.server import Request

from db import queries
from db.standby import Interactions
from dispatch.local_time import file_stamp
from dispatch.tracks import split_at_gaps
from dispatch.trips import split_stops_and_trips
from maps.api import exports, geojson
from maps.api.json_resource import ApiError, JsonResource, Reply, parse_time
from maps.auth.access import ROLE_LEVEL
from maps.auth.actor import request_actor

Clock = Callable[[], datetime]


class VehiclesResource(Resource):
    """``/api/vehicles`` (live state) and ``/api/vehicles/{id}/track``."""

    def __init__(self, pool: Interactions, clock: Clock, offline_after_s: float,
                 zone: tzinfo, track_gap_s: float = 300.0) -> None:
        super().__init__()
        self._live = LiveVehicles(pool, clock, offline_after_s)
        self._track = VehicleTrack(pool, clock, track_gap_s, zone)

    def getChild(self, path: bytes, request: Request) -> Resource:  # noqa: N802
        if path == b"":
            return self._live
        return self._track  # it reads the vehicle id from request.prepath

    def render_GET(self, request: Request) -> Any:  # noqa: N802
        return self._live.render_GET(request)


class LiveVehicles(JsonResource):
    """The live state. Drivers' names and phones go to signed-in staff only: a visitor let in
    by ``auth.anonymous_read`` sees the vehicles without them."""

    def __init__(self, pool: Interactions, clock: Clock, offline_after_s: float) -> None:
        super().__init__()
        self._pool, self._clock, self._offline_after_s = pool, clock, offline_after_s

    def get(self, request: Request) -> Deferred[Any]:
        staff = request_actor(request).role in ROLE_LEVEL
        request.setHeader(b"vary", b"Cookie")  # what is in the answer depends on who asks
        d: Deferred[list[queries.VehicleLive]] = self._pool.runInteraction(queries.live_vehicles)
        return d.addCallback(self._render, staff)

    def _render(self, vehicles: list[queries.VehicleLive], staff: bool) -> dict[str, Any]:
        now = self._clock()
        return geojson.feature_collection(
            [geojson.vehicle_feature(v, now, self._offline_after_s, with_driver=staff)
             for v in vehicles],
            generated_at=geojson.iso(now))


class VehicleTrack(JsonResource):
    """A vehicle's fixes in a window as LineStrings split at gaps (``?as=points``: one per fix)."""

    def __init__(self, pool: Interactions, clock: Clock, gap_s: float,
                 zone: tzinfo) -> None:
        super().__init__()
        self._pool, self._clock, self._gap_s, self._zone = pool, clock, gap_s, zone

    def get(self, request: Request) -> Deferred[Any]:
        # /api/vehicles/{id}/track: the id is the last segment consumed, "track" what is left
        postpath, prepath = request.postpath or [], request.prepath or [b""]
        if [p for p in postpath if p] != [b"track"]:
            raise ApiError(404, "no such resource", request.uri.decode("utf-8", "replace"))
        raw_id = prepath[-1].decode("utf-8", "replace")
        try:
            vehicle_id = int(raw_id)
        except ValueError as e:
            raise ApiError(400, "vehicle id must be an integer", raw_id) from e
        now = self._clock()
        end = parse_time(request, "to", now, self._zone)
        start = parse_time(request, "from", end - timedelta(hours=24), self._zone)
        if start > end:
            raise ApiError(400, "'from' is after 'to'")
        args = request.args or {}
        output = args.get(b"format", [b"geojson"])[0].decode("utf-8", "replace")
        if output not in ("geojson", "gpx", "csv"):
            raise ApiError(400, "format must be geojson, gpx or csv", output)
        as_points = args.get(b"as", [b""])[0] == b"points"
        d: Deferred[Any] = self._pool.runInteraction(_track_or_404, vehicle_id, start, end)
        return d.addCallback(self._render, vehicle_id, start, end, as_points, output)

    def _render(self, found: tuple[queries.TrackOwner, list[Any]], vehicle_id: int,
                start: datetime, end: datetime, as_points: bool, output: str) -> Any:
        owner, fixes = found
        stem = (f"track-{vehicle_id}-{file_stamp(start, self._zone)}-"
                f"{file_stamp(end, self._zone)}")
        if output == "csv":
            return Reply(200, exports.track_csv(fixes, self._zone), "text/csv; charset=utf-8",
                         stem + ".csv")
        segments = split_at_gaps(fixes, self._gap_s)
        if output == "gpx":
            return Reply(200, exports.track_gpx(owner.name, segments), "application/gpx+xml",
                         stem + ".gpx")
        if as_points:
            features = [geojson.track_point_feature(vehicle_id, f) for f in fixes]
        else:
            features = [geojson.track_segment_feature(vehicle_id, s, i, owner.equipment)
                        for i, s in enumerate(segments)]
        legs = split_stops_and_trips(fixes, max_gap_s=self._gap_s)
        return geojson.feature_collection(
            features, vehicle_id=vehicle_id, fixes=len(fixes),
            equipment_words=geojson.equipment_words_json(owner.kind, owner.equipment),
            legs=[geojson.leg_json(leg) for leg in legs],
            **{"from": geojson.iso(start), "to": geojson.iso(end), "max_gap_s": self._gap_s})


def _track_or_404(cur: Any, vehicle_id: int, start: datetime,
                  end: datetime) -> tuple[queries.TrackOwner, list[Any]]:
    owner = queries.track_owner(cur, vehicle_id)
    if owner is None:
        raise ApiError(404, "no such vehicle", vehicle_id)
    return owner, queries.track(cur, vehicle_id, start, end)


class Health(JsonResource):
    """``/healthz``: 200 when the database answers, 503 otherwise."""

    def __init__(self, pool: adbapi.ConnectionPool) -> None:
        super().__init__()
        self._pool = pool

    def get(self, request: Request) -> Deferred[Any]:
        d: Deferred[int] = self._pool.runInteraction(queries.count_vehicles)
        return d.addCallback(lambda n: {"status": "ok", "vehicles": n})
