"""The city's public map page: streets by time since last service, marks, delayed vehicles.

One page serves two ways. ``/public/`` links our assets under ``/public/static`` and polls
``/public/data/map.json``; ``maps export`` embeds the document, links the assets relatively and
puts our scripts in the page as one classic script, so the files open from disk (``file://``)
where a browser would refuse to fetch data or load modules. The legend is
plain Russian HTML in the page; ``public_map.js`` draws the document (made by
:mod:`maps.api.public_layers`) and fills in the time the data describes.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any, Final

import folium
from folium.template import Template

from maps.api.public_layers import ServiceBand
from maps.pages.chrome import finish_page, json_attribute, page_map
from maps.pages.live_map import DEFAULT_CENTER
from maps.pages.page_script import PageScript
from maps.styles import KIND_STYLES, MARK_STYLES, context_config, symbol_svg

__all__ = ["PAGE_TITLE", "PublicMapScript", "build_public_map", "render_public_map"]

PAGE_TITLE: Final = "Уборка улиц Комсомольска-на-Амуре"
ROUTES_LAYER_NAME: Final = "Улицы: давность уборки"
VEHICLES_LAYER_NAME: Final = "Техника"


def _line_swatch(colour: str, dashed: bool) -> str:
    dash = ' stroke-dasharray="2 5"' if dashed else ""
    return ('<svg viewBox="0 0 28 10" width="28" height="10" aria-hidden="true">'
            '<path d="M2 5H26" stroke="#fff" stroke-width="8" stroke-linecap="round"/>'
            f'<path d="M2 5H26" stroke="{html.escape(colour)}" stroke-width="5"'
            f' stroke-linecap="round"{dash}/></svg>')


def _dot(colour: str) -> str:
    return ('<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">'
            f'<circle cx="8" cy="8" r="6" fill="{html.escape(colour)}" stroke="#fff"'
            ' stroke-width="2"/></svg>')


def legend_html(element_id: str, bands: Sequence[ServiceBand], *, delay_s: float,
                decimals: int, config: Mapping[str, Any]) -> str:
    """The legend's markup: bands, vehicle kinds, mark layers, and what the data is as of;
    ``public_map.js`` starts itself from its ``data-config`` (which names the Folium layers)."""
    band_rows = "".join(
        f'<tr data-legend-band="{html.escape(b.key)}">'
        f'<td>{_line_swatch(b.colour, b.key == "never")}</td><td>{html.escape(b.label)}</td></tr>'
        for b in bands)
    kind_rows = "".join(
        f'<tr data-legend-kind="{html.escape(s.kind)}"><td>{_dot(s.colour)}</td>'
        f"<td>{html.escape(s.group_label)}</td></tr>" for s in KIND_STYLES if s.kind != "other")
    mark_rows = "".join(
        f'<tr data-legend-mark="{html.escape(m.layer)}"><td>{symbol_svg(m.symbol, 18)}</td>'
        f"<td>{html.escape(m.group_label.capitalize())}</td></tr>" for m in MARK_STYLES)
    precision_m = round(111_000 * 10 ** -decimals, -1) if decimals else 100_000
    return (
        f'<div id="{html.escape(element_id)}" class="gd-public-legend" hidden'
        f' data-config="{json_attribute(config)}">'
        "<h2>Уборка улиц</h2><p class=\"gd-public-sub\">прошло с последней уборки</p>"
        f"<table>{band_rows}</table>"
        f"<h3>{html.escape(VEHICLES_LAYER_NAME)}</h3>"
        f'<p class="gd-public-sub">с задержкой {round(delay_s / 60):d} мин, точность около'
        f" {precision_m:g} м</p><table>{kind_rows}</table>"
        f"<h3>Отметки</h3><table>{mark_rows}</table>"
        '<p class="gd-public-as-of">Данные на <span data-as-of>…</span></p>'
        '<p class="gd-public-status" data-status role="status" aria-live="polite" hidden></p>'
        "</div>"
    )


class PublicMapScript(PageScript):
    """The legend plus ``public_map.js``, which draws the document into the layer groups;
    ``inline`` for the exported page, which opens from disk where modules cannot load."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            {{ this.legend }}
        {% endmacro %}
        """
    )

    def __init__(self, *, config: Mapping[str, Any], bands: Sequence[ServiceBand],
                 delay_s: float, decimals: int, routes: folium.FeatureGroup,
                 vehicles: folium.FeatureGroup, marks: Mapping[str, folium.FeatureGroup],
                 asset_prefix: str, inline: bool) -> None:
        super().__init__(entry="public_map", styles=["public_map"], asset_prefix=asset_prefix,
                         inline=inline)
        self._name = "PublicMap"
        layers = {"routes": routes.get_name(), "vehicles": vehicles.get_name(),
                  "marks": {layer: group.get_name() for layer, group in marks.items()}}
        self.legend = legend_html(self.get_name(), bands, delay_s=delay_s, decimals=decimals,
                                  config={**config, "layers": layers})


def build_public_map(bands: Sequence[ServiceBand], *, data_url: str | None = None,
                     document: Mapping[str, Any] | None = None, refresh_s: float = 60.0,
                     delay_s: float = 900.0, decimals: int = 3,
                     center: tuple[float, float] = DEFAULT_CENTER, zoom: int = 12,
                     tile_url: str | None = None, asset_prefix: str = "/public/static"
                     ) -> folium.Map:
    """The page as a folium map: polling ``data_url``, or drawing the embedded ``document``."""
    if (data_url is None) == (document is None):
        raise ValueError("give either data_url (served) or document (exported)")
    fmap = page_map(title=PAGE_TITLE, active="", center=center, zoom=zoom, tile_url=tile_url,
                    session_url=None, asset_prefix=asset_prefix, app_bar=False)
    routes = folium.FeatureGroup(name=ROUTES_LAYER_NAME)
    marks = {m.layer: folium.FeatureGroup(name=f"Отметки: {m.group_label}")
             for m in MARK_STYLES}
    vehicles = folium.FeatureGroup(name=VEHICLES_LAYER_NAME)
    for group in (routes, *marks.values(), vehicles):
        group.add_to(fmap)
    config = {
        "dataUrl": data_url, "data": document, "refreshMs": round(refresh_s * 1000),
        "kinds": {s.kind: {"colour": s.colour, "label": s.label} for s in KIND_STYLES},
        "markLayers": context_config()["markLayers"],
        "never": next(b.label for b in bands if b.key == "never"),
    }
    PublicMapScript(config=config, bands=bands, delay_s=delay_s, decimals=decimals,
                    routes=routes, vehicles=vehicles, marks=marks, asset_prefix=asset_prefix,
                    inline=document is not None).add_to(fmap)
    folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
    return fmap


def render_public_map(bands: Sequence[ServiceBand], **options: Any) -> str:
    """The complete HTML; raises if any asset would come from elsewhere. Keywords as for
    :func:`build_public_map`."""
    prefix = str(options.get("asset_prefix", "/public/static")).rstrip("/")
    return finish_page(build_public_map(bands, **options), static_prefix=f"{prefix}/vendor")
