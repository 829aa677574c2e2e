"""A route in metres: its measure along the (extended) line, corridor, search area and bins."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.projection import projection_for
from dispatch.route_geometry import RouteGeometry
from tests.dispatch.geometry_fixtures import L_SHAPED, REPEATED_VERTICES
from tests.dispatch.synthetic import ORIGIN_XY, lonlat, street

PROJECTION = projection_for()
X0, Y0 = ORIGIN_XY


def geometry(points: tuple[tuple[float, float], ...], bin_m: float = 20.0,
             extension: float = 0.0, margin: float = 0.0, **kwargs: object) -> RouteGeometry:
    return RouteGeometry.build(street(1, points, **kwargs), PROJECTION, bin_m, extension, margin)


def zigzag(segments: int) -> tuple[tuple[float, float], ...]:
    """A line of ``segments`` legs 40 m east and 30 m north or south in turn."""
    return tuple((40.0 * i, 30.0 * (i % 2)) for i in range(segments + 1))


def test_axial_measure_continues_past_the_ends() -> None:
    """Past the extended end, m and the offset follow the prolonged end segment; inside,
    the offset is the signed distance (left positive)."""
    geom = RouteGeometry.build(street(1, ((0.0, 0.0), (1000.0, 0.0))), projection_for(), 20.0,
                               50.0)
    x = ORIGIN_XY[0] + np.array([500.0, 500.0, 1400.0, -300.0])
    y = ORIGIN_XY[1] + np.array([7.0, -7.0, 5.0, 200.0])
    m, offset = geom.axial(x, y)
    np.testing.assert_allclose(m, [500.0, 500.0, 1400.0, -300.0], atol=0.5)
    np.testing.assert_allclose(offset, [7.0, -7.0, 5.0, 200.0], atol=0.5)
    assert geom.searched(x, y).tolist() == [True, True, False, False]
    assert geom.contains(x, y).tolist() == [True, True, False, False]
    assert m[0] == pytest.approx(500.0, abs=0.5)


@pytest.mark.parametrize(("length", "bin_m", "bins"), [
    (1000.0, 20.0, 50), (1035.0, 20.0, 52), (1005.0, 20.0, 50), (5.0, 20.0, 1)])
def test_a_route_is_cut_into_a_whole_number_of_equal_bins(length: float, bin_m: float,
                                                           bins: int) -> None:
    geom = geometry(((0.0, 0.0), (length, 0.0)), bin_m)
    assert geom.n_bins == bins
    assert geom.length_m == pytest.approx(length, abs=0.01)
    assert geom.bin_len == pytest.approx(length / bins, abs=0.001)


def test_repeated_vertices_are_dropped_and_the_extension_prolongs_the_end_segments() -> None:
    geom = geometry(REPEATED_VERTICES, extension=50.0)
    assert len(geom.line.coords) == 3 and len(geom.xs) == 5
    np.testing.assert_allclose(geom.cum, [-50.0, 0.0, 500.0, 1000.0, 1050.0], atol=0.01)
    np.testing.assert_allclose([geom.xs[0] - X0, geom.xs[-1] - X0], [-50.0, 1050.0], atol=0.01)
    np.testing.assert_allclose([geom.ys[0] - Y0, geom.ys[-1] - Y0], [0.0, 0.0], atol=0.01)


def test_the_corridor_has_flat_ends_and_the_search_area_a_margin() -> None:
    """Half-width 20 m, ends extended by 50 m, margin 10 m: a point 19 m off the axis is in the
    corridor, 25 m off only in the search area, 35 m off in neither; past the extended end
    nothing is in, even on the axis."""
    geom = geometry(((0.0, 0.0), (1000.0, 0.0)), extension=50.0, margin=10.0,
                    half_width_m=20.0)
    x = X0 + np.array([500.0, 500.0, 500.0, 1045.0, 1055.0, -45.0, -55.0])
    y = Y0 + np.array([19.0, -25.0, 35.0, 0.0, 0.0, 0.0, 0.0])
    assert geom.contains(x, y).tolist() == [True, False, False, True, False, True, False]
    assert geom.searched(x, y).tolist() == [True, True, False, True, False, True, False]
    minx, miny, maxx, maxy = geom.bounds
    np.testing.assert_allclose([minx - X0, miny - Y0, maxx - X0, maxy - Y0],
                               [-50.0, -30.0, 1050.0, 30.0], atol=0.01)


@pytest.mark.parametrize("segments", [10, 60])
def test_the_measure_inside_the_line_is_shapely_s_projection_and_distance(
        segments: int) -> None:
    """Both ways of finding the nearest segment (numpy for few, GEOS for many) agree with
    shapely on m and on the unsigned offset of points near a bent line."""
    geom = geometry(zigzag(segments))
    rng = np.random.default_rng(segments)
    x = X0 + rng.uniform(5.0, 40.0 * segments - 5.0, 400)
    y = Y0 + rng.uniform(-20.0, 50.0, 400)
    m, offset = geom.axial(x, y)
    points = shapely.points(x, y)
    np.testing.assert_allclose(m, shapely.line_locate_point(geom.line, points), atol=1e-6)
    np.testing.assert_allclose(np.abs(offset), shapely.distance(geom.line, points), atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.floats(1.0, 560.0), st.floats(0.5, 30.0), st.booleans())
def test_the_offset_is_positive_on_the_left_of_the_route_as_drawn(
        along: float, across: float, left: bool) -> None:
    """Along the first leg of the L (drawn eastward) left is north; to a millimetre, as the
    route's positions are stored to 1e-9 degrees."""
    geom = geometry(L_SHAPED)
    side = 1.0 if left else -1.0
    m, offset = geom.axial(np.array([X0 + along]), np.array([Y0 + side * across]))
    assert m[0] == pytest.approx(along, abs=1e-3)
    assert offset[0] == pytest.approx(side * across, abs=1e-3)


