"""Playback of a plough's drive, stop and return, fed by the test terminal of a served process:
equipment in words, the line coloured by equipment or speed, stops and trips in city time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from tests.browser.served_pages import register_plough
from tests.conftest import Served
from tests.tools.fleet_history import drive_line, send_fixes

pytestmark = [pytest.mark.browser, pytest.mark.postgis]

LINE = [(137.000, 50.550), (137.006, 50.551), (137.012, 50.5525)]
TID = 777002
CITY = ZoneInfo("Asia/Vladivostok")
STOP_S = 300


def drive_stop_return(served: Served) -> tuple[int, datetime, datetime, datetime]:
    """Out with the blade down at 15 km/h, five minutes parked with it up, back with it up.
    Returns the vehicle, the start, when it parked and when it left again."""
    vehicle_id = register_plough(served, TID, "КДМ-9 (тест)", "ООО «Дорожник-27»")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=40)
    out = drive_line(LINE, start, speed_kmh=15, din=1)
    parked = out[-1]["time"] + timedelta(seconds=5)
    lon, lat = LINE[-1]
    standing = [{"time": parked + timedelta(seconds=s), "lat": lat, "lon": lon, "speed_kmh": 0.0,
                 "course": 0, "vld": True, "din": 0, "mv": False} for s in range(0, STOP_S, 30)]
    left = parked + timedelta(seconds=STOP_S)
    back = drive_line(list(reversed(LINE)), left, speed_kmh=15, din=0)
    send_fixes(served.egts_port, TID, out + standing + back)
    return vehicle_id, start, parked, left


def strokes(page: Any) -> set[str]:
    found: list[str] = page.locator("path.gd-track-line").evaluate_all(
        "ps => ps.map(p => p.getAttribute('stroke'))")
    return set(found)


def seek(page: Any, at: datetime) -> str:
    page.locator("[data-slider]").evaluate(
        "(s, t) => { s.value = String(t); s.dispatchEvent(new Event('input')); }",
        int(at.timestamp() * 1000))
    text: str = page.inner_text("[data-readout]")
    return text


def test_playback_tells_equipment_colours_the_line_and_lists_stops(server: Served, page: Any,
                                                                    page_log: Any) -> None:
    vehicle_id, start, parked, left = drive_stop_return(server)
    window = urlencode({"vehicle": vehicle_id, "from": (start - timedelta(minutes=5)).isoformat(),
                        "to": datetime.now(UTC).isoformat()})
    page.goto(f"{server.base_url}/playback?{window}")
    page.wait_for_selector("[data-player]:not([hidden])")

    assert seek(page, start + timedelta(seconds=30)).count("отвал опущен") == 1
    readout = seek(page, parked + timedelta(seconds=60))
    assert "отвал поднят" in readout and "0b" not in readout and "Входы" not in readout

    # by equipment (the default): blade down orange, blade up blue
    assert strokes(page) == {"#e65100", "#1565c0"}
    assert page.inner_text("[data-track-key]").split("\n") == [
        "отвал опущен", "отвал поднят", "нет данных"]
    page.click('[data-colour-by="speed"]')
    # 15 km/h is the "до 20 км/ч" band; the stretch that starts at the parked fixes is grey
    assert strokes(page) == {"#2e7d32", "#90a4ae"}
    assert page.get_attribute('[data-colour-by="speed"]', "aria-pressed") == "true"

    rows = page.locator("[data-legs] tbody tr")
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.leg)") == ["trip", "stop", "trip"]
    stop = rows.nth(1).locator("td").all_inner_texts()
    assert stop == ["Стоянка", parked.astimezone(CITY).strftime("%d.%m.%Y %H:%M"), "5 мин", "—"]
    assert rows.nth(0).locator("td").all_inner_texts()[1] == \
        start.astimezone(CITY).strftime("%d.%m.%Y %H:%M")
    rows.nth(2).click()
    assert page.inner_text("[data-clock]") == left.astimezone(CITY).strftime("%d.%m.%Y %H:%M:%S")
    assert page_log.external() == [] and page_log.page_errors == []
    assert page_log.failed == []
