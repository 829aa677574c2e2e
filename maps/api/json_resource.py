"""What every JSON resource shares: replies, errors, body and query parsing, storage failures."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from twisted.internet.defer import Deferred
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request

from db.pool import input_refused, storage_unreachable
from dispatch.local_time import parse_local
from dispatch.registry_input import InputError
from maps.api.late_reply import gone

log = Logger()


class ApiError(Exception):
    """A request we refuse, with its HTTP status and a message for the client."""

    def __init__(self, status: int, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.status, self.message, self.detail = status, message, detail


def write_json(request: Request, status: int, body: Any) -> None:
    """Send ``body`` as JSON. A successful GET carries an ETag, and a poll whose
    ``If-None-Match`` still matches gets an empty 304 (the live map polls every few seconds)."""
    if gone(request):
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
