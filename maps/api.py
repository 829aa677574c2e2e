"""The JSON/GeoJSON HTTP API (Twisted web resources). SQL stays in ``db.queries``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from twisted.enterprise import adbapi
from twisted.internet.defer import Deferred
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request

from db import queries
from db.pool import input_refused, storage_unreachable
from db.standby import Interactions
from dispatch.local_time import file_stamp, parse_local
from dispatch.registry_input import InputError
from dispatch.tracks import split_at_gaps
from dispatch.trips import split_stops_and_trips
from maps import exports, geojson

Clock = Callable[[], datetime]
log = Logger()


class ApiError(Exception):
    """A request we refuse, with its HTTP status and a message for the client."""

    def __init__(self, status: int, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.status, self.message, self.detail = status, message, detail


def write_json(request: Request, status: int, body: Any) -> None:
    """Send ``body`` as JSON. A successful GET carries an ETag, and a poll whose
    ``If-None-Match`` still matches gets an empty 304 (the live map polls every few seconds)."""
    if request.finished or getattr(request, "_disconnected", False):
        return
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request.setHeader(b"content-type", b"application/json; charset=utf-8")
    request.setHeader(b"cache-control", b"no-cache")
    if status == 200 and request.method in (b"GET", b"HEAD"):
        etag = b'"' + hashlib.blake2b(payload, digest_size=12).hexdigest().encode() + b'"'
        request.setHeader(b"etag", etag)
        if request.getHeader(b"if-none-match") == etag:
            request.setResponseCode(304)
            request.finish()
            return
    request.setResponseCode(status)
    request.write(payload)
    request.finish()


@dataclass(frozen=True, slots=True)
class Reply:
    """A body with a status other than 200 (201 Created, 204 No Content, ...)."""

    status: int
    body: Any = None
    content_type: str | None = None  # set: ``body`` is text sent as is (a file download)
    filename: str | None = None


Handler = Callable[[Request], "Deferred[Any]"]
MAX_BODY_BYTES = 2 * 1024 * 1024


class JsonResource(Resource):
    """JSON endpoints: ``get``/``post``/``put``/``delete`` return a Deferred body or ``Reply``.

    An ``ApiError`` raised or failed with becomes ``{"error", "detail"}`` with its 4xx status,
    refused registry input (``InputError``) a 400 whose detail names the field; any other
    failure is logged and answered 503 (the storage is what fails in practice).
    """

    isLeaf = True

    def get(self, request: Request) -> Deferred[Any]:
        raise ApiError(405, "method not allowed")

    def post(self, request: Request) -> Deferred[Any]:
        raise ApiError(405, "method not allowed")

    def put(self, request: Request) -> Deferred[Any]:
        raise ApiError(405, "method not allowed")

    def delete(self, request: Request) -> Deferred[Any]:
        raise ApiError(405, "method not allowed")

    def render_GET(self, request: Request) -> Any:  # noqa: N802 (Twisted's names)
        return _respond(request, self.get)

    def render_POST(self, request: Request) -> Any:  # noqa: N802
        return _respond(request, self.post)

    def render_PUT(self, request: Request) -> Any:  # noqa: N802
        return _respond(request, self.put)

    def render_DELETE(self, request: Request) -> Any:  # noqa: N802
        return _respond(request, self.delete)


def _respond(request: Request, handler: Handler) -> Any:
    try:
        d = handler(request)
    except (ApiError, InputError) as e:
        _write_error(request, e)
        return NOT_DONE_YET
    d.addCallbacks(lambda body: _write_reply(request, body), lambda f: _fail(request, f))
    return NOT_DONE_YET


def _write_reply(request: Request, body: Any) -> None:
    if not isinstance(body, Reply):
        write_json(request, 200, body)
    elif body.content_type is not None:
        request.setResponseCode(body.status)
        request.setHeader(b"content-type", body.content_type.encode())
        if body.filename:
            request.setHeader(b"content-disposition",
                              f'attachment; filename="{body.filename}"'.encode())
        request.write(str(body.body).encode("utf-8"))
        request.finish()
    elif body.status == 204:
        request.setResponseCode(204)
        request.finish()
    else:
        write_json(request, body.status, body.body)


def read_json(request: Request) -> Any:
    """The request body as JSON, or a 400/413 that says what is wrong with it."""
    return parse_json(read_body(request))


def read_body(request: Request) -> bytes:
    """The request body as sent, or a 413 when it is larger than MAX_BODY_BYTES."""
    assert request.content is not None
    raw: bytes = request.content.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, f"body larger than {MAX_BODY_BYTES} bytes")
    return raw


def parse_json(raw: bytes) -> Any:
    """JSON text as values; malformed or absurdly nested input is a 400, never a crash."""
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ApiError(400, "body is not valid JSON", str(e)) from e
    except RecursionError as e:
        raise ApiError(400, "body is nested too deeply") from e


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """A JSON object (``{...}``); any other JSON value is a 400 saying so."""
    value = parse_json(raw or b"{}")
    if not isinstance(value, dict):
        raise ApiError(400, "body must be a JSON object", type(value).__name__)
    return value


def read_json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object (see ``read_json``)."""
    value = read_json(request)
    if not isinstance(value, dict):
        raise ApiError(400, "body must be a JSON object", type(value).__name__)
    return value


