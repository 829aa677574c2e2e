"""The shipped demo city: routes, marks and bus lines."""

from __future__ import annotations

import json
import re
from importlib import resources

from pyproj import Geod
from shapely.geometry import LineString

from dispatch.demo_city import demo_bus_lines, demo_marks, demo_routes
from dispatch.projection import geometry_to_metric

GEOD = Geod(ellps="WGS84")
LAT_RANGE = (50.45, 50.65)
LON_RANGE = (136.85, 137.15)
CYRILLIC = re.compile("[А-Яа-яЁё]")


def in_city(lon: float, lat: float) -> bool:
    return LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]


def geodesic_length_m(coordinates: tuple[tuple[float, float], ...]) -> float:
    pairs = zip(coordinates, coordinates[1:], strict=False)
    return float(sum(GEOD.inv(*a, *b)[2] for a, b in pairs))


def test_routes_have_the_promised_properties() -> None:
    """Every route has a Russian name, a known treatment, priority 1..3, passes and width."""
    routes = demo_routes()
    assert 15 <= len(routes) <= 25
    for r in routes:
        assert CYRILLIC.search(r.name), r.name
        assert r.treatment in ("plough", "spread", "sweep")
        assert 1 <= r.priority <= 3
        assert isinstance(r.passes_required, int) and r.passes_required >= 1
        assert r.direction in ("both", "as_drawn")
        assert 15 <= r.half_width_m <= 20
    assert {r.treatment for r in routes} == {"plough", "spread", "sweep"}


def test_route_names_are_unique() -> None:
    """No two routes share a name, so a name identifies a route in reports."""
    names = [r.name for r in demo_routes()]
    assert len(names) == len(set(names))


def test_routes_are_simple_city_lines() -> None:
    """Each route has 6..40 vertices, at least two distinct, all inside the city's box."""
    for r in demo_routes():
        assert 6 <= len(r.coordinates) <= 40, r.name
        assert len(set(r.coordinates)) >= 2, r.name
        assert all(in_city(lon, lat) for lon, lat in r.coordinates), r.name
        metric = geometry_to_metric(LineString(r.coordinates))
        assert metric.is_valid and metric.length > 500, r.name


def test_route_network_is_at_least_100_km() -> None:
    """The routes add up to at least 100 km of street, measured on the ellipsoid."""
    total = sum(geodesic_length_m(r.coordinates) for r in demo_routes())
    assert total >= 100_000


def test_shipped_coordinates_have_six_decimals_at_most() -> None:
    """Positions in the files are rounded to 6 decimals (about 0.1 m), as drawn."""
    for name in ("komsomolsk_demo.geojson", "komsomolsk_marks.geojson",
                 "komsomolsk_bus_lines.geojson"):
        text = resources.files("dispatch").joinpath("data", name).read_text(encoding="utf-8")
        for feature in json.loads(text)["features"]:
            coords = feature["geometry"]["coordinates"]
            flat = [coords] if feature["geometry"]["type"] == "Point" else coords
            for lon, lat in flat:
                assert round(lon, 6) == lon and round(lat, 6) == lat


def test_marks_cover_every_layer_with_russian_text() -> None:
    """About ten marks over the three layers, the highway's road state drawn as a line."""
    marks = demo_marks()
    assert 8 <= len(marks) <= 14
    assert {m.layer for m in marks} == {"road_state", "broken_elevator", "flooded_basement"}
    for m in marks:
        assert CYRILLIC.search(m.text) and isinstance(m.public, bool)
        assert m.status in ("open", "in_progress", "resolved")
        assert all(in_city(lon, lat) for lon, lat in m.coordinates)
        assert (m.geometry_type == "Point") == (len(m.coordinates) == 1)
    lines = [m for m in marks if m.geometry_type == "LineString"]
    assert lines and all(m.layer == "road_state" for m in lines)
    assert any("Хабаровск" in m.text for m in lines)


def test_bus_lines_load() -> None:
    """Two to four bus lines with distinct numbers, each a line inside the city."""
    lines = demo_bus_lines()
    assert 2 <= len(lines) <= 4
    assert len({b.number for b in lines}) == len(lines)
    for b in lines:
        assert b.number.isdigit() and CYRILLIC.search(b.name)
        assert len(set(b.coordinates)) >= 2
        assert all(in_city(lon, lat) for lon, lat in b.coordinates)

