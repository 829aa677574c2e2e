"""Where the live map opens and what lies under it, in a real browser with no network: the
first load fits the routes, no routes keep the configured view, the basemap is a local
background or unreachable tiles that stop nothing, and the whole demo city is drawn."""

from __future__ import annotations

from typing import Any

import pytest

from dispatch.demo_city import demo_marks, demo_routes
from dispatch.demo_fleet import demo_fleet
from maps.assets import STATIC_DIR
from maps.pages.live_map import render_live_map
from tests.maps.pages.live_city import MARKER, POLL_S, ROUTES, hits, open_city, wait_until
from tests.served_pages import MAP_JS

LAYERS_SCREENSHOT = "/tmp/live_map_layers.png"


def test_first_load_fits_the_routes(
    local_site: Any, page: Any, api: dict[str, Any], routes_api: dict[str, Any],
    marks_api: dict[str, Any]
) -> None:
    """A map configured elsewhere (Khabarovsk) opens on the routes, all of them in view."""
    html = render_live_map(tile_url=None, poll_interval_s=POLL_S, center=(48.48, 135.07), zoom=9)
    open_city(local_site, page, html, api, routes_api, marks_api)
    inside = page.evaluate(
        f"""coords => {{ const b = {MAP_JS}.getBounds();
            return coords.every(c => b.contains(L.latLng(c[1], c[0]))); }}""",
        [c for f in ROUTES["features"] for c in f["geometry"]["coordinates"]],
    )
    assert inside
    assert page.evaluate(f"{MAP_JS}.getZoom()") > 9


def test_no_routes_keeps_the_configured_view(
    local_site: Any, page: Any, api: dict[str, Any], marks_api: dict[str, Any]
) -> None:
    """With no routes the map stays on the configured centre and zoom."""
    empty: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    html = render_live_map(tile_url=None, poll_interval_s=POLL_S, center=(50.55, 137.0), zoom=12)
    open_city(local_site, page, html, api, empty, marks_api)
    page.wait_for_timeout(300)
    assert hits(local_site, "/api/routes") == 1
    center = page.evaluate(
        f"(() => {{ const c = {MAP_JS}.getCenter(); return [c.lat, c.lng]; }})()")
    assert center == pytest.approx([50.55, 137.0], abs=1e-6)
    assert page.evaluate(f"{MAP_JS}.getZoom()") == 12


def test_no_basemap_draws_a_local_background(live_page: Any, page_log: Any) -> None:
    """Without tiles the map gets its neutral background and grid, and fetches no tile."""
    assert live_page.locator(".leaflet-container.gd-no-basemap").count() == 1
    assert live_page.locator(".gd-grid canvas").count() > 0
    assert live_page.locator("img.leaflet-tile").count() == 0
    assert all("/static/" in url or "/api/" in url or url.endswith("/")
               for url in page_log.requests)


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


def demo_city_api() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The demo city as the API would serve it: vehicles (some on their routes), routes, marks."""
    routes = demo_routes()
    route_features = [
        {"type": "Feature", "id": i,
         "geometry": {"type": "LineString", "coordinates": [list(c) for c in r.coordinates]},
         "properties": {"id": i, "name": r.name, "treatment": r.treatment,
                        "priority": r.priority, "passes_required": r.passes_required,
                        "direction": r.direction, "half_width_m": r.half_width_m,
                        "contractor": None, "properties": {"district": r.district},
                        "updated_at": "2026-01-15T01:00:00+00:00"}}
        for i, r in enumerate(routes, 1)
    ]
    mark_features = [
        {"type": "Feature", "id": i,
         "geometry": {"type": m.geometry_type,
                      "coordinates": (list(m.coordinates[0]) if m.geometry_type == "Point"
                                      else [list(c) for c in m.coordinates])},
         "properties": {"id": i, "layer": m.layer, "status": m.status, "text": m.text,
                        "valid_from": None, "valid_to": None, "public": m.public,
                        "updated_at": "2026-01-15T02:00:00+00:00"}}
        for i, m in enumerate(demo_marks(), 1)
    ]
    vehicles = []
    for i, v in enumerate(demo_fleet(road_vehicles=16, buses=0), 1):
        line = routes[v.route_index].coordinates
        lon, lat = line[(i * 5) % len(line)]
        vehicles.append(
            {"type": "Feature", "id": i, "geometry": {"type": "Point", "coordinates": [lon, lat]},
             "properties": {"id": i, "name": v.name, "kind": v.kind, "plate": v.plate,
                            "terminals": [], "fix_time": "2026-01-15T03:04:05+00:00",
                            "speed_kmh": 0.0 if i % 4 == 0 else 24.0, "course_deg": 35.0 * i,
                            "equipment_active": i % 3 != 0, "online": i % 7 != 0}})
    collection = "FeatureCollection"
    return ({"type": collection, "features": vehicles},
            {"type": collection, "features": route_features},
            {"type": collection, "features": mark_features})


def test_demo_city_is_drawn_whole(local_site: Any, page: Any, page_log: Any) -> None:
    """Every demo route and mark is drawn and in view after the first load; screenshot."""
    vehicles, routes, marks = demo_city_api()
    open_city(local_site, page, render_live_map(tile_url=None, poll_interval_s=POLL_S),
              vehicles, routes, marks)
    inside = page.evaluate(
        f"""coords => {{ const b = {MAP_JS}.getBounds();
            return coords.every(c => b.contains(L.latLng(c[1], c[0]))); }}""",
        [c for f in routes["features"] for c in f["geometry"]["coordinates"]],
    )
    assert inside
    wait_until(lambda: "Обновлено" in page.inner_text("[data-live-status]"))
    page.screenshot(path=LAYERS_SCREENSHOT)
    assert page_log.external() == [] and page_log.failed == []
    assert page_log.page_errors == [] and page_log.console_errors == []
