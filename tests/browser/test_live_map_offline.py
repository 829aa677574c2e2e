"""The live map in a real browser with no network: vehicles show and move, routes and marks are
drawn under them with Russian popups, and nothing leaks."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from dispatch.demo_city import demo_marks, demo_routes
from dispatch.demo_fleet import demo_fleet
from maps.assets import STATIC_DIR
from maps.live_map import render_live_map

pytestmark = pytest.mark.browser

POLL_S = 0.25
SCREENSHOT = "/tmp/live_map.png"
LAYERS_SCREENSHOT = "/tmp/live_map_layers.png"
MARKER = ".leaflet-marker-icon [data-vehicle-id]"
LISTED = "[data-vehicle-item]"
ROUTE_LINE = "path.gd-route-line"
MARK = ".leaflet-marker-icon [data-mark-id]"
# The folium map object: a global named map_<hash>.
MAP_JS = "window[Object.keys(window).find(k => k.startsWith('map_'))]"

VEHICLES: dict[str, Any] = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature", "id": 1,
            "geometry": {"type": "Point", "coordinates": [136.985, 50.556]},
            "properties": {
                "id": 1, "name": "Плуг-01", "kind": "plow", "plate": "А123ВС27",
                "terminals": ["egts:860000000000001"], "fix_time": "2026-01-15T03:04:05+00:00",
                "speed_kmh": 32.4, "course_deg": 90.0, "inputs": 1,
                "equipment_active": True, "online": True,
            },
        },
        {
            "type": "Feature", "id": 2,
            "geometry": {"type": "Point", "coordinates": [137.02, 50.545]},
            "properties": {
                "id": 2, "name": "КДМ <b>7</b>", "kind": "sander",
                "terminals": ["ndtp:4242"], "fix_time": "2026-01-15T01:00:00+00:00",
                "speed_kmh": 0.0, "course_deg": 0.0, "inputs": None,
                "equipment_active": None, "online": False,
            },
        },
    ],
}


ROUTES: dict[str, Any] = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature", "id": 1,
            # passes under vehicle 1, which must stay on top
            "geometry": {"type": "LineString",
                         "coordinates": [[136.965, 50.550], [136.985, 50.556], [137.005, 50.562]]},
            "properties": {
                "id": 1, "name": "проспект Мира", "treatment": "plough", "priority": 1,
                "passes_required": 3, "direction": "both", "half_width_m": 20,
                "contractor": "МУП «Спецавтохозяйство»",
                "properties": {"district": "Центральный"},
                "updated_at": "2026-01-15T01:00:00+00:00",
            },
        },
        {
            "type": "Feature", "id": 2,
            "geometry": {"type": "LineString",
                         "coordinates": [[137.0, 50.535], [137.02, 50.540], [137.04, 50.545]]},
            "properties": {
                "id": 2, "name": "Аллея <i>Труда</i>", "treatment": "sweep", "priority": 3,
                "passes_required": 1, "direction": "as_drawn", "half_width_m": 15,
                "contractor": None, "properties": {"district": "Ленинский"},
                "updated_at": "2026-01-15T01:00:00+00:00",
            },
        },
    ],
}

MARKS: dict[str, Any] = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature", "id": 1,
            "geometry": {"type": "LineString",
                         "coordinates": [[136.97, 50.545], [136.975, 50.542], [136.98, 50.539]]},
            "properties": {
                "id": 1, "layer": "road_state", "status": "in_progress",
                "text": "Гололёд на выезде <script>window.pwned = 1</script>, скорость до 60 км/ч",
                "valid_from": "2021-03-01T00:00:00+00:00", "valid_to": None, "public": True,
                "updated_at": "2026-01-15T02:00:00+00:00",
            },
        },
        {
            "type": "Feature", "id": 2,
            "geometry": {"type": "Point", "coordinates": [136.995, 50.548]},
            "properties": {
                "id": 2, "layer": "broken_elevator", "status": "open",
                "text": "Не работает лифт во 2-м подъезде",
                "valid_from": None, "valid_to": "2020-01-01T15:30:00+00:00", "public": False,
                "updated_at": "2026-01-15T02:00:00+00:00",
            },
        },
    ],
}


@pytest.fixture
def api() -> dict[str, Any]:
    """The canned ``/api/vehicles`` answer; tests mutate it between polls."""
    return copy.deepcopy(VEHICLES)


@pytest.fixture
def routes_api() -> dict[str, Any]:
    """The canned ``/api/routes`` answer."""
    return copy.deepcopy(ROUTES)


@pytest.fixture
def marks_api() -> dict[str, Any]:
    """The canned ``/api/marks`` answer."""
    return copy.deepcopy(MARKS)


def open_city(site: Any, page: Any, page_html: str, vehicles: dict[str, Any],
              routes: dict[str, Any], marks: dict[str, Any]) -> Any:
    """Serve the page, maps/static and the three APIs, open it, wait until all is drawn."""
    site.serve_html("/", page_html)
    site.mount("/static", STATIC_DIR)
    site.serve_json("/api/vehicles", lambda: vehicles)
    site.serve_json("/api/routes", lambda: routes)
    site.serve_json("/api/marks", lambda: marks)
    page.goto(site.url + "/")
    # every vehicle is listed in the panel; at low zoom some markers may be in a cluster
    counts = (
        f"document.querySelectorAll({LISTED!r}).length === {len(vehicles['features'])}"
        f" && document.querySelectorAll({ROUTE_LINE!r}).length === {len(routes['features'])}"
        f" && document.querySelectorAll({MARK!r}).length === {len(marks['features'])}"
    )
    page.wait_for_function(counts, timeout=10_000)
    return page


@pytest.fixture
def live_page(local_site: Any, page: Any, api: dict[str, Any], routes_api: dict[str, Any],
              marks_api: dict[str, Any]) -> Any:
    """The rendered page served with maps/static and the canned APIs, opened, all drawn."""
    return open_city(local_site, page, render_live_map(tile_url=None, poll_interval_s=POLL_S),
                     api, routes_api, marks_api)


def marker(page: Any, vehicle_id: int) -> Any:
    return page.locator(f'.leaflet-marker-icon [data-vehicle-id="{vehicle_id}"]')


def wait_until(condition: Any, timeout_s: float = 5.0) -> None:
    """Poll ``condition``. It must call into the page: requests pass the conftest's route
    guard, which Playwright's sync API only runs while Python is inside a Playwright call."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def test_two_vehicles_show_and_no_request_leaves_localhost(live_page: Any, page_log: Any) -> None:
    """Both vehicles are visible markers, and every request the page made stayed local."""
    assert marker(live_page, 1).is_visible() and marker(live_page, 2).is_visible()
    wait_until(lambda: "Обновлено" in live_page.inner_text("[data-live-status]"))
    live_page.screenshot(path=SCREENSHOT)
    assert page_log.external() == []
    assert page_log.failed == []
    assert page_log.page_errors == [] and page_log.console_errors == []
    assert any("/static/vendor/leaflet-realtime/" in url for url in page_log.requests)


