"""The live map in a real browser with no network: vehicles show, move, and nothing leaks."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from maps.assets import STATIC_DIR
from maps.live_map import render_live_map

pytestmark = pytest.mark.browser

POLL_S = 0.25
SCREENSHOT = "/tmp/live_map.png"
MARKER = ".leaflet-marker-icon [data-vehicle-id]"

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


@pytest.fixture
def api() -> dict[str, Any]:
    """The canned ``/api/vehicles`` answer; tests mutate it between polls."""
    return copy.deepcopy(VEHICLES)


@pytest.fixture
def live_page(local_site: Any, page: Any, api: dict[str, Any]) -> Any:
    """The rendered page served with maps/static and the canned API, opened, two markers up."""
    local_site.serve_html("/", render_live_map(tile_url=None, poll_interval_s=POLL_S))
    local_site.mount("/static", STATIC_DIR)
    local_site.serve_json("/api/vehicles", lambda: api)
    page.goto(local_site.url + "/")
    page.wait_for_function(
        f"document.querySelectorAll({MARKER!r}).length === 2", timeout=10_000
    )
    return page


def marker(page: Any, vehicle_id: int) -> Any:
    return page.locator(f'.leaflet-marker-icon [data-vehicle-id="{vehicle_id}"]')


def wait_until(condition: Any, timeout_s: float = 5.0) -> None:
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
    time.sleep(POLL_S * 3)  # later polls must not bring it back
    assert marker(live_page, 1).count() == 0


def test_api_failure_keeps_last_positions(live_page: Any, local_site: Any) -> None:
    """When the API fails the markers stay and the status line says so."""
    local_site.serve_json("/api/vehicles", lambda: {"error": "storage unavailable"}, status=503)
    wait_until(lambda: "HTTP 503" in live_page.inner_text("[data-live-status]"))
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