def test_no_points_measure_to_nothing() -> None:
    m, offset = geometry(L_SHAPED).axial(np.zeros(0), np.zeros(0))
    assert (len(m), len(offset)) == (0, 0)


def test_direction_and_points_follow_the_legs_and_stop_at_the_ends() -> None:
    """The L runs 600 m east then 400 m north; beyond its ends the end legs' directions hold
    and points stay at the ends."""
    geom = geometry(L_SHAPED)
    east, north = geom.direction_at(np.array([-10.0, 300.0, 599.0, 601.0, 1200.0]))
    np.testing.assert_allclose(east, [1.0, 1.0, 1.0, 0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(north, [0.0, 0.0, 0.0, 1.0, 1.0], atol=1e-6)
    x, y = geom.point_at(np.array([-10.0, 300.0, 800.0, 1200.0]))
    np.testing.assert_allclose(x - X0, [0.0, 300.0, 600.0, 600.0], atol=0.01)
    np.testing.assert_allclose(y - Y0, [0.0, 0.0, 200.0, 400.0], atol=0.01)


def test_a_bin_belongs_to_a_range_when_its_midpoint_does() -> None:
    """Bins of 20 m have midpoints at 10, 30, 50 ...; the range is [lo, hi), clipped to the
    route's five bins."""
    geom = geometry(((0.0, 0.0), (100.0, 0.0)))
    assert geom.bin_len == pytest.approx(20.0, abs=1e-4)
    first, past = geom.bin_range(np.array([0.0, 9.5, 10.5, 25.0, -80.0, 95.0]),
                                 np.array([29.5, 30.5, 50.0, 25.0, 200.0, 300.0]))
    assert first.tolist() == [0.0, 0.0, 1.0, 1.0, 0.0, 5.0]
    assert past.tolist() == [1.0, 2.0, 3.0, 1.0, 5.0, 5.0]


def test_stretch_coordinates_hold_their_inner_vertices_and_interpolated_ends() -> None:
    """On the L with 50 m extensions: [-100, 300] is cut at the route's start and is two
    positions (the first vertex is not repeated), [300, 2000] runs through the corner and is
    cut at the route's end."""
    geom = geometry(L_SHAPED, extension=50.0)
    first, second = geom.stretches_coordinates([(-100.0, 300.0), (300.0, 2000.0)], PROJECTION)
    expected_first = [lonlat(0.0, 0.0), lonlat(300.0, 0.0)]
    expected_second = [lonlat(300.0, 0.0), lonlat(600.0, 0.0), lonlat(600.0, 400.0)]
    for got, want in ((first, expected_first), (second, expected_second)):
        assert len(got) == len(want)
        for (lon, lat), (want_lon, want_lat) in zip(got, want, strict=True):
            assert lon == pytest.approx(want_lon, abs=2e-7)
            assert lat == pytest.approx(want_lat, abs=2e-7)
            assert (round(lon, 7), round(lat, 7)) == (lon, lat)
    assert geom.stretches_coordinates([], PROJECTION) == []


def test_heading_is_judged_against_the_chord_of_the_stretch_covered() -> None:
    """Across the corner of the L the reference is the chord (north-east), not one leg."""
    geom = geometry(L_SHAPED)
    m_a = np.array([100.0, 100.0, 100.0, 500.0, 100.0])
    m_b = np.array([200.0, 200.0, 200.0, 700.0, 100.0])
    dx = np.array([10.0, -10.0, 0.0, 1.0, 1.0])
    dy = np.array([0.0, 0.0, 5.0, 1.0, 0.0])
    cos = geom.heading_cos(m_a, m_b, dx, dy)
    np.testing.assert_allclose(cos[:4], [1.0, -1.0, 0.0, 1.0], atol=1e-6)
    assert math.isnan(cos[4])
