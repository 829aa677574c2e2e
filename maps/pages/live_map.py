"""The dispatcher's live map: every vehicle, polled from ``GET /api/vehicles``, with no CDN.

The page is a folium map with a Leaflet.Realtime layer for the vehicles, each kind in
a ``MarkerCluster`` layer of its own (counted bubbles at low zoom), and two context layers
under them, clearing routes (``GET /api/routes``) and marks (``GET /api/marks``), refreshed on
a slower clock of their own because they change by the hour, not by the second. The vehicle
panel and the legend are :class:`maps.pages.live_panels.LivePanel`. While a storm is open the
layer control also offers the buses on uncleared streets, drawn as on ``/storm``.
With no basemap (the default on the city's offline server) the routes are what shows the city,
so the first view fits them.

The browser-side drawing (markers, lines, popups, live counts) lives in ``maps/static/js``
(the entry ``live_map.js`` and the modules it imports) and is configured from
:mod:`maps.styles`, so the Python side only decides *what* is on the page and the page works
from our own static files alone (see :mod:`maps.assets`).

Served layout: ``maps/static`` is mounted at ``asset_prefix`` (default ``/static``); the
vendored libraries are its ``vendor/`` subfolder, at ``static_prefix`` (default
``/static/vendor``).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Final, ParamSpec

import folium
from branca.element import Element, Figure

from maps.assets import DEFAULT_PREFIX, assert_offline, localize
from maps.pages.live_layers import (
    MAX_ZOOM,
    ContextLayers,
    NeutralBasemap,
    TransitLayer,
    VehicleSymbology,
    vehicle_cluster,
)
from maps.pages.live_legend import MARKS_LAYER_NAME, ROUTES_LAYER_NAME
from maps.pages.live_panels import LivePanel
from maps.styles import KIND_STYLES

__all__ = [
    "DEFAULT_CENTER",
    "MARKS_LAYER_NAME",
    "ROUTES_LAYER_NAME",
    "LivePanel",
    "build_live_map",
    "render_live_map",
]

_P = ParamSpec("_P")

#: Komsomolsk-on-Amur, city centre.
DEFAULT_CENTER: Final = (50.55, 137.0)
#: Where times are shown unless the site says otherwise (``[site] time_zone``): the city's
#: local time, whatever the dispatcher's PC is set to.
TIME_ZONE: Final = "Asia/Vladivostok"
PAGE_TITLE: Final = "Техника на линии — диспетчерская карта"
#: A vehicle online by the server's rule but silent this long is drawn "stale" (a dotted rim):
#: terminals report every 5-30 s, so two minutes of silence is worth a glance, not yet alarm.
STALE_AFTER_S: Final = 120.0
OSM_ATTRIBUTION: Final = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">участники OpenStreetMap</a>'
)


def build_live_map(
    *,
    center: tuple[float, float] = DEFAULT_CENTER,
    zoom: int = 12,
    tile_url: str | None,
    tile_attribution: str = OSM_ATTRIBUTION,
    api_url: str = "/api/vehicles",
    poll_interval_s: float = 5,
    routes_url: str | None = "/api/routes",
    marks_url: str | None = "/api/marks",
    context_refresh_s: float = 60,
    fit_to_routes: bool = True,
    static_prefix: str = DEFAULT_PREFIX,
    asset_prefix: str = "/static",
    app_bar: bool = False,
    session_url: str | None = "/api/session",
    track_url: str | None = "/api/vehicles/{id}/track",
    playback_url: str | None = "/playback",
    storms_url: str | None = None,
    stale_after_s: float = STALE_AFTER_S,
    time_zone: str = TIME_ZONE,
) -> folium.Map:
    """The live map as a folium object, before rendering (for pages that add more layers).

    ``tile_url`` is a Leaflet URL template (``.../{z}/{x}/{y}.png``) or None for no basemap;
    the vehicles do not depend on it, so the map stays useful when tiles are unreachable.
    ``routes_url`` / ``marks_url`` feed the two context layers (None or "" leaves one out); they
    are fetched every ``context_refresh_s``, not on every vehicle poll. With ``fit_to_routes``
    the first answer with routes sets the view to them, otherwise ``center``/``zoom`` stay.
    Call :func:`maps.assets.localize` again if you add plugins to the returned map.

    ``app_bar`` adds the title bar with the other pages and sign-in (``session_url``), as the
    served site has it; the map alone (tests, embedding) leaves it out. A vehicle's popup offers
    its last hour from ``track_url`` (``{id}`` is replaced) and a link to ``playback_url``;
    while a storm in ``storms_url`` is open, its buses on uncleared streets are a layer to
    switch on (None: no such layer);
    ``stale_after_s`` is when a vehicle that is still online starts to look stale;
    ``time_zone`` (IANA) is the zone the page shows times in.
    """
    if poll_interval_s <= 0:
        raise ValueError(f"poll_interval_s must be positive, got {poll_interval_s}")
    if context_refresh_s <= 0:
        raise ValueError(f"context_refresh_s must be positive, got {context_refresh_s}")
    # "" as "none": settings use empty strings for "not configured" (see tile_url)
    routes_url, marks_url = routes_url or None, marks_url or None
    # The clusters need the map's own maxZoom (folium's max_zoom only reaches a tile layer).
    fmap = folium.Map(location=list(center), zoom_start=zoom, tiles=None, maxZoom=MAX_ZOOM)
    figure = fmap.get_root()
    assert isinstance(figure, Figure)  # a new Map always sits in its own Figure
    header = figure.header
    header.add_child(Element(f"<title>{html.escape(PAGE_TITLE)}</title>"), name="page_title")
    # Our own icon also saves the browser a favicon.ico request that would 404.
    favicon = html.escape(f"{asset_prefix.rstrip('/')}/img/favicon.svg")
    header.add_child(
        Element(f'<link rel="icon" type="image/svg+xml" href="{favicon}"/>'), name="favicon"
    )
    if tile_url is not None:
        folium.TileLayer(
            tiles=tile_url, attr=tile_attribution, name="Подложка", max_zoom=MAX_ZOOM, control=False
        ).add_to(fmap)
    else:
        NeutralBasemap(asset_prefix=asset_prefix).add_to(fmap)

    groups = {s.kind: vehicle_cluster(s.group_label) for s in KIND_STYLES}
    for group in groups.values():
        group.add_to(fmap)
    # Listed after the vehicles in the layer control; drawn under them (the JS uses panes).
    routes = folium.FeatureGroup(name=ROUTES_LAYER_NAME) if routes_url is not None else None
    marks = folium.FeatureGroup(name=MARKS_LAYER_NAME) if marks_url is not None else None
    for layer in (routes, marks):
        if layer is not None:
            layer.add_to(fmap)
    VehicleSymbology(api_url=api_url, poll_interval_s=poll_interval_s, groups=groups,
                     asset_prefix=asset_prefix, track_url=track_url, playback_url=playback_url,
                     stale_after_s=stale_after_s, time_zone=time_zone).add_to(fmap)

    if routes is not None or marks is not None:
        ContextLayers(
            routes_url=routes_url, marks_url=marks_url, routes=routes, marks=marks,
            refresh_s=context_refresh_s, fit_to_routes=fit_to_routes, asset_prefix=asset_prefix,
            time_zone=time_zone,
        ).add_to(fmap)

    LivePanel(routes=routes is not None, marks=marks is not None).add_to(fmap)
    if app_bar:
        # imported here: maps.pages.chrome builds on this module
        from maps.pages.chrome import AppBar

        AppBar(active="live", session_url=session_url, asset_prefix=asset_prefix).add_to(fmap)
    control = folium.LayerControl(position="topright", collapsed=False)
    control.add_to(fmap)
    if storms_url:
        TransitLayer(storms_url=storms_url, control=control, refresh_s=context_refresh_s,
                     asset_prefix=asset_prefix, time_zone=time_zone).add_to(fmap)
    localize(fmap, prefix=static_prefix)
    return fmap


def _page_of(build: Callable[_P, folium.Map]) -> Callable[_P, str]:
    """The complete HTML page of what ``build`` makes, from the same keywords; raises if any
    asset would come from elsewhere."""

    def render(*args: _P.args, **kwargs: _P.kwargs) -> str:
        page: str = build(*args, **kwargs).get_root().render()
        return assert_offline(page)

    return render


#: The complete HTML page of the live map (keywords as for :func:`build_live_map`). Rendering
#: is pure and takes about 10 ms, but the page never changes while the server runs, so render
#: once at start-up and serve the string.
render_live_map = _page_of(build_live_map)
