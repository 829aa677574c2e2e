"""The live map's vehicles in a real browser with no network: they show, move with each poll,
are drawn by kind and state with Russian popups, and survive a failing API."""

from __future__ import annotations

from typing import Any

from tests.maps.pages.live_city import MARKER, POLL_S, marker, wait_until

SCREENSHOT = "/tmp/live_map.png"


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
