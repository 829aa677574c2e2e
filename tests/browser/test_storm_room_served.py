"""/storm in headless Chromium: the storm in progress, every stretch on its norm's clock.

ул. Ленина (class 1) was ploughed both ways a few minutes ago: cleared in time. ул. Северная
(class 2) has nobody on it: at risk. The page finds the open storm by itself, colours the map
by state, lists the stretches by time left (the at-risk one first) and the plough's data
completeness, that no bus runs on an uncleared street and that the plan holds (one plough for
4 km of work: 0.2 h against the 4 h norm), in the city's time although the browser runs on
Moscow's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.served_pages import add_staff, api_post, register_plough, sign_in_page
from tests.conftest import Served
from tests.integration.test_coverage_acceptance import BLADE, drive, send, street

pytestmark = [pytest.mark.browser, pytest.mark.postgis]
CITY = ZoneInfo("Asia/Vladivostok")
STATE_COLOURS = {"at_risk": "#ef6c00", "cleared_in_time": "#2e7d32"}


def test_the_storm_screen_shows_the_clock_of_every_stretch(server: Served, page: Any,
                                                           page_log: Any) -> None:
    add_staff(server)
    api_post(server, "/api/routes", street("ул. Ленина", (0, 0), (1000, 0), priority=1,
                                           direction="both"))
    api_post(server, "/api/routes", street("ул. Северная", (0, 600), (1000, 600), priority=2))
    register_plough(server, 601, "КДМ 601")
    now = datetime.now(UTC).replace(microsecond=0)
    send(server.egts_port, 601, drive([(-50.0, 0.0), (1050.0, 0.0), (1050.0, 3.0),
                                       (-50.0, 3.0)], now - timedelta(minutes=10), BLADE))
    started = now - timedelta(hours=2)
    api_post(server, "/api/storms", {"name": "Метель", "started_at": started.isoformat(),
                                     "snowfall_ended_at": (now - timedelta(hours=1)).isoformat()})
    sign_in_page(page, server, "/storm")
    panel = page.locator(".gd-storm-room")
    page.wait_for_selector(".gd-storm-room[data-loaded=clock]")
    assert panel.locator("[data-storm-name]").inner_text() == "Метель"
    local_start = started.astimezone(CITY).strftime("%d.%m.%Y %H:%M")
    assert f"Начало {local_start}" in panel.locator("[data-storm-times]").inner_text()
    rows = panel.locator("[data-clock] tbody tr")
    assert rows.count() == 2
    first = rows.nth(0).locator("td").all_inner_texts()
    last = rows.nth(1).locator("td").all_inner_texts()
    assert first[0] == "ул. Северная, 0–1000 м" and first[1].startswith("под угрозой")
    assert first[3] == "никто не убирает" and first[4] == "—"
    assert last[0] == "ул. Ленина, 0–1000 м" and last[1] == "убрано в срок"
    assert last[2].startswith("запас ") and last[3].startswith("убрано ")
    legend = {row.get_attribute("data-state"): row.locator("td").nth(2).inner_text()
              for row in panel.locator("[data-legend] tr").all()}
    assert legend["at_risk"] == "1 уч., 1 км" and legend["cleared_in_time"] == "1 уч., 1 км"
    assert legend["breached"] == "0 уч., 0 км"
    colours = sorted(page.locator("path.leaflet-interactive").evaluate_all(
        "paths => paths.map(p => p.getAttribute('stroke'))"))
    assert colours == sorted(STATE_COLOURS.values())
    completeness = panel.locator("[data-completeness] tbody tr")
    completeness.first.wait_for()
    assert completeness.first.locator("td").first.inner_text() == "КДМ 601"
    buses = panel.locator("[data-transit-buses]")
    buses.filter(has_text="Сейчас").wait_for()
    assert buses.inner_text() == "Сейчас автобусов на неубранных участках нет."
    assert panel.locator("[data-transit-lines]").inner_text() == (
        "Автобусные маршруты идут по убранным улицам.")
    summary = panel.locator("[data-plan-summary]")
    summary.filter(has_text="Улиц").wait_for()
    assert summary.inner_text() == ("Улиц в двух маршрутах и более: 0; улиц сети без "
                                    "маршрута: 0.")
    assert panel.locator("[data-plan-loads] tbody td").all_inner_texts() == [
        "—, очистка плугом", "4 км", "1", "0,2 ч", "4 ч"]
    assert page_log.external() == [] and page_log.page_errors == []