def test_poll_moves_marker(live_page: Any, api: dict[str, Any], local_site: Any) -> None:
    """After the API reports a new position, the marker moves there on the next poll."""
    before = marker(live_page, 1).bounding_box()
    polls = len([h for h in local_site.hits if h.startswith("/api/vehicles")])
    api["features"][0]["geometry"]["coordinates"] = [137.0, 50.56]  # east and a little north
    wait_until(lambda: marker(live_page, 1).bounding_box()["x"] > before["x"] + 20)
    after = marker(live_page, 1).bounding_box()
    assert after["y"] < before["y"]
    assert len([h for h in local_site.hits if h.startswith("/api/vehicles")]) > polls
    assert live_page.locator(MARKER).count() == 2


def test_states_are_drawn(live_page: Any) -> None:
    """Working equipment gets the ring, an offline vehicle is faded, colours follow the kind."""
    assert "gd-working" in marker(live_page, 1).get_attribute("class")
    assert "gd-offline" not in marker(live_page, 1).get_attribute("class")
    assert "gd-offline" in marker(live_page, 2).get_attribute("class")
    assert "gd-working" not in marker(live_page, 2).get_attribute("class")
    assert marker(live_page, 1).get_attribute("data-kind") == "plow"
    fill = marker(live_page, 1).locator("circle.gd-disc").evaluate(
        "c => getComputedStyle(c).fill"
    )
    assert fill == "rgb(21, 101, 192)"  # #1565c0, plow


