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

__all__ = ["Movement", "along_velocity", "fit_movement"]


@dataclass(frozen=True, slots=True, eq=False)
class Movement:
    """Per fix: the fitted movement over its window; NaN where a segment has one fix."""

    m: FloatArray  # fitted along-route position at the fix's time, metres
    v_along: FloatArray  # along-route velocity, m/s, positive as drawn
    v_east: FloatArray  # ground velocity, m/s
    v_north: FloatArray
    offset: FloatArray  # mean signed offset from the axis over the window, metres

    @property
    def v_ground(self) -> FloatArray:
        """Ground speed, m/s."""
        speed: FloatArray = np.hypot(self.v_east, self.v_north)
        return speed


def fit_movement(segment: IntArray, t: FloatArray, m: FloatArray, x: FloatArray,
                 y: FloatArray, offset: FloatArray, half_window_s: FloatArray,
                 offset_side_s: float, offset_step_m: float) -> Movement:
    """Fit every fix's window; ``segment`` numbers the segments, non-decreasing, times rising.

    ``half_window_s`` is per fix: a slow vehicle needs a longer window to move clear of the
    noise. The offset is averaged over ``offset_side_s`` either side, or one side where they
    differ by more than ``offset_step_m`` (``_side_offset``).
    """
    if len(t) == 0:
        empty = np.zeros(0)
        return Movement(empty, empty, empty, empty, empty)
    windows = _Windows(segment, t, half_window_s, offset_side_s)
    v_m, mean_m = windows.slope_and_mean(m)
    v_x, _ = windows.slope_and_mean(x)
    v_y, _ = windows.slope_and_mean(y)
    return Movement(m=mean_m + v_m * (windows.tr - windows.mean_t), v_along=v_m,
                    v_east=v_x, v_north=v_y,
                    offset=windows.side_offset(offset, np.maximum(half_window_s, offset_side_s),
                                               offset_step_m))


def along_velocity(segment: IntArray, t: FloatArray, m: FloatArray,
                   half_window_s: FloatArray) -> FloatArray:
    """Only the fitted along-route velocity (the cheap first look, for finding U-turns)."""
    if len(t) == 0:
        return np.zeros(0)
    return _Windows(segment, t, half_window_s, 0.0).slope_and_mean(m)[0]


class _Windows:
    """Every fix's window within its segment, and least-squares sums over those windows."""

    def __init__(self, segment: IntArray, t: FloatArray, half_window_s: FloatArray,
                 longest_s: float) -> None:
        n = len(t)
        change = np.concatenate(([True], segment[1:] != segment[:-1]))
        starts = np.flatnonzero(change)
        number = np.cumsum(change) - 1
        self.first = starts[number]
        self.past = np.concatenate((starts[1:], [n]))[number]
        # Times relative to the segment's first fix: cumulative sums stay small enough that
        # differencing them loses nothing that matters.
        self.tr = t - t[self.first]
        span = float(self.tr.max() + 2.0 * max(float(half_window_s.max()), longest_s)) + 1.0
        self.key = number * span + self.tr
        self.index = np.arange(n)
        self.lo, self.hi = self.bounds(half_window_s, 1)
        self.count = (self.hi - self.lo).astype(np.float64)
        s_t = self.sum(self.tr)
        self.mean_t = s_t / self.count
        self.s_t = s_t
        self.var_t = self.sum(self.tr * self.tr) - s_t * self.mean_t
        self.ok = self.var_t > 1e-9 * self.count

    def bounds(self, half: FloatArray, neighbours: int) -> tuple[IntArray, IntArray]:
        """[lo, hi) of each fix's window: ``half`` seconds, and ``neighbours`` fixes, each way."""
        lo = np.searchsorted(self.key, self.key - half, side="left")
        hi = np.searchsorted(self.key, self.key + half, side="right")
        return (np.maximum(self.first, np.minimum(lo, self.index - neighbours)),
                np.minimum(self.past, np.maximum(hi, self.index + neighbours + 1)))

    def sum(self, values: FloatArray) -> FloatArray:
        total = np.concatenate(([0.0], np.cumsum(values)))
        result: FloatArray = total[self.hi] - total[self.lo]
        return result

    def slope_and_mean(self, values: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Per window: the least-squares slope of ``values`` over time, and their mean."""
        relative = values - values[self.first]
        s_v = self.sum(relative)
        cov = self.sum(self.tr * relative) - self.s_t * s_v / self.count
        with np.errstate(invalid="ignore", divide="ignore"):
            slope: FloatArray = np.where(self.ok, cov / self.var_t, np.nan)
        return slope, s_v / self.count + values[self.first]

    def side_offset(self, offset: FloatArray, side_s: FloatArray, step_m: float) -> FloatArray:
        """Per fix, the mean offset over ``side_s`` either side (at least two fixes each way);
        where the two sides differ by more than ``step_m``, only the side that agrees better
        with the fix's own offset (the median of it and its neighbours').

        Averaging over a long window tames slowly drifting error; but a centred window would
        smear a turn onto a parallel street over its whole length, and one side of a turn
        stays clean.
        """
        index = self.index
        total = np.concatenate(([0.0], np.cumsum(offset)))
        lo, hi = self.bounds(side_s, 2)
        before = (total[index + 1] - total[lo]) / (index + 1 - lo)
        after = (total[hi] - total[index]) / (hi - index)
        centred = (total[hi] - total[lo]) / (hi - lo)
        # The fix's own offset, steadied by its neighbours (median of three in its segment).
        prev = offset[np.maximum(index - 1, self.first)]
        succ = offset[np.minimum(index + 1, self.past - 1)]
        own = np.maximum(np.minimum(prev, offset),
                         np.minimum(np.maximum(prev, offset), succ))
        side = np.where(np.abs(own - before) <= np.abs(own - after), before, after)
        chosen: FloatArray = np.where(np.abs(before - after) <= step_m, centred, side)
        return chosen
