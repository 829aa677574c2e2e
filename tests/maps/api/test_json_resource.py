"""What every JSON resource shares: replies with ETags, errors as JSON with their status,
body, path and query parsing."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from twisted.internet.defer import Deferred, fail, succeed
from twisted.web.server import NOT_DONE_YET
from twisted.web.test.requesthelper import DummyRequest

from db.pool import StorageRefused, StorageUnavailable
from dispatch.registry_input import InputError
from maps.api.json_resource import (
    MAX_BODY_BYTES,
    ApiError,
    JsonResource,
    Reply,
    parse_json,
    parse_json_object,
    parse_time,
    path_id,
    path_id_and_sub,
    query_flag,
    read_json,
    read_json_object,
    write_json,
)

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
DEFAULT = datetime(2026, 1, 1, tzinfo=UTC)


class Answers(JsonResource):
    """GET answers what the test gives it; POST raises what it is given before any Deferred."""

    def __init__(self, answer: Deferred[Any] | None = None,
                 refusal: Exception | None = None) -> None:
        super().__init__()
        self.answer, self.refusal = answer, refusal

    def get(self, request: Any) -> Deferred[Any]:
        assert self.answer is not None
        return self.answer

    def post(self, request: Any) -> Deferred[Any]:
        assert self.refusal is not None
        raise self.refusal


def request(method: bytes = b"GET", postpath: list[bytes] | None = None, body: bytes = b"",
            args: dict[bytes, list[bytes]] | None = None) -> DummyRequest:
    req = DummyRequest(postpath or [])
    req.method, req.uri = method, b"/api/things/" + b"/".join(postpath or [])
    req.content = io.BytesIO(body)
    req.args = args or {}
    return req


def answered(req: DummyRequest) -> tuple[int, str | None, Any]:
    """(status, content type, JSON body or None) of a finished request."""
    assert req.finished
    raw = b"".join(req.written)
    content_type = req.responseHeaders.getRawHeaders(b"content-type", [None])[0]
    return (req.responseCode or 200, content_type and content_type.decode(),
            json.loads(raw) if raw else None)


JSON = "application/json; charset=utf-8"


def test_a_body_is_json_with_an_etag_and_a_repeat_poll_gets_an_empty_304() -> None:
    first = request()
    assert Answers(succeed({"город": "Комсомольск"})).render(first) is NOT_DONE_YET
    assert answered(first) == (200, JSON, {"город": "Комсомольск"})
    assert b"".join(first.written) == '{"город": "Комсомольск"}'.encode()  # not \\u-escaped
    assert first.responseHeaders.getRawHeaders(b"cache-control") == [b"no-cache"]
    [etag] = first.responseHeaders.getRawHeaders(b"etag")
    again = request()
    again.requestHeaders.setRawHeaders(b"if-none-match", [etag])
    Answers(succeed({"город": "Комсомольск"})).render(again)
    assert (again.responseCode, again.written) == (304, [])
    changed = request()
    changed.requestHeaders.setRawHeaders(b"if-none-match", [etag])
    Answers(succeed({"город": "Хабаровск"})).render(changed)
    assert answered(changed)[::2] == (200, {"город": "Хабаровск"})
    assert changed.responseHeaders.getRawHeaders(b"etag") != [etag]


def test_only_a_successful_read_carries_an_etag() -> None:
    for method, status in ((b"POST", 201), (b"POST", 200), (b"GET", 201), (b"GET", 404)):
        req = request(method)
        write_json(req, status, {"id": 1})
        assert answered(req) == (status, JSON, {"id": 1})
        assert req.responseHeaders.getRawHeaders(b"etag") is None, (method, status)
    head = request(b"HEAD")
    write_json(head, 200, {"id": 1})
    assert head.responseHeaders.getRawHeaders(b"etag") is not None


def test_nothing_is_written_to_a_request_answered_already() -> None:
    req = request()
    req.finish()
    write_json(req, 200, {"late": True})
    assert req.written == []


def test_replies_choose_status_type_and_download_name() -> None:
    created = request()
    Answers(succeed(Reply(201, {"id": 3}))).render(created)
    assert answered(created) == (201, JSON, {"id": 3})
    empty = request()
    Answers(succeed(Reply(204))).render(empty)
    assert (empty.responseCode, empty.written, empty.finished) == (204, [], 1)
    download = request()
    Answers(succeed(Reply(200, "Время;Кто\r\n", "text/csv; charset=utf-8",
                          "audit-20261205-0830.csv"))).render(download)
    assert (download.responseCode, b"".join(download.written).decode()) == (200, "Время;Кто\r\n")
    headers = download.responseHeaders
    assert headers.getRawHeaders(b"content-type") == [b"text/csv; charset=utf-8"]
    assert headers.getRawHeaders(b"content-disposition") == [
        b'attachment; filename="audit-20261205-0830.csv"']
    inline = request()
    Answers(succeed(Reply(200, "<gpx/>", "application/gpx+xml"))).render(inline)
    assert inline.responseHeaders.getRawHeaders(b"content-disposition") is None


@pytest.mark.parametrize(("error", "status", "body"), [
    (ApiError(404, "нет такого ресурса", {"id": 9}), 404,
     {"error": "нет такого ресурса", "detail": {"id": 9}}),
    (InputError("plate", "госномер длиннее 12 знаков"), 400,
     {"error": "госномер длиннее 12 знаков", "detail": {"field": "plate"}}),
])
def test_refusals_are_json_with_their_status_raised_or_failed(error: Exception, status: int,
                                                              body: dict[str, Any]) -> None:
    raised = request(b"POST")
    Answers(refusal=error).render(raised)
    failed = request()
    Answers(fail(error)).render(failed)
    assert answered(raised) == answered(failed) == (status, JSON, body)


@pytest.mark.parametrize(("error", "status", "body"), [
    (StorageUnavailable("connection refused"), 503,
     {"error": "storage unavailable", "detail": None}),
    (StorageRefused("integer out of range"), 400,
     {"error": "invalid value", "detail": "integer out of range"}),
    (KeyError("bug"), 500, {"error": "internal error", "detail": None}),
])
def test_other_failures_never_show_their_insides_but_a_refused_value(
        error: Exception, status: int, body: dict[str, Any]) -> None:
    req = request()
    Answers(fail(error)).render(req)
    assert answered(req) == (status, JSON, body)


def test_a_method_the_resource_lacks_is_a_405() -> None:
    req = request(b"DELETE")
    Answers().render(req)
    assert answered(req) == (405, JSON, {"error": "method not allowed", "detail": None})


def test_bodies_are_parsed_as_json_and_refused_with_the_reason() -> None:
    assert read_json(request(body='[1, "два"]'.encode())) == [1, "два"]
    assert read_json_object(request(body=b'{"a": 1}')) == {"a": 1}
    assert parse_json_object(b"") == {}  # no body at all: no changes
    for raw, message in ((b"{", "body is not valid JSON"), (b"\xff", "body is not valid JSON"),
                         (b"[" * 100_000 + b"]" * 100_000, "body is nested too deeply")):
        with pytest.raises(ApiError) as refused:
            parse_json(raw)
        assert (refused.value.status, refused.value.message) == (400, message)
    for read in (lambda: read_json_object(request(body=b"[]")),
                 lambda: parse_json_object(b"3")):
        with pytest.raises(ApiError) as refused:
            read()
        assert (refused.value.status, refused.value.message) == (400, "body must be a JSON object")


def test_a_body_past_the_limit_is_a_413() -> None:
    assert read_json(request(body=b" " * (MAX_BODY_BYTES - 2) + b"{}")) == {}
    with pytest.raises(ApiError) as refused:
        read_json(request(body=b" " * (MAX_BODY_BYTES - 1) + b"{}"))
    assert refused.value.status == 413


@pytest.mark.parametrize(("postpath", "found"), [
    ([], (None, None)),
    ([b""], (None, None)),
    ([b"12"], (12, None)),
    ([b"12", b""], (12, None)),
    ([b"12", b"commands"], (12, "commands")),
])
def test_the_id_and_sub_resource_come_from_the_path(postpath: list[bytes],
                                                    found: tuple[int | None, str | None]) -> None:
    assert path_id_and_sub(request(postpath=postpath), ("commands",)) == found


@pytest.mark.parametrize(("postpath", "status", "message"), [
    ([b"12", b"secrets"], 404, "no such resource"),
    ([b"12", b"commands", b"3"], 404, "no such resource"),
    ([b"abc"], 400, "id must be an integer"),
])
def test_a_path_that_names_no_resource_is_refused(postpath: list[bytes], status: int,
                                                  message: str) -> None:
    with pytest.raises(ApiError) as refused:
        path_id_and_sub(request(postpath=postpath), ("commands",))
    assert (refused.value.status, refused.value.message) == (status, message)


def test_path_id_takes_no_sub_resource() -> None:
    assert path_id(request(postpath=[b"7"])) == 7
    with pytest.raises(ApiError):
        path_id(request(postpath=[b"7", b"commands"]))


@pytest.mark.parametrize(("value", "flag"), [
    (b"1", True), (b"true", True), (b"yes", True), (b"0", False), (b"no", False),
    (b"True", False), (b"", False), (None, False)])
def test_query_flag(value: bytes | None, flag: bool) -> None:
    args = {} if value is None else {b"acknowledged": [value]}
    assert query_flag(request(args=args), b"acknowledged") is flag


def test_a_time_without_an_offset_is_the_city_s_wall_time() -> None:
    def at(text: bytes) -> datetime:
        return parse_time(request(args={b"from": [text]}), "from", DEFAULT, VLADIVOSTOK)

    assert at(b"2026-02-03T17:00") == datetime(2026, 2, 3, 7, 0, tzinfo=UTC)
    assert at(b"2026-02-03T07:00:00Z") == datetime(2026, 2, 3, 7, 0, tzinfo=UTC)
    assert at(b"") == DEFAULT
    assert parse_time(request(), "from", DEFAULT, VLADIVOSTOK) == DEFAULT


@pytest.mark.parametrize(("text", "message"), [
    (b"yesterday", "'from' is not an ISO 8601 time"),
    (b"1999-12-31T23:59:59Z", "'from' must lie between 2000 and 2100"),
    (b"2100-01-01T00:00:00Z", "'from' must lie between 2000 and 2100"),
])
def test_a_bad_time_is_a_400_naming_the_parameter(text: bytes, message: str) -> None:
    with pytest.raises(ApiError) as refused:
        parse_time(request(args={b"from": [text]}), "from", DEFAULT, VLADIVOSTOK)
    assert (refused.value.status, refused.value.message, refused.value.detail) == (
        400, message, text.decode())


def test_the_range_ends_are_2000_inclusive() -> None:
    assert parse_time(request(args={b"to": [b"2000-01-01T00:00:00Z"]}), "to", DEFAULT,
                      VLADIVOSTOK) == datetime(2000, 1, 1, tzinfo=UTC)
