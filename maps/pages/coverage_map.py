"""``/coverage``: which streets were cleared in a window, coloured by state or by time since.

The page asks ``GET /api/coverage?from=&to=`` (computed on demand from the stored fixes) and
draws each stretch of each route: by *state* (served / partial / not served / unknown, with the
storm report's colours and dash patterns, so the map reads without colour too) or by *time
since the last service* at the end of the window (under 3 h, 3–6 h, 6–12 h, more, never: the
public map's default bands). Hovering a stretch tells passes per direction against the norm,
the last service and the vehicles; one-way routes carry arrows, because there only one side
counts.

The window is typed in the city's time (Asia/Vladivostok); a storm selector appears when a
storms URL is configured and answers.
"""

from __future__ import annotations

import html
from typing import Any, Final

import folium
from folium.template import Template

from dispatch.coverage_sheets import REASON_LABELS, STATE_LABELS
from maps.api.public_layers import (
    DEFAULT_BAND_HOURS,
    DEFAULT_WINDOW_H,
    NEVER_COLOUR,
    service_bands,
)
from maps.assets import DEFAULT_PREFIX
from maps.pages.chrome import finish_page, json_attribute, page_map
from maps.pages.live_map import DEFAULT_CENTER, OSM_ATTRIBUTION, TIME_ZONE
from maps.pages.page_script import PageScript
from maps.pages.storm_report import STATE_STYLES
from maps.styles import DIRECTION_LABELS, TREATMENT_STYLES

__all__ = ["CoverageApp", "build_coverage_map", "coverage_config", "render_coverage_page"]

PAGE_TITLE: Final = "Уборка улиц — покрытие маршрутов"
SIDE_WIDTH_PX: Final = 360
#: Legend order: what needs a dispatcher's action last, so the eye ends on it.
STATE_ORDER: Final = ("served", "partial", "unknown", "not_served")
#: The public map's default bands of time since the last service, so both maps read alike.
SERVICE_BANDS: Final = service_bands(DEFAULT_BAND_HOURS, DEFAULT_WINDOW_H)
#: (label, hours) of the quick window buttons; the first one the page opens with is 24 h.
PRESETS: Final = (("6 ч", 6), ("12 ч", 12), ("Сутки", 24), ("3 суток", 72))


def coverage_config() -> dict[str, Any]:
    """Colours and Russian labels for states, service-time bands and the route attributes."""
    return {
        "states": {s: {"colour": STATE_STYLES[s]["color"], "label": STATE_LABELS[s],
                       "dash": STATE_STYLES[s]["dashArray"], "weight": STATE_STYLES[s]["weight"]}
                   for s in STATE_ORDER},
        "stateOrder": list(STATE_ORDER),
        "bands": [{"hours": b.below_h, "colour": b.colour, "label": b.label}
                  for b in SERVICE_BANDS if b.key != "never"],
        "never": {"colour": NEVER_COLOUR, "label": "не убиралось в окне"},
        "reasons": REASON_LABELS,
        "treatments": {t.treatment: t.label for t in TREATMENT_STYLES},
        "directions": dict(DIRECTION_LABELS),
        "presets": [{"label": label, "hours": hours} for label, hours in PRESETS],
        "defaultHours": 24,
    }


