"""The live map's layer of buses on uncleared streets in headless Chromium: offered only while a
storm is open, off until switched on, then the bus line and the bus on it drawn as on /storm.

The city of the storm room's HTTP test: line 5 runs along ул. Ленина, which a plough worked
only one way, and bus ПАЗ 77 is on it now.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from maps.pages.live_legend import ROUTES_LAYER_NAME
from tests.conftest import Served
from tests.maps.api.test_coverage_acceptance import BLADE, drive, send, street
from tests.maps.api.test_storm_room import add_bus_line_with_a_bus
from tests.served_pages import add_staff, api_post, register_plough, sign_in_page

LAYER = "Автобусы на неубранных улицах"
CONTROL = ".leaflet-control-layers-overlays"


def test_buses_on_uncleared_streets_are_a_layer_while_a_storm_is_open(
        server: Served, page: Any, page_log: Any) -> None:
    add_staff(server)
    api_post(server, "/api/routes", street("ул. Ленина", (0, 0), (1000, 0), priority=1,
                                           direction="both"))
    register_plough(server, 501, "КДМ 501")
    add_bus_line_with_a_bus(server.dsn)
    now = datetime.now(UTC).replace(microsecond=0)
    send(server.egts_port, 501, drive([(-50.0, 0.0), (1050.0, 0.0)],
                                      now - timedelta(minutes=5), BLADE))
    send(server.egts_port, 777, drive([(300.0, 2.0), (400.0, 2.0)],
                                      now - timedelta(seconds=30), 0))

    sign_in_page(page, server, "/")
    page.locator(f"{CONTROL} label", has_text=ROUTES_LAYER_NAME).wait_for()
    page.wait_for_load_state("networkidle")  # the page has asked for the storms
    assert LAYER not in page.inner_text(CONTROL)  # no storm: nothing to offer

    api_post(server, "/api/storms", {
        "name": "Метель", "started_at": (now - timedelta(hours=2)).isoformat(),
        "snowfall_ended_at": (now - timedelta(hours=1)).isoformat(), "norms_h": {"1": 4}})
    page.reload()
    switch = page.locator(f"{CONTROL} label", has_text=LAYER)
    switch.wait_for()
    assert not switch.locator("input").is_checked()
    assert page.locator("path.gd-transit-line, path.gd-transit-bus").count() == 0

    switch.locator("input").check()
    bus = page.locator("path.gd-transit-bus")
    bus.wait_for()
    assert bus.count() == 1 and page.locator("path.gd-transit-line").count() == 1
    assert bus.get_attribute("fill") == "#6a1b9a"
    bus.dispatch_event("mouseover")  # the bus's own vehicle marker lies on top of it
    tooltip = page.locator(".leaflet-tooltip", has_text="ПАЗ 77")
    tooltip.wait_for()
    assert tooltip.inner_text() == "ПАЗ 77, маршрут № 5\nул. Ленина: успевают к сроку"

    switch.locator("input").uncheck()
    assert page.locator("path.gd-transit-bus").count() == 0
    assert page_log.external() == [] and page_log.page_errors == []