def test_popup_shows_city_time_and_escapes_names(live_page: Any) -> None:
    """The popup shows kind, speed and the fix time in Vladivostok; names stay plain text."""
    marker(live_page, 1).click()
    popup = live_page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Плуг-01" in text and "Снегоочиститель" in text and "А123ВС27" in text
    assert "32 км/ч" in text and "курс 90°" in text
    assert "15.01.2026 13:04:05" in text  # 03:04:05 UTC is 13:04:05 in Vladivostok
    assert "работает" in text

    marker(live_page, 2).click(force=True)  # the first popup may cover it
    popup2 = live_page.locator(".leaflet-popup-content", has_text="КДМ")
    popup2.wait_for()
    assert "КДМ <b>7</b>" in popup2.inner_text()
    assert popup2.locator("b").count() == 0
    assert "нет связи" in popup2.inner_text() and "нет данных" in popup2.inner_text()


def test_legend_counts_vehicles_per_kind(live_page: Any) -> None:
    """The panel counts online / total per kind from the last poll."""
    wait_until(lambda: live_page.inner_text('[data-kind-count="plow"]') == "1 / 1")
    assert live_page.inner_text('[data-kind-count="sander"]') == "0 / 1"
    assert live_page.inner_text('[data-kind-count="bus"]') == "—"
    status = live_page.inner_text("[data-live-status]")
    assert "машин 2, на линии 1, в работе 1" in status


def test_kind_layer_can_be_switched_off(live_page: Any) -> None:
    """Unticking a kind in the layer control hides exactly that kind's vehicles."""
    live_page.get_by_label("Снегоочистители").uncheck()
    wait_until(lambda: marker(live_page, 1).count() == 0)
    assert marker(live_page, 2).count() == 1
    live_page.wait_for_timeout(POLL_S * 3 * 1000)  # later polls must not bring it back
    assert marker(live_page, 1).count() == 0


def test_api_failure_keeps_last_positions(live_page: Any, local_site: Any) -> None:
    """When the API fails the markers stay and the status line says so."""
    local_site.serve_json("/api/vehicles", lambda: {"error": "storage unavailable"}, status=503)
    wait_until(lambda: "HTTP 503" in live_page.inner_text("[data-live-status]"))
    assert live_page.inner_text("[data-live-status]").startswith(
        "Нет данных с сервера: сервер временно не может ответить (HTTP 503), ")
    assert "storage unavailable" not in live_page.inner_text("[data-live-status]")
    assert live_page.locator(MARKER).count() == 2


def test_vehicle_removed_from_fleet_leaves_map(live_page: Any, api: dict[str, Any]) -> None:
    """A vehicle missing from a full snapshot was removed from the fleet, so its marker goes."""
    del api["features"][1]
    wait_until(lambda: marker(live_page, 2).count() == 0)
    assert marker(live_page, 1).count() == 1


def test_unreachable_tiles_do_not_stop_vehicles(
    local_site: Any, page: Any, page_log: Any, api: dict[str, Any]
) -> None:
    """With a basemap configured but unreachable, vehicles still show; only tiles were asked."""
    tiles = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    local_site.serve_html("/", render_live_map(tile_url=tiles, poll_interval_s=POLL_S))
    local_site.mount("/static", STATIC_DIR)
    local_site.serve_json("/api/vehicles", lambda: api)
    page.goto(local_site.url + "/")
    page.wait_for_function(
        f"document.querySelectorAll({MARKER!r}).length === 2", timeout=10_000
    )
    external = page_log.external()
    assert external, "the tile layer should have tried"
    assert all(url.startswith("https://tile.openstreetmap.org/") for url in external)
    assert page_log.page_errors == []


# --- routes and marks ---------------------------------------------------------------------


def route_line(page: Any, route_id: int) -> Any:
    return page.locator(f'{ROUTE_LINE}[data-route-id="{route_id}"]')


def mark(page: Any, mark_id: int) -> Any:
    return page.locator(f'.leaflet-marker-icon [data-mark-id="{mark_id}"]')


def click_along(page: Any, path: Any, fraction: float) -> None:
    """Click the screen point at ``fraction`` of an SVG path's length (a line's bbox centre
    need not lie on the line)."""
    point = path.evaluate(
        """(p, f) => {
            const pt = p.getPointAtLength(p.getTotalLength() * f), m = p.getScreenCTM();
            return {x: m.a * pt.x + m.c * pt.y + m.e, y: m.b * pt.x + m.d * pt.y + m.f};
        }""",
        fraction,
    )
    page.mouse.click(point["x"], point["y"])


