"""The live map's layer elements: each leaves a hidden marker naming its map and the layers
it fills, with the settings ``live_map.js`` reads, and links the one entry module."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import folium

from maps.pages.live_layers import (
    LIVE_MAP_ENTRY,
    NARROW_MEDIA,
    ContextLayers,
    TransitLayer,
    VehicleSymbology,
    vehicle_cluster,
)
from maps.pages.live_legend import MARKS_LAYER_NAME, ROUTES_LAYER_NAME
from maps.styles import TRANSIT_COLOUR


def marker(page: str, attribute: str) -> tuple[str, dict[str, Any]]:
    """(the map it names, the settings) of the page's one marker carrying ``attribute``."""
    [(map_name, raw)] = re.findall(rf"""data-map="(\w+)"\s+{attribute}='([^']*)'""", page)
    config = json.loads(unescape(raw))
    assert isinstance(config, dict)
    return map_name, config


def render(fmap: folium.Map) -> str:
    page: str = fmap.get_root().render()
    return page


def test_vehicles_marker_names_the_map_the_kind_layers_and_the_poll() -> None:
    fmap = folium.Map(tiles=None)
    groups = {"plow": vehicle_cluster("Плуги").add_to(fmap),
              "bus": vehicle_cluster("Автобусы").add_to(fmap)}
    VehicleSymbology(api_url="/api/vehicles", poll_interval_s=2.5, groups=groups,
                     asset_prefix="/static", track_url="/api/vehicles/{id}/track",
                     stale_after_s=90.0, time_zone="Asia/Magadan").add_to(fmap)
    page = render(fmap)
    map_name, config = marker(page, "data-live-fleet")
    assert map_name == fmap.get_name()
    assert config["groups"] == {kind: group.get_name() for kind, group in groups.items()}
    assert {k: config[k] for k in ("apiUrl", "pollMs", "trackUrl", "playbackUrl", "staleAfterS",
                                   "timeZone", "narrowMedia")} == {
        "apiUrl": "/api/vehicles", "pollMs": 2500, "trackUrl": "/api/vehicles/{id}/track",
        "playbackUrl": None, "staleAfterS": 90.0, "timeZone": "Asia/Magadan",
        "narrowMedia": NARROW_MEDIA}
    assert f'<script type="module" src="/static/js/{LIVE_MAP_ENTRY}.js"></script>' in page
    assert "leaflet-realtime" in page  # the poller the entry creates


def test_each_kind_clusters_until_street_zoom() -> None:
    cluster = vehicle_cluster("Грейдеры")
    assert cluster.layer_name == "Грейдеры"
    assert cluster.options == {"maxClusterRadius": 45, "disableClusteringAtZoom": 15,
                               "showCoverageOnHover": False, "spiderfyOnMaxZoom": False}


def test_context_marker_names_its_groups_and_none_for_one_left_out() -> None:
    fmap = folium.Map(tiles=None)
    routes = folium.FeatureGroup(name=ROUTES_LAYER_NAME).add_to(fmap)
    ContextLayers(routes_url="/api/routes", marks_url=None, routes=routes, marks=None,
                  refresh_s=7.5, fit_to_routes=True, asset_prefix="/static",
                  time_zone="Asia/Vladivostok").add_to(fmap)
    map_name, config = marker(render(fmap), "data-live-context")
    assert map_name == fmap.get_name()
    assert config["layers"] == {"routes": routes.get_name(), "marks": None}
    assert {k: config[k] for k in ("routesUrl", "marksUrl", "refreshMs", "fitToRoutes",
                                   "routesLayerName", "marksLayerName")} == {
        "routesUrl": "/api/routes", "marksUrl": None, "refreshMs": 7500, "fitToRoutes": True,
        "routesLayerName": ROUTES_LAYER_NAME, "marksLayerName": MARKS_LAYER_NAME}


def test_transit_marker_names_the_layer_control_it_joins() -> None:
    fmap = folium.Map(tiles=None)
    control = folium.LayerControl().add_to(fmap)
    TransitLayer(storms_url="/api/storms", control=control, refresh_s=30.0,
                 asset_prefix="/static", time_zone="Asia/Vladivostok").add_to(fmap)
    _map_name, config = marker(render(fmap), "data-live-transit")
    assert (config["control"], config["stormsUrl"], config["refreshS"],
            config["transitColour"]) == (control.get_name(), "/api/storms", 30.0, TRANSIT_COLOUR)
