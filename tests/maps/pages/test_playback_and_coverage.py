"""Coverage, playback and the live map's track, fed by the test terminal of a served process."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.conftest import REPO, Served
from tests.served_pages import add_staff, api_post, point_on_path, register_plough
from tests.tools.fleet_history import drive_line, send_fixes

LINE = [(137.000, 50.550), (137.006, 50.551), (137.012, 50.5525)]
TID = 777001


def drive(served: Served, *, minutes_ago: float, silent: tuple[float, float] | None = None,
          speed_kmh: float = 20) -> int:
    """A plough registered and driven along LINE (blade down) starting ``minutes_ago``."""
    vehicle_id = register_plough(served, TID, "КДМ-7 (тест)", "ООО «Дорожник-27»")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes_ago)
    send_fixes(served.egts_port, TID, drive_line(LINE, start, speed_kmh=speed_kmh, every_s=5,
                                                  both_ways=True, silent=silent))
    return vehicle_id


def test_coverage_page_colours_a_ploughed_route_served(server: Served, page: Any,
                                                       page_log: Any) -> None:
    """A route driven both ways with the blade down is drawn "served", green, with its plough
    named on hover; by time since service it falls in the first band."""
    add_staff(server)
    route = api_post(server, "/api/routes", {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [list(c) for c in LINE]},
        "properties": {"name": "улица Севастопольская", "passes_required": 1}})
    drive(server, minutes_ago=50)

    page.goto(server.base_url + "/coverage")
    line = page.locator(f'path.gd-stretch[data-route-id="{route["id"]}"][data-state="served"]')
    line.first.wait_for(timeout=30_000)
    assert line.first.get_attribute("stroke") == "#1a9850"
    served_pct = page.inner_text(f'[data-route-item="{route["id"]}"] .gd-list-aside')
    assert int(served_pct.rstrip(" %")) >= 90  # the line's very ends may fall short
    assert page.inner_text('[data-legend-row="served"]').strip().endswith("км")

    page.mouse.move(*point_on_path(line.first, 0.5))
    tip = page.locator(".leaflet-tooltip", has_text="улица Севастопольская")
    tip.wait_for()
    text = tip.inner_text()
    assert "убрано" in text and "КДМ-7 (тест)" in text and "прямо 1 из 1" in text

    with page.expect_download() as download:  # the server's CSV for the window on screen
        page.click('[data-download="csv"]')
    assert re.fullmatch(r"coverage-\d{8}-\d{4}-\d{8}-\d{4}\.csv",
                        download.value.suggested_filename)
    text = Path(download.value.path()).read_bytes().decode("utf-8")
    assert text.startswith("\ufeffпараметр;значение\r\nокно с;")
    assert ";улица Севастопольская;" in text and ";убрано;" in text

    page.click('[data-mode-value="age"]')
    page.wait_for_selector(f'path.gd-stretch[data-route-id="{route["id"]}"][data-class="band0"]')
    assert "mode=age" in page.url
    assert page_log.external() == [] and page_log.page_errors == []
    assert page_log.failed == []


def test_playback_shows_the_terminals_track_with_its_gap(server: Served, page: Any,
                                                         page_log: Any) -> None:
    """Fixes with a 5.5-minute silence are drawn as two stretches and one dashed gap; the slider
    in the gap says there was no data; the downloads point at the API's formats."""
    vehicle_id = drive(server, minutes_ago=40, silent=(150, 480), speed_kmh=10)
    page.goto(server.base_url + "/playback")
    page.wait_for_selector(f'[data-vehicle] option[value="{vehicle_id}"]', state="attached")
    page.select_option("[data-vehicle]", str(vehicle_id))
    page.wait_for_selector("[data-player]:not([hidden])")
    assert page.locator("path.gd-track-line").count() == 2
    assert page.locator("path.gd-track-gap").count() == 1
    assert page.inner_text('[data-fact="Разрывов"]').startswith("1 (нет данных")
    assert f"vehicle={vehicle_id}" in page.url

    page.locator("[data-slider]").evaluate(
        "s => { s.value = String(Number(s.min) + 300000); s.dispatchEvent(new Event('input')); }")
    assert "нет данных" in page.inner_text("[data-readout]")
    page.locator("[data-slider]").evaluate(
        "s => { s.value = String(Number(s.min) + 30000); s.dispatchEvent(new Event('input')); }")
    assert "10 км/ч" in page.inner_text("[data-readout]")

    gpx = page.get_attribute('[data-download="gpx"]', "href")
    assert gpx.startswith(f"/api/vehicles/{vehicle_id}/track?from=") and gpx.endswith("format=gpx")
    with page.expect_download() as download:
        page.click('[data-download="csv"]')
    assert download.value.suggested_filename.endswith(".csv")
    assert page_log.external() == [] and page_log.page_errors == []


def test_live_map_popup_draws_the_last_hour(server: Served, page: Any, page_log: Any) -> None:
    """The popup's button draws the vehicle's last hour, split at its gap, and hides it again."""
    vehicle_id = drive(server, minutes_ago=45, silent=(150, 480), speed_kmh=10)
    page.goto(server.base_url + "/")
    marker = page.locator(f'.leaflet-marker-icon [data-vehicle-id="{vehicle_id}"]')
    marker.wait_for(timeout=15_000)
    marker.click(force=True)
    button = page.locator(f'[data-track-button="{vehicle_id}"]')
    button.click()
    page.wait_for_selector("path.gd-track-line")
    assert page.locator("path.gd-track-gap").count() == 1
    assert "разрывов в данных 1" in page.inner_text("[data-track-note]")
    assert page.get_attribute(".gd-popup-link", "href").startswith(
        f"/playback?vehicle={vehicle_id}&from=")
    button.click()
    page.wait_for_selector("path.gd-track-line", state="detached")
    assert page_log.external() == [] and page_log.page_errors == []


def test_coverage_page_offers_declared_storms_as_windows(server: Served, page: Any,
                                                          page_log: Any) -> None:
    """A storm declared with the CLI appears in the selector; choosing it sets the window from
    the storm's start to its close (Asia/Vladivostok, the city's time)."""
    env = {"DATABASE_URL": server.dsn, "PATH": "/usr/bin:/bin"}
    declared = subprocess.run(
        [sys.executable, "-m", "egts_server.cli", "storms", "declare", "Циклон 12 января",
         "--start", "2026-01-12T06:00:00+10:00"], capture_output=True, text=True, env=env,
        cwd=REPO)
    assert declared.returncode == 0, declared.stderr
    storm_id = int(declared.stdout.split()[1])
    closed = subprocess.run(
        [sys.executable, "-m", "egts_server.cli", "storms", "end", str(storm_id),
         "--snowfall-end", "2026-01-12T18:00:00+10:00", "--close", "2026-01-13T08:30:00+10:00"],
        capture_output=True, text=True, env=env, cwd=REPO)
    assert closed.returncode == 0, closed.stderr

    page.goto(server.base_url + "/coverage")
    select = page.locator("[data-storm]")
    select.locator(f'option[value="{storm_id}"]').wait_for(state="attached")
    assert page.is_visible("[data-storm-field]")
    assert not page.is_visible("[data-storm-act]")  # no storm chosen yet
    select.select_option(str(storm_id))
    assert page.input_value("[data-from]") == "2026-01-12T06:00"
    assert page.input_value("[data-to]") == "2026-01-13T08:30"
    assert page.get_attribute("[data-storm-act]", "href") == f"/storms/{storm_id}"
    assert page.is_visible("[data-storm-act]")
    assert page_log.external() == [] and page_log.page_errors == []