def close_popup(page: Any) -> None:
    """Close the open popup and wait until it has faded out (until then it takes clicks)."""
    page.locator(".leaflet-popup-close-button").click()
    page.locator(".leaflet-popup").wait_for(state="detached")


def hits(site: Any, path: str) -> int:
    return len([h for h in site.hits if h.split("?")[0] == path])


def test_routes_and_marks_show_and_no_request_leaves_localhost(
    live_page: Any, page_log: Any
) -> None:
    """Two route lines and two mark symbols are drawn from the canned APIs, all locally."""
    assert live_page.locator(ROUTE_LINE).count() == 2
    assert live_page.locator(MARK).count() == 2
    assert mark(live_page, 1).is_visible() and mark(live_page, 2).is_visible()
    assert live_page.locator(".gd-route-arrow").count() >= 1  # the one-way route
    wait_until(lambda: "Обновлено" in live_page.inner_text("[data-live-status]"))
    live_page.screenshot(path="/tmp/live_map_layers_canned.png")
    assert page_log.external() == []
    assert page_log.failed == []
    assert page_log.page_errors == [] and page_log.console_errors == []
    assert live_page.evaluate("window.pwned === undefined")


def test_routes_are_styled_by_treatment_priority_and_direction(live_page: Any) -> None:
    """Colour follows the treatment, width the priority, dashes a one-way route."""
    plough, sweep = route_line(live_page, 1), route_line(live_page, 2)
    assert plough.get_attribute("stroke") == "#0072b2"
    assert sweep.get_attribute("stroke") == "#b8509a"
    assert float(plough.get_attribute("stroke-width")) > float(sweep.get_attribute("stroke-width"))
    assert plough.get_attribute("stroke-dasharray") in (None, "", "none")
    assert sweep.get_attribute("stroke-dasharray") not in (None, "", "none")


def test_routes_and_marks_are_drawn_under_vehicles(live_page: Any) -> None:
    """Route lines and mark symbols sit in panes below the vehicles' markers."""
    z = live_page.evaluate(
        """sel => getComputedStyle(document.querySelector(sel).closest('.leaflet-pane')).zIndex"""
    , ROUTE_LINE)
    z_marks = mark(live_page, 1).evaluate(
        "m => getComputedStyle(m.closest('.leaflet-pane')).zIndex")
    z_vehicles = marker(live_page, 1).evaluate(
        "m => getComputedStyle(m.closest('.leaflet-pane')).zIndex")
    assert int(z) < int(z_marks) < int(z_vehicles)
    # vehicle 1 stands on route 1: what is under the pointer there is the vehicle
    box = marker(live_page, 1).bounding_box()
    on_top = live_page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('[data-vehicle-id]')"
        " ?.getAttribute('data-vehicle-id')",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top == "1"


def test_route_popup_is_russian_and_plain_text(live_page: Any) -> None:
    """A route's popup names it and spells out treatment, priority, passes, direction,
    corridor and district in Russian; an HTML-looking name stays text."""
    click_along(live_page, route_line(live_page, 1), 0.25)
    popup = live_page.locator(".leaflet-popup-content", has_text="проспект Мира")
    popup.wait_for()
    text = popup.inner_text()
    for expected in ("очистка плугом", "1-я очередь", "3", "в обе стороны", "± 20 м от оси",
                     "Центральный", "МУП «Спецавтохозяйство»"):
        assert expected in text, expected

    close_popup(live_page)
    click_along(live_page, route_line(live_page, 2), 0.1)
    popup2 = live_page.locator(".leaflet-popup-content", has_text="Аллея")
    popup2.wait_for()
    text2 = popup2.inner_text()
    assert "Аллея <i>Труда</i>" in text2 and popup2.locator("i").count() == 0
    for expected in ("подметание", "3-я очередь", "в одну сторону (по стрелке)", "± 15 м от оси",
                     "Ленинский"):
        assert expected in text2, expected


