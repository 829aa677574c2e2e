"""The windowed fit of movement along a route on exact inputs, where the answer is known."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from dispatch.along_route import along_velocity, fit_movement


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


def window_slopes(t: np.ndarray, m: np.ndarray, segment: np.ndarray, half: float,
                  neighbours: int = 1) -> np.ndarray:
    """The rule, fix by fix: the least-squares slope over the fixes of its segment within
    ``half`` seconds either way (ends included), and never fewer than its neighbours."""
    out = np.full(len(t), np.nan)
    for i in range(len(t)):
        mine = np.flatnonzero(segment == segment[i])
        near = [j for j in mine if abs(t[j] - t[i]) <= half or abs(j - i) <= neighbours]
        if len(near) > 1:
            out[i] = np.polyfit(t[near], m[near], 1)[0]
    return out


@pytest.mark.parametrize("half", [0.5, 2.0, 3.0])
def test_each_fix_is_fitted_over_its_own_window_and_its_neighbours(half: float) -> None:
    """Accelerating along the route (m = t^2), in two segments, the second much shorter:
    every fix's velocity is the slope over exactly the fixes of its window, which never
    reaches into the other segment."""
    t = np.concatenate((np.arange(0.0, 100.0), np.arange(300.0, 306.0)))
    m = (t - t[0]) ** 2 / 10.0
    segment = np.array([0] * 100 + [1] * 6, dtype=np.int64)
    halves = np.full(len(t), half)
    expected = window_slopes(t, m, segment, half)
    np.testing.assert_allclose(along_velocity(segment, t, m, halves), expected, rtol=1e-9,
                               atol=1e-6)
    fit = fit_movement(segment, t, m, m.copy(), np.zeros(len(t)), np.zeros(len(t)), halves,
                       1.0, 10.0)
    np.testing.assert_allclose(fit.v_along, expected, rtol=1e-9, atol=1e-6)


def side_offsets(t: np.ndarray, offset: np.ndarray, side: float, step: float) -> np.ndarray:
    """The offset rule, fix by fix (one segment): the mean over ``side`` seconds either way
    with at least two fixes each way; where the means before and after differ by more than
    ``step``, the one nearer the median of the fix's and its neighbours' offsets."""
    n = len(t)
    out = np.zeros(n)
    for i in range(n):
        lo = min([j for j in range(n) if t[i] - t[j] <= side][0], max(i - 2, 0))
        hi = max([j for j in range(n) if t[j] - t[i] <= side][-1], min(i + 2, n - 1))
        before, after = offset[lo:i + 1].mean(), offset[i:hi + 1].mean()
        own = float(np.median([offset[max(i - 1, 0)], offset[i], offset[min(i + 1, n - 1)]]))
        if abs(before - after) <= step:
            out[i] = offset[lo:hi + 1].mean()
        else:
            out[i] = before if abs(own - before) <= abs(own - after) else after
    return out


def test_offset_is_averaged_per_side_as_the_rule_says() -> None:
    """Whole-metre offsets jumping between lanes: every fix's offset is exactly what the rule
    gives, ties (equally near both sides) going to the side before."""
    offset = np.array([0, 0, 0, 12, 12, 12, 12, 0, 0, 24, 24, 4, 0, 0, 30, 30, 30, 30, 30,
                       -6, 0, 0, 2, 0, 0, 16, 16, 16, 0, 0], dtype=np.float64)
    t = np.arange(float(len(offset)))
    segment = np.zeros(len(t), dtype=np.int64)
    for side in (2.0, 3.0):
        fit = fit_movement(segment, t, 8.0 * t, 8.0 * t, offset, offset, np.full(len(t), 1.0),
                           side, 10.0)
        np.testing.assert_allclose(fit.offset, side_offsets(t, offset, side, 10.0), atol=1e-12)
    # A short segment whose last fixes and ties decide by the neighbours' median.
    short = np.array([0, 24, 18, 30, 6, 6, 6, 18, 6, 30], dtype=np.float64)
    t = np.arange(float(len(short)))
    fit = fit_movement(np.zeros(len(t), dtype=np.int64), t, t.copy(), t.copy(), short, short,
                       np.full(len(t), 1.0), 2.0, 10.0)
    np.testing.assert_allclose(fit.offset, side_offsets(t, short, 2.0, 10.0), atol=1e-12)


def test_no_fixes_fit_to_nothing() -> None:
    """Empty input gives empty movement, every array of it."""
    empty_i, empty_f = np.zeros(0, dtype=np.int64), np.zeros(0)
    fit = fit_movement(empty_i, empty_f, empty_f, empty_f, empty_f, empty_f, empty_f, 60.0, 10.0)
    assert [len(a) for a in (fit.m, fit.v_along, fit.v_east, fit.v_north, fit.offset)] == [0] * 5
    assert len(along_velocity(empty_i, empty_f, empty_f, empty_f)) == 0


def test_a_lone_fix_has_no_movement_and_raises_no_numeric_warning() -> None:
    """A segment of one fix is NaN quietly: no division warning escapes the fit."""
    segment = np.array([0, 1, 1], dtype=np.int64)
    t = np.array([0.0, 50.0, 51.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fit_movement(segment, t, t.copy(), t.copy(), t.copy(), np.zeros(3),
                           np.full(3, 10.0), 60.0, 10.0)
        velocity = along_velocity(segment, t, t.copy(), np.full(3, 10.0))
    assert np.isnan(fit.v_along[0]) and np.isnan(fit.v_ground[0]) and np.isnan(velocity[0])
    np.testing.assert_allclose(fit.v_along[1:], 1.0)