def path_id(request: Request) -> int | None:
    """The integer id after the resource's own path segment (``/api/marks/{id}``), if any."""
    return path_id_and_sub(request, ())[0]


def path_id_and_sub(request: Request,
                    subresources: tuple[str, ...]) -> tuple[int | None, str | None]:
    """(id, sub-resource) from ``/api/<resource>/{id}[/{sub}]``, each None when absent."""
    rest = [p.decode("utf-8", "replace") for p in (request.postpath or []) if p]
    if not rest:
        return None, None
    if len(rest) > 2 or (len(rest) == 2 and rest[1] not in subresources):
        raise ApiError(404, "no such resource", request.uri.decode("utf-8", "replace"))
    try:
        found = int(rest[0])
    except ValueError as e:
        raise ApiError(400, "id must be an integer", rest[0]) from e
    return found, rest[1] if len(rest) == 2 else None


def query_flag(request: Request, name: bytes) -> bool:
    """A yes/no query argument: ``1``, ``true`` or ``yes`` mean yes."""
    return (request.args or {}).get(name, [b""])[0] in (b"1", b"true", b"yes")


def _write_error(request: Request, error: ApiError | InputError) -> None:
    if isinstance(error, InputError):
        error = ApiError(400, error.message, {"field": error.field})
    write_json(request, error.status, {"error": error.message, "detail": error.detail})


def _fail(request: Request, failure: Failure) -> None:
    if failure.check(ApiError, InputError):
        _write_error(request, failure.value)  # type: ignore[arg-type]
        return
    if storage_unreachable(failure.value):
        log.failure("API request {uri}: storage unavailable", failure, uri=request.uri)
        write_json(request, 503, {"error": "storage unavailable", "detail": None})
        return
    if input_refused(failure.value):
        write_json(request, 400, {"error": "invalid value", "detail": str(failure.value)})
        return
    log.failure("API request {uri} failed", failure, uri=request.uri)
    write_json(request, 500, {"error": "internal error", "detail": None})


EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def parse_time(request: Request, name: str, default: datetime, zone: tzinfo) -> datetime:
    """A time parameter between 2000 and 2100: ISO 8601, the city's wall time (``zone``)
    when it has no offset."""
    raw = request.args.get(name.encode())
    if not raw or not raw[0]:
        return default
    text = raw[0].decode("utf-8", "replace")
    try:
        value = parse_local(text, zone)
        in_range = EARLIEST <= value < LATEST
    except (ValueError, OverflowError) as e:
        raise ApiError(400, f"'{name}' is not an ISO 8601 time", text) from e
    if not in_range:
        raise ApiError(400, f"'{name}' must lie between 2000 and 2100", text)
    return value


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
    def __init__(self, pool: Interactions, clock: Clock, offline_after_s: float) -> None:
        super().__init__()
        self._pool, self._clock, self._offline_after_s = pool, clock, offline_after_s

    def get(self, request: Request) -> Deferred[Any]:
        d: Deferred[list[queries.VehicleLive]] = self._pool.runInteraction(queries.live_vehicles)
        return d.addCallback(self._render)

    def _render(self, vehicles: list[queries.VehicleLive]) -> dict[str, Any]:
        now = self._clock()
        return geojson.feature_collection(
            [geojson.vehicle_feature(v, now, self._offline_after_s) for v in vehicles],
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
