"""``GET /metrics``: the process's metrics in Prometheus text format (rendered by the caller)."""

from __future__ import annotations

from collections.abc import Callable

from twisted.web.resource import Resource
from twisted.web.server import Request

CONTENT_TYPE = b"text/plain; version=0.0.4; charset=utf-8"


class MetricsResource(Resource):
    """Serves whatever ``render`` returns, freshly on every scrape, never cached."""

    isLeaf = True

    def __init__(self, render: Callable[[], str]) -> None:
        super().__init__()
        self._render = render

    def render_GET(self, request: Request) -> bytes:  # noqa: N802 (Twisted's name)
        request.setHeader(b"content-type", CONTENT_TYPE)
        request.setHeader(b"cache-control", b"no-store")
        return self._render().encode("utf-8")
