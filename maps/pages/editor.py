"""``/editor``: draw, edit and delete clearing routes and marks, and save them to the API.

Routes are drawn with folium's ``Draw`` plugin (Leaflet.draw, vendored), polylines only, into
the feature group that also holds the saved routes, so its edit and delete tools work on both.
Folium is one-way (Python to the page), so ``maps/static/js/editor.js`` listens to Leaflet.draw's
events and talks to ``/api/routes`` and ``/api/marks`` itself, with the CSRF token from
``/api/session``. The attribute forms in the side panel are plain HTML rendered here from the
same tables the live map's legend uses (:mod:`maps.styles`), so labels agree everywhere.

Who may edit is the server's decision (dispatcher or admin, CSRF on every write); the page
mirrors it: a visitor or an auditor sees the routes and marks read-only with a sign-in link.
"""

from __future__ import annotations

import html
from typing import Any, Final

import folium
from folium.plugins import Draw
from folium.template import Template

from dispatch.marks import LAYERS, STATUSES
from dispatch.routes import MAX_HALF_WIDTH_M, MAX_PASSES
from maps.assets import DEFAULT_PREFIX
from maps.pages.chrome import EDITOR_ROLES, finish_page, json_attribute, page_map
from maps.pages.forms import field, select
from maps.pages.live_map import DEFAULT_CENTER, OSM_ATTRIBUTION, TIME_ZONE
from maps.pages.page_script import PageScript
from maps.styles import (
    DIRECTION_LABELS,
    MARK_STATUS_LABELS,
    MARK_STYLES,
    PRIORITY_STYLES,
    TREATMENT_STYLES,
    context_config,
)

__all__ = ["EditorApp", "build_editor_map", "render_editor_page"]

PAGE_TITLE: Final = "Маршруты и отметки — редактор"
SIDE_WIDTH_PX: Final = 390
ROUTES_GROUP_NAME: Final = "Маршруты уборки"
#: Leaflet.draw's tools a GeoJSON geometry type of a mark layer is drawn with.
_TOOLS: Final = {"Point": "point", "LineString": "line", "MultiLineString": "line",
                 "Polygon": "polygon", "MultiPolygon": "polygon"}
_TOOL_LABELS: Final = {"point": "точка", "line": "участок дороги", "polygon": "контур"}
_TOOL_ORDER: Final = ("point", "line", "polygon")
#: What a mark's text means on each layer; the highway's status is the road-state text.
TEXT_CAPTIONS: Final = {
    "road_state": "Состояние трассы / дороги",
    "broken_elevator": "Адрес и подъезд, что случилось",
    "flooded_basement": "Адрес, что случилось",
    "settlement": "Название и примечание",
    "house_group": "Дома и примечание",
}


def mark_tools() -> dict[str, list[str]]:
    """Per mark layer, the drawing tools its allowed geometries need (point first)."""
    tools: dict[str, list[str]] = {}
    for layer, (_title, kinds) in LAYERS.items():
        wanted = {_TOOLS[k] for k in kinds if k in _TOOLS}
        tools[layer] = [t for t in _TOOL_ORDER if t in wanted]
    return tools


def _route_form() -> str:
    treatments = [(t.treatment, t.label) for t in TREATMENT_STYLES]
    priorities = [(str(p.priority), p.label) for p in PRIORITY_STYLES]
    directions = list(DIRECTION_LABELS.items())
    return (
        '<form class="gd-form" data-route-form novalidate autocomplete="off"><fieldset>'
        + field("name", "Название", wide=True,
                attrs='maxlength="200" placeholder="например, ул. Ленина (пр. Мира — ул. Кирова)"')
        + select("treatment", "Вид работ", treatments)
        + select("priority", "Очерёдность", priorities, selected="2")
        + field("passes_required", "Проходов в каждую сторону", kind="number",
                attrs='min="1" max="20" step="1" value="1"')
        + select("direction", "Направление", directions)
        + field("half_width_m", "Коридор, м от оси (±)", kind="number",
                attrs='min="1" max="100" step="1" value="20"')
        + field("contractor", "Подрядчик", attrs='list="gd-contractors" maxlength="200"')
        + '<datalist id="gd-contractors"></datalist>'
        + '<label class="gd-field gd-wide" data-field="assigned_vehicles">'
        '<span>Закреплённая техника <small class="gd-hint">(Ctrl — несколько)</small></span>'
        '<select name="assigned_vehicles" multiple size="5"></select>'
        '<small class="gd-field-error" data-error></small></label>'
        "</fieldset></form>"
    )


