"""Every dispatcher page rendered to a string: offline, Russian, wired to the right API."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest

from maps.assets import STATIC_DIR, external_references
from maps.pages.audit import render_audit_page
from maps.pages.chrome import NAV
from maps.pages.coverage_map import render_coverage_page
from maps.pages.editor import mark_tools, render_editor_page
from maps.pages.live_map import render_live_map
from maps.pages.playback import render_playback_page
from maps.pages.storm_room import render_storm_room_page
from maps.pages.storms import render_storms_page
from maps.pages.terminals import render_terminals_page
from maps.pages.users import render_users_page
from maps.styles import CLOCK_STYLES

SRC_HREF = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)["']""")

def shows(html: str, text: str) -> bool:
    """``text`` is in the page as markup or inside a JSON config (which escapes non-ASCII)."""
    return text in html or json.dumps(text)[1:-1] in html


def json_attribute(html: str, name: str) -> Any:
    """The JSON an element of the page carries in its ``name`` attribute."""
    found = re.search(rf'(?<![\w-]){name}="([^"]*)"', html)
    assert found, name
    return json.loads(unescape(found.group(1)))


PAGES: dict[str, Callable[[], str]] = {
    "live": lambda: render_live_map(tile_url=None, app_bar=True),
    "editor": render_editor_page,
    "coverage": render_coverage_page,
    "playback": render_playback_page,
    "storm": render_storm_room_page,
}


