"""Resources that serve fixed bytes: a page rendered once at start-up, and the static folder."""

from __future__ import annotations

from twisted.web.resource import NoResource, Resource
from twisted.web.server import Request
from twisted.web.static import File


class StaticFiles(File):
    """Vendored and own assets; folders are not listed."""

    def directoryListing(self) -> Resource:  # noqa: N802 (Twisted's name)
        return NoResource("no such file")


class HtmlPage(Resource):
    """A page rendered once at start-up (never per request) and served as is."""

    isLeaf = True

    def __init__(self, html: str) -> None:
        super().__init__()
        self._body = html.encode("utf-8")

    def render_GET(self, request: Request) -> bytes:  # noqa: N802
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return self._body