def _mark_form() -> str:
    statuses = [(s, MARK_STATUS_LABELS[s]) for s in STATUSES]
    return (
        '<form class="gd-form" data-mark-form novalidate autocomplete="off"><fieldset>'
        + field("text", "Описание", kind="textarea", wide=True, attrs='maxlength="2000"')
        + select("status", "Статус", statuses)
        + '<span class="gd-field" data-field="layer"><span>Слой</span>'
        '<b data-mark-layer-label>—</b><small class="gd-field-error" data-error></small></span>'
        + field("valid_from", "Действует с", kind="datetime-local")
        + field("valid_to", "Действует по", kind="datetime-local")
        + '<label class="gd-check" data-field="public"><input type="checkbox" name="public">'
        "<span>Публичная — показывать на сайте города</span>"
        '<small class="gd-field-error" data-error></small></label>'
        + '<span class="gd-field gd-wide" data-field="geometry">'
        '<small class="gd-field-error" data-error></small></span>'
        "</fieldset></form>"
    )


#: a mark is closed (fixed on the ground) rather than deleted
_CLOSE_MARK: Final = ('<button type="button" class="gd-button" data-mark-close>'
                      "Закрыть (устранена)</button>")


def _editor(kind: str, title: str, form: str, extra_buttons: str = "") -> str:
    """The form of the route or mark being edited: title, fields, a note for what was refused,
    save / cancel / delete (``extra_buttons`` after save) and who made and last changed it."""
    return f"""<section data-{kind}-editor hidden>
    <h2 data-{kind}-title>{title}</h2>
    {form}
    <div class="gd-note" data-{kind}-note hidden role="alert"></div>
    <div class="gd-actions">
      <button type="button" class="gd-button gd-button-primary" data-{kind}-save>Сохранить</button>
      {extra_buttons}
      <button type="button" class="gd-button" data-{kind}-cancel>Отмена</button>
      <span style="flex:1"></span>
      <button type="button" class="gd-button gd-button-danger" data-{kind}-delete>Удалить</button>
    </div>
    <p class="gd-hint" data-{kind}-meta></p>
</section>"""


def _bin(kind: str, title: str) -> str:
    """A folded list of what was deleted, each with a restore button (``editor_bin.js``)."""
    return (f'<details class="gd-bin" data-bin="{kind}"><summary>{title}: '
            '<span data-bin-count>…</span></summary>'
            '<div class="gd-note" data-bin-note hidden role="status"></div>'
            f'<ul class="gd-list" data-bin-list aria-label="{title}"></ul></details>')


def side_panel_html(element_id: str, config: dict[str, Any]) -> str:
    """The editor's side panel: a tab for routes, one for marks, each a list and a form;
    ``editor.js`` starts itself from its ``data-config``."""
    layers = [(m.layer, m.label) for m in MARK_STYLES]
    return f"""
<aside class="gd-side gd-editor" id="{html.escape(element_id)}" aria-label="Редактор"
  data-config="{json_attribute(config)}">
  <div class="gd-tabs" role="tablist">
    <button type="button" role="tab" data-tab="routes" aria-selected="true">Маршруты уборки</button>
    <button type="button" role="tab" data-tab="marks"
      aria-selected="false">Отметки на карте</button>
  </div>
  <section data-access hidden></section>
  <div role="tabpanel" data-panel="routes">
    <section>
      <div class="gd-actions" style="margin-top:0">
        <button type="button" class="gd-button gd-button-primary" data-new-route>
          + Нарисовать маршрут</button>
        <label class="gd-button" data-upload-routes>Загрузить GeoJSON<input type="file"
          accept=".geojson,.json,application/geo+json,application/json" data-upload-file
          hidden></label>
        <span class="gd-hint" data-route-count></span>
      </div>
      <div class="gd-note" data-upload-note hidden role="status"></div>
      <ul class="gd-upload-errors" data-upload-errors hidden></ul>
      <p class="gd-hint" style="margin-top:8px">Щелчками по карте поставьте точки линии,
        последний щелчок — по последней точке. Изменить линию или удалить маршруты — кнопки
        слева под инструментом рисования.</p>
      <div class="gd-scroll"><ul class="gd-list" data-route-list role="listbox"
        aria-label="Маршруты"></ul></div>
      {_bin("routes", "Удалённые маршруты")}
    </section>
    {_editor("route", "Новый маршрут", _route_form())}
  </div>
  <div role="tabpanel" data-panel="marks" hidden>
    <section>
      <div class="gd-form">
        {select("new_layer", "Новая отметка на слое", layers, attrs="data-new-mark-layer")}
        <label class="gd-field" data-field="new_tool"><span>Как нарисовать</span>
          <select data-new-mark-tool></select></label>
      </div>
      <div class="gd-actions">
        <button type="button" class="gd-button gd-button-primary" data-new-mark>
          + Поставить на карте</button>
        <span class="gd-hint" data-mark-count></span>
      </div>
      <div class="gd-scroll"><ul class="gd-list" data-mark-list role="listbox"
        aria-label="Отметки"></ul></div>
      {_bin("marks", "Удалённые отметки")}
    </section>
    {_editor("mark", "Новая отметка", _mark_form(), _CLOSE_MARK)}
  </div>
</aside>"""


