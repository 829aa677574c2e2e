"""The canned city the live map's browser tests open: two vehicles, two routes and two marks as
the APIs would serve them, the page served from 127.0.0.1 with maps/static, and the locators
and waits those tests share."""

from __future__ import annotations

import time
from typing import Any

from maps.assets import STATIC_DIR

POLL_S = 0.25
MARKER = ".leaflet-marker-icon [data-vehicle-id]"
LISTED = "[data-vehicle-item]"
ROUTE_LINE = "path.gd-route-line"
MARK = ".leaflet-marker-icon [data-mark-id]"

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


ROUTES: dict[str, Any] = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature", "id": 1,
            # passes under vehicle 1, which must stay on top
            "geometry": {"type": "LineString",
                         "coordinates": [[136.965, 50.550], [136.985, 50.556], [137.005, 50.562]]},
            "properties": {
                "id": 1, "name": "проспект Мира", "treatment": "plough", "priority": 1,
                "passes_required": 3, "direction": "both", "half_width_m": 20,
                "contractor": "МУП «Спецавтохозяйство»",
                "properties": {"district": "Центральный"},
                "updated_at": "2026-01-15T01:00:00+00:00",
            },
        },
        {
            "type": "Feature", "id": 2,
            "geometry": {"type": "LineString",
                         "coordinates": [[137.0, 50.535], [137.02, 50.540], [137.04, 50.545]]},
            "properties": {
                "id": 2, "name": "Аллея <i>Труда</i>", "treatment": "sweep", "priority": 3,
                "passes_required": 1, "direction": "as_drawn", "half_width_m": 15,
                "contractor": None, "properties": {"district": "Ленинский"},
                "updated_at": "2026-01-15T01:00:00+00:00",
            },
        },
    ],
}

MARKS: dict[str, Any] = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature", "id": 1,
            "geometry": {"type": "LineString",
                         "coordinates": [[136.97, 50.545], [136.975, 50.542], [136.98, 50.539]]},
            "properties": {
                "id": 1, "layer": "road_state", "status": "in_progress",
                "text": "Гололёд на выезде <script>window.pwned = 1</script>, скорость до 60 км/ч",
                "valid_from": "2021-03-01T00:00:00+00:00", "valid_to": None, "public": True,
                "updated_at": "2026-01-15T02:00:00+00:00",
            },
        },
        {
            "type": "Feature", "id": 2,
            "geometry": {"type": "Point", "coordinates": [136.995, 50.548]},
            "properties": {
                "id": 2, "layer": "broken_elevator", "status": "open",
                "text": "Не работает лифт во 2-м подъезде",
                "valid_from": None, "valid_to": "2020-01-01T15:30:00+00:00", "public": False,
                "updated_at": "2026-01-15T02:00:00+00:00",
            },
        },
    ],
}


def open_city(site: Any, page: Any, page_html: str, vehicles: dict[str, Any],
              routes: dict[str, Any], marks: dict[str, Any]) -> Any:
    """Serve the page, maps/static and the three APIs, open it, wait until all is drawn."""
    site.serve_html("/", page_html)
    site.mount("/static", STATIC_DIR)
    site.serve_json("/api/vehicles", lambda: vehicles)
    site.serve_json("/api/routes", lambda: routes)
    site.serve_json("/api/marks", lambda: marks)
    page.goto(site.url + "/")
    # every vehicle is listed in the panel; at low zoom some markers may be in a cluster
    counts = (
        f"document.querySelectorAll({LISTED!r}).length === {len(vehicles['features'])}"
        f" && document.querySelectorAll({ROUTE_LINE!r}).length === {len(routes['features'])}"
        f" && document.querySelectorAll({MARK!r}).length === {len(marks['features'])}"
    )
    page.wait_for_function(counts, timeout=10_000)
    return page


def marker(page: Any, vehicle_id: int) -> Any:
    return page.locator(f'.leaflet-marker-icon [data-vehicle-id="{vehicle_id}"]')


def route_line(page: Any, route_id: int) -> Any:
    return page.locator(f'{ROUTE_LINE}[data-route-id="{route_id}"]')


def mark(page: Any, mark_id: int) -> Any:
    return page.locator(f'.leaflet-marker-icon [data-mark-id="{mark_id}"]')


def wait_until(condition: Any, timeout_s: float = 5.0) -> None:
    """Poll ``condition``. It must call into the page: requests pass the ``page`` fixture's
    route guard, which Playwright's sync API only runs while Python is inside a Playwright
    call."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def click_along(page: Any, path: Any, fraction: float) -> None:
    """Click the screen point at ``fraction`` of an SVG path's length (a line's bbox centre
    need not lie on the line)."""
    point = path.evaluate(
        """(p, f) => {
            const pt = p.getPointAtLength(p.getTotalLength() * f), m = p.getScreenCTM();
            return {x: m.a * pt.x + m.c * pt.y + m.e, y: m.b * pt.x + m.d * pt.y + m.f};
        }""",
        fraction,
    )
    page.mouse.click(point["x"], point["y"])


def close_popup(page: Any) -> None:
    """Close the open popup and wait until it has faded out (until then it takes clicks)."""
    page.locator(".leaflet-popup-close-button").click()
    page.locator(".leaflet-popup").wait_for(state="detached")


def hits(site: Any, path: str) -> int:
    return len([h for h in site.hits if h.split("?")[0] == path])
