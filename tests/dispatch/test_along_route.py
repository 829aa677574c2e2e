"""The windowed fit and the route's axial measure on exact inputs, where the answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from dispatch.along_route import along_velocity, fit_movement
from dispatch.projection import projection_for
from dispatch.route_geometry import RouteGeometry
from tests.dispatch.synthetic import ORIGIN_XY, street


def test_straight_drive_fits_exactly_and_a_one_fix_segment_has_no_fit() -> None:
    """5 m/s along the route 3 m to its left: the fit returns exactly that; a segment of a
    single fix has no movement (NaN), and segments never share a window."""
    t = np.concatenate((np.arange(10.0), [100.0]))
    m = 5.0 * t
    segment = np.array([1] * 10 + [2], dtype=np.int64)
    fit = fit_movement(segment, t, m, m.copy(), np.full(11, 3.0), np.full(11, 3.0),
                       np.full(11, 2.0), 60.0, 10.0)
    np.testing.assert_allclose(fit.v_along[:10], 5.0)
    np.testing.assert_allclose(fit.v_ground[:10], 5.0)
    np.testing.assert_allclose(fit.m[:10], m[:10])
    np.testing.assert_allclose(fit.offset[:10], 3.0)
    assert np.isnan(fit.v_along[10])
    np.testing.assert_allclose(along_velocity(segment, t, m, np.full(11, 2.0))[:10], 5.0)


def test_offset_after_a_turn_is_judged_on_its_own_side() -> None:
    """On the axis for 60 s, then 30 m off for 60 s: the long offset window does not carry
    the turn across: every fix stays within the 10 m step of its own side's offset, and the
    fixes next to the turn take exactly their own side's."""
    t = np.arange(120.0)
    offset = np.where(t < 60, 0.0, 30.0)
    segment = np.ones(120, dtype=np.int64)
    fit = fit_movement(segment, t, 8.0 * t, 8.0 * t, offset, offset, np.full(120, 10.0),
                       60.0, 10.0)
    assert np.all(fit.offset[:60] <= 10.0) and np.all(fit.offset[60:] >= 20.0)
    np.testing.assert_allclose(fit.offset[50:70], offset[50:70])


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
