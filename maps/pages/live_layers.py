"""The live map's layers as folium elements: vehicles, context (routes and marks), basemap.

Each element leaves a hidden marker with its configuration from :mod:`maps.styles` and links
the page's entry, ``maps/static/js/live_map.js``, which finds the markers and draws the layers;
the page itself, which layers it has and in what order, is :mod:`maps.pages.live_map`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import folium
from folium.plugins import MarkerCluster, Realtime
from folium.template import Template

from maps.pages.live_legend import MARKS_LAYER_NAME, ROUTES_LAYER_NAME
from maps.pages.page_script import PageScript
from maps.styles import TRANSIT_COLOUR, clock_states_config, context_config, symbology_config

__all__ = [
    "MAX_ZOOM",
    "ContextLayers",
    "NeutralBasemap",
    "TransitLayer",
    "VehicleSymbology",
    "vehicle_cluster",
]

#: Screens this narrow (a phone held upright) start with the map's boxes folded away.
NARROW_MEDIA: Final = "(max-width: 600px)"
#: The live map's entry module; it imports the rest of the browser side.
LIVE_MAP_ENTRY: Final = "live_map"


class LiveMapElement(PageScript):
    """A live-map element: links the entry, vendored Leaflet.Realtime (the vehicles' poller,
    which the entry creates; ``localize()`` points it at the vendored copy) and the stylesheet.
    Every element names the same entry, so the page links it once."""

    def __init__(self, *, asset_prefix: str) -> None:
        super().__init__(entry=LIVE_MAP_ENTRY, styles=["live_map"], asset_prefix=asset_prefix,
                         libraries=Realtime.default_js)


class VehicleSymbology(LiveMapElement):
    """Marks the page for ``live_map.js``: the vehicles, polled by a Realtime layer it creates.

    The marker names the map and the per-kind cluster layers it routes markers into; the
    poller's options are functions of the fleet object, so the poller is made in the browser
    (vendored Leaflet.Realtime, linked here).
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            <div hidden data-map="{{ this._parent.get_name() }}"
                 data-live-fleet='{{ this.config|tojson }}'></div>
        {% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        api_url: str,
        poll_interval_s: float,
        groups: Mapping[str, MarkerCluster],
        asset_prefix: str,
        track_url: str | None = None,
        playback_url: str | None = None,
        stale_after_s: float,
        time_zone: str,
    ) -> None:
        super().__init__(asset_prefix=asset_prefix)
        self._name = "VehicleSymbology"
        self.config = {**symbology_config(), "apiUrl": api_url, "timeZone": time_zone,
                       "pollMs": round(poll_interval_s * 1000),
                       "groups": {kind: group.get_name() for kind, group in groups.items()},
                       "trackUrl": track_url, "playbackUrl": playback_url,
                       "staleAfterS": stale_after_s, "narrowMedia": NARROW_MEDIA}


class ContextLayers(LiveMapElement):
    """Clearing routes and marks, each polled into its own layer-control group.

    A group and its URL are None together: a page for an audience that must not see routes
    (or marks) simply leaves them out. The JS draws both in panes under the vehicles' markers.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            <div hidden data-map="{{ this._parent.get_name() }}"
                 data-live-context='{{ this.config|tojson }}'></div>
        {% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        routes_url: str | None,
        marks_url: str | None,
        routes: folium.FeatureGroup | None,
        marks: folium.FeatureGroup | None,
        refresh_s: float,
        fit_to_routes: bool,
        asset_prefix: str,
        time_zone: str,
    ) -> None:
        super().__init__(asset_prefix=asset_prefix)
        self._name = "ContextLayers"
        self.config = {
            "layers": {"routes": routes.get_name() if routes else None,
                       "marks": marks.get_name() if marks else None},
            **context_config(),
            "routesUrl": routes_url,
            "marksUrl": marks_url,
            "refreshMs": round(refresh_s * 1000),
            "fitToRoutes": fit_to_routes,
            "timeZone": time_zone,
            "routesLayerName": ROUTES_LAYER_NAME,
            "marksLayerName": MARKS_LAYER_NAME,
        }


class NeutralBasemap(PageScript):
    """Stands in for a tile layer: a light background with a faint grid that moves with the map.

    Without it an empty map gives no sense of panning or zooming; the grid is drawn in the
    browser, so it costs no request and claims no geography it does not have.
    ``neutral_basemap.js``, which every map page's entry imports, finds the marker this emits
    (naming the map) once the page is parsed; the stylesheet gives the empty map its colour.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            <div hidden data-neutral-basemap="{{ this._parent.get_name() }}"></div>
        {% endmacro %}
        """
    )

    def __init__(self, *, asset_prefix: str) -> None:
        super().__init__(entry=None, styles=["live_map"], asset_prefix=asset_prefix)
        self._name = "NeutralBasemap"


#: Markers of one kind closer than this many pixels merge into a counted bubble, up to the zoom
#: at which a street's vehicles are told apart anyway.
CLUSTER_RADIUS_PX: Final = 45
CLUSTER_UNTIL_ZOOM: Final = 15
MAX_ZOOM: Final = 19


def vehicle_cluster(label: str) -> MarkerCluster:
    """One kind's vehicles as a layer that clusters them at low zoom.

    ``live_fleet.js`` gives each cluster layer its bubble, in the kind's colour, when the
    fleet is set up: before the first marker arrives.
    """
    return MarkerCluster(name=label, options={
        "maxClusterRadius": CLUSTER_RADIUS_PX, "disableClusteringAtZoom": CLUSTER_UNTIL_ZOOM,
        "showCoverageOnHover": False, "spiderfyOnMaxZoom": False})


class TransitLayer(LiveMapElement):
    """Bus lines on uncleared streets and the buses on them, drawn as on ``/storm``.

    Offered in the layer control, off, only while a storm is open (``transit_layer.js`` asks
    ``storms_url`` every ``refresh_s``); it has to come after the layer control it joins.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            <div hidden data-map="{{ this._parent.get_name() }}"
                 data-live-transit='{{ this.config|tojson }}'></div>
        {% endmacro %}
        """
    )

    def __init__(self, *, storms_url: str, control: folium.LayerControl, refresh_s: float,
                 asset_prefix: str, time_zone: str) -> None:
        super().__init__(asset_prefix=asset_prefix)
        self._name = "TransitLayer"
        self.config = {"control": control.get_name(), "stormsUrl": storms_url,
                       "refreshS": refresh_s, "timeZone": time_zone,
                       "transitColour": TRANSIT_COLOUR, "states": clock_states_config()}

