"""A click on a served stretch names its passes and links to exactly the fixes behind them."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Served
from tests.maps.auth.test_sign_in import call
from tests.maps.pages.test_playback_and_coverage import LINE, TID, drive
from tests.served_pages import add_staff, api_post, point_on_path


def test_a_stretch_click_lists_its_passes_with_links_to_their_fixes(
        server: Served, page: Any, page_log: Any) -> None:
    add_staff(server)
    route = api_post(server, "/api/routes", {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [list(c) for c in LINE]},
        "properties": {"name": "улица Севастопольская", "passes_required": 1}})
    vehicle_id = drive(server, minutes_ago=50)

    page.goto(server.base_url + "/coverage")
    line = page.locator(f'path.gd-stretch[data-route-id="{route["id"]}"][data-state="served"]')
    line.first.wait_for(timeout=30_000)
    page.mouse.click(*point_on_path(line.first, 0.5))
    popup = page.locator(".leaflet-popup .gd-evidence")
    popup.wait_for()
    assert "Основание: улица Севастопольская (версия 1)" in popup.inner_text()
    passes = popup.locator("[data-evidence-pass]")
    assert passes.count() == 2  # there and back
    first = passes.first
    assert "КДМ-7 (тест)" in first.inner_text() and "прямо" in first.inner_text()
    href = first.locator("a", has_text="точки").get_attribute("href")
    assert href.startswith(f"/api/evidence?vehicle={vehicle_id}&")
    assert first.locator("a", has_text="CSV").get_attribute("href") == href + "&format=csv"

    status, _, raw = call(server, "GET", href)
    assert status == 200, raw
    evidence = json.loads(raw)
    count = int(first.inner_text().split("точек: ")[1].split(" ")[0].rstrip(","))
    assert evidence["count"] == count == len(evidence["features"])
    assert {f["properties"]["terminal"] for f in evidence["features"]} == {f"egts:{TID}"}
    assert evidence["vehicle"]["contractor"] == "ООО «Дорожник-27»"
    assert page_log.page_errors == [] and page_log.failed == []
