"""The HTTP site: the resources of :mod:`maps.url_table` mounted behind the access gate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from twisted.enterprise import adbapi
from twisted.web import http
from twisted.web.resource import Resource
from twisted.web.server import Site

from db.standby import Interactions
from maps.api.storm_room import StormGauges
from maps.auth.access import RULES, Access
from maps.auth.gate import AdminOnly, AuthGate, session_lookup
from maps.pages.delivery import CodeNamer
from maps.settings import AuthSettings, GtfsRtSettings, MapSettings, PublicSettings, SiteSettings
from maps.url_table import SiteParts, UrlPath, url_table


def make_site(pool: adbapi.ConnectionPool, settings: MapSettings,
              clock: Callable[[], datetime], reactor: Any, auth: AuthSettings | None = None,
              metrics: Resource | None = None, nis: Resource | None = None,
              gtfs_rt: GtfsRtSettings | None = None, command_ttl_s: float = 3600.0,
              public: PublicSettings | None = None,
              site_settings: SiteSettings | None = None,
              reads: Interactions | None = None,
              storm_gauges: StormGauges | None = None, access_log: str | None = None, *,
              name_result_code: CodeNamer) -> Site:
    """The site on ``pool`` (the primary). What may read a moment behind the writes, the live
    state, tracks, coverage and exports, reads from ``reads`` (a standby while it keeps up:
    ``db.standby``); writes, sign-ins and the pages that show what one just changed (routes,
    marks, acts, storms, alerts, accounts, audit) stay on the primary."""
    auth = auth or AuthSettings()
    table = url_table(SiteParts(
        pool, reads or pool, settings, clock, reactor, auth, site_settings or SiteSettings(),
        public or PublicSettings(), gtfs_rt or GtfsRtSettings(), command_ttl_s, metrics, nis,
        storm_gauges, name_result_code))
    return AccessLoggedSite(AuthGate(mount(table), session_lookup(pool),
                                     anonymous_read=auth.anonymous_read), access_log)


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


def mount(table: dict[UrlPath, Resource]) -> Resource:
    """The resource tree of ``table``: a folder for each path prefix the table does not name,
    and the table's root resource at ``/`` alone.

    Whatever has an admin-only rule of its own checks the role itself too (:class:`AdminOnly`),
    whatever the gate decided: defence in depth for the resources that change accounts.
    """
    root = Resource()
    attach_to: dict[UrlPath, Resource] = {(): root}
    for path in sorted(table, key=len):
        if not path:
            root.putChild(b"", table[path])
            continue
        for n in range(1, len(path)):
            if path[:n] not in attach_to:
                _put(attach_to, path[:n], Resource())
        _put(attach_to, path, table[path])
    return root


def _put(attach_to: dict[UrlPath, Resource], path: UrlPath, resource: Resource) -> None:
    rule = RULES.get(path)
    admin_only = rule is not None and rule.read == Access.ADMIN
    attach_to[path[:-1]].putChild(path[-1].encode(),
                                  AdminOnly(resource) if admin_only else resource)
    attach_to[path] = resource
