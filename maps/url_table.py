"""Every URL path the site serves and the resource behind it, in one table.

:func:`url_table` lists the paths; :mod:`maps.web` mounts them behind the access gate, and a
test checks this table against the access rules of :mod:`maps.auth.access` both ways (no path
without a rule, no rule without a path). Pages are rendered here once, at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from twisted.enterprise import adbapi
from twisted.web.resource import Resource

from db.standby import Interactions
from maps.api.acts import ActsResource
from maps.api.alerts import AlertsResource
from maps.api.audit import AuditResource
from maps.api.coverage import CoverageResource, CoverageService, EventsResource
from maps.api.evidence import EvidenceResource
from maps.api.fleet import FleetResource
from maps.api.gtfs_rt import GtfsRealtime
from maps.api.marks import MarksResource
from maps.api.public_site import PublicFeed, PublicOptions, PublicSite
from maps.api.routes import RoutesResource
from maps.api.storm_room import StormGauges, StormRoom, storm_views
from maps.api.storms import StormsResource
from maps.api.terminals import TerminalsResource
from maps.api.users import UsersResource
from maps.api.vehicles import Health, VehiclesResource
from maps.assets import STATIC_DIR
from maps.auth.password_pool import PasswordPool
from maps.auth.sign_in import LoginPage, LogoutPage, SessionInfo, ThrottledSignIns
from maps.auth.throttle import SignInThrottle, ThrottlePolicy
from maps.pages.audit import render_audit_page
from maps.pages.coverage_map import render_coverage_page
from maps.pages.delivery import CodeNamer, DeliveryPage
from maps.pages.editor import render_editor_page
from maps.pages.events import render_events_page
from maps.pages.live_map import render_live_map
from maps.pages.playback import render_playback_page
from maps.pages.public_map import render_public_map
from maps.pages.storm_room import render_storm_room_page
from maps.pages.storms import StormsPages, render_storms_page
from maps.pages.terminals import render_terminals_page
from maps.pages.users import render_users_page
from maps.pages.vehicles import render_vehicles_page
from maps.served import HtmlPage, StaticFiles
from maps.settings import AuthSettings, GtfsRtSettings, MapSettings, PublicSettings, SiteSettings

UrlPath = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SiteParts:
    """What the site's resources are built from: storage, time, settings and the root's parts.

    ``reads`` serves what may lag a moment behind the writes (a standby while it keeps up, else
    ``pool``, the primary). ``metrics`` and ``nis`` are resources of the intake side; their
    paths are served only when the application root passes them. ``storm_gauges`` receive the
    open storm's clock for /metrics. ``name_result_code`` names the upstreams' result codes on
    the delivery console (the protocol's table, which ``maps`` does not import).
    """

    pool: adbapi.ConnectionPool
    reads: Interactions
    settings: MapSettings
    clock: Callable[[], datetime]
    reactor: Any
    auth: AuthSettings
    site: SiteSettings
    public: PublicSettings
    gtfs_rt: GtfsRtSettings
    command_ttl_s: float
    metrics: Resource | None
    nis: Resource | None
    storm_gauges: StormGauges | None
    name_result_code: CodeNamer


def url_table(parts: SiteParts) -> dict[UrlPath, Resource]:
    """Each served path (as segments) with its resource; a parent comes before its children."""
    pool, clock, settings, auth = parts.pool, parts.clock, parts.settings, parts.auth
    zone, zone_name = parts.site.zone, parts.site.time_zone
    center, zoom = (settings.center_lat, settings.center_lon), settings.zoom
    tiles = settings.tile_url or None
    reads = parts.reads
    coverage = CoverageService(pool, clock, zone)  # routes CRUD and storm acts
    coverage_reads = CoverageService(reads, clock, zone)  # coverage, events, the public map
    room = StormRoom(pool, coverage, clock, parts.storm_gauges)
    public = parts.public
    options = PublicOptions(public.vehicle_delay_s, public.coordinate_decimals,
                            public.band_hours, public.service_window_h, public.refresh_s, zone)
    throttle = SignInThrottle(parts.reactor.seconds, ThrottlePolicy(
        per_login=auth.throttle_failures, per_address=auth.throttle_failures_per_address))
    hasher = PasswordPool(parts.reactor, threads=auth.hash_threads)
    table: dict[UrlPath, Resource] = {
        # the dispatcher's pages
        (): HtmlPage(render_live_map(
            center=center, zoom=zoom, tile_url=tiles, poll_interval_s=settings.poll_interval_s,
            app_bar=True, storms_url="/api/storms", time_zone=zone_name)),
        ("editor",): HtmlPage(render_editor_page(
            center=center, zoom=zoom, tile_url=tiles, time_zone=zone_name)),
        ("coverage",): HtmlPage(render_coverage_page(
            center=center, zoom=zoom, tile_url=tiles, storms_url="/api/storms",
            time_zone=zone_name)),
        ("playback",): HtmlPage(render_playback_page(
            center=center, zoom=zoom, tile_url=tiles, time_zone=zone_name)),
        ("events",): HtmlPage(render_events_page(zone_name)),
        ("storms",): StormsPages(render_storms_page(zone_name), pool, coverage, clock),
        ("storm",): HtmlPage(render_storm_room_page(
            center=center, zoom=zoom, tile_url=tiles, time_zone=zone_name)),
        ("static",): StaticFiles(str(STATIC_DIR)),
        # the dispatcher's data
        ("api", "vehicles"): VehiclesResource(reads, clock, settings.offline_after_s, zone),
        ("api", "routes"): RoutesResource(pool, coverage, clock),
        ("api", "coverage"): CoverageResource(coverage_reads, clock),
        ("api", "acts"): ActsResource(pool, coverage),
        ("api", "evidence"): EvidenceResource(reads, zone),
        ("api", "events"): EventsResource(coverage_reads, reads, clock),
        ("api", "alerts"): AlertsResource(pool, clock, zone),
        ("api", "marks"): MarksResource(pool, zone),
        ("api", "storms"): StormsResource(pool, coverage, clock, views=storm_views(room)),
        # for everyone: the city's map, the GTFS-Realtime feed, the health probe
        ("public",): PublicSite(HtmlPage(render_public_map(
            options.bands, data_url="/public/data/map.json", refresh_s=public.refresh_s,
            delay_s=public.vehicle_delay_s, decimals=public.coordinate_decimals,
            center=center, zoom=zoom, tile_url=tiles)),
            PublicFeed(reads, coverage_reads, clock, options), StaticFiles(str(STATIC_DIR))),
        ("gtfs-rt",): GtfsRealtime(reads, clock, parts.gtfs_rt.stale_after_s),
        ("healthz",): Health(pool),
        # signing in and out
        ("login",): LoginPage(pool, hasher, throttle,
                              lifetime=timedelta(hours=auth.session_hours),
                              secure_cookie=auth.secure_cookie),
        ("logout",): LogoutPage(pool),
        ("api", "session"): SessionInfo(auth.anonymous_read),
        # admins only
        ("api", "terminals"): TerminalsResource(pool, parts.command_ttl_s),
        ("api", "fleet"): FleetResource(pool),
        ("api", "sign-in-throttle"): ThrottledSignIns(throttle),
        ("api", "users"): UsersResource(pool, hasher),
        ("api", "audit"): AuditResource(pool, clock, zone),
        ("admin", "delivery"): DeliveryPage(reads, clock, zone, parts.name_result_code),
        ("admin", "terminals"): HtmlPage(render_terminals_page(zone_name)),
        ("admin", "vehicles"): HtmlPage(render_vehicles_page()),
        ("admin", "users"): HtmlPage(render_users_page(zone_name)),
        ("admin", "audit"): HtmlPage(render_audit_page(zone_name)),
    }
    if parts.metrics is not None:
        table["metrics",] = parts.metrics
    if parts.nis is not None:  # NIS SOAP intake: its own HTTP Basic accounts
        table["nis",] = parts.nis
    return table
