"""The route and mark editor as served by ``glonass-dispatch serve``, driven like a dispatcher."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Served, start_server, stop_server
from tests.maps.auth.test_sign_in import call
from tests.served_pages import (
    AUDITOR,
    add_staff,
    api_get,
    api_post,
    map_box,
    screen_point,
    sign_in_page,
)

STREET = {"type": "Feature",
          "geometry": {"type": "LineString",
                       "coordinates": [[136.99, 50.55], [137.00, 50.552], [137.01, 50.553]]},
          "properties": {"name": "улица Кирова", "treatment": "plough", "passes_required": 2}}


@pytest.fixture
def staffed(server: Served) -> Served:
    """The served instance with a dispatcher and an auditor account."""
    add_staff(server)
    return server


def open_editor(page: Any, served: Served) -> None:
    """Sign in as the dispatcher and wait until the editor may draw and has loaded routes."""
    sign_in_page(page, served, "/editor")
    page.wait_for_selector(".leaflet-draw-draw-polyline")
    page.wait_for_function("document.querySelector('[data-route-count]').textContent"
                           ".startsWith('всего')")


def draw_line(page: Any, fractions: list[tuple[float, float]]) -> None:
    """Click the polyline tool, then the map at each (x, y) fraction; the last point twice."""
    page.click(".leaflet-draw-draw-polyline")
    box = map_box(page)
    points = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
              for fx, fy in fractions]
    for x, y in points:
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.up()
        page.wait_for_timeout(150)
    page.mouse.move(*points[-1])
    page.mouse.down()
    page.mouse.up()


def test_route_drawn_with_the_mouse_is_saved_and_there_after_reload(
        staffed: Served, page: Any, page_log: Any) -> None:
    """Three clicks on the map and a name make a route the API serves and the page reloads."""
    open_editor(page, staffed)
    draw_line(page, [(0.3, 0.4), (0.5, 0.55), (0.7, 0.45)])
    page.wait_for_selector("[data-route-editor]:not([hidden])")
    page.fill("[data-route-form] [name=name]", "улица Орехова (тест)")
    page.select_option("[data-route-form] [name=treatment]", "spread")
    page.select_option("[data-route-form] [name=direction]", "as_drawn")
    page.click("[data-route-save]")
    page.wait_for_selector("[data-route-note].gd-note-ok")

    routes = api_get(staffed, "/api/routes")["features"]
    assert len(routes) == 1
    saved = routes[0]
    assert saved["properties"]["name"] == "улица Орехова (тест)"
    assert saved["properties"]["treatment"] == "spread"
    assert saved["properties"]["direction"] == "as_drawn"
    assert len(saved["geometry"]["coordinates"]) == 3

    page.reload()
    page.wait_for_selector(f'[data-route-item="{saved["id"]}"]')
    assert page.locator(f'path[data-route-id="{saved["id"]}"]').count() == 1
    assert "улица Орехова (тест)" in page.inner_text("[data-route-list]")
    assert page_log.external() == [] and page_log.page_errors == []


def test_server_validation_error_is_shown_next_to_the_field(staffed: Served, page: Any) -> None:
    """Too many passes: the API's 400 lands beside "Проходов", and nothing is stored."""
    open_editor(page, staffed)
    draw_line(page, [(0.35, 0.5), (0.6, 0.5)])
    page.wait_for_selector("[data-route-editor]:not([hidden])")
    page.fill("[data-route-form] [name=name]", "проспект Победы")
    page.fill("[data-route-form] [name=passes_required]", "50")
    page.click("[data-route-save]")
    field = page.locator('[data-route-form] [data-field="passes_required"]')
    page.wait_for_selector('[data-field="passes_required"].gd-invalid')
    assert "от 1 до 20" in field.inner_text()
    note = page.inner_text("[data-route-note]")
    assert "Сервер не принял маршрут" in note and "passes_required" in note
    assert api_get(staffed, "/api/routes")["features"] == []


def test_existing_route_is_edited_and_deleted(staffed: Served, page: Any) -> None:
    """A route posted elsewhere is renamed through the form, then deleted with two clicks."""
    created = api_post(staffed, "/api/routes", STREET)
    open_editor(page, staffed)
    page.click(f'[data-route-item="{created["id"]}"]')
    page.fill("[data-route-form] [name=name]", "улица Кирова (от вокзала)")
    page.fill("[data-route-form] [name=half_width_m]", "25")
    page.click("[data-route-save]")
    page.wait_for_selector("[data-route-note].gd-note-ok")
    props = api_get(staffed, f"/api/routes/{created['id']}")["properties"]
    assert props["name"] == "улица Кирова (от вокзала)" and props["half_width_m"] == 25
    assert props["passes_required"] == 2  # untouched fields keep their values

    page.click("[data-route-delete]")
    assert page.inner_text("[data-route-delete]") == "Точно удалить?"
    page.click("[data-route-delete]")
    page.wait_for_selector("[data-route-editor]", state="hidden")
    assert api_get(staffed, "/api/routes")["features"] == []


