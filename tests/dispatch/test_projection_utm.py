"""WGS-84 <-> UTM 53N helpers in dispatch.projection."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Point, Polygon

from dispatch.projection import (
    METRIC_CRS,
    geometry_to_metric,
    geometry_to_wgs84,
    projection_for,
    to_metric,
    to_metric_array,
    to_wgs84,
    to_wgs84_array,
)

CENTRE = (137.0, 50.55)
GEOD = Geod(ellps="WGS84")


def test_city_centre_matches_an_independent_utm_definition() -> None:
    """to_metric agrees with a transformer built from the PROJ string of UTM zone 53 north."""
    oracle = Transformer.from_crs("+proj=longlat +datum=WGS84",
                                  "+proj=utm +zone=53 +datum=WGS84 +units=m", always_xy=True)
    x, y = to_metric(*CENTRE)
    ox, oy = oracle.transform(*CENTRE)
    assert METRIC_CRS == "EPSG:32653"
    assert x == pytest.approx(ox, abs=1e-3) and y == pytest.approx(oy, abs=1e-3)


def test_axis_order_is_lon_lat_in_and_easting_northing_out() -> None:
    """Longitude goes in first and easting comes out first (always_xy), never lat/lon."""
    x, y = to_metric(*CENTRE)
    assert 600_000 < x < 700_000  # 2 degrees east of the zone's central meridian (135 E)
    assert 5_550_000 < y < 5_650_000


def test_round_trip_is_sub_millimetre() -> None:
    """Going to metres and back returns the same lon/lat to better than a millimetre."""
    lon, lat = to_wgs84(*to_metric(136.93, 50.61))
    assert GEOD.inv(136.93, 50.61, lon, lat)[2] < 1e-3


def test_array_versions_match_scalar_ones() -> None:
    """The vectorised functions give the same numbers as the scalar ones, as float arrays."""
    lons, lats = [136.9, 137.0, 137.1], [50.5, 50.55, 50.6]
    xs, ys = to_metric_array(lons, lats)
    assert xs.dtype == np.float64 and xs.shape == (3,)
    for lon, lat, x, y in zip(lons, lats, xs, ys, strict=True):
        assert (x, y) == pytest.approx(to_metric(lon, lat))
    back_lon, back_lat = to_wgs84_array(xs, ys)
    assert back_lon == pytest.approx(lons) and back_lat == pytest.approx(lats)


def test_metric_distance_agrees_with_the_geodesic() -> None:
    """A kilometre measured in UTM 53N is within 0.05 % of the ellipsoidal distance here."""
    a, b = (136.99, 50.54), (137.01, 50.556)
    metric = LineString([to_metric(*a), to_metric(*b)]).length
    assert metric == pytest.approx(GEOD.inv(*a, *b)[2], rel=5e-4)


def test_geometry_helpers_keep_the_geometry_type() -> None:
    """Points, lines and polygons come back as the same type, and a round trip is lossless."""
    for geometry in (Point(CENTRE), LineString([CENTRE, (137.01, 50.56)]),
                     Polygon([CENTRE, (137.01, 50.55), (137.01, 50.56)])):
        metric = geometry_to_metric(geometry)
        assert metric.geom_type == geometry.geom_type
        assert geometry_to_wgs84(metric).equals_exact(geometry, 1e-9)
    assert geometry_to_metric(Point(CENTRE)).coords[0] == pytest.approx(to_metric(*CENTRE))


def test_projection_for_is_cached_per_crs() -> None:
    """Asking twice for the same CRS returns the same (costly to build) transformers."""
    assert projection_for("EPSG:32653") is projection_for("EPSG:32653")
    assert projection_for("EPSG:32654").metric_crs == "EPSG:32654"