def test_route_tooltip_on_hover(live_page: Any) -> None:
    """Hovering a route names it without a click."""
    point = route_line(live_page, 1).evaluate(
        """p => { const pt = p.getPointAtLength(p.getTotalLength() * 0.25), m = p.getScreenCTM();
                  return [m.a * pt.x + m.c * pt.y + m.e, m.b * pt.x + m.d * pt.y + m.f]; }""")
    live_page.mouse.move(*point)
    tooltip = live_page.locator(".leaflet-tooltip", has_text="проспект Мира")
    tooltip.wait_for()
    assert "очистка плугом" in tooltip.inner_text()


def test_mark_popups_show_layer_status_validity_and_visibility(live_page: Any) -> None:
    """Mark popups are in Russian, times in Vladivostok, and texts never become HTML."""
    mark(live_page, 1).click()
    popup = live_page.locator(".leaflet-popup-content", has_text="Состояние дороги")
    popup.wait_for()
    text = popup.inner_text()
    assert "Гололёд на выезде <script>window.pwned = 1</script>" in text
    assert popup.locator("script").count() == 0
    assert "в работе" in text and "публичная" in text
    assert "с 01.03.2021 10:00, бессрочно" in text  # 00:00 UTC is 10:00 in Vladivostok

    close_popup(live_page)
    mark(live_page, 2).click(force=True)
    popup2 = live_page.locator(".leaflet-popup-content", has_text="Неработающий лифт")
    popup2.wait_for()
    text2 = popup2.inner_text()
    assert "Не работает лифт во 2-м подъезде" in text2
    assert "открыта" in text2 and "служебная" in text2
    assert "до 02.01.2020 01:30 (срок истёк)" in text2
    live_page.wait_for_timeout(300)  # popup fade-in
    assert live_page.locator(".leaflet-tooltip").count() == 0  # no label over the popup
    live_page.screenshot(path="/tmp/live_map_layers_popup.png")


def test_marks_have_their_layer_symbol_and_fade_when_not_in_force(live_page: Any) -> None:
    """Each layer has its own symbol; an expired mark is faded, a current one is not."""
    assert mark(live_page, 1).get_attribute("data-mark-layer") == "road_state"
    assert mark(live_page, 2).get_attribute("data-mark-layer") == "broken_elevator"
    assert "gd-mark-inactive" not in mark(live_page, 1).get_attribute("class")
    assert "gd-mark-inactive" in mark(live_page, 2).get_attribute("class")
    assert live_page.locator("path.gd-mark-line").count() == 1  # the stretch of road


def test_legend_counts_routes_and_marks_in_force(live_page: Any) -> None:
    """Route counts per treatment and marks in force per layer appear in the panel."""
    wait_until(lambda: live_page.inner_text('[data-treatment-count="plough"]') == "1")
    assert live_page.inner_text('[data-treatment-count="sweep"]') == "1"
    assert live_page.inner_text('[data-treatment-count="spread"]') == "—"
    assert live_page.inner_text('[data-mark-count="road_state"]') == "1"
    assert live_page.inner_text('[data-mark-count="broken_elevator"]') == "—"  # expired
    assert live_page.locator("[data-context-status]").is_hidden()


def test_context_layers_can_be_switched_off(live_page: Any) -> None:
    """Unticking "Маршруты уборки" or "Отметки" hides exactly that layer, and back."""
    live_page.get_by_label("Маршруты уборки").uncheck()
    wait_until(lambda: live_page.locator(ROUTE_LINE).count() == 0)
    assert live_page.locator(".gd-route-arrow").count() == 0
    assert live_page.locator(MARK).count() == 2
    live_page.get_by_label("Отметки").uncheck()
    wait_until(lambda: live_page.locator(MARK).count() == 0)
    assert live_page.locator(MARKER).count() == 2
    live_page.get_by_label("Маршруты уборки").check()
    wait_until(lambda: live_page.locator(ROUTE_LINE).count() == 2)


def test_context_layers_are_not_polled_with_the_vehicles(live_page: Any, local_site: Any) -> None:
    """With the default 60 s refresh, several vehicle polls bring no second routes request."""
    live_page.wait_for_timeout(POLL_S * 6 * 1000)
    assert hits(local_site, "/api/vehicles") >= 4
    assert hits(local_site, "/api/routes") == 1
    assert hits(local_site, "/api/marks") == 1


