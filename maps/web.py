"""The HTTP site: the dispatcher's live map, vendored static assets and the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

from twisted.enterprise import adbapi
from twisted.web.resource import NoResource, Resource
from twisted.web.server import Request, Site
from twisted.web.static import File

from db import queries
from egts_server.config import AuthSettings, MapSettings
from maps.api import FeatureList, Health, VehiclesResource
from maps.auth import AuthGate, LoginPage, LogoutPage, SessionInfo
from maps.live_map import render_live_map
from maps.marks_api import MarksResource

STATIC_DIR = Path(str(resources.files("maps").joinpath("static")))


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


def make_site(pool: adbapi.ConnectionPool, settings: MapSettings,
              clock: Callable[[], datetime], auth: AuthSettings | None = None) -> Site:
    auth = auth or AuthSettings()
    root = Resource()
    root.putChild(b"", HtmlPage(render_live_map(
        center=(settings.center_lat, settings.center_lon), zoom=settings.zoom,
        tile_url=settings.tile_url or None, poll_interval_s=settings.poll_interval_s)))
    root.putChild(b"static", StaticFiles(str(STATIC_DIR)))
    api = Resource()
    root.putChild(b"api", api)
    api.putChild(b"vehicles", VehiclesResource(pool, clock, settings.offline_after_s))
    api.putChild(b"routes", FeatureList(pool, queries.routes))
    api.putChild(b"marks", MarksResource(pool))
    root.putChild(b"healthz", Health(pool))
    gate = AuthGate(root, pool, anonymous_read=auth.anonymous_read)
    root.putChild(b"login", LoginPage(pool, lifetime=timedelta(hours=auth.session_hours),
                                      secure_cookie=auth.secure_cookie))
    root.putChild(b"logout", LogoutPage(pool, gate))
    api.putChild(b"session", SessionInfo(auth.anonymous_read))
    site = Site(gate)
    site.displayTracebacks = False
    return site


