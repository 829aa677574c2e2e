"""The city's public map in Chromium: served at /public/ with no sign-in, and exported to
files opened from disk. Both show a Russian legend, a metric scale, the plain "Leaflet"
attribution and the ploughed street in the first band, with nothing fetched from outside."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import Served
from tests.public_city import PLOUGHED_NAME, export, leaks, prepare
from tests.served_pages import point_on_path


def check_map(page: Any) -> None:
    """What a citizen sees, once the data is drawn."""
    page.wait_for_selector(".gd-public-legend[data-ready]", timeout=60_000)
    legend = page.inner_text(".gd-public-legend")
    for text in ("Уборка улиц", "прошло с последней уборки", "менее 3 ч", "3–6 ч", "6–12 ч",
                 "более 12 ч", "не убиралась за 24 ч", "Снегоочистители", "Отметки"):
        assert text in legend, text
    assert "(UTC+10)" in page.inner_text("[data-as-of]")
    scale = page.inner_text(".leaflet-control-scale")
    assert scale.strip().endswith((" м", " км")) and "mi" not in scale and "ft" not in scale
    attribution = page.locator(".leaflet-control-attribution")
    assert attribution.inner_text().strip() == "Leaflet"
    assert attribution.locator("svg").count() == 0  # no flag
    served = page.locator('path.gd-public-route[data-band="band0"]')
    assert served.count() >= 1 and served.first.get_attribute("stroke") == "#1a9850"
    never = page.locator('path.gd-public-route[data-band="never"]')
    assert never.count() >= 1 and never.first.get_attribute("stroke") == "#9e9e9e"
    assert page.locator("path.gd-public-vehicle").count() == 1
    assert page.locator('[data-mark-layer="flooded_basement"]').count() == 1
    page.mouse.move(*point_on_path(served.first, 0.5))
    tip = page.locator(".leaflet-tooltip", has_text=PLOUGHED_NAME)
    tip.wait_for()
    assert "последняя уборка менее 3 ч назад" in tip.inner_text()
    assert "(UTC+10)" in tip.inner_text()


def test_served_public_map_shows_cleared_streets_without_sign_in(
        server: Served, page: Any, page_log: Any) -> None:
    """/public/ of a process whose street was ploughed an hour ago; every byte the browser
    received from /public/ is free of internal values."""
    prepare(server.dsn)
    bodies: dict[str, bytes] = {}

    def keep(response: Any) -> None:
        if "/public/" in response.url and response.status == 200:
            bodies[response.url] = response.body()

    page.on("response", keep)
    page.goto(server.base_url + "/public/")
    check_map(page)
    assert page_log.external() == [] and page_log.page_errors == []
    assert page_log.failed == [] and page_log.console_errors == []
    assert any(url.endswith("/public/data/map.json") for url in bodies)
    assert len(bodies) > 10
    assert {url: leaks(body) for url, body in bodies.items() if leaks(body)} == {}


def test_exported_public_map_opens_from_disk(dsn: str, tmp_path: Path, page: Any,
                                             page_log: Any) -> None:
    """index.html opened as a file looks the same, with no network at all."""
    prepare(dsn)
    export(dsn, tmp_path / "site")
    page.goto((tmp_path / "site" / "index.html").as_uri())
    check_map(page)
    assert page_log.external() == [] and page_log.page_errors == []
    assert page_log.console_errors == []
