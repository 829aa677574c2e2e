"""``/playback``: one vehicle's track over a chosen window, replayed with a time slider.

The page asks ``GET /api/vehicles/{id}/track?from=&to=`` (stretches split at data gaps by the
server) and draws it with ``track.js``, the same code as the live map's "last hour" track:
solid where fixes came in, dashed across the silences, so a straight jump is never read as a
street driven. The slider moves a marker along the fixes in time (interpolated within a
stretch, held at the last fix in a gap), the readout says what the equipment did in words, the
line is coloured by equipment state or by speed, and the stops and trips the server found are
listed in the city's time; the same window downloads as GeoJSON, GPX or CSV from the API.
``?vehicle=&from=&to=`` opens the page on a track (the live map's popup links here).
"""

from __future__ import annotations

import html
from typing import Any, Final

import folium
from folium.template import Template

from maps.assets import DEFAULT_PREFIX
from maps.pages.chrome import finish_page, json_attribute, page_map
from maps.pages.live_map import DEFAULT_CENTER, OSM_ATTRIBUTION, TIME_ZONE
from maps.pages.page_script import PageScript
from maps.styles import symbology_config, track_colouring_config

__all__ = ["PlaybackApp", "build_playback_map", "render_playback_page"]

PAGE_TITLE: Final = "Треки техники — воспроизведение"
SIDE_WIDTH_PX: Final = 360
PRESETS: Final = (("1 ч", 1), ("3 ч", 3), ("12 ч", 12), ("Сутки", 24))
#: Replay speeds: real seconds per second of the slider.
SPEEDS: Final = (10, 60, 300, 1800)


def side_panel_html(element_id: str, config: dict[str, Any]) -> str:
    """The panel ``playback.js`` fills; it starts itself from the panel's ``data-config``."""
    presets = "".join(
        f'<button type="button" data-preset="{hours}" aria-pressed="false">'
        f"{html.escape(label)}</button>" for label, hours in PRESETS)
    speeds = "".join(f'<option value="{s}"{" selected" if s == 60 else ""}>×{s}</option>'
                     for s in SPEEDS)
    return f"""
<aside class="gd-side gd-playback" id="{html.escape(element_id)}" aria-label="Трек"
  data-config="{json_attribute(config)}">
  <section>
    <h2>Трек машины</h2>
    <div class="gd-form">
      <label class="gd-field gd-wide" data-field="vehicle"><span>Машина</span>
        <select data-vehicle><option value="">— выберите машину —</option></select></label>
    </div>
    <div class="gd-segmented" data-presets role="group" aria-label="Последние"
      style="margin-top:10px">{presets}</div>
    <div class="gd-form" style="margin-top:10px">
      <label class="gd-field" data-field="from"><span>С (время города)</span>
        <input type="datetime-local" data-from></label>
      <label class="gd-field" data-field="to"><span>По</span>
        <input type="datetime-local" data-to></label>
    </div>
    <div class="gd-actions">
      <button type="button" class="gd-button gd-button-primary" data-show>Показать трек</button>
    </div>
    <div class="gd-note" data-status hidden role="status" aria-live="polite"></div>
  </section>
  <section data-player hidden>
    <dl class="gd-facts" data-summary></dl>
    <div class="gd-clock" data-clock>—</div>
    <input type="range" class="gd-slider" data-slider min="0" max="0" step="1000" value="0"
      aria-label="Время на треке">
    <div class="gd-actions">
      <button type="button" class="gd-button gd-button-primary" data-play>▶ Воспроизвести</button>
      <label class="gd-hint">скорость <select class="gd-input gd-speed" data-speed>{speeds}
        </select></label>
    </div>
    <table class="gd-popup-table gd-readout" data-readout></table>
    <div class="gd-colouring"><span class="gd-hint">Цвет трека:</span>
      <div class="gd-segmented" data-colouring role="group" aria-label="Цвет трека">
        <button type="button" data-colour-by="equipment" aria-pressed="true">оборудование</button>
        <button type="button" data-colour-by="speed" aria-pressed="false">скорость</button>
      </div></div>
    <div class="gd-track-key" data-track-key></div>
  </section>
  <section data-legs-section hidden>
    <h3>Стоянки и поездки</h3>
    <table class="gd-legs" data-legs>
      <thead><tr><th></th><th>Начало</th><th>Длительность</th><th>Путь</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section data-downloads hidden>
    <div class="gd-actions" style="margin-top:0">
      <span class="gd-hint">Скачать трек:</span>
      <a class="gd-button" data-download="geojson">GeoJSON</a>
      <a class="gd-button" data-download="gpx">GPX</a>
      <a class="gd-button" data-download="csv">CSV</a>
    </div>
  </section>
</aside>"""


class PlaybackApp(PageScript):
    """The side panel and ``playback.js`` (which uses ``track.js`` to draw the track)."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            {{ this.panel_html }}
        {% endmacro %}
        """
    )

    def __init__(self, *, config: dict[str, Any], asset_prefix: str) -> None:
        super().__init__(entry="playback", styles=["playback"],
                         asset_prefix=asset_prefix)
        self._name = "PlaybackApp"
        self.panel_html = side_panel_html(self.get_name() + "_panel", config)


def build_playback_map(*, center: tuple[float, float] = DEFAULT_CENTER, zoom: int = 12,
                       tile_url: str | None = None, tile_attribution: str = OSM_ATTRIBUTION,
                       vehicles_url: str = "/api/vehicles",
                       session_url: str | None = "/api/session",
                       asset_prefix: str = "/static",
                       time_zone: str = TIME_ZONE) -> folium.Map:
    """The playback page as a folium map (before :func:`maps.pages.chrome.finish_page`)."""
    fmap = page_map(title=PAGE_TITLE, active="playback", center=center, zoom=zoom,
                    tile_url=tile_url, tile_attribution=tile_attribution,
                    session_url=session_url, side_width_px=SIDE_WIDTH_PX,
                    asset_prefix=asset_prefix)
    config = {**symbology_config(), **track_colouring_config(), "vehiclesUrl": vehicles_url,
              "trackUrl": vehicles_url.rstrip("/") + "/{id}/track", "timeZone": time_zone,
              "presets": [hours for _label, hours in PRESETS], "defaultHours": 3}
    PlaybackApp(config=config, asset_prefix=asset_prefix).add_to(fmap)
    return fmap


def render_playback_page(*, center: tuple[float, float] = DEFAULT_CENTER, zoom: int = 12,
                         tile_url: str | None = None, tile_attribution: str = OSM_ATTRIBUTION,
                         vehicles_url: str = "/api/vehicles",
                         session_url: str | None = "/api/session",
                         static_prefix: str = DEFAULT_PREFIX,
                         asset_prefix: str = "/static",
                         time_zone: str = TIME_ZONE) -> str:
    """The playback page's HTML, rendered once at start-up; raises on any external asset."""
    fmap = build_playback_map(center=center, zoom=zoom, tile_url=tile_url,
                              tile_attribution=tile_attribution, vehicles_url=vehicles_url,
                              session_url=session_url, asset_prefix=asset_prefix,
                              time_zone=time_zone)
    return finish_page(fmap, static_prefix=static_prefix)
