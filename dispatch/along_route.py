"""Movement along a route, fitted over a window of fixes instead of read off two of them.

At one fix a second two fixes are 8 m apart; 4 m of GPS noise then makes the speed and the
heading implied by that pair meaningless. So each fix's movement is a least-squares line fitted
to the fixes of its *segment* (one vehicle's unbroken presence near the route) within a window
either side (longer for slow movement), and never fewer than its two neighbours: the
along-route position m over time gives the along-route velocity, x and y over time the ground
velocity, and the mean signed offset from the axis says which street the track follows. Noise
averages out over the window (21 fixes at 1 s, the neighbours at 60 s), and an outlier moves a
fit by a fraction of its error instead of deciding a pair on its own.

Windows are found with one ``searchsorted`` and summed with cumulative sums, so a route's
candidates are fitted in a few array operations whatever their number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dispatch.fixes import FloatArray, IntArray

__all__ = ["Movement", "fit_movement"]


@dataclass(frozen=True, slots=True, eq=False)
class Movement:
    """Per fix: the fitted movement over its window; NaN where a segment has one fix."""

    m: FloatArray  # fitted along-route position at the fix's time, metres
    v_along: FloatArray  # along-route velocity, m/s, positive as drawn
    v_ground: FloatArray  # ground speed, m/s
    offset: FloatArray  # mean signed offset from the axis over the window, metres


def fit_movement(segment: IntArray, t: FloatArray, m: FloatArray, x: FloatArray,
                 y: FloatArray, offset: FloatArray, half_window_s: FloatArray,
                 offset_side_s: float, offset_step_m: float) -> Movement:
    """Fit every fix's window; ``segment`` numbers the segments, non-decreasing, times rising.

    ``half_window_s`` is per fix: a slow vehicle needs a longer window to move clear of the
    noise. The offset is averaged over ``offset_side_s`` either side, or one side where they
    differ by more than ``offset_step_m`` (``_side_offset``).
    """
    n = len(t)
    if n == 0:
        empty = np.zeros(0)
        return Movement(empty, empty, empty, empty)
    starts = np.flatnonzero(np.concatenate(([True], segment[1:] != segment[:-1])))
    number = np.cumsum(np.concatenate(([True], segment[1:] != segment[:-1]))) - 1
    first = starts[number]
    past = np.concatenate((starts[1:], [n]))[number]
    # Times, positions relative to the segment's first fix: cumulative sums stay small enough
    # that differencing them loses nothing that matters.
    tr = t - t[first]
    span = float(tr.max() + 2.0 * max(half_window_s.max(), offset_side_s)) + 1.0
    key = number * span + tr
    index = np.arange(n)

    lo = np.searchsorted(key, key - half_window_s, side="left")
    hi = np.searchsorted(key, key + half_window_s, side="right")
    lo = np.maximum(first, np.minimum(lo, index - 1))
    hi = np.minimum(past, np.maximum(hi, index + 2))
    count = (hi - lo).astype(np.float64)

    def window_sum(values: FloatArray) -> FloatArray:
        total = np.concatenate(([0.0], np.cumsum(values)))
        result: FloatArray = total[hi] - total[lo]
        return result

    s_t = window_sum(tr)
    mean_t = s_t / count
    var_t = window_sum(tr * tr) - s_t * mean_t
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = var_t > 1e-9 * np.maximum(count, 1.0)

        def slope_and_mean(values: FloatArray) -> tuple[FloatArray, FloatArray]:
            relative = values - values[first]
            s_v = window_sum(relative)
            cov = window_sum(tr * relative) - s_t * s_v / count
            slope: FloatArray = np.where(ok, cov / var_t, np.nan)
            return slope, s_v / count + values[first]

        v_m, mean_m = slope_and_mean(m)
        v_x, _ = slope_and_mean(x)
        v_y, _ = slope_and_mean(y)
        fitted_m = mean_m + v_m * (tr - mean_t)
    return Movement(m=fitted_m, v_along=v_m, v_ground=np.hypot(v_x, v_y),
                    offset=_side_offset(key, first, past, offset, window_sum(offset) / count,
                                        np.maximum(half_window_s, offset_side_s), offset_step_m))


def _side_offset(key: FloatArray, first: IntArray, past: IntArray, offset: FloatArray,
                 near: FloatArray, side_s: FloatArray, step_m: float) -> FloatArray:
    """Per fix, the mean offset over ``side_s`` either side (at least two fixes each way); where
    the two sides differ by more than ``step_m``, only the side that agrees better with the
    offset ``near`` the fix.

    Averaging over a long window tames slowly drifting error; but a centred window would smear
    a turn onto a parallel street over its whole length, and one side of a turn stays clean.
    """
    index = np.arange(len(key))
    total = np.concatenate(([0.0], np.cumsum(offset)))
    lo = np.maximum(first, np.minimum(np.searchsorted(key, key - side_s, side="left"),
                                      index - 2))
    hi = np.minimum(past, np.maximum(np.searchsorted(key, key + side_s, side="right"),
                                     index + 3))
    before = (total[index + 1] - total[lo]) / (index + 1 - lo)
    after = (total[hi] - total[index]) / (hi - index)
    centred = (total[hi] - total[lo]) / (hi - lo)
    side = np.where(np.abs(near - before) <= np.abs(near - after), before, after)
    chosen: FloatArray = np.where(np.abs(before - after) > step_m, side, centred)
    return chosen
