"""Answering a request whose body comes later (from a Deferred): by then the client may have
hung up, and a failure is answered 503 in plain text for whoever reads it."""

from __future__ import annotations

from collections.abc import Mapping

from twisted.web.server import Request


def gone(request: Request) -> bool:
    """The client hung up, or the request was answered already: nothing more may be written."""
    return bool(request.finished or getattr(request, "_disconnected", False))


def write_body(request: Request, body: bytes, headers: Mapping[bytes, bytes]) -> None:
    """``body`` with ``headers`` (content type, caching, ...), unless the client has gone."""
    if gone(request):
        return
    for name, value in headers.items():
        request.setHeader(name, value)
    request.write(body)
    request.finish()


def write_unavailable(request: Request, message: str) -> None:
    """A 503 that says ``message``, unless the client has gone."""
    if gone(request):
        return
    request.setResponseCode(503)
    request.setHeader(b"content-type", b"text/plain; charset=utf-8")
    request.write(message.encode("utf-8"))
    request.finish()
