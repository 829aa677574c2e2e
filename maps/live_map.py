"""The dispatcher's live map: every vehicle, polled from ``GET /api/vehicles``, with no CDN.

The page is a folium map with a ``folium.plugins.Realtime`` layer. The browser-side drawing
(markers, popups, live counts) lives in ``maps/static/js/live_map.js`` and is configured from
:mod:`maps.styles`, so the Python side only decides *what* is on the page and the page works
from our own static files alone (see :mod:`maps.assets`).

Served layout: ``maps/static`` is mounted at ``asset_prefix`` (default ``/static``); the
vendored libraries are its ``vendor/`` subfolder, at ``static_prefix`` (default
``/static/vendor``).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Final

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import Realtime
from folium.template import Template
from folium.utilities import JsCode

from maps.assets import DEFAULT_PREFIX, assert_offline, localize
from maps.styles import KIND_STYLES, OFFLINE_OPACITY, WORKING_COLOUR, symbology_config

__all__ = [
    "DEFAULT_CENTER",
    "LivePanel",
    "VehicleSymbology",
    "build_live_map",
    "render_live_map",
]

#: Komsomolsk-on-Amur, city centre.
DEFAULT_CENTER: Final = (50.55, 137.0)
#: Where fix times are shown: the city's local time, whatever the dispatcher's PC is set to.
TIME_ZONE: Final = "Asia/Vladivostok"
VEHICLES_LAYER_NAME: Final = "Техника"
PAGE_TITLE: Final = "Техника на линии — диспетчерская карта"
OSM_ATTRIBUTION: Final = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">участники OpenStreetMap</a>'
)


class VehicleSymbology(JSCSSMixin, MacroElement):
    """Declares the JS object that draws vehicles; the Realtime layer refers to its members.

    It has to come before the Realtime layer in the map (scripts run in order), and after the
    per-kind feature groups it routes markers into.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = GlonassLiveMap.fleet(
                {{ this.config|tojson }},
                {
                {%- for kind, group in this.groups.items() %}
                    {{ kind|tojson }}: {{ group.get_name() }},
                {%- endfor %}
                }
            );
        {% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        api_url: str,
        groups: Mapping[str, folium.FeatureGroup],
        asset_prefix: str,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "VehicleSymbology"
        self.groups = dict(groups)
        self.config = {**symbology_config(), "apiUrl": api_url, "timeZone": TIME_ZONE}
        prefix = asset_prefix.rstrip("/")
        # Instance lists: the class attributes are shared by every map in the process.
        self.default_js = [("glonass_live_map_js", f"{prefix}/js/live_map.js")]
        self.default_css = [("glonass_live_map_css", f"{prefix}/css/live_map.css")]

    def member(self, name: str) -> JsCode:
        """A reference to one member of the JS object, for Realtime's options."""
        return JsCode(f"{self.get_name()}.{name}")


class LivePanel(MacroElement):
    """Legend plus live counts and poll status, as one Leaflet control in the bottom left.

    The legend is plain HTML in the page (hidden until the control takes it), so it reads the
    same to a test, a screen reader or a browser with scripts off; the script only fills in the
    counts and the status line.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            {{ this.legend_html }}
        {% endmacro %}
        {% macro script(this, kwargs) %}
            {{ this.symbology.get_name() }}.attachPanel(
                {{ this._parent.get_name() }},
                {{ this.realtime.get_name() }},
                document.getElementById({{ this.get_name()|tojson }})
            );
        {% endmacro %}
        """
    )

    def __init__(self, *, symbology: VehicleSymbology, realtime: Realtime) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "LivePanel"
        self.symbology = symbology
        self.realtime = realtime
        self.legend_html = legend_html(self.get_name())


def _swatch(colour: str, extra_class: str = "") -> str:
    classes = f"gd-swatch {extra_class}".strip()
    return (f'<span class="{classes}" style="--gd-colour:{html.escape(colour)};'
            f'--gd-working:{WORKING_COLOUR}"></span>')


_ARROW_SVG: Final = (
    '<svg class="gd-legend-arrow" viewBox="0 0 28 28" width="16" height="16" aria-hidden="true">'
    '<circle cx="14" cy="14" r="11" fill="#607d8b" stroke="#fff" stroke-width="2"/>'
    '<path d="M14 5.5 L19.5 19.5 L14 16.2 L8.5 19.5 Z" fill="#fff" '
    'transform="rotate(45 14 14)"/></svg>'
)
_OFFLINE_SVG: Final = (
    '<svg class="gd-legend-arrow" viewBox="0 0 28 28" width="16" height="16" aria-hidden="true"'
    f' opacity="{OFFLINE_OPACITY}">'
    '<circle cx="14" cy="14" r="11" fill="#607d8b" stroke="#37474f" stroke-width="2.5"'
    ' stroke-dasharray="3 2"/><circle cx="14" cy="14" r="3.5" fill="#fff"/></svg>'
)
_STANDING_SVG: Final = (
    '<svg class="gd-legend-arrow" viewBox="0 0 28 28" width="16" height="16" aria-hidden="true">'
    '<circle cx="14" cy="14" r="11" fill="#607d8b" stroke="#fff" stroke-width="2"/>'
    '<circle cx="14" cy="14" r="3.5" fill="#fff"/></svg>'
)