def test_dispatchers_mark_appears_in_the_api(staffed: Served, page: Any) -> None:
    """A flooded basement placed with one click and described in the form is in /api/marks."""
    open_editor(page, staffed)
    page.click('[role="tab"][data-tab="marks"]')
    page.select_option("[data-new-mark-layer]", "flooded_basement")
    page.click("[data-new-mark]")
    page.wait_for_selector("[data-map-hint]:not([hidden])")
    x, y = screen_point(page, 50.551, 137.003)
    page.mouse.click(x, y)
    page.wait_for_selector("[data-mark-editor]:not([hidden])")
    page.fill("[data-mark-form] [name=text]", "ул. Ленина, 12: вода в подвале")
    page.fill("[data-mark-form] [name=valid_to]", "2027-01-10T18:00")
    page.check("[data-mark-form] [name=public]")
    page.click("[data-mark-save]")
    page.wait_for_selector("[data-mark-note].gd-note-ok")

    marks = api_get(staffed, "/api/marks")["features"]
    assert len(marks) == 1
    mark = marks[0]
    assert mark["properties"]["layer"] == "flooded_basement"
    assert mark["properties"]["text"] == "ул. Ленина, 12: вода в подвале"
    assert mark["properties"]["public"] is True
    assert mark["properties"]["created_by"] == "ivanova"
    assert mark["properties"]["valid_to"].startswith("2027-01-10T08:00")  # 18:00 in the city
    lon, lat = mark["geometry"]["coordinates"]
    assert lat == pytest.approx(50.551, abs=2e-4) and lon == pytest.approx(137.003, abs=2e-4)

    page.click("[data-mark-close]")
    page.wait_for_function(
        "document.querySelector('[data-mark-note]').textContent.includes('закрыта')")
    assert api_get(staffed, "/api/marks")["features"][0]["properties"]["status"] == "resolved"


def test_area_mark_on_a_reference_layer(staffed: Served, page: Any) -> None:
    """A group of houses is outlined with the polygon tool and stored as a Polygon."""
    open_editor(page, staffed)
    page.click('[role="tab"][data-tab="marks"]')
    page.select_option("[data-new-mark-layer]", "house_group")
    page.select_option("[data-new-mark-tool]", "polygon")
    page.click("[data-new-mark]")
    box = map_box(page)
    corners = [(0.4, 0.4), (0.55, 0.4), (0.55, 0.55), (0.4, 0.55), (0.4, 0.4)]
    for fx, fy in corners:
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        page.wait_for_timeout(150)
    page.wait_for_selector("[data-mark-editor]:not([hidden])")
    page.fill("[data-mark-form] [name=text]", "Дома 1–9 по улице Орехова")
    page.click("[data-mark-save]")
    page.wait_for_selector("[data-mark-note].gd-note-ok")
    mark = api_get(staffed, "/api/marks")["features"][0]
    assert mark["properties"]["layer"] == "house_group"
    assert mark["geometry"]["type"] == "Polygon"
    assert api_get(staffed, "/api/routes")["features"] == []  # not taken for a route


def test_editor_demands_a_login_from_visitors(staffed: Served, page: Any) -> None:
    """With anonymous reading on, a visitor sees the routes but no drawing tools, and a link
    that signs in and comes back to the editor."""
    api_post(staffed, "/api/routes", STREET)
    page.goto(staffed.base_url + "/editor")
    page.wait_for_selector("[data-route-item]")
    login = page.locator("[data-access-login]")
    login.wait_for()
    assert login.get_attribute("href") == "/login?next=%2Feditor"
    assert page.locator(".leaflet-draw").count() == 0
    assert page.locator("[data-new-route]").is_hidden()
    assert page.locator("[data-login]").is_visible()  # the bar's own "Войти"
    page.click(f'[data-route-item="{STREET_ID}"]')
    assert page.locator("[data-route-form] [name=name]").is_disabled()
    assert page.locator("[data-route-save]").is_hidden()

    login.click()
    page.fill("input[name=login]", "ivanova")
    page.fill("input[name=password]", "zima-2026!")
    page.click("button[type=submit]")
    page.wait_for_url(staffed.base_url + "/editor")
    page.wait_for_selector(".leaflet-draw-draw-polyline")
    assert page.locator("[data-access]").is_hidden()


STREET_ID = 1  # the first route of an emptied database


def test_auditor_may_look_but_not_draw(staffed: Served, page: Any) -> None:
    """An auditor is signed in but gets the read-only editor and is told why."""
    sign_in_page(page, staffed, "/editor", who=AUDITOR)
    page.wait_for_selector("[data-access]:not([hidden])")
    assert "только просмотр" in page.inner_text("[data-access]")
    assert page.locator(".leaflet-draw").count() == 0
    assert "аудитор" in page.inner_text(".gd-appbar")


def test_closed_site_sends_visitors_to_sign_in(dsn: str, tmp_path: Path, page: Any) -> None:
    """With anonymous reading off, opening the editor lands on the login form, then back."""
    served = start_server(dsn, tmp_path, "[auth]\nanonymous_read = false\n")
    try:
        add_staff(served)
        status, headers, _ = call(served, "GET", "/editor")
        assert status == 302 and headers["Location"] == "/login?next=/editor"
        page.goto(served.base_url + "/editor")
        page.wait_for_selector("form.login")
        page.fill("input[name=login]", "ivanova")
        page.fill("input[name=password]", "zima-2026!")
        page.click("button[type=submit]")
        page.wait_for_url(served.base_url + "/editor")
        page.wait_for_selector(".leaflet-draw-draw-polyline")
        page.click("[data-logout]")
        page.wait_for_url(served.base_url + "/login")
        assert call(served, "GET", "/editor")[0] == 302
    finally:
        stop_server(served)
