"""``/storm``: the dispatcher's storm screen: every stretch on the clock of its norm.

The page asks ``GET /api/storms/{id}/clock`` (the storm open now, or ``?id=N``) every
``refresh_s`` and draws every stretch coloured by its clock state (breached, at risk, on
track, waiting for the snowfall's end, cleared late, cleared in time) with a table of the
stretches sorted by time left, the forecast's expected clearing time and the crew, and the
table of data completeness per vehicle (``GET /api/storms/{id}/completeness``), and a layer of
bus lines on streets still uncleared with the buses on them now (``.../transit``), and the
plan check: streets in two routes or in none, contractors' work against their machines
(``.../plan``). Times are the
city's (``[site] time_zone``).
"""

from __future__ import annotations

import html
from typing import Any, Final

import folium
from folium.template import Template

from dispatch.routes import TREATMENT_LABELS
from maps.pages.chrome import finish_page, json_attribute, page_map
from maps.pages.live_map import DEFAULT_CENTER, TIME_ZONE
from maps.pages.page_script import PageScript
from maps.styles import CLOCK_STYLES, TRANSIT_COLOUR, clock_states_config

__all__ = ["render_storm_room_page"]

PAGE_TITLE: Final = "Снегопад: сроки уборки"
SIDE_WIDTH_PX: Final = 520
REFRESH_S: Final = 30


def side_panel_html(element_id: str, config: dict[str, Any]) -> str:
    """The panel ``storm_room.js`` fills; it starts itself from the panel's ``data-config``."""
    return f"""
<aside class="gd-side gd-storm-room" id="{html.escape(element_id)}" aria-label="Снегопад"
  data-config="{json_attribute(config)}">
  <section>
    <h2 data-storm-name>Снегопад</h2>
    <p class="gd-hint" data-storm-times></p>
    <div class="gd-note" data-status hidden role="status" aria-live="polite"></div>
    <table class="gd-legend-table" data-legend></table>
    <p class="gd-hint">Обновлено: <span data-generated>—</span>, каждые {REFRESH_S} с.</p>
  </section>
  <section class="gd-grow">
    <h2>Участки по оставшемуся времени</h2>
    <table class="gd-table gd-clock-table" data-clock>
      <thead><tr><th>Маршрут, участок</th><th>Состояние</th><th>Осталось</th>
      <th>Ожидается</th><th>Техника</th></tr></thead><tbody></tbody></table>
  </section>
  <section data-transit-section>
    <h2>Автобусы на неубранных улицах</h2>
    <label class="gd-check"><input type="checkbox" data-transit-layer checked>
      Показать автобусные маршруты и автобусы на карте</label>
    <ul class="gd-list gd-transit-lines" data-transit-lines></ul>
    <p class="gd-hint" data-transit-buses></p>
  </section>
  <section data-plan-section>
    <h2>Проверка плана</h2>
    <p class="gd-hint" data-plan-summary></p>
    <ul class="gd-list" data-plan-issues></ul>
    <table class="gd-table" data-plan-loads>
      <thead><tr><th>Подрядчик, вид работ</th><th>Работы</th><th>Машин</th>
      <th>Нужно часов</th><th>Норматив</th></tr></thead><tbody></tbody></table>
  </section>
  <section data-completeness-section>
    <h2>Полнота данных по технике</h2>
    <table class="gd-table gd-completeness-table" data-completeness>
      <thead><tr><th>Машина</th><th>Смена с данными</th><th>Пропуски</th>
      <th>Неверные / из будущего</th><th>Датчик</th></tr></thead><tbody></tbody></table>
  </section>
</aside>"""


class StormRoomApp(PageScript):
    """The side panel and ``storm_room.js``, which polls the clock and draws the stretches."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            {{ this.panel_html }}
        {% endmacro %}
        """
    )

    def __init__(self, *, config: dict[str, Any], asset_prefix: str) -> None:
        super().__init__(entry="storm_room",
                         styles=["coverage_map", "storm_room"],
                         asset_prefix=asset_prefix)
        self._name = "StormRoomApp"
        self.panel_html = side_panel_html(self.get_name() + "_panel", config)


def build_storm_room_map(*, center: tuple[float, float] = DEFAULT_CENTER, zoom: int = 12,
                         tile_url: str | None = None, time_zone: str = TIME_ZONE,
                         refresh_s: int = REFRESH_S) -> folium.Map:
    fmap = page_map(title=PAGE_TITLE, active="storm", center=center, zoom=zoom,
                    tile_url=tile_url, side_width_px=SIDE_WIDTH_PX)
    config = {"stormsUrl": "/api/storms", "timeZone": time_zone, "refreshS": refresh_s,
              "transitColour": TRANSIT_COLOUR, "treatments": dict(TREATMENT_LABELS),
              "states": clock_states_config(),
              "stateOrder": list(CLOCK_STYLES)}
    StormRoomApp(config=config, asset_prefix="/static").add_to(fmap)
    return fmap


def render_storm_room_page(*, center: tuple[float, float] = DEFAULT_CENTER, zoom: int = 12,
                           tile_url: str | None = None, time_zone: str = TIME_ZONE,
                           refresh_s: int = REFRESH_S) -> str:
    """The page's HTML, rendered once at start-up; raises on any external asset."""
    return finish_page(build_storm_room_map(center=center, zoom=zoom, tile_url=tile_url,
                                            time_zone=time_zone, refresh_s=refresh_s))
