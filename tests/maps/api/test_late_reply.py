"""A late reply: written with its headers, a 503 in plain text, nothing once the client went."""

from __future__ import annotations

from twisted.web.test.requesthelper import DummyRequest

from maps.api.late_reply import write_body, write_unavailable


def test_a_body_goes_out_with_its_headers() -> None:
    request = DummyRequest([b""])
    write_body(request, b"{}", {b"content-type": b"application/json",
                                b"cache-control": b"no-store"})
    assert request.finished == 1 and b"".join(request.written) == b"{}"
    assert request.responseHeaders.getRawHeaders(b"content-type") == [b"application/json"]
    assert request.responseHeaders.getRawHeaders(b"cache-control") == [b"no-store"]


def test_unavailable_is_a_503_saying_why_in_plain_text() -> None:
    request = DummyRequest([b""])
    write_unavailable(request, "База данных недоступна\n")
    assert request.responseCode == 503
    assert request.responseHeaders.getRawHeaders(b"content-type") == [b"text/plain; charset=utf-8"]
    assert b"".join(request.written).decode() == "База данных недоступна\n"


def test_nothing_is_written_to_a_client_that_hung_up() -> None:
    """``Request.connectionLost`` marks the request ``_disconnected``; writing then would raise."""
    for write in (lambda r: write_body(r, b"late", {b"content-type": b"text/plain"}),
                  lambda r: write_unavailable(r, "late")):
        request = DummyRequest([b""])
        request._disconnected = True  # noqa: SLF001 (what twisted.web's Request sets)
        write(request)
        assert request.written == [] and request.finished == 0 and request.responseCode is None