def side_panel_html(element_id: str, config: dict[str, Any]) -> str:
    """The panel ``coverage_map.js`` fills; it starts itself from the panel's ``data-config``."""
    presets = "".join(
        f'<button type="button" data-preset="{hours}" aria-pressed="false">'
        f"{html.escape(label)}</button>" for label, hours in PRESETS)
    return f"""
<aside class="gd-side gd-coverage" id="{html.escape(element_id)}" aria-label="Покрытие"
  data-config="{json_attribute(config)}">
  <section>
    <h2>Период</h2>
    <div class="gd-segmented" data-presets role="group" aria-label="Последние">{presets}</div>
    <div class="gd-form" style="margin-top:10px">
      <label class="gd-field" data-field="from"><span>С (время города)</span>
        <input type="datetime-local" name="from" data-from></label>
      <label class="gd-field" data-field="to"><span>По</span>
        <input type="datetime-local" name="to" data-to></label>
      <label class="gd-field gd-wide" data-storm-field hidden><span>Снегопад</span>
        <select data-storm><option value="">— выбрать период вручную —</option></select></label>
      <a class="gd-field gd-wide" data-storm-act hidden>Акт по снегопаду</a>
    </div>
    <div class="gd-actions">
      <button type="button" class="gd-button gd-button-primary" data-apply>Показать</button>
      <span class="gd-hint" data-computed></span>
    </div>
    <div class="gd-note" data-status hidden role="status" aria-live="polite"></div>
  </section>
  <section>
    <h2>Раскраска</h2>
    <div class="gd-segmented" data-mode role="group" aria-label="Раскраска">
      <button type="button" data-mode-value="state" aria-pressed="true">По состоянию</button>
      <button type="button" data-mode-value="age" aria-pressed="false">По давности уборки</button>
    </div>
    <table class="gd-legend-table" data-legend></table>
    <p class="gd-coverage-total" data-total></p>
  </section>
  <section class="gd-grow">
    <h2>Маршруты <small class="gd-hint" data-route-count></small></h2>
    <ul class="gd-list gd-coverage-routes" data-routes></ul>
  </section>
  <section>
    <div class="gd-actions" style="margin-top:0">
      <span class="gd-hint">Скачать результат:</span>
      <button type="button" class="gd-button" data-download="geojson" disabled>GeoJSON</button>
      <button type="button" class="gd-button" data-download="csv" disabled>CSV</button>
    </div>
  </section>
</aside>"""


class CoverageApp(PageScript):
    """The side panel and ``coverage_map.js``, which asks the API and draws the stretches."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            {{ this.panel_html }}
        {% endmacro %}
        """
    )

    def __init__(self, *, config: dict[str, Any], asset_prefix: str) -> None:
        super().__init__(entry="coverage_map", styles=["coverage_map"],
                         asset_prefix=asset_prefix)
        self._name = "CoverageApp"
        self.panel_html = side_panel_html(self.get_name() + "_panel", config)


def build_coverage_map(*, center: tuple[float, float] = DEFAULT_CENTER, zoom: int = 12,
                       tile_url: str | None = None, tile_attribution: str = OSM_ATTRIBUTION,
                       coverage_url: str = "/api/coverage", storms_url: str | None = None,
                       session_url: str | None = "/api/session",
                       asset_prefix: str = "/static",
                       time_zone: str = TIME_ZONE) -> folium.Map:
    """The coverage page as a folium map (before :func:`maps.pages.chrome.finish_page`)."""
    fmap = page_map(title=PAGE_TITLE, active="coverage", center=center, zoom=zoom,
                    tile_url=tile_url, tile_attribution=tile_attribution,
                    session_url=session_url, side_width_px=SIDE_WIDTH_PX,
                    asset_prefix=asset_prefix)
    config = {**coverage_config(), "coverageUrl": coverage_url, "stormsUrl": storms_url,
              "timeZone": time_zone}
    CoverageApp(config=config, asset_prefix=asset_prefix).add_to(fmap)
    return fmap


def render_coverage_page(*, center: tuple[float, float] = DEFAULT_CENTER, zoom: int = 12,
                         tile_url: str | None = None, tile_attribution: str = OSM_ATTRIBUTION,
                         coverage_url: str = "/api/coverage", storms_url: str | None = None,
                         session_url: str | None = "/api/session",
                         static_prefix: str = DEFAULT_PREFIX,
                         asset_prefix: str = "/static",
                         time_zone: str = TIME_ZONE) -> str:
    """The coverage page's HTML, rendered once at start-up; raises on any external asset."""
    fmap = build_coverage_map(center=center, zoom=zoom, tile_url=tile_url,
                              tile_attribution=tile_attribution, coverage_url=coverage_url,
                              storms_url=storms_url, session_url=session_url,
                              asset_prefix=asset_prefix, time_zone=time_zone)
    return finish_page(fmap, static_prefix=static_prefix)