def test_first_load_fits_the_routes(
    local_site: Any, page: Any, api: dict[str, Any], routes_api: dict[str, Any],
    marks_api: dict[str, Any]
) -> None:
    """A map configured elsewhere (Khabarovsk) opens on the routes, all of them in view."""
    html = render_live_map(tile_url=None, poll_interval_s=POLL_S, center=(48.48, 135.07), zoom=9)
    open_city(local_site, page, html, api, routes_api, marks_api)
    inside = page.evaluate(
        f"""coords => {{ const b = {MAP_JS}.getBounds();
            return coords.every(c => b.contains(L.latLng(c[1], c[0]))); }}""",
        [c for f in ROUTES["features"] for c in f["geometry"]["coordinates"]],
    )
    assert inside
    assert page.evaluate(f"{MAP_JS}.getZoom()") > 9


def test_no_routes_keeps_the_configured_view(
    local_site: Any, page: Any, api: dict[str, Any], marks_api: dict[str, Any]
) -> None:
    """With no routes the map stays on the configured centre and zoom."""
    empty: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    html = render_live_map(tile_url=None, poll_interval_s=POLL_S, center=(50.55, 137.0), zoom=12)
    open_city(local_site, page, html, api, empty, marks_api)
    page.wait_for_timeout(300)
    assert hits(local_site, "/api/routes") == 1
    center = page.evaluate(
        f"(() => {{ const c = {MAP_JS}.getCenter(); return [c.lat, c.lng]; }})()")
    assert center == pytest.approx([50.55, 137.0], abs=1e-6)
    assert page.evaluate(f"{MAP_JS}.getZoom()") == 12


def test_refresh_redraws_changed_and_drops_removed_features(
    local_site: Any, page: Any, api: dict[str, Any], routes_api: dict[str, Any],
    marks_api: dict[str, Any], page_log: Any
) -> None:
    """A route whose treatment changed is recoloured, a deleted mark goes; the view stays."""
    html = render_live_map(tile_url=None, poll_interval_s=POLL_S, context_refresh_s=0.3)
    open_city(local_site, page, html, api, routes_api, marks_api)
    view = page.evaluate(f"{MAP_JS}.getBounds().toBBoxString()")
    routes_api["features"][0]["properties"]["treatment"] = "spread"
    del marks_api["features"][1]
    wait_until(lambda: route_line(page, 1).get_attribute("stroke") == "#d18b00")
    wait_until(lambda: mark(page, 2).count() == 0)
    assert mark(page, 1).count() == 1 and route_line(page, 2).count() == 1
    assert page.evaluate(f"{MAP_JS}.getBounds().toBBoxString()") == view  # fitted once only
    assert page_log.page_errors == []


def test_context_failure_is_reported_and_last_layers_kept(
    local_site: Any, page: Any, api: dict[str, Any], routes_api: dict[str, Any],
    marks_api: dict[str, Any]
) -> None:
    """When /api/marks fails the marks stay, the panel says so, and vehicles carry on."""
    html = render_live_map(tile_url=None, poll_interval_s=POLL_S, context_refresh_s=0.3)
    open_city(local_site, page, html, api, routes_api, marks_api)
    local_site.serve_json("/api/marks", lambda: {"error": "storage unavailable"}, status=503)
    status = page.locator("[data-context-status]")
    wait_until(lambda: "HTTP 503" in status.inner_text())
    assert status.inner_text().startswith(
        "Отметки: нет данных — сервер временно не может ответить (HTTP 503), ")
    assert "показаны прежние" in status.inner_text()
    assert page.locator(MARK).count() == 2 and page.locator(MARKER).count() == 2
    local_site.serve_json("/api/marks", lambda: marks_api)
    wait_until(lambda: status.is_hidden())


def test_no_basemap_draws_a_local_background(live_page: Any, page_log: Any) -> None:
    """Without tiles the map gets its neutral background and grid, and fetches no tile."""
    assert live_page.locator(".leaflet-container.gd-no-basemap").count() == 1
    assert live_page.locator(".gd-grid canvas").count() > 0
    assert live_page.locator("img.leaflet-tile").count() == 0
    assert all("/static/" in url or "/api/" in url or url.endswith("/")
               for url in page_log.requests)


