"""The HTTP site: the dispatcher's live map, vendored static assets and the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from twisted.enterprise import adbapi
from twisted.web import http
from twisted.web.resource import NoResource, Resource
from twisted.web.server import Request, Site
from twisted.web.static import File

from db.standby import Interactions
from maps.acts_api import ActsResource
from maps.alerts_api import AlertsResource
from maps.api import Health, VehiclesResource
from maps.audit_api import AuditResource
from maps.audit_page import render_audit_page
from maps.auth import AdminOnly, AuthGate, session_lookup
from maps.coverage_api import CoverageResource, CoverageService, EventsResource
from maps.delivery import DeliveryPage
from maps.events_page import render_events_page
from maps.evidence_api import EvidenceResource
from maps.fleet_api import FleetResource
from maps.gtfs_rt import GtfsRealtime
from maps.live_map import render_live_map
from maps.marks_api import MarksResource
from maps.pages import render_coverage_page, render_editor_page, render_playback_page
from maps.pages.storm_room import render_storm_room_page
from maps.password_pool import PasswordPool
from maps.public_map import render_public_map
from maps.public_site import PublicFeed, PublicOptions, PublicSite
from maps.routes_api import RoutesResource
from maps.settings import (
    AuthSettings,
    GtfsRtSettings,
    MapSettings,
    PublicSettings,
    SiteSettings,
)
from maps.sign_in import LoginPage, LogoutPage, SessionInfo, ThrottledSignIns
from maps.storm_room import StormGauges, StormRoom, storm_views
from maps.storms_api import StormsResource
from maps.storms_page import StormsPages, render_storms_page
from maps.terminals_api import TerminalsResource
from maps.terminals_page import render_terminals_page
from maps.throttle import SignInThrottle, ThrottlePolicy
from maps.users_api import UsersResource
from maps.users_page import render_users_page
from maps.vehicles_page import render_vehicles_page

STATIC_DIR = Path(str(resources.files("maps").joinpath("static")))


class StaticFiles(File):
    """Vendored and own assets; folders are not listed."""

    def directoryListing(self) -> Resource:  # noqa: N802 (Twisted's name)
        return NoResource("no such file")


class AccessLoggedSite(Site):
    """A site that logs each request only to the file it is given, and not at all without one.

    One line per request on the console buries what an operator needs there: the live map
    polls every few seconds per open page, and phones post every few seconds.
    """

    def __init__(self, resource: Resource, access_log: str | None = None) -> None:
        super().__init__(resource, logPath=access_log)
        self.displayTracebacks = False

    def log(self, request: http.Request) -> None:
        if self.logPath is not None:
            super().log(request)


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
              clock: Callable[[], datetime], reactor: Any, auth: AuthSettings | None = None,
              metrics: Resource | None = None, nis: Resource | None = None,
              gtfs_rt: GtfsRtSettings | None = None, command_ttl_s: float = 3600.0,
              public: PublicSettings | None = None,
              site_settings: SiteSettings | None = None,
              reads: Interactions | None = None,
              storm_gauges: StormGauges | None = None, access_log: str | None = None) -> Site:
    """The site on ``pool`` (the primary). What may read a moment behind the writes, the live
    state, tracks, coverage and exports, reads from ``reads`` (a standby while it keeps up:
    ``db.standby``); writes, sign-ins and the pages that show what one just changed (routes,
    marks, acts, storms, alerts, accounts, audit) stay on the primary."""
    reads = reads or pool
    auth = auth or AuthSettings()
    site_settings = site_settings or SiteSettings()
    zone = site_settings.zone
    root = Resource()
    center, zoom = (settings.center_lat, settings.center_lon), settings.zoom
    tiles = settings.tile_url or None
    zone_name = site_settings.time_zone
    root.putChild(b"", HtmlPage(render_live_map(
        center=center, zoom=zoom, tile_url=tiles, poll_interval_s=settings.poll_interval_s,
        app_bar=True, time_zone=zone_name)))
    # the dispatcher's other pages, each rendered once here
    root.putChild(b"editor", HtmlPage(render_editor_page(
        center=center, zoom=zoom, tile_url=tiles, time_zone=zone_name)))
    root.putChild(b"coverage", HtmlPage(render_coverage_page(
        center=center, zoom=zoom, tile_url=tiles, storms_url="/api/storms",
        time_zone=zone_name)))
    root.putChild(b"playback", HtmlPage(render_playback_page(
        center=center, zoom=zoom, tile_url=tiles, time_zone=zone_name)))
    root.putChild(b"static", StaticFiles(str(STATIC_DIR)))
    api = Resource()
    root.putChild(b"api", api)
    api.putChild(b"vehicles", VehiclesResource(reads, clock, settings.offline_after_s, zone))
    coverage = CoverageService(pool, clock, zone)  # routes CRUD and storm acts
    coverage_reads = CoverageService(reads, clock, zone)  # coverage, events, the public map
    api.putChild(b"routes", RoutesResource(pool, coverage, clock))
    api.putChild(b"coverage", CoverageResource(coverage_reads, clock))
    api.putChild(b"acts", ActsResource(pool, coverage))
    api.putChild(b"evidence", EvidenceResource(reads, zone))
    api.putChild(b"events", EventsResource(coverage_reads, reads, clock))
    api.putChild(b"alerts", AlertsResource(pool, clock, zone))
    root.putChild(b"events", HtmlPage(render_events_page(zone_name)))
    public = public or PublicSettings()
    options = PublicOptions(public.vehicle_delay_s, public.coordinate_decimals,
                            public.band_hours, public.service_window_h, public.refresh_s, zone)
    feed = PublicFeed(reads, coverage_reads, clock, options)
    root.putChild(b"public", PublicSite(HtmlPage(render_public_map(
        options.bands, data_url="/public/data/map.json", refresh_s=public.refresh_s,
        delay_s=public.vehicle_delay_s, decimals=public.coordinate_decimals, center=center,
        zoom=zoom, tile_url=tiles)), feed, StaticFiles(str(STATIC_DIR))))
    api.putChild(b"marks", MarksResource(pool, zone))
    room = StormRoom(pool, coverage, clock, storm_gauges)
    api.putChild(b"storms", StormsResource(pool, coverage, clock,
                                           views=storm_views(room)))
    root.putChild(b"storms", StormsPages(render_storms_page(zone_name), pool, coverage, clock))
    root.putChild(b"storm", HtmlPage(render_storm_room_page(
        center=center, zoom=zoom, tile_url=tiles, time_zone=zone_name)))
    api.putChild(b"terminals", AdminOnly(TerminalsResource(pool, command_ttl_s)))
    api.putChild(b"fleet", AdminOnly(FleetResource(pool)))
    root.putChild(b"healthz", Health(pool))
    if metrics is not None:
        root.putChild(b"metrics", metrics)
    if nis is not None:  # NIS SOAP intake: its own HTTP Basic accounts
        root.putChild(b"nis", nis)
    # the public GTFS-Realtime feed and the retranslation console (admins only)
    stale_after_s = (gtfs_rt or GtfsRtSettings()).stale_after_s
    root.putChild(b"gtfs-rt", GtfsRealtime(reads, clock, stale_after_s))
    admin = Resource()
    root.putChild(b"admin", AdminOnly(admin))
    admin.putChild(b"delivery", DeliveryPage(reads, clock, zone))
    admin.putChild(b"terminals", HtmlPage(render_terminals_page(zone_name)))
    admin.putChild(b"vehicles", HtmlPage(render_vehicles_page()))
    admin.putChild(b"users", HtmlPage(render_users_page(zone_name)))
    admin.putChild(b"audit", HtmlPage(render_audit_page(zone_name)))
    throttle = SignInThrottle(reactor.seconds, ThrottlePolicy(
        per_login=auth.throttle_failures, per_address=auth.throttle_failures_per_address))
    hasher = PasswordPool(reactor, threads=auth.hash_threads)
    root.putChild(b"login", LoginPage(pool, hasher, throttle,
                                      lifetime=timedelta(hours=auth.session_hours),
                                      secure_cookie=auth.secure_cookie))
    root.putChild(b"logout", LogoutPage(pool))
    api.putChild(b"session", SessionInfo(auth.anonymous_read))
    api.putChild(b"sign-in-throttle", AdminOnly(ThrottledSignIns(throttle)))
    api.putChild(b"users", AdminOnly(UsersResource(pool, hasher)))
    api.putChild(b"audit", AdminOnly(AuditResource(pool, clock, zone)))
    return AccessLoggedSite(AuthGate(root, session_lookup(pool),
                                     anonymous_read=auth.anonymous_read), access_log)


