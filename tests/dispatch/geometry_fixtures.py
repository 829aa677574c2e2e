"""Canonical and degenerate route shapes, in metres from the city-centre origin and in WGS-84.

Shared by the route-model, GeoJSON and coverage tests so that every module is tried on the same
awkward shapes: a point-like line, a line with repeated vertices, a self-touching loop, a sharp
hairpin, and lines that are fine but lie outside the city.
"""

from __future__ import annotations

from typing import Any

from tests.dispatch.synthetic import lonlat

# canonical, metres (dx, dy)
STRAIGHT_EAST_1KM = ((0.0, 0.0), (1000.0, 0.0))
STRAIGHT_NORTH_1KM = ((500.0, -500.0), (500.0, 500.0))
L_SHAPED = ((0.0, 0.0), (600.0, 0.0), (600.0, 400.0))
DENSE_VERTICES = tuple((float(x), 0.0) for x in range(0, 1001, 10))
REPEATED_VERTICES = ((0.0, 0.0), (0.0, 0.0), (500.0, 0.0), (500.0, 0.0), (1000.0, 0.0))
SELF_TOUCHING_LOOP = ((0.0, 0.0), (400.0, 0.0), (400.0, 300.0), (200.0, 300.0), (200.0, 0.0))
HAIRPIN = ((0.0, 0.0), (500.0, 0.0), (500.0, 40.0), (0.0, 40.0))

# degenerate
ZERO_LENGTH = ((100.0, 100.0), (100.0, 100.0))
SUB_METRE = ((0.0, 0.0), (0.3, 0.0))


def wgs84(points: tuple[tuple[float, float], ...]) -> list[list[float]]:
    """GeoJSON coordinates of metric points."""
    return [list(lonlat(x, y)) for x, y in points]


def line_feature(points: tuple[tuple[float, float], ...] | list[list[float]], name: str = "x",
                 **props: Any) -> dict[str, Any]:
    coords = wgs84(points) if isinstance(points, tuple) else points
    return {"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords},
            "properties": {"name": name, **props}}


FAR_OUTSIDE_CITY = [[135.07, 48.48], [135.08, 48.48]]  # Khabarovsk: valid, but not our city
ONE_POSITION = [[137.0, 50.55]]
POINT_GEOMETRY = {"type": "Point", "coordinates": [137.0, 50.55]}
POLYGON_GEOMETRY = {"type": "Polygon", "coordinates": [[[137.0, 50.55], [137.01, 50.55],
                                                        [137.01, 50.56], [137.0, 50.55]]]}
MULTILINE_GEOMETRY = {"type": "MultiLineString",
                      "coordinates": [[[137.0, 50.55], [137.01, 50.55]]]}
EMPTY_LINE_GEOMETRY = {"type": "LineString", "coordinates": []}