class EditorApp(PageScript):
    """The side panel and the script that connects Leaflet.draw, the forms and the API.

    The entry ``editor.js`` imports its tabs (``editor_routes.js``, ``editor_marks.js``,
    ``editor_bin.js``, ``editor_upload.js``); as a module it runs once the page is parsed, so
    Leaflet.draw is loaded (``editor.js`` sets its texts to Russian) and its ``draw:created``
    handler runs after folium's. The panel's ``data-config`` names the Folium layer and
    control it works with.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            {{ this.panel_html }}
        {% endmacro %}
        """
    )

    def __init__(self, *, draw: Draw, routes: folium.FeatureGroup, config: dict[str, Any],
                 asset_prefix: str) -> None:
        super().__init__(entry="editor",
                         styles=["editor"],
                         asset_prefix=asset_prefix)
        self._name = "EditorApp"
        self.panel_html = side_panel_html(
            self.get_name() + "_panel",
            {**config, "routesLayer": routes.get_name(), "drawControl": draw.get_name()})


def build_editor_map(*, center: tuple[float, float] = DEFAULT_CENTER, zoom: int = 12,
                     tile_url: str | None = None, tile_attribution: str = OSM_ATTRIBUTION,
                     routes_url: str = "/api/routes", marks_url: str = "/api/marks",
                     vehicles_url: str = "/api/vehicles",
                     session_url: str | None = "/api/session",
                     asset_prefix: str = "/static",
                     time_zone: str = TIME_ZONE) -> folium.Map:
    """The editor as a folium map (before :func:`maps.pages.chrome.finish_page`)."""
    fmap = page_map(title=PAGE_TITLE, active="editor", center=center, zoom=zoom,
                    tile_url=tile_url, tile_attribution=tile_attribution,
                    session_url=session_url, side_width_px=SIDE_WIDTH_PX,
                    asset_prefix=asset_prefix)
    routes = folium.FeatureGroup(name=ROUTES_GROUP_NAME, control=False)
    routes.add_to(fmap)
    draw = Draw(
        feature_group=routes, position="topleft", show_geometry_on_click=False,
        draw_options={
            "polyline": {"shapeOptions": {"color": "#1f5fa8", "weight": 5, "opacity": 0.9},
                         "showLength": True, "metric": True, "feet": False},
            "polygon": False, "rectangle": False, "circle": False, "marker": False,
            "circlemarker": False,
        },
        edit_options={"poly": {"allowIntersection": True}},
    )
    draw.add_to(fmap)
    config = {
        **context_config(),
        "routesUrl": routes_url, "marksUrl": marks_url, "vehiclesUrl": vehicles_url,
        "timeZone": time_zone, "editorRoles": list(EDITOR_ROLES),
        "markTools": mark_tools(), "toolLabels": _TOOL_LABELS, "textCaptions": TEXT_CAPTIONS,
        "markLayerOrder": [m.layer for m in MARK_STYLES],
        "limits": {"passes": MAX_PASSES, "halfWidth": MAX_HALF_WIDTH_M},
    }
    EditorApp(draw=draw, routes=routes, config=config, asset_prefix=asset_prefix).add_to(fmap)
    return fmap


def render_editor_page(*, center: tuple[float, float] = DEFAULT_CENTER, zoom: int = 12,
                       tile_url: str | None = None, tile_attribution: str = OSM_ATTRIBUTION,
                       session_url: str | None = "/api/session",
                       static_prefix: str = DEFAULT_PREFIX,
                       asset_prefix: str = "/static",
                       time_zone: str = TIME_ZONE) -> str:
    """The editor's HTML, rendered once at start-up; raises if any asset would be external."""
    fmap = build_editor_map(center=center, zoom=zoom, tile_url=tile_url,
                            tile_attribution=tile_attribution, session_url=session_url,
                            asset_prefix=asset_prefix, time_zone=time_zone)
    return finish_page(fmap, static_prefix=static_prefix)
