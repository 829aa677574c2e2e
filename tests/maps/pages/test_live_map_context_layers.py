"""The live map's routes and marks in a real browser with no network: drawn under the vehicles,
styled by what they are, with Russian popups that keep text as text, switchable, refreshed on
their own clock and kept when their API fails."""

from __future__ import annotations

from typing import Any

from maps.pages.live_map import render_live_map
from tests.maps.pages.live_city import (
    MARK,
    MARKER,
    POLL_S,
    ROUTE_LINE,
    click_along,
    close_popup,
    hits,
    mark,
    marker,
    open_city,
    route_line,
    wait_until,
)
from tests.served_pages import MAP_JS


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
    # vehicle 1 stands on route 1: what is under the pointer there is the vehicle (measured
    # and hit-tested in one step, so a redraw in between cannot move the marker away)
    on_top = marker(live_page, 1).evaluate(
        "m => { const r = m.getBoundingClientRect();"
        " return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)"
        "?.closest('[data-vehicle-id]')?.getAttribute('data-vehicle-id'); }")
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