def legend_html(element_id: str) -> str:
    """The panel's markup: one row per kind with a live "online / total" cell, then the cues."""
    rows = "".join(
        f'<tr><td>{_swatch(s.colour)}{html.escape(s.group_label)}</td>'
        f'<td class="gd-count" data-kind-count="{html.escape(s.kind)}">—</td></tr>'
        for s in KIND_STYLES
    )
    states = (
        f'<tr><td>{_swatch("#607d8b", "gd-working")}</td><td>оборудование включено</td></tr>'
        f"<tr><td>{_OFFLINE_SVG}</td><td>нет связи</td></tr>"
        f"<tr><td>{_ARROW_SVG}</td><td>едет (стрелка — курс)</td></tr>"
        f"<tr><td>{_STANDING_SVG}</td><td>стоит</td></tr>"
    )
    return (
        f'<div id="{html.escape(element_id)}" class="gd-panel" hidden>'
        f"<h2>{html.escape(VEHICLES_LAYER_NAME)} <small>(на линии / всего)</small></h2>"
        f'<table class="gd-legend-kinds">{rows}</table>'
        f'<table class="gd-legend-states">{states}</table>'
        '<div class="gd-status" data-live-status role="status" aria-live="polite">'
        "Загрузка данных…</div></div>"
    )


def build_live_map(
    *,
    center: tuple[float, float] = DEFAULT_CENTER,
    zoom: int = 12,
    tile_url: str | None,
    tile_attribution: str = OSM_ATTRIBUTION,
    api_url: str = "/api/vehicles",
    poll_interval_s: float = 5,
    static_prefix: str = DEFAULT_PREFIX,
    asset_prefix: str = "/static",
) -> folium.Map:
    """The live map as a folium object, before rendering (for pages that add more layers).

    ``tile_url`` is a Leaflet URL template (``.../{z}/{x}/{y}.png``) or None for no basemap;
    the vehicles do not depend on it, so the map stays useful when tiles are unreachable.
    Call :func:`maps.assets.localize` again if you add plugins to the returned map.
    """
    if poll_interval_s <= 0:
        raise ValueError(f"poll_interval_s must be positive, got {poll_interval_s}")
    fmap = folium.Map(location=list(center), zoom_start=zoom, tiles=None)
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
            tiles=tile_url, attr=tile_attribution, name="Подложка", max_zoom=19, control=False
        ).add_to(fmap)

    groups = {s.kind: folium.FeatureGroup(name=s.group_label, show=True) for s in KIND_STYLES}
    for group in groups.values():
        group.add_to(fmap)
    symbology = VehicleSymbology(api_url=api_url, groups=groups, asset_prefix=asset_prefix)
    symbology.add_to(fmap)

    # remove_missing: the API lists offline vehicles too (online=false), so a vehicle missing
    # from a full snapshot was removed from the fleet and must leave the map.
    realtime = Realtime(
        symbology.member("source"),
        interval=round(poll_interval_s * 1000),
        get_feature_id=symbology.member("featureId"),
        update_feature=symbology.member("updateFeature"),
        remove_missing=True,
        # folium's hint names FeatureGroup/GeoJson, but any L.LayerGroup-like JS object works
        container=symbology.member("container"),  # type: ignore[arg-type]
        point_to_layer=symbology.member("pointToLayer"),
    )
    realtime.control = False  # the per-kind groups are the switchable layers
    realtime.add_to(fmap)

    LivePanel(symbology=symbology, realtime=realtime).add_to(fmap)
    folium.LayerControl(position="topright", collapsed=False).add_to(fmap)
    localize(fmap, prefix=static_prefix)
    return fmap


def render_live_map(
    *,
    center: tuple[float, float] = DEFAULT_CENTER,
    zoom: int = 12,
    tile_url: str | None,
    api_url: str = "/api/vehicles",
    poll_interval_s: float = 5,
    static_prefix: str = DEFAULT_PREFIX,
    asset_prefix: str = "/static",
    tile_attribution: str = OSM_ATTRIBUTION,
) -> str:
    """The complete HTML page of the live map; raises if any asset would come from elsewhere.

    Rendering is pure and takes about 10 ms, but the page never changes while the
    server runs, so render once at start-up and serve the string.
    """
    fmap = build_live_map(
        center=center, zoom=zoom, tile_url=tile_url, tile_attribution=tile_attribution,
        api_url=api_url, poll_interval_s=poll_interval_s, static_prefix=static_prefix,
        asset_prefix=asset_prefix,
    )
    page: str = fmap.get_root().render()
    return assert_offline(page)

