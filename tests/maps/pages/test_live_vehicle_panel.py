"""The live map's vehicle panel, clusters and phone layout, with canned API answers: search,
filters that the markers, legend counts and status line follow, a card, and following."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from maps.assets import STATIC_DIR
from maps.pages.live_map import render_live_map
from tests.maps.pages.live_city import LISTED, MARKER
from tests.served_pages import MAP_JS

EMPTY: dict[str, Any] = {"type": "FeatureCollection", "features": []}
DOROZHNIK, MUP = "ООО «Дорожник-27»", "МУП «Спецавтохозяйство»"


def vehicle(vid: int, name: str, kind: str, *, lon: float, lat: float = 50.55,
            plate: str | None = None, contractor: str | None = None, online: bool = True,
            speed: float = 0.0, equipment: bool | None = None, words: str = "нет данных",
            terminal: str | None = None) -> dict[str, Any]:
    fix = (datetime.now(UTC) - timedelta(seconds=20)).replace(microsecond=0)
    return {"type": "Feature", "id": vid,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"id": vid, "name": name, "kind": kind, "plate": plate,
                           "contractor": contractor, "terminals": [terminal] if terminal else [],
                           "fix_time": fix.isoformat(), "speed_kmh": speed, "course_deg": 90.0,
                           "equipment_active": equipment, "equipment_text": words,
                           "online": online, "age_s": 20.0 if online else 4000.0}}


FLEET: dict[str, Any] = {"type": "FeatureCollection", "features": [
    vehicle(1, "КДМ-1", "plow", lon=136.96, plate="А123ВС27", contractor=DOROZHNIK, speed=30,
            equipment=True, words="отвал опущен", terminal="egts:1001"),
    vehicle(2, "КДМ-2", "plow", lon=136.99, plate="В456ОР27", contractor=MUP,
            equipment=False, words="отвал поднят", terminal="egts:1002"),
    vehicle(3, "ПГМ-3", "sander", lon=137.02, contractor=MUP, online=False,
            terminal="ndtp:77"),
    vehicle(4, "Грейдер-4", "grader", lon=137.05, contractor=DOROZHNIK, speed=25),
]}


def open_live(site: Any, page: Any, fleet: dict[str, Any]) -> Any:
    site.serve_html("/", render_live_map(tile_url=None, poll_interval_s=0.3))
    site.mount("/static", STATIC_DIR)
    site.serve_json("/api/vehicles", lambda: fleet)
    site.serve_json("/api/routes", lambda: EMPTY)
    site.serve_json("/api/marks", lambda: EMPTY)
    page.goto(site.url + "/")
    page.wait_for_function(f"document.querySelectorAll({LISTED!r}).length === "
                           f"{len(fleet['features'])}")
    return page


@pytest.fixture
def fleet() -> dict[str, Any]:
    return copy.deepcopy(FLEET)


@pytest.fixture
def live(local_site: Any, page: Any, fleet: dict[str, Any]) -> Any:
    return open_live(local_site, page, fleet)


def shown(page: Any, selector: str) -> list[str]:
    ids: list[str] = page.locator(selector).evaluate_all(
        "ns => ns.map(n => n.dataset.vehicleId || n.dataset.vehicleItem).sort()")
    return ids


def until_shown(page: Any, ids: list[str]) -> None:
    """Wait until exactly these vehicles are listed and drawn."""
    page.wait_for_function(
        """([ids, listed, marker]) => {
            const got = sel => Array.from(document.querySelectorAll(sel))
                .map(n => n.dataset.vehicleId || n.dataset.vehicleItem).sort().join(',');
            return got(listed) === ids && got(marker) === ids;
        }""", arg=[",".join(ids), LISTED, MARKER])


def test_search_by_name_plate_or_terminal_narrows_list_and_map(live: Any) -> None:
    search = live.locator("[data-vehicle-search]")
    search.fill("а 123")  # a plate typed with a space, in lower case
    until_shown(live, ["1"])
    search.fill("NDTP:77")
    until_shown(live, ["3"])
    search.fill("грейдер")
    until_shown(live, ["4"])
    assert "поиск «грейдер»" in live.inner_text("[data-live-status]")
    search.fill("")
    until_shown(live, ["1", "2", "3", "4"])
    search.fill("нет такой")
    until_shown(live, [])
    assert live.inner_text("[data-vehicle-list]") == "Ничего не найдено"


def test_filters_are_followed_by_markers_legend_and_status(live: Any) -> None:
    live.select_option("[data-contractor-filter]", DOROZHNIK)
    until_shown(live, ["1", "4"])
    live.wait_for_function("document.querySelector('[data-live-status]').textContent"
                           ".includes('показано 2 из 4')")
    assert live.inner_text('[data-kind-count="plow"]') == "1 / 1"
    assert live.inner_text('[data-kind-count="grader"]') == "1 / 1"
    assert live.inner_text('[data-kind-count="sander"]') == "—"
    assert live.inner_text("[data-live-status]").endswith(
        "показано 2 из 4, на линии 2, в работе 1 · подрядчик: ООО «Дорожник-27»")

    live.select_option("[data-contractor-filter]", "")
    for state, ids in (("working", ["1"]), ("moving", ["1", "4"]), ("parked", ["2"]),
                       ("offline", ["3"])):
        live.select_option("[data-state-filter]", state)
        until_shown(live, ids)
    live.select_option("[data-state-filter]", "")
    live.select_option("[data-kind-filter]", "plow")
    until_shown(live, ["1", "2"])
    assert live.inner_text('[data-kind-count="plow"]') == "2 / 2"
    assert "снегоочистители" in live.inner_text("[data-live-status]")
    live.wait_for_timeout(700)  # later polls keep the filter
    assert shown(live, MARKER) == ["1", "2"]


def centre(page: Any) -> tuple[float, float, int]:
    lat, lon, zoom = page.evaluate(
        f"(() => {{ const m = {MAP_JS}, c = m.getCenter();"
        " return [c.lat, c.lng, m.getZoom()]; })()")
    return float(lat), float(lon), int(zoom)


def test_a_click_centres_follows_until_panned_and_shows_the_card(
        live: Any, fleet: dict[str, Any]) -> None:
    live.click('[data-vehicle-item="1"]')
    card = live.locator("[data-vehicle-card]")
    card.wait_for()
    lat, lon, zoom = centre(live)
    assert (round(lat, 4), round(lon, 4)) == (50.55, 136.96) and zoom >= 16

    fix = datetime.fromisoformat(fleet["features"][0]["properties"]["fix_time"])
    city = fix.astimezone(ZoneInfo("Asia/Vladivostok"))
    assert live.inner_text("[data-card-fix]") == city.strftime("%d.%m.%Y %H:%M:%S (+10:00)")
    assert live.inner_text("[data-card-speed]") == "30 км/ч"
    assert live.inner_text("[data-card-equipment]") == "отвал опущен"
    assert live.inner_text("[data-card-contractor]") == DOROZHNIK
    href = live.get_attribute("[data-today-track]", "href")
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Vladivostok")).strftime("%Y-%m-%d")
    assert re.fullmatch(rf"/playback\?vehicle=1&from={today}T00%3A00%3A00%2B10%3A00&to=\S+Z",
                        href)

    fleet["features"][0]["geometry"]["coordinates"] = [136.965, 50.552]  # it drives on
    live.wait_for_function(f"Math.abs({MAP_JS}.getCenter().lng - 136.965) < 1e-4")
    assert live.get_attribute("[data-follow]", "data-follow") == "true"

    box = live.locator(".folium-map").bounding_box()
    x, y = box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.6
    live.mouse.move(x, y)
    live.mouse.down()
    live.mouse.move(x - 120, y - 40, steps=5)
    live.mouse.up()
    live.wait_for_selector('[data-follow="false"]')
    live.wait_for_timeout(600)  # the drag's inertia settles
    panned = centre(live)
    fleet["features"][0]["geometry"]["coordinates"] = [136.97, 50.553]
    live.wait_for_timeout(900)  # three polls: the map stays where the dispatcher put it
    assert centre(live) == panned


def test_close_vehicles_cluster_at_low_zoom_and_part_when_zoomed_in(
        local_site: Any, page: Any) -> None:
    """Ten ploughs within a few hundred metres are one counted bubble at zoom 12."""
    crowd = {"type": "FeatureCollection", "features": [
        vehicle(i, f"КДМ-{i}", "plow", lon=137.0 + i * 0.0004, equipment=i == 3)
        for i in range(1, 11)]}
    open_live(local_site, page, crowd)
    page.wait_for_selector('.gd-cluster[data-cluster-kind="plow"]')
    assert page.locator(MARKER).count() == 0
    assert page.inner_text(".gd-cluster") == "10"
    assert "gd-working" in page.get_attribute(".gd-cluster", "class")  # one of them works
    page.evaluate(f"{MAP_JS}.setView([50.55, 137.002], 17, {{animate: false}})")
    page.wait_for_function(f"document.querySelectorAll({MARKER!r}).length === 10")
    page.wait_for_selector(".gd-cluster", state="detached")  # after its fade-out


def test_phone_sized_screen_starts_folded_and_fits(local_site: Any, page: Any,
                                                   fleet: dict[str, Any]) -> None:
    """At 390×844 the boxes start folded so the map shows; each unfolds within the screen."""
    page.set_viewport_size({"width": 390, "height": 844})
    open_live(local_site, page, fleet)
    page.wait_for_selector(".leaflet-control-layers [data-box-toggle]")
    toggles = page.locator("[data-box-toggle]")
    assert toggles.count() == 3
    assert toggles.evaluate_all("ts => ts.map(t => t.getAttribute('aria-expanded'))") == [
        "false", "false", "false"]
    assert page.locator("[data-vehicle-search]").is_hidden()
    assert page.locator(".leaflet-control-layers-list").is_hidden()
    page.screenshot(path="/tmp/live_map_phone.png")

    page.click(".gd-vehicle-panel [data-box-toggle]")
    page.fill("[data-vehicle-search]", "КДМ-2")
    until_shown(page, ["2"])
    page.click('[data-vehicle-item="2"]')
    page.locator("[data-vehicle-card]").wait_for()
    # the followed vehicle comes to rest below the panel, not under it
    page.wait_for_function(
        """() => {
            const panel = document.querySelector('.gd-vehicle-panel').getBoundingClientRect();
            const car = document.querySelector('[data-vehicle-id="2"]');
            if (!car) { return false; }
            const spot = car.getBoundingClientRect();
            return panel.bottom < spot.top && spot.bottom < 844;
        }""")
    page.screenshot(path="/tmp/live_map_phone_open.png")
    for selector in (".gd-panel", ".leaflet-control-layers", ".gd-vehicle-panel"):
        page.click(f"{selector} [data-box-toggle]")
        # the one unfolded fits the screen; the others folded themselves out of its way
        assert toggles.evaluate_all("ts => ts.filter(t => t.getAttribute('aria-expanded')"
                                    " === 'true').length") == 1
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
        assert box["y"] >= 0 and box["y"] + box["height"] <= 844, selector
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_card_names_the_driver_with_a_phone_to_dial(local_site: Any, page: Any,
                                                        fleet: dict[str, Any]) -> None:
    """Set in the registry: name and phone, the phone a tel: link; a name alone has no link;
    no driver (null as in a staff's feed, or absent as in an anonymous one): no row at all."""
    features = [f["properties"] for f in fleet["features"]]
    features[0].update(driver="Сидоров Иван", driver_phone="+79141234567",
                       driver_phone_text="+7 914 123-45-67")
    features[1].update(driver=None, driver_phone=None, driver_phone_text=None)
    features[3].update(driver="Петров", driver_phone=None, driver_phone_text=None)
    open_live(local_site, page, fleet)
    card = page.locator("[data-vehicle-card]")

    page.click('[data-vehicle-item="1"]')
    driver = card.locator("tr", has=page.locator("[data-card-driver]"))
    assert driver.inner_text() == "Водитель\tСидоров Иван, +7 914 123-45-67"
    assert card.locator("[data-card-driver] a").evaluate_all(
        "links => links.map(a => [a.textContent, a.getAttribute('href')])") == [
        ["+7 914 123-45-67", "tel:+79141234567"]]

    page.click('[data-vehicle-item="4"]')
    card.locator(".gd-popup-title", has_text="Грейдер-4").wait_for()
    assert driver.inner_text() == "Водитель\tПетров"
    assert card.locator("[data-card-driver] a").count() == 0

    for vid, name in (("2", "КДМ-2"), ("3", "ПГМ-3")):
        page.click(f'[data-vehicle-item="{vid}"]')
        card.locator(".gd-popup-title", has_text=name).wait_for()
        assert card.locator("[data-card-driver]").count() == 0
        assert "Водитель" not in card.inner_text()