def demo_city_api() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The demo city as the API would serve it: vehicles (some on their routes), routes, marks."""
    routes = demo_routes()
    route_features = [
        {"type": "Feature", "id": i,
         "geometry": {"type": "LineString", "coordinates": [list(c) for c in r.coordinates]},
         "properties": {"id": i, "name": r.name, "treatment": r.treatment,
                        "priority": r.priority, "passes_required": r.passes_required,
                        "direction": r.direction, "half_width_m": r.half_width_m,
                        "contractor": None, "properties": {"district": r.district},
                        "updated_at": "2026-01-15T01:00:00+00:00"}}
        for i, r in enumerate(routes, 1)
    ]
    mark_features = [
        {"type": "Feature", "id": i,
         "geometry": {"type": m.geometry_type,
                      "coordinates": (list(m.coordinates[0]) if m.geometry_type == "Point"
                                      else [list(c) for c in m.coordinates])},
         "properties": {"id": i, "layer": m.layer, "status": m.status, "text": m.text,
                        "valid_from": None, "valid_to": None, "public": m.public,
                        "updated_at": "2026-01-15T02:00:00+00:00"}}
        for i, m in enumerate(demo_marks(), 1)
    ]
    vehicles = []
    for i, v in enumerate(demo_fleet(road_vehicles=16, buses=0), 1):
        line = routes[v.route_index].coordinates
        lon, lat = line[(i * 5) % len(line)]
        vehicles.append(
            {"type": "Feature", "id": i, "geometry": {"type": "Point", "coordinates": [lon, lat]},
             "properties": {"id": i, "name": v.name, "kind": v.kind, "plate": v.plate,
                            "terminals": [], "fix_time": "2026-01-15T03:04:05+00:00",
                            "speed_kmh": 0.0 if i % 4 == 0 else 24.0, "course_deg": 35.0 * i,
                            "equipment_active": i % 3 != 0, "online": i % 7 != 0}})
    collection = "FeatureCollection"
    return ({"type": collection, "features": vehicles},
            {"type": collection, "features": route_features},
            {"type": collection, "features": mark_features})


def test_demo_city_is_drawn_whole(local_site: Any, page: Any, page_log: Any) -> None:
    """Every demo route and mark is drawn and in view after the first load; screenshot."""
    vehicles, routes, marks = demo_city_api()
    open_city(local_site, page, render_live_map(tile_url=None, poll_interval_s=POLL_S),
              vehicles, routes, marks)
    inside = page.evaluate(
        f"""coords => {{ const b = {MAP_JS}.getBounds();
            return coords.every(c => b.contains(L.latLng(c[1], c[0]))); }}""",
        [c for f in routes["features"] for c in f["geometry"]["coordinates"]],
    )
    assert inside
    wait_until(lambda: "Обновлено" in page.inner_text("[data-live-status]"))
    page.screenshot(path=LAYERS_SCREENSHOT)
    assert page_log.external() == [] and page_log.failed == []
    assert page_log.page_errors == [] and page_log.console_errors == []


def test_area_marks_and_unknown_layers_are_drawn(
    local_site: Any, page: Any, api: dict[str, Any], routes_api: dict[str, Any]
) -> None:
    """A house group drawn as an area gets its outline and symbol; a layer the page does not
    know yet still shows, as a generic mark named by its layer."""
    square = [[136.99, 50.55], [137.0, 50.55], [137.0, 50.555], [136.99, 50.555], [136.99, 50.55]]
    marks = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": 7, "geometry": {"type": "Polygon", "coordinates": [square]},
         "properties": {"id": 7, "layer": "house_group", "status": "open",
                        "text": "Дома 1–9 по улице Орехова", "valid_from": None,
                        "valid_to": None, "public": True, "updated_at": None}},
        {"type": "Feature", "id": 8, "geometry": {"type": "Point",
                                                  "coordinates": [137.01, 50.551]},
         "properties": {"id": 8, "layer": "snow_dump", "status": "open", "text": "Снегосвалка",
                        "valid_from": None, "valid_to": None, "public": False,
                        "updated_at": None}},
    ]}
    open_city(local_site, page, render_live_map(tile_url=None, poll_interval_s=POLL_S),
              api, routes_api, marks)
    assert page.locator("path.gd-mark-area").count() == 1
    mark(page, 7).click()
    popup = page.locator(".leaflet-popup-content", has_text="Группа домов")
    popup.wait_for()
    assert "Дома 1–9 по улице Орехова" in popup.inner_text()
    close_popup(page)
    mark(page, 8).click()
    popup8 = page.locator(".leaflet-popup-content", has_text="Снегосвалка")
    popup8.wait_for()
    assert "Отметка (snow_dump)" in popup8.inner_text()