@pytest.fixture(scope="module", params=sorted(PAGES))
def page(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param, PAGES[request.param]()


def test_no_page_references_an_external_asset(page: tuple[str, str]) -> None:
    """No script, stylesheet, image or CSS url() of any page points off our server."""
    assert external_references(page[1]) == []


def test_every_linked_file_exists_in_static(page: tuple[str, str]) -> None:
    """Each /static/... script and stylesheet a page links is a file we ship."""
    links = [u for u in SRC_HREF.findall(page[1]) if u.startswith("/static/")]
    assert links
    for url in links:
        assert (STATIC_DIR / url.removeprefix("/static/")).is_file(), url


def test_pages_carry_the_bar_with_the_current_page_marked(page: tuple[str, str]) -> None:
    """The bar links all four pages and marks the one it is on; the session box asks the API."""
    key, html = page
    for _key, path, label in NAV:
        assert f'href="{path}"' in html and label in html
    active = dict((k, label) for k, _p, label in NAV)[key]
    assert re.search(rf'aria-current="page" class="gd-nav-active">{active}<', html)
    assert json_attribute(html, "data-appbar")["sessionUrl"] == "/api/session"
    assert '<html lang="ru"' in html or "<title>" in html


def test_live_map_alone_has_no_bar() -> None:
    """Rendered for embedding or tests, the live map asks no session and has no bar."""
    html = render_live_map(tile_url=None)
    assert "gd-appbar" not in html and "/api/session" not in html


def test_live_map_offers_the_track_and_stale_cue() -> None:
    """The vehicles' config carries the track and playback URLs and the stale threshold."""
    html = render_live_map(tile_url=None, stale_after_s=90)
    assert '"trackUrl": "/api/vehicles/{id}/track"' in html
    assert '"playbackUrl": "/playback"' in html and '"staleAfterS": 90' in html
    assert shows(html, "нет свежих отметок") and "data-contractor-filter" in html


def test_editor_draws_polylines_only_with_the_vendored_plugin() -> None:
    """folium's Draw offers lines only, posts nothing by itself, and loads Leaflet.draw locally."""
    html = render_editor_page()
    assert "/static/vendor/leaflet-draw/dist/leaflet.draw.js" in html
    options = re.search(r"draw: (\{.*?\}),\n", html)
    assert options
    draw = json.loads(options.group(1))
    assert draw["polyline"]["showLength"] is True
    for tool in ("polygon", "rectangle", "circle", "marker", "circlemarker"):
        assert draw[tool] is False
    assert "alert(coords)" not in html  # show_geometry_on_click off
    assert html.index("leaflet.draw.js") < html.index("/static/js/editor.js")


def test_editor_form_names_the_api_fields_in_russian() -> None:
    """Each route property has a Russian caption and a control named as the API names it."""
    html = render_editor_page()
    for name, caption in (("name", "Название"), ("treatment", "Вид работ"),
                          ("priority", "Очерёдность"), ("passes_required", "Проходов"),
                          ("direction", "Направление"), ("half_width_m", "Коридор"),
                          ("contractor", "Подрядчик"), ("assigned_vehicles", "Закреплённая")):
        assert f'name="{name}"' in html and caption in html
    for name in ("text", "status", "valid_from", "valid_to", "public"):
        assert f'name="{name}"' in html
    assert json_attribute(html, "data-config")["limits"] == {"halfWidth": 100.0, "passes": 20}


def test_mark_tools_follow_the_layers_geometries() -> None:
    """Point layers get a click, road state also a line, reference areas a polygon."""
    tools = mark_tools()
    assert tools["broken_elevator"] == ["point"] and tools["flooded_basement"] == ["point"]
    assert tools["road_state"] == ["point", "line"]
    assert tools["settlement"] == ["polygon"]
    assert tools["house_group"] == ["point", "polygon"]


def test_coverage_page_has_states_and_time_bands() -> None:
    """The legend tables for both colourings and the default 24-hour window are in the page."""
    html = render_coverage_page()
    for label in ("убрано", "частично", "не убрано", "нет данных", "менее 3 ч", "3–6 ч",
                  "6–12 ч", "более 12 ч"):
        assert shows(html, label), label
    config = json_attribute(html, "data-config")
    assert (config["coverageUrl"], config["stormsUrl"], config["defaultHours"]) == (
        "/api/coverage", None, 24)


def test_storm_screen_polls_the_clock_and_names_every_state() -> None:
    """The storm screen asks the storms API, refreshes every 30 s, shows the six states'
    Russian names, the table by time left and the data completeness table."""
    html = render_storm_room_page()
    config = json_attribute(html, "data-config")
    assert (config["stormsUrl"], config["refreshS"]) == ("/api/storms", 30)
    for _colour, _dash, label in CLOCK_STYLES.values():
        assert shows(html, label), label
    assert "Участки по оставшемуся времени" in html and "Полнота данных по технике" in html
    assert "/static/js/storm_room.js" in html and "/static/css/storm_room.css" in html


def test_playback_page_uses_the_track_api() -> None:
    """Playback asks the vehicles list and the per-vehicle track, and offers three formats."""
    html = render_playback_page()
    assert json_attribute(html, "data-config")["trackUrl"] == "/api/vehicles/{id}/track"
    for fmt in ("geojson", "gpx", "csv"):
        assert f'data-download="{fmt}"' in html


def test_every_page_shows_times_in_the_configured_zone() -> None:
    """``[site] time_zone`` reaches each page's scripts; the default is the city's zone."""
    moscow = {
        "live": render_live_map(tile_url=None, app_bar=True, time_zone="Europe/Moscow"),
        "editor": render_editor_page(time_zone="Europe/Moscow"),
        "coverage": render_coverage_page(time_zone="Europe/Moscow"),
        "playback": render_playback_page(time_zone="Europe/Moscow"),
        "storm": render_storm_room_page(time_zone="Europe/Moscow"),
        "storms": render_storms_page("Europe/Moscow"),
        "terminals": render_terminals_page("Europe/Moscow"),
        "users": render_users_page("Europe/Moscow"),
        "audit": render_audit_page("Europe/Moscow"),
    }
    for key, html in moscow.items():
        assert '"timeZone": "Europe/Moscow"' in unescape(html), key
        assert "Asia/Vladivostok" not in html, key
    for key, render in PAGES.items():
        assert '"timeZone": "Asia/Vladivostok"' in unescape(render()), key


def test_pages_without_a_map_sit_under_the_same_bar() -> None:
    """The admin pages and /storms have the app bar (a way back to every page)."""
    for html in (render_storms_page("Asia/Vladivostok"), render_users_page(),
                 render_terminals_page(), render_audit_page()):
        assert '<header class="gd-appbar" id="gd-appbar" data-appbar="' in html
        assert all(f'href="{path}"' in html for _key, path, _label in NAV)
        assert json_attribute(html, "data-appbar")["sessionUrl"] == "/api/session"


APP_PAGES: dict[str, Callable[[], str]] = {
    "storms": lambda: render_storms_page("Asia/Vladivostok"),
    "terminals": render_terminals_page,
    "users": render_users_page,
    "audit": render_audit_page,
}


@pytest.mark.parametrize("key", sorted({*PAGES, *APP_PAGES}))
def test_no_inline_script_calls_our_scripts(key: str) -> None:
    """The bar, a page's settings and its panel's config travel as data attributes, so our
    scripts start themselves whenever they load (a module runs after every inline script)."""
    html = {**PAGES, **APP_PAGES}[key]()
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
    called = set(re.findall(r"\b(Glonass\w+|GD_PAGE)\b", "".join(inline)))
    assert called == set()


def test_app_page_settings_reach_its_scripts_as_a_data_attribute() -> None:
    """``config`` of an app page is the JSON of ``<main data-page-config>``."""
    assert json_attribute(render_storms_page("Europe/Moscow"),
                          "data-page-config")["timeZone"] == "Europe/Moscow"
